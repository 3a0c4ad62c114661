from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from .core.api.auth import ObtainTokenView
from .core.api.docs import ApiDocsView
from .core.views.auth import LoginView
from .core.views.pages import favicon, healthz

api_patterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("org/", include("aftersales.org.api.urls")),
    path("notifications/", include("aftersales.notifications.api.urls")),
    path("parts/", include("aftersales.parts.api.urls")),
    path("customers/", include("aftersales.customers.api.urls")),
    path("tickets/", include("aftersales.tickets.api.urls")),
    path("imports/", include("aftersales.core.imports.api")),
]

# A database fault answers 503 (branded page / JSON), a bug the branded 500 page (ADR 0013).
handler500 = "aftersales.core.views.errors.server_error"
# A malformed page number in the address: the branded 400 page says which and why (ADR 0017).
handler400 = "aftersales.core.views.pages.bad_request"

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the API's JSON, files).
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("org/", include("aftersales.org.urls")),
    path("notifications/", include("aftersales.notifications.urls")),
    path("parts/", include("aftersales.parts.urls")),
    path("customers/", include("aftersales.customers.urls")),
    path("tickets/", include("aftersales.tickets.urls")),
    path("imports/", include("aftersales.core.imports.urls")),
    path("", include("aftersales.core.urls")),
]
# No route serves MEDIA_ROOT, not even with DEBUG on: every uploaded or generated file holds
# personal data and is served by a view that checks scope and logs the access (ADR 0010).
