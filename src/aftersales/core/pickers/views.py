"""``/pick/<kind>/?q=…``: the HTML fragment of matches a picker box shows (issue 8 item 6)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from .registry import get_picker

MAX_QUERY = 64


@method_decorator(never_cache, name="dispatch")
class PickerView(LoginRequiredMixin, View):
    """At most ``kind.limit`` matches inside the user's scope, masked as the role sees them; an empty
    state in words; nothing at all below the kind's minimum length."""

    def get(self, request, kind):
        picker = get_picker(kind)
        if picker is None:
            raise Http404
        if not request.user.has_perm(picker.permission):
            raise PermissionDenied
        q = (request.GET.get("q") or "").strip()[:MAX_QUERY]
        too_short = len(q) < picker.min_length
        options = []
        if not too_short:
            found = picker.search(user=request.user, q=q, limit=picker.limit)
            options = picker.describe(list(found)[: picker.limit], user=request.user)
        return render(request, "core/pickers/results.html", {
            "q": q, "options": options, "too_short": too_short and bool(q), "min_length": picker.min_length,
            "list_id": (request.GET.get("list") or "")[:80],
        })
