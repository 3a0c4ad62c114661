"""Login throttling by address as well as by username (issue 7 item 11).

django-axes locks a *username* after 5 failures (``AXES_LOCKOUT_PARAMETERS = ["username"]``); it
does not lock an address, because a whole 4S store logs in through one NAT address (ADR 0001).
That left one address free to try a few passwords on every username of the network.  This backend
adds a different kind of limit: an address whose failures within the cool-off window (15 minutes)
span ``AFTERSALES_LOGIN_ADDRESS_USERNAME_LIMIT`` different usernames (default 10) is refused for
any username until those failures age out.  A store's staff mistyping their own passwords stays far
below that; spraying many usernames does not.  Counted from axes' own ``AccessAttempt`` rows
(one per username, address and browser), so nothing else is stored.
"""

from __future__ import annotations

import datetime

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def address_username_limit() -> int:
    return int(getattr(settings, "AFTERSALES_LOGIN_ADDRESS_USERNAME_LIMIT", 10))


def address_is_locked(request) -> bool:
    limit = address_username_limit()
    if not limit or not getattr(settings, "AXES_ENABLED", True):
        return False
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    if not address:
        return False
    since = timezone.now() - (get_cool_off(request) or datetime.timedelta(minutes=15))
    usernames = (AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
                 .values("username").distinct().count())
    return usernames >= limit


class AddressAwareAxesBackend(AxesStandaloneBackend):
    """axes' username lockout, plus the per-address limit above (checked first)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and address_is_locked(request):
            request.axes_locked_out = True
            request.aftersales_address_locked = True
            raise AxesBackendPermissionDenied("too many usernames tried from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)
