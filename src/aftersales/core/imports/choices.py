"""Statuses of import jobs and export requests, and their two state machines (ADR 0007).

The models keep ``ImportJob.Status`` / ``ExportRequest.Status`` as aliases of the classes here, so
existing code reads on unchanged.  Who-may guards import the services lazily: this module sits
below the models and must not import them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fsm import StateMachine, Transition


class ImportJobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Validating")
    VALIDATED = "validated", _("Checked")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportMode(models.TextChoices):
    ALL = "all", _("All rows")
    VALID_ONLY = "valid_only", _("Valid rows only")


class ExportRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved, exporting")
    EXPORTED = "exported", _("Exported")
    FAILED = "failed", _("Export failed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# --- import (and export) jobs ---------------------------------------------------------------------

def _may_import(job, user) -> str | None:
    from .registry import get_importer

    importer = get_importer(job.kind)
    if importer is None or not user.has_perm(importer.permission):
        return str(_("You may not import %(kind)s.") % {"kind": importer.label if importer else job.kind})
    return None


_J = ImportJobStatus
RUNNING = (_J.UPLOADED, _J.VALIDATING, _J.APPLYING)
# The worker's moves are ``system``; checking and progress are counters on the row (not audited);
# the user's apply and cancel, a failure and the end of an import are.  The import's summary event
# ``imports.<kind>.applied`` is written by the apply itself (it carries the result).
IMPORT_JOB_MACHINE = StateMachine(
    model="core.ImportJob", states=ImportJobStatus, event_prefix="core.import_job",
    transitions=[
        Transition("apply", source=[_J.VALIDATED], target=_J.APPLYING, label=_("Import"), allowed=_may_import,
                   event="core.import_job.apply_requested"),
        Transition("cancel", source=[_J.UPLOADED, _J.VALIDATED], target=_J.CANCELLED, label=_("Cancel"),
                   allowed=_may_import, style="outline-secondary"),
        Transition("validate", source=[_J.UPLOADED, _J.VALIDATING], target=_J.VALIDATING, system=True,
                   audited=False),
        Transition("validated", source=[_J.VALIDATING], target=_J.VALIDATED, system=True, audited=False),
        Transition("restart", source=[_J.VALIDATING], target=_J.UPLOADED, system=True, audited=False),
        Transition("export", source=[_J.UPLOADED, _J.APPLYING], target=_J.APPLYING, system=True, audited=False),
        Transition("done", source=[_J.APPLYING], target=_J.DONE, system=True, audited=False),
        Transition("fail", source=RUNNING + (_J.VALIDATED,), target=_J.FAILED, system=True),
    ],
)


# --- export requests ------------------------------------------------------------------------------

def _may_decide(export_request, user):
    from .approvals import decider_refusal

    return decider_refusal(user, export_request)


def _is_requester(export_request, user):
    from .approvals import ApprovalDenied

    if export_request.requested_by_id != user.pk:
        return ApprovalDenied(_("Only the person who asked may cancel the request."))
    return None


_E = ExportRequestStatus
# ``approved`` → ``exported``/``failed`` is the worker's; ``exported`` → ``expired`` removes the file
# when the download window has passed; a pending request nobody decided expires too.
EXPORT_REQUEST_MACHINE = StateMachine(
    model="core.ExportRequest", states=ExportRequestStatus, event_prefix="core.export_request",
    url_name="imports:export_request_action", services="aftersales.core.imports.approvals",
    transitions=[
        Transition("approve", source=[_E.PENDING], target=_E.APPROVED, label=_("Approve"), allowed=_may_decide,
                   style="success", done=_("Approved: the export is being prepared for the requester.")),
        Transition("reject", source=[_E.PENDING], target=_E.REJECTED, label=_("Reject"), allowed=_may_decide,
                   reason_required=True, style="outline-danger", done=_("Rejected; the requester has been told.")),
        Transition("cancel", source=[_E.PENDING], target=_E.CANCELLED, label=_("Cancel the request"),
                   allowed=_is_requester, style="outline-secondary", confirm=_("Cancel this export request?"),
                   done=_("Request cancelled.")),
        Transition("exported", source=[_E.APPROVED], target=_E.EXPORTED, system=True),
        Transition("failed", source=[_E.APPROVED], target=_E.FAILED, system=True),
        Transition("expire", source=[_E.PENDING, _E.EXPORTED], target=_E.EXPIRED, system=True),
    ],
)
