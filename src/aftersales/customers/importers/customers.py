"""The customer importer's columns and row checks (R-CUS-7, R-CUS-1): phones, resident ID, dealer
code inside the importer's scope, customer type and source, duplicates in the file and against the
user's own customers.  Writing the valid rows is ``customer_writes``.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.imports import vectorised as V
from aftersales.core.imports.matching import code_map, existing, lookup_codes
from aftersales.core.imports.reading import ERRORS, ROW
from aftersales.core.imports.registry import BaseImporter, Column
from aftersales.core.imports.validation import NULL, collect_errors, err, required, too_long
from aftersales.org.models import Region

from .. import import_scope
from ..choices import CustomerKind, CustomerSource
from ..models import Customer, CustomerAddress, CustomerPhone
from ..services import name_initials
from ..validation import LANDLINE_ALLOWED_KINDS, PERSON_NEEDS_MOBILE
from .customer_writes import CustomerWrites

DUPLICATE_PHONE = gettext_lazy("The same phone number appears more than once in the file.")


def initials_column(names: pl.Series) -> pl.Series:
    """Pinyin initials, computed per distinct character (a few thousand pypinyin calls for a
    million names) of the distinct names, and mapped back with one column operation."""
    uniq = names.drop_nulls().unique()
    chars = uniq.str.split("").explode().unique().drop_nulls()
    mapping = {c: name_initials(c) for c in chars.to_list()}
    ini = (uniq.str.split("").list.eval(
        pl.element().replace_strict(list(mapping), list(mapping.values()), default="", return_dtype=pl.String))
        .list.join("").str.slice(0, 40))
    return names.replace_strict(uniq, ini, default=None, return_dtype=pl.String)


def landline_allowed() -> pl.Expr:
    """The row's customer type may give a landline or 400/800 number as its only phone (R-CUS-1)."""
    return pl.col("_kind").is_in([str(k) for k in LANDLINE_ALLOWED_KINDS]).fill_null(False)


def primary_phone_columns(df: pl.DataFrame) -> pl.DataFrame:
    """``_primary`` / ``_pkind`` / ``_pnsn``: the customer's primary phone.  It is the 手机 cell; a
    fleet or company may leave that empty and give only 其他电话 (``_use_other``), an individual
    may not (issue 8 item 9)."""
    use_other = pl.col("mobile").is_null() & landline_allowed() & pl.col("_other").is_not_null()
    return df.with_columns(
        pl.when(use_other).then(pl.col("_other")).otherwise(pl.col("_mobile")).alias("_primary"),
        pl.when(use_other).then(pl.col("_okind")).otherwise(pl.col("_mkind")).alias("_pkind"),
        pl.when(use_other).then(pl.col("_onsn")).otherwise(pl.col("_mnsn")).alias("_pnsn"),
        use_other.alias("_use_other"),
    )


