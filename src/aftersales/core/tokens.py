"""API tokens that end (issue 7 item 11): they expire, a password change revokes them, and their
owner can revoke them from a page or the API.

DRF's ``authtoken`` keeps one token per user with a ``created`` time; a token is valid for
``AFTERSALES_API_TOKEN_DAYS`` days after it (default 30), checked on every request by
``core.api.authentication.ExpiringTokenAuthentication``.  Asking for a token again after it expired issues a
new key.  Every issue and revocation is audited.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from . import audit
from .events import AUTH_TOKEN_ISSUED, AUTH_TOKEN_REVOKED


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "AFTERSALES_API_TOKEN_DAYS", 30)))


def expires_at(token: Token) -> datetime.datetime:
    return token.created + lifetime()


def is_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def token_for(*, user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def issue_token(*, user) -> Token:
    """The user's valid token, or a new one when there is none or it expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not is_expired(token):
        return token
    if token is not None:
        token.delete()
    token = Token.objects.create(user=user)
    audit.record(actor=user, action=AUTH_TOKEN_ISSUED, obj=user)
    return token


@transaction.atomic
def revoke_tokens(*, user, actor=None, reason: str = "") -> int:
    """Delete the user's token(s); returns how many there were.  Audited when one existed."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record(actor=actor or user, action=AUTH_TOKEN_REVOKED, obj=user, note=reason[:300])
    return deleted
