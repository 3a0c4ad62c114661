import signal
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aftersales.core.registry import periodic_jobs
from aftersales.core.scheduling import run_due, run_forever


class Command(BaseCommand):
    help = ("Run the periodic jobs declared in code (each period at most once, whatever the number of schedulers); "
            "it survives database outages by backing off and carrying on (ADR 0013).")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=20.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval, once, **options):
        self._stop = False
        signal.signal(signal.SIGTERM, self._shutdown)
        signal.signal(signal.SIGINT, self._shutdown)
        names = ", ".join(j.name for j in periodic_jobs()) or "-"
        self.stdout.write(_("Scheduler started; jobs: %(names)s") % {"names": names})
        if once:
            run_due()
            return
        run_forever(interval=interval, sleep=self._sleep, should_stop=lambda: self._stop)

    def _sleep(self, seconds: float) -> None:
        """Sleep in half-second steps so SIGTERM stops the scheduler promptly."""
        slept = 0.0
        while slept < seconds and not self._stop:
            time.sleep(0.5)
            slept += 0.5

    def _shutdown(self, signum, frame):
        self._stop = True
