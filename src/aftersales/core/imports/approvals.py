"""Manager's approval of large exports (R-CUS-7 item 8: "exports of more than 1,000 customers need a
manager's approval"): the writes for :class:`ExportRequest`; the reads (lists, approvers, the
filter set, the work item) are in ``approval_selectors``.

State machine (``choices.EXPORT_REQUEST_MACHINE``, on the kernel's ``core.fsm``, ADR 0007)::

    pending ──approve──▶ approved ──(job done)──▶ exported ──(download window over)──▶ expired
       │                    └──────(job failed / filter grew)──▶ failed
       ├──reject──▶ rejected
       ├──cancel──▶ cancelled        (the requester)
       └──(not decided in time)──▶ expired

Every transition is one service below that fires the machine: in a transaction on the locked row,
checking the version, who may decide (403) and the state (409 with the reason), writing the audit
event ``core.export_request.<status>`` with the actor and ``status: [old, new]``.

Rules:

- only a user with the exporter's permission, over its threshold and without its approval
  permission, asks (managers with the approval permission export directly, as before);
- approvers are users with the exporter's ``approval_permission`` whose scope covers the
  requester's organisation; a requester can never approve (or reject) their own request;
- the export runs as the requester (their permissions and masking), as a background job enqueued
  on commit; it is re-counted when it runs (and when it is approved): more than
  ``exports.APPROVAL_TOLERANCE_PERCENT`` % rows above the approved count refuses, and a new request
  is needed;
- only the requester downloads the file, from the request page; the export and every download are
  written to the personal data access log with the request's reason;
- pending requests expire after ``AFTERSALES_EXPORT_REQUEST_PENDING_DAYS`` (7) days, files after
  ``AFTERSALES_EXPORT_DOWNLOAD_DAYS`` (7) days (the file is deleted).

Notifications: core must not import the notifications app, so it sends :data:`export_request_notice`
(a ``django.dispatch.Signal``) inside the transaction; ``notifications.listeners`` turns it into
in-app notifications, written in the same transaction (DESIGN.md rule 5).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import audit
from ..exceptions import (
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
    StaleVersionError,
    TransitionNotAllowed,
)
from . import exports
from .approval_selectors import approvable_kinds, approvers_for, describe_params, in_scope, kind_label
from .choices import EXPORT_REQUEST_MACHINE, IMPORT_JOB_MACHINE
from .models import ExportRequest, ImportJob

log = logging.getLogger(__name__)

Status = ExportRequest.Status
# An approved job that has not moved for this long is given up (the worker died).
STALE_JOB_AFTER = dt.timedelta(hours=1)
# ... and one still queued after this long (no worker running) too.
QUEUED_JOB_AFTER = dt.timedelta(days=1)

#: Sent with ``recipients`` (users), ``title``, ``body``, ``url``, ``level`` (info | success | warning
#: | danger) whenever users should hear about an export request; the notifications app listens.
export_request_notice = Signal()


class ApprovalDenied(PermissionDeniedError):
    """Who may decide or cancel says no (403)."""


def pending_days() -> int:
    return int(getattr(settings, "AFTERSALES_EXPORT_REQUEST_PENDING_DAYS", 7))


def download_days() -> int:
    return int(getattr(settings, "AFTERSALES_EXPORT_DOWNLOAD_DAYS", 7))


def _notice(recipients, title: str, *, body: str = "", url: str = "", level: str = "info") -> None:
    recipients = [u for u in recipients if u is not None]
    if recipients:
        export_request_notice.send(sender=ExportRequest, recipients=recipients, title=title, body=body, url=url,
                                   level=level)


# --- services -----------------------------------------------------------------------------------

_BY_TARGET = {t.target: t.name for t in EXPORT_REQUEST_MACHINE.transitions}


def _transition(export_request: ExportRequest, *, actor, to: str, note: str = "", expected_version=None,
                **fields) -> ExportRequest:
    """Fire the machine's transition to ``to``; the extra ``fields`` are written and audited with it
    (except the job, which the event names in its note)."""
    name = _BY_TARGET[to]
    return EXPORT_REQUEST_MACHINE.fire(export_request, name, actor=actor, reason=note,
                                       expected_version=expected_version, fields=fields,
                                       audit_fields=[k for k in fields if k != "job"],
                                       check_permission=not EXPORT_REQUEST_MACHINE.get(name).system)


@transaction.atomic
def export_request_create(*, actor, kind: str, params: dict, fmt: str = "csv", reason: str) -> ExportRequest:
    """Ask for a manager's approval of an export above the threshold; the approvers are notified."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the data is needed."), field="reason", code="required")
    params = {str(k): str(v) for k, v in (params or {}).items()}
    exporter, _qs, count = exports.export_count(actor=actor, kind=kind, params=params, fmt=fmt)
    if not exports.needs_approval(exporter, actor, count):
        raise ServiceError(_("This export has %(count)d rows and needs no approval: export it directly.")
                           % {"count": count}, code="approval_not_needed")
    duplicate = ExportRequest.objects.unscoped(reason="the actor's own open requests").filter(requested_by=actor, kind=kind, params=params, format=fmt,
                                             status=Status.PENDING).first()
    if duplicate is not None:
        raise ServiceError(_("You already asked for this export (request #%(id)s); wait for the decision.")
                           % {"id": duplicate.pk}, code="duplicate")
    profile = getattr(actor, "staff_profile", None)
    export_request = ExportRequest(
        requested_by=actor, kind=kind, params=params, format=fmt, row_count=count, reason=reason[:300],
        organisation_id=getattr(profile, "organisation_id", None),
        language=translation.get_language() or settings.LANGUAGE_CODE)
    export_request.full_clean()
    export_request.save()
    audit.record(actor=actor, action="core.export_request.created", obj=export_request, note=reason,
                 changes={"status": [None, Status.PENDING], "kind": [None, kind], "params": [None, params],
                          "format": [None, fmt], "row_count": [None, count]})
    with translation.override(settings.LANGUAGE_CODE):
        _notice(approvers_for(export_request),
                _("%(user)s asks to export %(count)d %(kind)s") % {
                    "user": _user_name(actor), "count": count, "kind": exporter.label},
                body=_("Reason: %(reason)s. Filter: %(filter)s.") % {"reason": reason,
                                                                     "filter": describe_params(params)},
                url=export_request.get_absolute_url(), level="warning")
    return export_request


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "—"


