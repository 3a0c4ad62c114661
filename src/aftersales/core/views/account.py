"""The signed-in user's own API token: when it was issued, when it expires, and a button to revoke
it (issue 7 item 11).  The key itself is shown only once, by ``POST /api/auth/token/``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .. import tokens


class ApiTokenView(LoginRequiredMixin, TemplateView):
    template_name = "core/api_token.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        token = tokens.token_for(user=self.request.user)
        ctx.update(title=gettext_lazy("My API token"), token=token, lifetime_days=tokens.lifetime().days,
                   expires_at=tokens.expires_at(token) if token else None,
                   expired=bool(token and tokens.is_expired(token)))
        return ctx

    def post(self, request, *args, **kwargs):
        if tokens.revoke_tokens(user=request.user, reason=_("Revoked by its owner on the API token page")):
            messages.success(request, _("Your API token was revoked; programs that used it must ask for a new one."))
        else:
            messages.info(request, _("You have no API token to revoke."))
        return redirect("core:api_token")
