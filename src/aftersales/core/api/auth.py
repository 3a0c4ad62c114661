from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """``POST /api/auth/token/`` → ``{"token": …}``; goes through django-axes like the login page."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})})
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(request._request, username=body.validated_data["username"],
                            password=body.validated_data["password"])
        if getattr(request._request, "axes_locked_out", False):
            return Response({"code": "locked_out", "detail": _("Too many failed attempts for this username. Try again in 15 minutes."),
                             "fields": {}}, status=429)
        if user is None or not user.is_active:
            return Response({"code": "invalid_credentials", "detail": _("Wrong username or password."),
                             "fields": {}}, status=400)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
