"""Scope rules of the customer and vehicle imports (issue 7 item 2, issue 6 item 9, ADR 0012).

An import is a write like any other: every reference a row sets is checked against the scope of
the person who started the job, and no error message tells them anything about rows outside it.

- Dealer codes resolve only to organisations in the user's scope (``dealers_for``).
- A customer row with a customer number updates that customer only when it is one of the user's
  own; for anyone who does not see the whole network a number that is not theirs is refused with
  the same words whether or not it exists elsewhere, so the file cannot probe other stores.
- An import never moves an existing customer to another dealer (head office included: a move is
  done on the customer's page, where it is audited as such).  Each refused attempt on an existing
  customer is an audit event on that customer (``customers.customer.import_refused``), so the
  owning store sees that someone tried.
- "This mobile already belongs to customer …" is said only of the user's own customers; a mobile
  on file only at another store is not taken (the customer page allows the same).
- A vehicle's owner (by number or mobile) is looked up only among the user's customers, and a user
  who does not see the whole network must name the selling dealer: a blank code never lands a car
  in another dealer's scope through its owner.

A job without a person (``aftersales import`` without ``--actor``) is the system and sees all.
"""

from __future__ import annotations

import polars as pl
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.core import audit
from aftersales.core.imports.reading import ROW
from aftersales.core.scoping import restrict_queryset, scope_for
from aftersales.org.models import Organisation

from . import events
from .models import Customer, CustomerPhone

REFUSED_ACTION = events.CUSTOMER_IMPORT_REFUSED
# Audit events of refused attempts per job and check run: enough to see who tried what, without a
# hostile million-row file writing a million events.
MAX_ATTEMPT_EVENTS = 200


def sees_all(job) -> bool:
    user = job.created_by if job is not None else None
    return user is None or scope_for(user).everything


def _scoped(qs: QuerySet, job) -> QuerySet:
    return qs if sees_all(job) else restrict_queryset(qs, job.created_by)


def dealers_for(job) -> QuerySet[Organisation]:
    """Organisations a row's dealer code may name: those in the user's scope."""
    return _scoped(Organisation.objects.all(), job)


def customers_for(job) -> QuerySet[Customer]:
    return _scoped(Customer.objects.all(), job)


def phones_for(job) -> QuerySet[CustomerPhone]:
    return _scoped(CustomerPhone.objects.all(), job)


def customer_code_columns(df: pl.DataFrame, job) -> pl.DataFrame:
    """Add ``_cur_dealer`` (the owning dealer of the customer the row's number names, on the
    whole network: the apply must never move one), ``_exists`` (the number is on file) and ``_mine`` (the number is one of the user's
    own customers)."""
    from aftersales.core.imports.matching import existing

    codes = df["_code"]
    known = existing(Customer.objects.all(), "code", codes, extra="owning_dealer_id")
    known = known.rename({"code": "_code", "owning_dealer_id": "_cur_dealer"}).unique("_code").with_columns(
        pl.col("_cur_dealer").cast(pl.Int64), pl.lit(True).alias("_exists"))
    df = df.join(known, on="_code", how="left").with_columns(pl.col("_exists").fill_null(False))
    if sees_all(job):
        return df.with_columns(pl.lit(True).alias("_mine"))
    mine = existing(customers_for(job), "code", codes)["code"]
    return df.with_columns(pl.col("_code").is_in(mine.implode()).alias("_mine"))


def foreign_code() -> pl.Expr:
    return pl.col("_code").is_not_null() & ~pl.col("_mine")


def moves_dealer() -> pl.Expr:
    return (pl.col("_code").is_not_null() & pl.col("_mine") & pl.col("_cur_dealer").is_not_null()
            & pl.col("_dealer_id").is_not_null() & (pl.col("_cur_dealer") != pl.col("_dealer_id")))


def customer_code_checks() -> list:
    from aftersales.core.imports.validation import err

    return [
        err("code", foreign_code(),
            _("None of your customers has this number. Leave 客户编号 empty to add a new customer "
              "(it is numbered automatically).")),
        err("dealer_code", moves_dealer(),
            _("An import does not move a customer to another dealer; change the owning dealer on the "
              "customer's page.")),
    ]


def record_refused_attempts(df: pl.DataFrame, ctx) -> None:
    """One audit event on each existing customer a row tried to take over or move (capped)."""
    job = ctx.get("job")
    left = MAX_ATTEMPT_EVENTS - ctx.setdefault("attempt_events", 0)
    if job is None or left <= 0:
        return
    tried = df.filter((foreign_code() | moves_dealer()) & pl.col("_cur_dealer").is_not_null()).head(left)
    if not tried.height:
        return
    customers = {c.code: c for c in Customer.objects.filter(code__in=tried["_code"].to_list())}
    for row, code, dealer_id in tried.select(ROW, "_code", "_dealer_id").iter_rows():
        customer = customers.get(code)
        if customer is None:
            continue
        audit.record(actor=job.created_by, action=REFUSED_ACTION, obj=customer,
                     changes={"owning_dealer": [customer.owning_dealer_id, dealer_id]},
                     note=_("Import job #%(job)s, row %(row)s: refused, the customer was not moved.")
                     % {"job": job.pk, "row": row})
        ctx["attempt_events"] += 1


def vehicle_dealer_check() -> list:
    """For users who do not see the whole network, the dealer code is required."""
    from aftersales.core.imports.validation import err

    return [err("dealer_code", pl.col("dealer_code").is_null(),
                _("Give the selling dealer's code: you may import vehicles only into your own organisations."))]
