import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from aftersales.core.imports.sql import refresh_statistics
from aftersales.core.registry import seed_steps


class Command(BaseCommand):
    help = "Build deterministic demo data (each app adds its own step). --scale multiplies the bulk parts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="1 = demo size; larger values grow customers, vehicles and events for benchmarks")
        parser.add_argument("--only", nargs="*", help="run only these steps")

    def handle(self, *args, scale, only, **options):
        # Say which step runs and how long each took, so a long seed never looks hung (issue 8.11);
        # slow steps draw their own progress bar (core/progress.py) on the same stream.
        steps = [s for s in seed_steps() if not only or s.name in only]
        started = time.monotonic()
        for n, step in enumerate(steps, 1):
            self.stdout.write(f"seed [{n}/{len(steps)}] {step.name} …")
            step_started = time.monotonic()
            with transaction.atomic():
                step.run(scale=scale, stdout=self.stdout)
            self.stdout.write(f"seed [{n}/{len(steps)}] {step.name}: {time.monotonic() - step_started:.1f} s")
        # Fresh tables have no planner statistics until autovacuum gets to them; without them the
        # first lookups on a million-row seed took seconds (issue 8.7).
        refresh_statistics(connection)
        self.stdout.write(self.style.SUCCESS(f"seed: done in {time.monotonic() - started:.1f} s"))
