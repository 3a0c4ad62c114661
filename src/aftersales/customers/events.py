"""Audit action names of the customer archive (``<app>.<model>.<verb>``, ADR 0015).

The services name these constants; the timeline (``customers/timeline.py``) turns each into a
Chinese sentence.  ``core.audit.record`` refuses an undeclared name in tests.
"""

from aftersales.core.events import declare, declare_model_events

CUSTOMER_CREATED = declare("customers.customer.created")
CUSTOMER_UPDATED = declare("customers.customer.updated")
CUSTOMER_PRIMARY_PHONE_CHANGED = declare("customers.customer.primary_phone_changed")
CUSTOMER_ARCHIVE_COMPLETED = declare("customers.customer.archive_completed")
CUSTOMER_ARCHIVE_REOPENED = declare("customers.customer.archive_reopened")
CUSTOMER = declare_model_events("customers.customer")
# An import row that tried to update a customer outside the importer's scope (customers/import_scope.py).
CUSTOMER_IMPORT_REFUSED = declare("customers.customer.import_refused")

PHONE_ADDED = declare("customers.phone.added")
PHONE_REMOVED = declare("customers.phone.removed")
ADDRESS_ADDED = declare("customers.address.added")
ADDRESS_UPDATED = declare("customers.address.updated")

VEHICLE_CREATED = declare("customers.vehicle.created")
VEHICLE_UPDATED = declare("customers.vehicle.updated")
VEHICLE_VIN_OVERRIDE = declare("customers.vehicle.vin_override")
VEHICLE_OWNER_CHANGED = declare("customers.vehicle.owner_changed")
VEHICLE = declare_model_events("customers.vehicle")
MILEAGE_RECORDED = declare("customers.mileage.recorded")
# The first reading of a new odometer, with the reason (issue 7 item 9).
ODOMETER_REPLACED = declare("customers.vehicle.odometer_replaced")
KEYPART_SET = declare("customers.keypart.set")

VEHICLE_MODEL = declare_model_events("customers.vehiclemodel")
WARRANTY_POLICY = declare_model_events("customers.warrantypolicy", "created", "updated")
MAINTENANCE_PLAN = declare_model_events("customers.maintenanceplan", "created", "updated")
PART_TERM = declare_model_events("customers.partterm", "created", "updated")

DOCUMENT_CREATED = declare("customers.document.created")
DOCUMENT_UPDATED = declare("customers.document.updated")
# The generic API update path names the model itself (customers.customerdocument.updated).
DOCUMENT = declare_model_events("customers.customerdocument")
