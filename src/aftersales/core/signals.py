"""Login and logout are audited like every other change (R-SYS-3); a new password revokes the
user's API tokens (issue 7 item 11)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from . import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", obj=user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _password_changed(sender, instance, created, **kwargs):
    """A password set with ``set_password`` (every path: admin, services, ``changepassword``)
    revokes the API tokens issued under the old one.  Why a signal: the password has many writers
    outside our services, and this is a security invariant, not business logic.  Django keeps the
    new raw password in ``_password`` until the save finishes; a hash upgrade at login clears it
    first, so it does not revoke."""
    if created or getattr(instance, "_password", None) is None:
        return
    from .tokens import revoke_tokens

    revoke_tokens(user=instance, actor=instance, reason=_("Password changed"))
