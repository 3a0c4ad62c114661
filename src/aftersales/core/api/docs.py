"""Swagger UI at ``/api/docs/`` that runs under the content security policy (R-SYS-5).

drf-spectacular's default page inlines its start-up script and a ``<style>`` block, which the
policy (``script-src 'self' 'nonce-…'``, ``style-src 'self'``) blocks: the page stayed blank. The
split view serves the start-up script as a same-origin file (``?script``), the assets come from
drf-spectacular-sidecar through the static files, and our template moves the inline style into a
static stylesheet, so nothing needs ``'unsafe-inline'``.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "core/api/swagger_ui.html"
