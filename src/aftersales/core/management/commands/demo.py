"""``aftersales demo``: migrate, seed once, then run web + worker + scheduler together.

The one command of README (a).  Children are plain subprocesses of this one, so Ctrl-C stops all.
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
        env = dict(os.environ)
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

    def print_logins(self, addr):
        db = settings.DATABASES["default"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"售后服务平台 demo: http://{addr}/   (database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']})"))
        self.stdout.write("Demo logins (password for all: demo):")
        from django.contrib.auth import get_user_model

        users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)
                 .select_related("staff_profile__organisation")}
        for name in DEMO_LOGINS:
            profile = getattr(users.get(name), "staff_profile", None)
            where = f"{profile.title} · {profile.organisation}" if profile else ""
            self.stdout.write(f"  {name:<11} {where}")
        self.stdout.write("")
