from django.core.management.base import BaseCommand
from django.db import transaction

from aftersales.core.registry import seed_steps


class Command(BaseCommand):
    help = "Build deterministic demo data (each app adds its own step). --scale multiplies the bulk parts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="1 = demo size; larger values grow customers, vehicles and events for benchmarks")
        parser.add_argument("--only", nargs="*", help="run only these steps")

    def handle(self, *args, scale, only, **options):
        for step in seed_steps():
            if only and step.name not in only:
                continue
            self.stdout.write(f"seed: {step.name} …")
            with transaction.atomic():
                step.run(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("seed: done"))
