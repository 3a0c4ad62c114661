"""``aftersales demo``: migrate, seed once, then run web + worker + scheduler together.

The one command of README (a).  Children are plain subprocesses of this one, so Ctrl-C stops all.
They run as production would (issue 8 item 11): ``DEBUG`` off unless ``AFTERSALES_DEBUG`` says
otherwise, so a newcomer sees the branded 404 / 403 / 500 pages and static files come from
WhiteNoise, never Django's debug pages.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_LOGINS = ["admin", "manager", "agent", "advisor", "technician", "engineer", "parts", "quality", "dealer", "dealer2"]


class Command(BaseCommand):
    help = "Run the demo: migrate, seed demo data (first time), start web + worker + scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and exit")
        parser.add_argument("--reseed", action="store_true", help="run the seed again even if data exists")

    def handle(self, *args, addr, no_serve, reseed, **options):
        from django.contrib.auth import get_user_model

        call_command("migrate", interactive=False, verbosity=0)
        if reseed or not get_user_model().objects.filter(username="agent").exists():
            call_command("seed", stdout=self.stdout)
        self.print_logins(addr)
        if no_serve:
            return
        exe = [sys.executable, "-m", "aftersales"]
        env = self.child_env(addr)
        web = [sys.executable, "-m", "gunicorn", "aftersales.wsgi:application", "--bind", addr, "--workers", "2",
               "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5"]
        procs = [
            subprocess.Popen(web, env=env),
            subprocess.Popen([*exe, "worker", "--interval", "1"], env=env),
            subprocess.Popen([*exe, "scheduler"], env=env),
        ]

        def stop(*_):
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(1)
        finally:
            stop()
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()

    @staticmethod
    def child_env(addr: str) -> dict:
        """The environment of web, worker and scheduler: production-like unless told otherwise."""
        env = dict(os.environ)
        env.setdefault("AFTERSALES_DEBUG", "0")
        host = addr.rsplit(":", 1)[0]
        if host in {"0.0.0.0", "::", "[::]", ""} and "AFTERSALES_ALLOWED_HOSTS" not in env:  # noqa: S104
            # Listening on the LAN: colleagues reach it by this machine's address, whatever it is.
            env["AFTERSALES_ALLOWED_HOSTS"] = "*"
        return env

    def print_logins(self, addr):
        db = settings.DATABASES["default"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"售后服务平台 demo: http://{addr}/   (database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']})"))
        self.stdout.write("演示账号（密码均为 demo） / demo logins (password for all: demo):")
        for name, role, person, organisation in demo_logins():
            self.stdout.write(f"  {name:<11} {role} · {person} · {organisation}")
        self.stdout.write("")


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, role names, person, organisation) of each demo login, in README order.

    The role is the role's own translated name (what the pages show), so the demo, the README table
    and the screens all say the same word."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext

    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)
             .select_related("staff_profile__organisation").prefetch_related("staff_profile__roles")}
    out = []
    for name in DEMO_LOGINS:
        user = users.get(name)
        profile = getattr(user, "staff_profile", None)
        if profile is None:
            continue
        roles = "、".join(gettext(r.name) for r in profile.roles.all())
        out.append((name, roles, profile.display_name or user.get_full_name(), str(profile.organisation)))
    return out
