import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from aftersales.notifications.models import SmsTemplate

from .doubles import ScriptedGateway
from .helpers import DUMMY_TASKS


@pytest.fixture(autouse=True)
def _notification_settings(settings):
    settings.TASKS = DUMMY_TASKS
    settings.AFTERSALES_SMS_GATEWAY = "aftersales.notifications.tests.doubles.ScriptedGateway"
    settings.AFTERSALES_SMS_DAILY_LIMIT = 50
    settings.AFTERSALES_OUTBOX_MAX_ATTEMPTS = 6
    settings.AFTERSALES_OUTBOX_BACKOFF_SECONDS = 60
    settings.AXES_ENABLED = False
    ScriptedGateway.reset()
    yield
    ScriptedGateway.reset()


@pytest.fixture
def gateway():
    return ScriptedGateway


@pytest.fixture
def task_results():
    """Tasks the dummy backend received."""
    from django.tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    return backend.results


@pytest.fixture
def make_user(db):
    def make(username="user", *perms, superuser=False):
        User = get_user_model()
        if superuser:
            return User.objects.create_superuser(username=username, password="pw-12345-secret")
        user = User.objects.create_user(username=username, password="pw-12345-secret")
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("boss", superuser=True)


@pytest.fixture
def templates(db):
    """The seeded templates (data migration), by code."""
    return {t.code: t for t in SmsTemplate.objects.all()}

