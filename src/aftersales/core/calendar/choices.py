"""Kinds of calendar day and how a named calendar decides which days it works."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """A row of the national table: days not listed follow the week (Mon–Fri work, Sat–Sun rest)."""

    WORKING = "working", _("Working day")
    HOLIDAY = "holiday", _("Holiday")
    MAKEUP = "makeup", _("Make-up working day")


# Words an administrator may write in the ``kind`` column of an imported schedule.
KIND_ALIASES = {
    "working": DayKind.WORKING, "work": DayKind.WORKING, "工作日": DayKind.WORKING, "班": DayKind.WORKING, "上班": DayKind.WORKING,
    "holiday": DayKind.HOLIDAY, "假日": DayKind.HOLIDAY, "节假日": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "makeup": DayKind.MAKEUP, "make-up": DayKind.MAKEUP, "补班": DayKind.MAKEUP, "调休": DayKind.MAKEUP,
    "调休上班": DayKind.MAKEUP,
}


class DayRule(models.TextChoices):
    """``national``: works on the national working days (head office); ``own_week``: works on every
    weekday that has windows (4S stores, roadside), closed only on the holidays it names."""

    NATIONAL = "national", _("National working days")
    OWN_WEEK = "own_week", _("Own week (closed on the listed holidays)")


class YearSource(models.TextChoices):
    LIBRARY = "chinese-calendar", _("chinese-calendar library")
    IMPORT = "import", _("Imported schedule")
    MANUAL = "manual", _("Entered by hand")