def decider_refusal(actor, export_request: ExportRequest) -> ApprovalDenied | None:
    """Why ``actor`` may not approve or reject this request (None when they may)."""
    if actor is None or export_request.kind not in approvable_kinds(actor):
        return ApprovalDenied(_("You may not approve exports of %(kind)s.") % {"kind": kind_label(export_request.kind)})
    if export_request.requested_by_id == actor.pk:
        return ApprovalDenied(_("You cannot decide your own export request; another manager must."))
    if not in_scope(actor, export_request.organisation_id):
        return ApprovalDenied(_("This request is outside your organisations."))
    return None


def _check_decider(actor, export_request: ExportRequest) -> None:
    refused = decider_refusal(actor, export_request)
    if refused is not None:
        raise refused


@transaction.atomic
def export_request_approve(*, actor, export_request: ExportRequest, note: str = "",
                           enqueue: bool = True, expected_version: int | None = None) -> ExportRequest:
    """Approve: re-count as the requester, start the export job after commit, tell the requester."""
    _check_decider(actor, export_request)
    locked = (ExportRequest.objects.unscoped(reason="re-read under lock; the decider's scope is checked above")
              .select_for_update().select_related("requested_by").get(pk=export_request.pk))
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleVersionError()
    refused = EXPORT_REQUEST_MACHINE.refusal(locked, EXPORT_REQUEST_MACHINE.get("approve"), user=actor)
    if refused is not None:  # checked before counting and creating the job; fired below
        raise refused
    count = exports.export_count(actor=locked.requested_by, kind=locked.kind, params=locked.params,
                                 fmt=locked.format)[2]
    if not exports.within_approval(count, locked.row_count):
        raise ServiceError(
            _("The filter now gives %(count)d rows, more than %(pct)d%% above the %(approved)d rows requested. "
              "Reject this request; the requester must ask again.")
            % {"count": count, "pct": exports.APPROVAL_TOLERANCE_PERCENT, "approved": locked.row_count},
            code="approval_exceeded")
    job = exports.create_export_job(
        owner=locked.requested_by, kind=locked.kind, params=locked.params, fmt=locked.format,
        options={"export_request": locked.pk, "approved_rows": locked.row_count},
        organisation_id=locked.organisation_id, language=locked.language, enqueue=enqueue)
    result = _transition(export_request, actor=actor, to=Status.APPROVED, note=note.strip(),
                         decided_by=actor, decided_at=timezone.now(), decision_note=note.strip()[:500], job=job)
    with translation.override(locked.language or settings.LANGUAGE_CODE):
        _notice([locked.requested_by], _("Your export request #%(id)s was approved") % {"id": locked.pk},
                body=_("The file is being prepared; you will be told when it can be downloaded."),
                url=result.get_absolute_url(), level="success")
    return result


