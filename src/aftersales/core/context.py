"""Request-scoped context (request id, current actor) carried in contextvars.

Why: services are called from views, API, tasks and commands; the audit trail needs the request id
without every service taking it as a parameter.
"""

import contextvars
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("aftersales_request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]
