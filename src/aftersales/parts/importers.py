"""The parts importer (R-PRT-1, R-CUS-7): the parts catalogue from CSV or Excel, plugged into the
kernel's import jobs.  Rows are checked as whole columns (polars) and upserted by part number, so
importing the same file again updates the parts instead of duplicating them.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.imports import vectorised as V
from aftersales.core.imports.matching import code_map, lookup_codes
from aftersales.core.imports.reading import ERRORS, ROW
from aftersales.core.imports.registry import BaseImporter, Column, register_importer
from aftersales.core.imports.sql import Staging, insert_select, table
from aftersales.core.imports.validation import collect_errors, err, required, too_long

from .choices import PartCategory, PartUnit
from .models import Part, Supplier

_YES = ["是", "y", "yes", "true", "1", "√", "✓"]
_NO = ["否", "n", "no", "false", "0", "×"]


class PartImporter(BaseImporter):
    kind = "parts"
    label = gettext_lazy("parts")
    written_models = (Part,)
    order = 30
    permission = "parts.add_part"
    natural_key = "part_number"
    columns = [
        Column("part_number", "配件编号", required=True, example="MT-2200-01", aliases=("part number",)),
        Column("name", "名称", required=True, example="驱动电机总成"),
        Column("category", "类别", required=True, example="驱动电机"),
        Column("unit", "单位", example="件"),
        Column("price", "单价", example="12800.00"),
        Column("supplier_code", "供应商代码", example="S001"),
        Column("is_accessory", "精品", example="否"),
    ]

    def prepare(self, job):
        ctx = super().prepare(job)
        ctx["suppliers"] = code_map(Supplier.objects.all())
        return ctx

    def validate(self, df: pl.DataFrame, ctx) -> pl.DataFrame:
        number = V.nfkc(pl.col("part_number")).str.strip_chars().str.to_uppercase()
        price = pl.col("price").str.replace_all(r"[¥￥,，\s元]", "")
        flag = pl.col("is_accessory").str.to_lowercase()
        df = df.with_columns(
            number.alias("_number"), price.alias("_price"),
            V.choice(pl.col("category"), PartCategory).alias("_category"),
            V.choice(pl.col("unit"), PartUnit, PartUnit.PIECE).alias("_unit"),
            pl.when(flag.is_null() | flag.is_in(_NO)).then(False).when(flag.is_in(_YES)).then(True).alias("_acc"),
        )
        df = df.with_columns(
            lookup_codes(df["supplier_code"].fill_null(""), ctx["suppliers"]).alias("_supplier_id"),
            ctx["dup"].check("part_number", df["_number"]).alias("_dup"),
        )
        checks = [
            required("part_number"), required("name"), required("category"), too_long("name", 100),
            err("part_number", pl.col("part_number").is_not_null()
                & ~pl.col("_number").str.contains(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"),
                _("Use letters, digits and single hyphens only, e.g. MT-2200-01.")),
            err("part_number", pl.col("_number").str.len_chars() > 40, _("At most %(limit)d characters.") % {"limit": 40}),
            err("part_number", pl.col("_dup"), _("The same part number appears more than once in the file.")),
            err("category", pl.col("category").is_not_null() & pl.col("_category").is_null(),
                _("Unknown category; use one of: %(values)s.") % {"values": "、".join(
                    str(label) for _v, label in PartCategory.choices)}),
            err("unit", pl.col("unit").is_not_null() & pl.col("_unit").is_null(), _("Unknown unit.")),
            err("price", pl.col("price").is_not_null() & ~pl.col("_price").str.contains(r"^\d{1,8}(\.\d{1,2})?$"),
                _("Give the price in yuan with at most 2 decimals, e.g. 128.50.")),
            err("supplier_code", pl.col("supplier_code").is_not_null() & pl.col("_supplier_id").is_null(),
                _("Unknown supplier code.")),
            err("is_accessory", pl.col("is_accessory").is_not_null() & pl.col("_acc").is_null(),
                _("Write 是 or 否.")),
        ]
        df = collect_errors(df, checks)
        return df.select(pl.col(ROW), pl.col(ERRORS), pl.col("_number").alias("part_number"), "name",
                         pl.col("_category").alias("category"), pl.col("_unit").alias("unit"),
                         pl.col("_price").fill_null("0").alias("price"), pl.col("_supplier_id").alias("supplier_id"),
                         pl.col("_acc").cast(pl.Int8).alias("is_accessory"))

    STAGE = {"row": "bigint", "part_number": "text", "name": "text", "category": "text", "unit": "text",
             "price": "text", "supplier_id": "bigint", "is_accessory": "int"}

    def apply(self, job, frames, *, mode, connection, progress=None) -> dict:
        stage = "imp_stage_parts"
        with Staging(connection, stage, self.STAGE) as st:
            for df in frames:
                st.load(df.rename({ROW: "row"}))
                if progress:
                    progress(st.rows)
            st.analyze()
            part = table(connection, Part)
            with connection.cursor() as cur:
                cur.execute(f"SELECT COUNT(*) FROM {stage} s JOIN {part} p ON p.part_number = s.part_number")  # noqa: S608
                updated = cur.fetchone()[0]
            insert_select(connection, Part, {
                "part_number": "s.part_number", "name": "s.name", "category": "s.category", "unit": "s.unit",
                "price": "CAST(s.price AS NUMERIC)", "supplier_id": "s.supplier_id",
                "is_accessory": "(s.is_accessory = 1)",
            }, source=f"{stage} s", conflict=(
                "ON CONFLICT (part_number) DO UPDATE SET name = excluded.name, category = excluded.category, "
                "unit = excluded.unit, price = excluded.price, supplier_id = excluded.supplier_id, "
                f"is_accessory = excluded.is_accessory, updated_at = excluded.updated_at, version = {part}.version + 1"))
            total = st.rows
        return {"created": total - updated, "updated": updated}


register_importer("parts", PartImporter())
