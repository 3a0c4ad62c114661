"""The 500 handler, which answers 503 when the database is what failed (ADR 0013).

Django calls ``handler500`` from inside the ``except`` block that caught the error, so
``sys.exc_info()`` tells a database fault (unreachable, or SQLite locked past its busy timeout)
from a bug.  A fault is temporary and not the user's doing: pages get the branded 503 page, the API
and ``/healthz`` a JSON body, all with ``Retry-After``.  Nothing here touches the database — no
session, no user, no context processors — because the database is the thing that is down.
"""

from __future__ import annotations

import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

from ..faults import RETRY_AFTER_SECONDS, is_database_fault

JSON_PREFIXES = ("/api/", "/healthz")


def wants_json(request) -> bool:
    return request.path.startswith(JSON_PREFIXES) or "application/json" in request.headers.get("Accept", "")


def service_unavailable_payload() -> dict:
    return {"code": "service_unavailable",
            "detail": _("The service is temporarily unavailable (the database cannot be reached). "
                        "Please try again in a moment."),
            "fields": {}}


def service_unavailable(request):
    """503 for a database fault: JSON for the API and health check, the branded page otherwise."""
    if request.path.startswith("/healthz"):
        response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    elif wants_json(request):
        response = JsonResponse(service_unavailable_payload(), status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    if is_database_fault(sys.exc_info()[1]):
        return service_unavailable(request)
    if wants_json(request):
        return JsonResponse({"code": "server_error", "detail": _("Something went wrong on our side."), "fields": {}},
                            status=500)
    return django_server_error(request, template_name=template_name)
