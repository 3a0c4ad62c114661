"""Audit action names of the parts app (``<app>.<model>.<verb>``, ADR 0015)."""

from aftersales.core.events import declare_model_events

SUPPLIER = declare_model_events("parts.supplier")
PART = declare_model_events("parts.part")
MONITORED_CATEGORY = declare_model_events("parts.monitoredpartcategory")
