"""Scope-harness factories for the kernel's scoped rows (issue 7 item 1): audit events, import and
export jobs, export requests — each tied to an organisation by its plain ``organisation_id``."""

import itertools

from django.contrib.auth import get_user_model

from aftersales.core.imports.models import ExportRequest, ImportJob
from aftersales.core.models import AuditEvent

_seq = itertools.count(1)


def audit_event(org):
    return AuditEvent.objects.create(action="org.organisation.updated", object_repr=str(org), organisation_id=org.pk)


def import_job(org):
    return ImportJob.objects.create(kind="customers", organisation_id=org.pk, original_filename="客户.csv")


def export_request(org):
    n = next(_seq)
    requester = get_user_model().objects.create_user(username=f"harness-export-{n}")
    return ExportRequest.objects.create(kind="customers", row_count=5000, reason="年度回访", requested_by=requester,
                                        organisation_id=org.pk)


FACTORIES = {AuditEvent: audit_event, ImportJob: import_job, ExportRequest: export_request}
