"""One error type for every refusal a service makes (issue 6 item 11, R-SYS-3).

A service that refuses raises :class:`ServiceError` (or a subclass) with a ``code``; what the code
means over HTTP is decided here, once, in :data:`STATUS_BY_CODE`, and read by the API exception
handler (``core.api.exceptions``) and by the page middleware (``core.middleware.ServiceErrorMiddleware``)
alike, so the same refusal is the same status and the same translated text everywhere.

=======================  ======  ===========================================================
code                     status  meaning
=======================  ======  ===========================================================
``invalid`` (default)    400     bad input; ``field``/``fields`` say where
``required``, …          400     any other code not listed: bad input too
``out_of_scope``         400     a referenced object the user may not use (a picker's value)
``permission_denied``    403     the user may not do this at all
``not_found``            404     nothing to act on (any more)
``stale_version``        409     someone else saved the row since it was read
``transition_not_allowed`` 409   the state machine refuses the move (reason in ``message``)
``idempotency_conflict`` 409     a repeated key for a different message
=======================  ======  ===========================================================

Django's own ``ValidationError`` stays the way several fields' errors travel at once (see
``core.validation``); both handlers render it as ``code = "invalid"`` with ``fields``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATUS_BY_CODE: dict[str, int] = {
    "invalid": 400,
    "out_of_scope": 400,
    "permission_denied": 403,
    "not_found": 404,
    "stale_version": 409,
    "transition_not_allowed": 409,
    "idempotency_conflict": 409,
}


def status_for(code: str) -> int:
    """The HTTP status of a refusal code; codes not listed are bad input (400)."""
    return STATUS_BY_CODE.get(code, 400)


class ServiceError(Exception):
    """A business rule refused the request; nothing was changed.

    ``field`` ties the message to one form field; ``fields`` (a dict field → list of messages) carries
    several at once.  The HTTP status follows the code (:func:`status_for`) unless a subclass fixes it.
    """

    code = "invalid"
    status: int | None = None

    def __init__(self, message, *, code: str | None = None, field: str | None = None,
                 fields: dict[str, list] | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code
        if self.status is None or code:
            self.status = status_for(self.code)
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        if field and field not in self.fields:
            self.fields[field] = [str(message)]


class PermissionDeniedError(ServiceError):
    """The user may not do this (403)."""

    code = "permission_denied"
    status = 403

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("You do not have permission to do this."), **kwargs)


class NotFoundError(ServiceError):
    """There is nothing (any more) to act on (404)."""

    code = "not_found"
    status = 404

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("This record does not exist or is outside your organisations."), **kwargs)


class OutOfScopeError(ServiceError):
    """A value names an object the user may not use (400, tied to the field)."""

    code = "out_of_scope"
    status = 400


class StaleVersionError(ServiceError):
    """Someone else saved the object since it was loaded."""

    code = "stale_version"
    status = 409

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Someone else changed this record after you opened it. Reload and try again."), **kwargs)


class TransitionNotAllowed(ServiceError):
    """The state machine refuses the move; the message says why (translated)."""

    code = "transition_not_allowed"
    status = 409

