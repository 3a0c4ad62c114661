import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from .context import new_request_id, request_id_var


class RequestIdMiddleware:
    """Tag each request with an id (or the proxy's X-Request-ID) so audit rows can be traced to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = (request.headers.get("X-Request-ID") or "")[:32] or new_request_id()
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class SessionIdleTimeoutMiddleware:
    """Log out a page session after SESSION_IDLE_SECONDS without activity.

    Why not only SESSION_COOKIE_AGE: writing the session on every request is expensive; we only
    touch it once a minute and compare the last-seen time ourselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session") and not request.path.startswith("/api/"):
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?next={request.path}&idle=1")
            if now - last >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


class ServiceErrorMiddleware:
    """A ``ServiceError`` no page view caught becomes the branded error page with its status and
    translated message (the API's exception handler does the same as JSON): one convention for
    refusals everywhere (``core.exceptions``, issue 6 item 11).  Views that can show the message
    beside a field or on the object's page catch it themselves, as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.template.response import TemplateResponse

        from .exceptions import ServiceError

        if not isinstance(exception, ServiceError):
            return None
        response = TemplateResponse(request, "core/errors/service_error.html",
                                    {"error": exception, "message": str(exception.message), "code": exception.code},
                                    status=exception.status)
        return response.render()
