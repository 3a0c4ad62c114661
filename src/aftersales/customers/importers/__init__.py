"""Importers of the customer and vehicle archive (R-CUS-7), plugged into the kernel's import jobs
(``core/imports``; the parts importer lives in ``parts/importers.py``).

Validation works on whole columns with polars (the vectorised twins of ``core.validators``);
reference codes are loaded once per job and joined; duplicates are found inside the file (across
chunks) and against the database.  Apply writes set-based through a staging table (COPY on
PostgreSQL) and upserts by natural key — customer number, VIN — so running it again never
duplicates.  One module per job: ``customers`` (checks of a customer row), ``customer_writes``
(numbers and the set-based writes), ``vehicles``, ``search_index`` (keeping the lookup's keys in
step with a load).
"""

from aftersales.core.imports.registry import register_importer

from .customers import CustomerImporter
from .vehicles import VehicleImporter

__all__ = ["CustomerImporter", "VehicleImporter"]

register_importer("customers", CustomerImporter())
register_importer("vehicles", VehicleImporter())
