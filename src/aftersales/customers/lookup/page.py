"""The lookup page ``/customers/lookup/`` (R-CUS-5): the navbar box and the page behind it;
included by ``customers/urls.py`` as ``customers:lookup``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .keys import MAX_QUERY
from .results import lookup


def lookup_page(request):
    """``/customers/lookup/?q=…``: results update as you type (htmx partial ``results``).

    Enter submits ``go=1`` and opens the first result; the navbar box submits ``go=only``, which
    opens the result only when there is exactly one.  Masked hits are never opened.
    """
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect, render

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("customers.view_customer"):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    hits = lookup(user=request.user, q=q) if q else []
    go = request.GET.get("go")
    htmx = bool(getattr(request, "htmx", False))
    if hits and not htmx and hits[0].url and (go == "1" or (go == "only" and len(hits) == 1)):
        return redirect(hits[0].url)
    context = {"q": q, "hits": hits, "title": _("Find customer or vehicle")}
    return render(request, "customers/lookup.html#results" if htmx else "customers/lookup.html", context)


def _page_urls():
    from django.urls import path

    return [path("lookup/", lookup_page, name="lookup")]


urlpatterns_page = _page_urls()