@transaction.atomic
def export_request_reject(*, actor, export_request: ExportRequest, note: str,
                          expected_version: int | None = None) -> ExportRequest:
    """Reject with a note saying why; the requester is told."""
    _check_decider(actor, export_request)
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Say why the export is rejected."), field="note", code="required")
    result = _transition(export_request, actor=actor, to=Status.REJECTED, note=note,
                         expected_version=expected_version, decided_by=actor, decided_at=timezone.now(), decision_note=note[:500])
    with translation.override(result.language or settings.LANGUAGE_CODE):
        _notice([result.requested_by], _("Your export request #%(id)s was rejected") % {"id": result.pk},
                body=note, url=result.get_absolute_url(), level="danger")
    return result


@transaction.atomic
def export_request_cancel(*, actor, export_request: ExportRequest, note: str = "",
                          expected_version: int | None = None) -> ExportRequest:
    """The requester withdraws a request that has not been decided yet."""
    if actor is None or export_request.requested_by_id != actor.pk:
        raise ApprovalDenied(_("Only the person who asked may cancel the request."))
    return _transition(export_request, actor=actor, to=Status.CANCELLED, note=note, expected_version=expected_version)


# Pages and API fire the user transitions through these (``EXPORT_REQUEST_MACHINE.perform``).
@EXPORT_REQUEST_MACHINE.performs("approve")
def _approve_action(export_request, *, actor, reason="", expected_version=None):
    return export_request_approve(actor=actor, export_request=export_request, note=reason,
                                  expected_version=expected_version)


@EXPORT_REQUEST_MACHINE.performs("reject")
def _reject_action(export_request, *, actor, reason="", expected_version=None):
    return export_request_reject(actor=actor, export_request=export_request, note=reason,
                                 expected_version=expected_version)


@EXPORT_REQUEST_MACHINE.performs("cancel")
def _cancel_action(export_request, *, actor, reason="", expected_version=None):
    return export_request_cancel(actor=actor, export_request=export_request, note=reason,
                                 expected_version=expected_version)


