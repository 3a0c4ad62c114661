from django.conf import settings

from .registry import navigation_for, shell_context_for
from .scoping import scope_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    ctx = {
        "nav_sections": navigation_for(user),
        "user_scope": scope_for(user),
        "LANGUAGES": settings.LANGUAGES,
    }
    ctx.update(shell_context_for(request))
    return ctx
