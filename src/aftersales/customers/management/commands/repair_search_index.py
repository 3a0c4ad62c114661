from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aftersales.customers import search_repair


class Command(BaseCommand):
    help = ("Re-check the customer and vehicle search index against the archive and repair it "
            "(customers or vehicles without keys, keys of another dealer, keys of deleted rows).")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; exit 1 when something is wrong")

    def _report(self, title, health):
        self.stdout.write(title)
        self.stdout.write(_("  customers: %(n)d, without search keys: %(missing)d, keys of another dealer: %(stale)d")
                          % {"n": health.customers, "missing": health.customers_without_keys,
                             "stale": health.customers_with_stale_dealer})
        self.stdout.write(_("  vehicles: %(n)d, without search keys: %(missing)d")
                          % {"n": health.vehicles, "missing": health.vehicles_without_keys})
        self.stdout.write(_("  search keys: %(n)d, of deleted records: %(orphans)d")
                          % {"n": health.keys, "orphans": health.orphan_keys})

    def handle(self, *args, check, **options):
        before = search_repair.check()
        self._report(_("Search index check:"), before)
        if check:
            if before.problems:
                raise CommandError(_("The search index needs repair: run “aftersales repair_search_index”."))
            return
        after, how = search_repair.repair(before)
        if how == "none":
            self.stdout.write(_("Nothing to repair."))
            return
        self._report(_("After the repair (%(how)s):") % {"how": _("full rebuild") if how == "rebuild"
                                                         else _("damaged rows re-keyed")}, after)
        if after.problems:
            raise CommandError(_("%(n)d problems remain after the repair.") % {"n": after.problems})
        self.stdout.write(self.style.SUCCESS(_("Search index repaired.")))
