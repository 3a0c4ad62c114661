from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background-job worker (django-tasks-db's db_worker)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="process what is queued, then exit")
        parser.add_argument("--queue-name", default="*")

    def handle(self, *args, interval, batch, queue_name, **options):
        kwargs = {"interval": interval, "queue_name": queue_name, "startup_delay": False, "reload": False}
        if batch:
            kwargs["batch"] = True
        call_command("db_worker", **kwargs)
