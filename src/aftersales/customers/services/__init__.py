"""Writes for the customer and vehicle archive (DESIGN.md rule 1; R-CUS-1..3, R-CUS-6, R-SYS-2), one
module per job: ``customers`` (customers, phones, addresses, archive state), ``vehicles`` (create,
edit, owner change, mileage, key-part lots, reception), ``catalogue`` (vehicle models, warranty
policies, part terms, maintenance plans), ``documents`` (returned documents and their scans) and
``personal_data`` (access log, reveal, one customer's export).

This package is the app's write API, as ``notifications.services`` is: callers import from here
(``from aftersales.customers import services``), so moving a function between the modules changes
no caller.  Every service is keyword-only, runs in a transaction, validates with ``full_clean`` and
writes audit events carrying ``customer_id`` / ``vehicle_id``.
"""

from .catalogue import (
    part_term_set,
    vehicle_model_create,
    vehicle_model_part_term_set,
    vehicle_model_terms_save,
    vehicle_model_update,
)
from .customers import (
    ARCHIVE_WORKING_DAYS,
    CUSTOMER_PREFIX,
    address_add,
    address_update,
    customer_create,
    customer_number,
    customer_update,
    missing_archive_fields,
    name_initials,
    normalise_phone_row,
    phone_add,
    phone_remove,
    phone_set_primary,
    refresh_archive_state,
)
from .documents import document_create, document_update
from .personal_data import (
    EXPORT_APPROVAL_THRESHOLD,
    EXPORT_PERMISSION,
    REVEAL_PERMISSION,
    REVEALABLE_FIELDS,
    export_customer_data,
    export_needs_approval,
    log_personal_data_list_view,
    log_personal_data_view,
    reveal_personal_data,
)
from .vehicles import (
    change_owner,
    receive_vehicle,
    record_mileage,
    set_key_part_lot,
    vehicle_create,
    vehicle_update,
)

__all__ = [
    "ARCHIVE_WORKING_DAYS", "CUSTOMER_PREFIX", "EXPORT_APPROVAL_THRESHOLD", "EXPORT_PERMISSION",
    "REVEALABLE_FIELDS", "REVEAL_PERMISSION", "address_add", "address_update", "change_owner",
    "customer_create", "customer_number", "customer_update", "document_create", "document_update",
    "export_customer_data", "export_needs_approval", "log_personal_data_list_view",
    "log_personal_data_view", "missing_archive_fields", "name_initials",
    "normalise_phone_row", "part_term_set", "phone_add", "phone_remove", "phone_set_primary",
    "receive_vehicle", "record_mileage", "refresh_archive_state", "reveal_personal_data",
    "set_key_part_lot", "vehicle_create", "vehicle_model_create", "vehicle_model_part_term_set", "vehicle_model_terms_save", "vehicle_model_update",
    "vehicle_update", ]
