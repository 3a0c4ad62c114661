from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def lockout_response(request, credentials=None, *args, **kwargs):
    """django-axes calls this on the sixth failure: same page, a clear message, HTTP 429."""
    view = LoginView.as_view(
        extra_context={"locked_out": _("Too many failed attempts for this username. Try again in 15 minutes.")}
    )
    request.method = "GET"
    response = view(request)
    response.render()
    response.status_code = 429
    return response
