from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A business rule refused the request; ``field`` ties it to a form field when there is one."""

    code = "invalid"
    status = 400

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class StaleVersionError(ServiceError):
    """Someone else saved the object since it was loaded."""

    code = "stale_version"
    status = 409

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Someone else changed this record after you opened it. Reload and try again."), **kwargs)


class TransitionNotAllowed(ServiceError):
    code = "transition_not_allowed"
    status = 409


class OutOfScope(ServiceError):
    """A reference the user set (a customer, a dealer, a vehicle …) lies outside what the user may see.

    Raised by the service, whatever the door (form, API, import, bulk action): narrowing a form's
    choices is a convenience, this is the rule (issue 7 item 2, ADR 0012)."""

    code = "out_of_scope"
    status = 400
