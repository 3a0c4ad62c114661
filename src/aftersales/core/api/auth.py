from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import tokens
from .authentication import ExpiringTokenAuthentication
from .schema import ErrorSerializer

_LOCKED_OUT = "Too many failed logins from this address or for this user (django-axes): `locked_out`."


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """``POST /api/auth/token/`` → ``{"token": …}``; goes through django-axes like the login page.
    ``DELETE /api/auth/token/`` (signed in by the token or a session) revokes the caller's token."""

    def get_authenticators(self):
        if getattr(self.request, "method", None) == "DELETE":
            return [ExpiringTokenAuthentication(), SessionAuthentication()]
        return []

    def get_permissions(self):
        return [IsAuthenticated()] if getattr(self.request, "method", None) == "DELETE" else [AllowAny()]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        tokens.revoke_tokens(user=request.user, reason=_("Revoked by its owner through the API"))
        return Response(status=204)

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
                              429: OpenApiResponse(ErrorSerializer, description=_LOCKED_OUT)})
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(request._request, username=body.validated_data["username"],
                            password=body.validated_data["password"])
        if getattr(request._request, "axes_locked_out", False):
            from ..views.auth import lockout_message

            return Response({"code": "locked_out", "detail": lockout_message(request._request), "fields": {}},
                            status=429)
        if user is None or not user.is_active:
            return Response({"code": "invalid_credentials", "detail": _("Wrong username or password."),
                             "fields": {}}, status=400)
        token = tokens.issue_token(user=user)
        return Response({"token": token.key})
