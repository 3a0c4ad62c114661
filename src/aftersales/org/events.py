"""Audit action names of the org app (``<app>.<model>.<verb>``, ADR 0015); ``core.audit.record``
refuses an undeclared one in tests."""

from aftersales.core.events import declare_model_events

REGION = declare_model_events("org.region")
SKILL = declare_model_events("org.skill")
ORGANISATION = declare_model_events("org.organisation")
ORGANISATION_CREATED = ORGANISATION[0]
DEPARTMENT = declare_model_events("org.department")
ROLE = declare_model_events("org.role")
STAFF = declare_model_events("org.staffprofile")
