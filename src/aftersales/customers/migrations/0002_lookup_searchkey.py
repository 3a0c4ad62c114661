"""Lookup key table (R-CUS-5); see ``aftersales.customers.models.search``.

On PostgreSQL the key column is ``COLLATE "C"`` so B-tree range scans compare bytes (UTF-8 byte
order = code-point order, which the lookup's range bounds rely on) whatever the database locale.
"""

from django.db import migrations, models


def _c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE customers_searchkey ALTER COLUMN "key" TYPE varchar(64) COLLATE "C"')


def _fill(apps, schema_editor):
    from aftersales.customers.lookup.index import rebuild_search_index

    # The indexes of CreateModel are deferred to the end of this migration: fill first, index after.
    rebuild_search_index(using=schema_editor.connection.alias, manage_indexes=False)


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchKey",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("key", models.CharField(max_length=64)),
                ("customer_id", models.BigIntegerField(blank=True, null=True)),
                ("vehicle_id", models.BigIntegerField(blank=True, null=True)),
                ("organisation_id", models.BigIntegerField(blank=True, null=True)),
                ("is_primary", models.BooleanField(default=True)),
            ],
            options={
                "verbose_name": "search key",
                "verbose_name_plural": "search keys",
                "indexes": [
                    models.Index(fields=["key", "-id"], name="searchkey_key"),
                    models.Index(fields=["organisation_id", "key", "-id"], name="searchkey_org_key"),
                    models.Index(fields=["customer_id"], name="searchkey_customer"),
                    models.Index(fields=["vehicle_id"], name="searchkey_vehicle"),
                ],
            },
        ),
        migrations.RunPython(_c_collation, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(_fill, migrations.RunPython.noop, elidable=True),
    ]
