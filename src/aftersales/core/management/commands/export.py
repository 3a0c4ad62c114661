"""``aftersales export customers --format csv|xlsx --out FILE [--filter key=value ...] --actor USERNAME``.

The same selector, FilterSet, masking, approval rule and access log as the page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aftersales.core.exceptions import ServiceError
from aftersales.core.imports.exports import export_to_path
from aftersales.core.imports.registry import exporters


class Command(BaseCommand):
    help = "Export a filtered list to CSV (UTF-8 with BOM) or Excel, masked for the actor's role."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(exporters()))
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--out", required=True)
        parser.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("--actor", required=True, help="username: permissions, scope and masking are theirs")

    def handle(self, *args, kind, format, out, filter, actor, **options):
        try:
            user = get_user_model().objects.get(username=actor)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no such user: {actor}") from None
        params = {}
        for item in filter:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter needs KEY=VALUE, got {item!r}")
            params[key] = value
        try:
            count = export_to_path(actor=user, kind=kind, params=params, fmt=format, path=Path(out),
                                   progress=lambda n: self.stdout.write(f"\r{n:,} rows", ending=""))
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(self.style.SUCCESS(f"\nexported {count:,} rows to {out}"))
