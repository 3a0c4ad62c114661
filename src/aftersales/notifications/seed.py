"""Demo step: inbox messages for the demo logins and a few outbox messages in every state."""

from django.contrib.auth import get_user_model

from aftersales.core.registry import SeedStep, register_seed_step
from aftersales.org.models import Organisation
from aftersales.org.seed import DEMO_USERS

from .demo import seed_demo


def seed_notifications(*, scale: float = 1.0, stdout=None) -> None:
    User = get_user_model()
    users = list(User.objects.filter(username__in=[u[0] for u in DEMO_USERS]))
    store = Organisation.objects.filter(code="D1001").first()
    seed_demo(users=users, actor=User.objects.filter(username="admin").first(),
              organisation_id=store.pk if store else None,
              **({"dealer_name": store.short_name or store.name, "dealer_phone": store.phone} if store else {}))


register_seed_step(SeedStep(name="notifications", order=15, run=seed_notifications))