class CustomerImporter(CustomerWrites, BaseImporter):
    kind = "customers"
    label = gettext_lazy("customers")
    written_models = (Customer, CustomerPhone, CustomerAddress)
    order = 10
    permission = "customers.add_customer"
    natural_key = "code"
    columns = [
        Column("code", "客户编号", example="C-D1001-20261202-0001", help=gettext_lazy("Leave empty for new customers."),
               aliases=("customer no.",)),
        Column("kind", "客户类型", example="个人", aliases=("customer type",)),
        Column("name", "姓名", required=True, example="张伟"),
        Column("mobile", "手机", required=True, example="13812345678", aliases=("mobile",),
               help=gettext_lazy("The primary phone. An individual's must be a mobile; a fleet or company may give a "
                                 "landline or 400/800 number here, or only in “其他电话”.")),
        Column("other_phone", "其他电话", example="010-62345678"),
        Column("resident_id", "证件号码", example="", aliases=("身份证号", "resident id")),
        Column("province", "省", example="北京"),
        Column("city", "市", example="北京市"),
        Column("district", "区", example="朝阳区"),
        Column("address", "详细地址", example="建国路 88 号 3 单元 501"),
        Column("person_in_charge", "负责人", example=""),
        Column("dealer_code", "所属经销商代码", required=True, example="D1001", aliases=("dealer code",)),
        Column("source", "来源", example="购车"),
        Column("tags", "标签", example="老客户,车队"),
        Column("notes", "备注", example=""),
    ]

    def prepare(self, job):
        ctx = super().prepare(job)
        ctx["dealers"] = code_map(import_scope.dealers_for(job))
        cities = {}
        for name, pk in Region.objects.filter(kind="city").values_list("name", "pk"):
            cities[name] = pk
            cities[name.removesuffix("市")] = pk
        ctx["cities"] = cities
        ctx["has_phones"] = CustomerPhone.objects.exists()
        return ctx

    def validate(self, df: pl.DataFrame, ctx) -> pl.DataFrame:
        df = V.phone_columns(df, "mobile", "_mobile")
        df = V.phone_columns(df, "other_phone", "_other")
        rid, rerr = V.resident_id_check(pl.col("resident_id"))
        df = df.rename({"_mobile_kind": "_mkind", "_mobile_nsn": "_mnsn", "_mobile_err": "_merr",
                        "_other_kind": "_okind", "_other_nsn": "_onsn", "_other_err": "_oerr"})
        df = df.with_columns(
            rid.alias("_rid"), rerr.alias("_rerr"),
            V.choice(pl.col("kind"), CustomerKind, CustomerKind.PERSON).alias("_kind"),
            V.choice(pl.col("source"), CustomerSource, CustomerSource.IMPORT).alias("_source"),
            pl.col("code").str.to_uppercase().alias("_code"),
        )
        df = primary_phone_columns(df)
        dealer_ids = lookup_codes(df["dealer_code"].fill_null(""), ctx["dealers"])
        city_ids = df["city"].fill_null("").replace_strict(list(ctx["cities"]), list(ctx["cities"].values()),
                                                           default=None, return_dtype=pl.Int64)
        dup = ctx["dup"]
        df = df.with_columns(
            dealer_ids.alias("_dealer_id"), city_ids.alias("_region_id"),
            dup.check("code", df["_code"]).alias("_dup_code"),
            dup.check("mobile", df["_primary"]).alias("_dup_mobile"),
        )
        df = import_scope.customer_code_columns(df, ctx.get("job"))
        # A mobile already stored for another of the user's customers: an existing customer is
        # updated only by number.  Other stores' numbers are neither taken nor named (issue 7 item 2).
        owner_code = NULL
        if ctx["has_phones"]:
            found = existing(import_scope.phones_for(ctx.get("job")), "number", df["_primary"], extra="customer__code")
            if found.height:
                found = found.unique("number")
                df = df.join(found.rename({"number": "_primary", "customer__code": "_owner_code"}), on="_primary",
                             how="left")
                owner_code = pl.col("_owner_code")
        mobile_taken = owner_code.is_not_null() & (pl.col("_code").is_null() | (pl.col("_code") != owner_code))
        in_other = pl.col("_use_other")  # the primary phone came from 其他电话 (a fleet or company)
        taken = V.fmt(_("This phone number already belongs to customer %(code)s."), code=owner_code)
        checks = [
            required("name"), too_long("name", 100),
            err("mobile", pl.col("mobile").is_null() & ~in_other, _("Required; this cell is empty.")),
            err("mobile", pl.col("mobile").is_not_null() & pl.col("_merr").is_not_null(), pl.col("_merr")),
            err("mobile", pl.col("_mkind").is_not_null() & (pl.col("_mkind") != "mobile") & ~landline_allowed(),
                str(PERSON_NEEDS_MOBILE)),
            err("mobile", pl.col("_dup_mobile") & ~in_other, DUPLICATE_PHONE),
            err("other_phone", pl.col("_dup_mobile") & in_other, DUPLICATE_PHONE),
            err("mobile", mobile_taken & ~in_other, taken),
            err("other_phone", mobile_taken & in_other, taken),
            err("other_phone", pl.col("other_phone").is_not_null() & pl.col("_oerr").is_not_null(), pl.col("_oerr")),
            err("resident_id", pl.col("resident_id").is_not_null() & pl.col("_rerr").is_not_null(), pl.col("_rerr")),
            err("code", pl.col("code").is_not_null() & ~pl.col("_code").str.contains(r"^[A-Z0-9][A-Z0-9_-]{0,39}$"),
                _("Use up to 40 letters, digits, '-' or '_'.")),
            err("code", pl.col("_dup_code"), _("The same customer number appears more than once in the file.")),
            err("kind", pl.col("kind").is_not_null() & pl.col("_kind").is_null(),
                _("Unknown customer type; use 个人, 车队 or 公司.")),
            err("source", pl.col("source").is_not_null() & pl.col("_source").is_null(),
                _("Unknown source; use one of: %(values)s.") % {"values": "、".join(
                    str(label) for _v, label in CustomerSource.choices)}),
            required("dealer_code"),
            err("dealer_code", pl.col("dealer_code").is_not_null() & pl.col("_dealer_id").is_null(),
                _("Unknown dealer code, or a dealer outside your organisation.")),
            too_long("address", 200), too_long("person_in_charge", 40), too_long("province", 20),
            too_long("city", 30), too_long("district", 30),
            *import_scope.customer_code_checks(),
        ]
        import_scope.record_refused_attempts(df, ctx)
        df = collect_errors(df, checks)
        tags = (pl.col("tags").str.replace_all(r'["\\]', "").str.split_by_regex(r"[,，;；、\s]+")
                if hasattr(pl.col("tags").str, "split_by_regex") else
                pl.col("tags").str.replace_all(r'["\\]', "").str.replace_all(r"[，;；、\s]+", ",").str.split(","))
        tags_json = pl.when(pl.col("tags").is_null()).then(pl.lit("[]")).otherwise(
            pl.lit('["') + tags.list.eval(pl.element().filter(pl.element() != "")).list.join('","') + pl.lit('"]'))
        out = df.select(
            pl.col(ROW), pl.col(ERRORS),
            pl.col("_code").alias("code"),  # empty for new customers: numbered when applied
            pl.col("_kind").alias("kind"), pl.col("name"),
            pl.col("_primary").alias("mobile"), pl.col("_pnsn").str.reverse().alias("mobile_rev"),
            pl.col("_pkind").alias("mobile_kind"),
            pl.when(in_other).then(NULL).otherwise(pl.col("_other")).alias("other"),
            pl.col("_okind").alias("other_kind"), pl.col("_onsn").str.reverse().alias("other_rev"),
            pl.col("_rid").replace("", None).alias("resident_id"),
            "province", "city", "district", "address", "person_in_charge",
            pl.col("_dealer_id").alias("dealer_id"), pl.col("_region_id").alias("region_id"),
            pl.col("_source").alias("source"), tags_json.str.replace(r'^\[""\]$', "[]").alias("tags"), "notes",
        )
        return out.with_columns(initials_column(out["name"]).alias("initials"))
