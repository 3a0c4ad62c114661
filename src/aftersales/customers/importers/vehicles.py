"""The vehicle importer (R-CUS-7, R-CUS-2): VIN and plate checks, model and dealer codes, dates
and mileage that make sense, the owner among the importer's own customers; vehicles upserted by
VIN with their first ownership.
"""

from __future__ import annotations

import datetime

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.imports import vectorised as V
from aftersales.core.imports.matching import code_map, existing, lookup_codes
from aftersales.core.imports.reading import ERRORS, ROW
from aftersales.core.imports.registry import BaseImporter, Column
from aftersales.core.imports.sql import Staging, insert_select, table
from aftersales.core.imports.validation import collect_errors, err, required, too_long
from aftersales.core.validators.sanity import FUTURE_DATE

from .. import import_scope
from ..models import Vehicle, VehicleModel, VehicleOwnership
from ..validation import MAX_MILEAGE_KM, MILEAGE_TOO_HIGH, SALE_BEFORE_PRODUCTION
from . import search_index


class VehicleImporter(BaseImporter):
    kind = "vehicles"
    label = gettext_lazy("vehicles")
    written_models = (Vehicle, VehicleOwnership)
    order = 20
    permission = "customers.add_vehicle"
    natural_key = "vin"
    columns = [
        Column("vin", "车架号VIN", required=True, example="LSJA24U62JG269225", aliases=("VIN", "车架号")),
        Column("plate", "车牌号", example="京A12345", aliases=("plate",)),
        # Examples the demo has (customers/seed.py, org/seed.py), so the template's row imports as is.
        Column("model_code", "车型代码", required=True, example="XM-E1", aliases=("model code",),
               help=gettext_lazy("A vehicle model code of the archive, e.g. XM-E1.")),
        Column("colour", "颜色", example="白色"),
        Column("production_date", "生产日期", example="2025-03-18"),
        Column("production_batch", "生产批次", example="B2503-01"),
        Column("dealer_code", "销售经销商代码", example="D1001"),
        Column("sale_date", "销售日期", example="2025-05-01"),
        Column("invoice_date", "开票日期", example="2025-05-01"),
        Column("owner_mobile", "车主手机", example="",
               help=gettext_lazy("The mobile of a customer already in the archive (import customers first); "
                                 "leave empty for a vehicle without an owner yet.")),
        Column("owner_code", "客户编号", example="",
               help=gettext_lazy("Or the customer no. of the owner, e.g. C-D1001-20261202-0001.")),
        Column("mileage", "里程", example="12000"),
    ]

    def prepare(self, job):
        ctx = super().prepare(job)
        ctx["models"] = code_map(VehicleModel.objects.all())
        ctx["dealers"] = code_map(import_scope.dealers_for(job))
        ctx["has_vehicles"] = Vehicle.objects.exists()
        return ctx

    def validate(self, df: pl.DataFrame, ctx) -> pl.DataFrame:
        df = V.vin_columns(df, "vin", "_vin").rename({"_vin_err": "_verr"})
        df = V.phone_columns(df, "owner_mobile", "_omobile").rename({"_omobile_err": "_omerr"})
        plate, pkind, perr = V.plate_check(pl.col("plate"))
        mileage = pl.col("mileage").str.replace_all(r"[,，\s]|km|KM|公里", "")
        df = df.with_columns(
            plate.alias("_plate"), pkind.alias("_pkind"), perr.alias("_perr"),
            V.parse_date(pl.col("production_date")).alias("_pdate"), V.parse_date(pl.col("sale_date")).alias("_sdate"),
            V.parse_date(pl.col("invoice_date")).alias("_idate"),
            mileage.cast(pl.Int64, strict=False).alias("_mileage"),
            pl.col("owner_code").str.to_uppercase().alias("_ocode"),
        )
        dup = ctx["dup"]
        df = df.with_columns(
            lookup_codes(df["model_code"].fill_null(""), ctx["models"]).alias("_model_id"),
            lookup_codes(df["dealer_code"].fill_null(""), ctx["dealers"]).alias("_dealer_id"),
            dup.check("vin", df.select(pl.when(pl.col("_verr").is_null()).then(pl.col("_vin")))["_vin"])
            .alias("_dup_vin"),
        )
        in_db = pl.lit(False)
        if ctx["has_vehicles"]:
            found = existing(Vehicle.objects.all(), "vin", df["_vin"])
            df = df.with_columns(pl.col("_vin").is_in(found["vin"].implode()).alias("_vin_in_db"))
            in_db = pl.col("_vin_in_db")
        # Owner by customer number first, else by mobile.
        # Owners only among the user's customers: another store's customer is "no customer" (issue 7 item 2).
        job = ctx.get("job")
        by_code = existing(import_scope.customers_for(job), "code", df["_ocode"], extra="pk")
        by_mobile = existing(import_scope.phones_for(job), "number", df["_omobile"], extra="customer_id")
        df = (df.join(by_code.rename({"code": "_ocode", "pk": "_owner_by_code"}).unique("_ocode"), on="_ocode",
                      how="left")
                .join(by_mobile.rename({"number": "_omobile", "customer_id": "_owner_by_mobile"}).unique("_omobile"),
                      on="_omobile", how="left"))
        df = df.with_columns(pl.coalesce(pl.col("_owner_by_code"), pl.col("_owner_by_mobile")).cast(pl.Int64)
                             .alias("_owner_id"))
        today = pl.lit(datetime.date.today())
        bad_date = _("Not a date; use YYYY-MM-DD, e.g. 2025-05-01.")
        future = str(FUTURE_DATE)
        checks = [
            required("vin"),
            err("vin", pl.col("vin").is_not_null() & pl.col("_verr").is_not_null(), pl.col("_verr")),
            err("vin", pl.col("_dup_vin"), _("The same VIN appears more than once in the file.")),
            err("vin", in_db, _("A vehicle with this VIN already exists.")),
            err("plate", pl.col("plate").is_not_null() & pl.col("_perr").is_not_null(), pl.col("_perr")),
            required("model_code"),
            err("model_code", pl.col("model_code").is_not_null() & pl.col("_model_id").is_null(),
                _("Unknown vehicle model code.")),
            err("dealer_code", pl.col("dealer_code").is_not_null() & pl.col("_dealer_id").is_null(),
                _("Unknown dealer code, or a dealer outside your organisation.")),
            err("production_date", pl.col("production_date").is_not_null() & pl.col("_pdate").is_null(), bad_date),
            err("sale_date", pl.col("sale_date").is_not_null() & pl.col("_sdate").is_null(), bad_date),
            err("invoice_date", pl.col("invoice_date").is_not_null() & pl.col("_idate").is_null(), bad_date),
            err("production_date", pl.col("_pdate") > today, future),
            err("sale_date", pl.col("_sdate") > today, future),
            err("invoice_date", pl.col("_idate") > today, future),
            err("sale_date", pl.col("_sdate") < pl.col("_pdate"), str(SALE_BEFORE_PRODUCTION)),
            err("mileage", pl.col("mileage").is_not_null() & (pl.col("_mileage").is_null() | (pl.col("_mileage") < 0)),
                _("Give the mileage as a whole number of kilometres.")),
            err("mileage", pl.col("_mileage") > MAX_MILEAGE_KM,
                str(MILEAGE_TOO_HIGH) % {"max": f"{MAX_MILEAGE_KM:,}"}),
            err("owner_mobile", pl.col("owner_mobile").is_not_null() & pl.col("_omerr").is_not_null(),
                pl.col("_omerr")),
            err("owner_code", pl.col("owner_code").is_not_null() & pl.col("_owner_by_code").is_null(),
                _("None of your customers has this number.")),
            err("owner_mobile", pl.col("owner_mobile").is_not_null() & pl.col("_omerr").is_null()
                & pl.col("owner_code").is_null() & pl.col("_owner_by_mobile").is_null(),
                _("None of your customers has this mobile number; import the customer first.")),
            too_long("colour", 20), too_long("production_batch", 30),
            *([] if import_scope.sees_all(job) else import_scope.vehicle_dealer_check()),
        ]
        df = collect_errors(df, checks)
        return df.select(
            pl.col(ROW), pl.col(ERRORS), pl.col("_vin").alias("vin"), pl.col("_plate").replace("", None).alias("plate"),
            pl.col("_pkind").alias("plate_kind"), pl.col("_model_id").alias("model_id"), "colour",
            pl.col("_pdate").cast(pl.String).alias("production_date"), "production_batch",
            pl.col("_dealer_id").alias("dealer_id"), pl.col("_sdate").cast(pl.String).alias("sale_date"),
            pl.col("_idate").cast(pl.String).alias("invoice_date"), pl.col("_owner_id").alias("owner_id"),
            pl.col("_mileage").fill_null(0).alias("mileage"),
        )

    STAGE = {"row": "bigint", "vin": "text", "plate": "text", "plate_kind": "text", "model_id": "bigint",
             "colour": "text", "production_date": "date", "production_batch": "text", "dealer_id": "bigint",
             "sale_date": "date", "invoice_date": "date", "owner_id": "bigint", "mileage": "bigint"}

    def apply(self, job, frames, *, mode, connection, progress=None, refresh_index: bool = True) -> dict:
        stage = "imp_stage_vehicles"
        with Staging(connection, stage, self.STAGE) as st:
            for df in frames:
                st.load(df.rename({ROW: "row"}))
                if progress:
                    progress(st.rows)
            st.analyze()
            created = insert_select(connection, Vehicle, {
                "vin": "s.vin", "plate": "COALESCE(s.plate, '')", "plate_kind": "COALESCE(s.plate_kind, '')",
                "vehicle_model_id": "s.model_id", "colour": "COALESCE(s.colour, '')",
                "production_date": "s.production_date", "production_batch": "COALESCE(s.production_batch, '')",
                "selling_dealer_id": "s.dealer_id", "servicing_dealer_id": "s.dealer_id", "sale_date": "s.sale_date",
                "invoice_date": "s.invoice_date", "owner_id": "s.owner_id", "current_mileage": "s.mileage",
                "mileage_read_on": "CASE WHEN s.mileage > 0 THEN CURRENT_DATE END",
            }, source=f"{stage} s")
            veh, own = table(connection, Vehicle), table(connection, VehicleOwnership)
            ownerships = insert_select(connection, VehicleOwnership, {
                "vehicle_id": "v.id", "customer_id": "s.owner_id",
                "started_on": "COALESCE(s.invoice_date, s.sale_date, CURRENT_DATE)", "reason": "'import'",
            }, source=f"{stage} s JOIN {veh} v ON v.vin = s.vin",
                where=f"s.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {own} o WHERE o.vehicle_id = v.id)")  # noqa: S608
            total = st.rows
            with connection.cursor() as cur:
                cur.execute(f"SELECT v.id FROM {stage} s JOIN {veh} v ON v.vin = s.vin" if total <= search_index.REINDEX_LIMIT  # noqa: S608
                            else "SELECT 1 WHERE 1 = 0")  # noqa: S608
                ids = [r[0] for r in cur.fetchall()]
        if refresh_index:
            search_index.refresh(connection, vehicle_ids=ids, total=total)
        return {"created": created, "updated": 0, "skipped_existing": total - created, "ownerships": ownerships}
