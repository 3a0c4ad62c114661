from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.utils.translation import gettext as _


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def lockout_message(request) -> str:
    if getattr(request, "aftersales_address_locked", False):
        return _("Too many failed logins with different usernames from this address. Try again in 15 minutes.")
    return _("Too many failed attempts for this username. Try again in 15 minutes.")


def lockout_response(request, credentials=None, *args, **kwargs):
    """django-axes calls this on the sixth failure (or an address over its limit, core.throttling):
    same page, a clear message, HTTP 429; the token API gets the JSON error convention."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": lockout_message(request), "fields": {}}, status=429)
    view = LoginView.as_view(extra_context={"locked_out": lockout_message(request)})
    request.method = "GET"
    response = view(request)
    response.render()
    response.status_code = 429
    return response
