import signal
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aftersales.core.registry import periodic_jobs
from aftersales.core.scheduling import run_due


class Command(BaseCommand):
    help = "Run the periodic jobs declared in code (each period at most once, whatever the number of schedulers)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=20.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval, once, **options):
        self._stop = False
        signal.signal(signal.SIGTERM, self._shutdown)
        signal.signal(signal.SIGINT, self._shutdown)
        names = ", ".join(j.name for j in periodic_jobs()) or "-"
        self.stdout.write(_("Scheduler started; jobs: %(names)s") % {"names": names})
        while not self._stop:
            run_due()  # each enqueued run is logged by aftersales.scheduler
            if once:
                break
            slept = 0.0
            while slept < interval and not self._stop:
                time.sleep(0.5)
                slept += 0.5

    def _shutdown(self, signum, frame):
        self._stop = True