@transaction.atomic
def export_request_job_finished(*, job: ImportJob) -> ExportRequest | None:
    """The worker's part: the approved request becomes exported or failed with its job (idempotent)."""
    request_id = (job.options or {}).get("export_request")
    export_request = ExportRequest.objects.unscoped(reason="the worker runs a job by its id; no user is asking").select_related("requested_by").filter(
        pk=request_id).first()
    if export_request is None or export_request.status != Status.APPROVED or export_request.job_id != job.pk:
        return export_request
    if job.status == ImportJob.Status.DONE:
        result = _transition(export_request, actor=None, to=Status.EXPORTED, finished_at=timezone.now(),
                             note=_("%(n)d rows written.") % {"n": job.total_rows})
        with translation.override(result.language or settings.LANGUAGE_CODE):
            _notice([result.requested_by], _("Your export #%(id)s is ready to download") % {"id": result.pk},
                    body=_("%(n)d rows. The file can be downloaded for %(days)d days.")
                    % {"n": job.total_rows, "days": download_days()},
                    url=result.get_absolute_url(), level="success")
        return result
    if job.status == ImportJob.Status.FAILED:
        result = _transition(export_request, actor=None, to=Status.FAILED, finished_at=timezone.now(),
                             message=(job.message or "")[:500], note=job.message or "")
        with translation.override(result.language or settings.LANGUAGE_CODE):
            _notice([result.requested_by], _("Your export #%(id)s failed") % {"id": result.pk},
                    body=job.message, url=result.get_absolute_url(), level="danger")
        return result
    return export_request


@transaction.atomic
def export_request_expire(*, export_request: ExportRequest, actor=None, note: str = "") -> ExportRequest:
    """A pending request nobody decided, or an exported file past its download window (deleted)."""
    was_exported = export_request.status == Status.EXPORTED
    result = _transition(export_request, actor=actor, to=Status.EXPIRED, note=note)
    if was_exported and result.job_id:
        job = result.job
        if job.output_file:
            name = job.output_file.name
            transaction.on_commit(lambda: job.output_file.storage.delete(name))
            ImportJob.objects.filter(pk=job.pk).update(output_file="")
    return result


def export_request_download(*, actor, export_request: ExportRequest, ip_address=None):
    """(open file, file name) for the requester of an exported request; the download is logged."""
    if actor is None or export_request.requested_by_id != actor.pk:
        raise ApprovalDenied(_("Only the person who asked for the export may download the file."))
    if export_request.status != Status.EXPORTED or export_request.job is None:
        raise NotFoundError(_("This file is not available (any more)."))
    fh = exports.export_download(actor=actor, job=export_request.job, obj=export_request, ip_address=ip_address)
    return fh, export_request.job.original_filename


def housekeeping(*, now: dt.datetime | None = None) -> dict:
    """Periodic: expire undecided requests and old files; settle approved requests whose job finished
    or whose worker died.  Safe to run twice."""
    now = now or timezone.now()
    counts = {"expired": 0, "settled": 0}
    pending_cutoff = now - dt.timedelta(days=pending_days())
    system = "periodic housekeeping runs as the system over every request"
    for r in ExportRequest.objects.unscoped(reason=system).filter(status=Status.PENDING, created_at__lt=pending_cutoff):
        export_request_expire(export_request=r, note=_("Not decided within %(days)d days.") % {"days": pending_days()})
        counts["expired"] += 1
    file_cutoff = now - dt.timedelta(days=download_days())
    for r in (ExportRequest.objects.unscoped(reason=system).filter(status=Status.EXPORTED, finished_at__lt=file_cutoff)
              .select_related("job")):
        export_request_expire(export_request=r, note=_("The download window of %(days)d days is over; the file was "
                                                        "deleted.") % {"days": download_days()})
        counts["expired"] += 1
    stale = now - STALE_JOB_AFTER
    for r in ExportRequest.objects.unscoped(reason=system).filter(status=Status.APPROVED).select_related("job"):
        job = r.job
        if job is None:
            continue
        stuck = ((job.status == ImportJob.Status.APPLYING and (job.heartbeat_at or job.created_at) < stale)
                 or (job.status == ImportJob.Status.UPLOADED and job.created_at < now - QUEUED_JOB_AFTER))
        if stuck:
            message = _("The export stopped (the worker did not finish it). Ask for a new approval.")
            try:
                IMPORT_JOB_MACHINE.fire(job, "fail", actor=None, note=message,
                                        fields={"finished_at": now, "message": message})
            except TransitionNotAllowed:
                job.refresh_from_db()  # it finished meanwhile
        if not job.is_running:
            export_request_job_finished(job=job)
            counts["settled"] += 1
    return counts


@task
def export_requests_housekeeping() -> dict:
    return housekeeping()


