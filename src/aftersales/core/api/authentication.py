"""API authentication classes (a module of their own: DRF imports them from its settings, so they
must not import ``rest_framework.views``)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .. import tokens


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …`` that stops working ``AFTERSALES_API_TOKEN_DAYS`` after issue."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if tokens.is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This API token has expired; ask for a new one with POST /api/auth/token/."), code="token_expired")
        return user, token
