"""The project's URLs plus the lookup routes, for benchmarking before they are wired in."""

from django.urls import URLPattern, URLResolver, include, path

from aftersales import urls as root
from aftersales.customers import lookup as lk
from aftersales.customers import urls as customers_urls
from aftersales.customers.api import urls as api_urls
from aftersales.customers.api.lookup import urlpatterns_api


def _names(patterns) -> set[str]:
    return {p.name for p in patterns if isinstance(p, URLPattern)}


def build():
    page = list(customers_urls.urlpatterns)
    if "lookup" not in _names(page):
        page = lk.urlpatterns_page + page
    api = list(api_urls.urlpatterns)
    if "customer-lookup" not in _names(api):
        api = urlpatterns_api + api
    out = []
    for p in root.urlpatterns:
        if isinstance(p, URLResolver) and str(p.pattern) == "customers/":
            out.append(path("customers/", include((page, "customers"))))
        elif isinstance(p, URLResolver) and str(p.pattern) == "api/":
            sub = [path("customers/", include(api)) if isinstance(s, URLResolver) and str(s.pattern) == "customers/"
                   else s for s in root.api_patterns]
            out.append(path("api/", include(sub)))
        else:
            out.append(p)
    return out


urlpatterns = build()
