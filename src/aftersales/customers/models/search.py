"""The lookup key table behind the search box and the telephony screen-pop (R-CUS-5).

One narrow row per searchable token, ``key`` = one-letter kind prefix + normalised token::

    P  reversed national phone digits   "last N digits"   = prefix of the reversed string
    V  reversed VIN                     "last 6 of VIN"   = prefix of the reversed string
    L  whole normalised plate           full plate        = equality; "京A12" = prefix
    l  inner plate suffixes (len >= 3)  "A12", "12345"    = prefix of a suffix = substring
    N  whole normalised name            "张伟"            = equality or prefix
    n  inner name suffixes (len >= 2)   "晓东" of 李晓东   = prefix of a suffix = substring
    I  pinyin initials                  "zw"              = prefix

Every lookup is therefore a B-tree *range scan* (``key >= lo AND key < hi``), the same on
PostgreSQL and SQLite, with no LIKE, trigram or collation quirks.  On PostgreSQL the column is
``COLLATE "C"`` (byte order = code-point order for UTF-8, which the range bounds rely on); SQLite's
default BINARY collation is the same order.

``organisation_id`` is denormalised so that a scoped (dealer) search stays inside one index,
``(organisation_id, key, -id)``; the network-wide index ``(key, -id)`` serves head office and the
exact-identifier lookups.  A vehicle gets one row per organisation that can see it (selling,
servicing, owner's dealer); ``is_primary`` marks one of them so unscoped searches skip the copies.
Ordering by ``key`` puts the exact token first (it is a prefix of every other match); ``-id`` makes
the most recently (re)indexed record win ties.  Plain integer columns, no foreign keys: the table
is derived data, rebuilt at will by ``aftersales.customers.lookup.index.rebuild_search_index``.
"""

from __future__ import annotations

from django.db import models

__all__ = ["SearchKey"]


class SearchKey(models.Model):
    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=64)
    customer_id = models.BigIntegerField(null=True, blank=True)
    vehicle_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    is_primary = models.BooleanField(default=True)

    class Meta:
        verbose_name = "search key"
        verbose_name_plural = "search keys"
        indexes = [
            models.Index(fields=["key", "-id"], name="searchkey_key"),
            models.Index(fields=["organisation_id", "key", "-id"], name="searchkey_org_key"),
            models.Index(fields=["customer_id"], name="searchkey_customer"),
            models.Index(fields=["vehicle_id"], name="searchkey_vehicle"),
        ]

    def __str__(self) -> str:
        return self.key
