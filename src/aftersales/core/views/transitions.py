"""The one page view that fires a state-machine transition (ADR 0007).

``POST <object>/<transition>/`` with an optional ``reason`` and the ``version`` the page showed.
The object comes through the app's selector (outside the user's scope: 404); the machine decides
the rest.  A refusal the user can act on (wrong state, stale version, missing reason) comes back as
a message on the object's page, nothing changed; one they cannot (no permission) is the branded
403 page, rendered by ``core.middleware.ServiceErrorMiddleware`` like every other service error.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import View

from ..exceptions import ServiceError
from ..fsm import machine_for
from .generic import ScopedObjectMixin


class ObjectTransitionView(ScopedObjectMixin, View):
    """Set ``model`` and ``selector``; route with ``<int:pk>/<slug:transition>/``."""

    http_method_names = ["post"]

    def post(self, request, pk, transition):
        machine = machine_for(self.model)
        t = machine.get(transition)
        if t.system or (t.permission and not request.user.has_perm(t.permission)):
            raise PermissionDenied  # before the lookup: no permission is a 403 whatever the row
        obj = self.get_object()
        version = request.POST.get("version") or None
        try:
            machine.perform(obj, t.name, actor=request.user, reason=request.POST.get("reason", ""),
                            expected_version=int(version) if version and version.isdigit() else None)
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, str(t.done or _("Done: %(action)s.") % {"action": t.label}))
        return HttpResponseRedirect(obj.get_absolute_url())
