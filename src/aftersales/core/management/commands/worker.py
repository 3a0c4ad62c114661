from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from aftersales.core.reaper import new_worker_id
from aftersales.core.worker import ResilientWorker


class Command(BaseCommand):
    help = ("Run the background-job worker (django-tasks-db's queue); it survives database outages and a "
            "locked SQLite file by backing off and carrying on (ADR 0013).")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="process what is queued, then exit")
        parser.add_argument("--queue-name", default="*")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, interval, batch, queue_name, max_tasks, **options):
        worker = ResilientWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name="default",
            startup_delay=False, max_tasks=max_tasks, worker_id=new_worker_id(), excluded_queue_names=[])
        # Print each task as db_worker does (settings route django.tasks' logger nowhere else).
        DbWorkerCommand(stdout=self.stdout).configure_logging(options.get("verbosity", 1))
        worker.configure_signals()
        worker.run()
