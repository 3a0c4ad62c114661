"""Background work for imports and exports (DESIGN.md rule 4): thin tasks taking ids; the services
make them idempotent (a re-run re-checks, or applies in one transaction with upserts)."""

from __future__ import annotations

from django.tasks import task

from . import exports, services


@task
def validate_import(job_id: int) -> str:
    return services.run_validation(job_id).status


@task
def apply_import(job_id: int) -> str:
    return services.run_apply(job_id).status


@task
def run_export(job_id: int) -> str:
    return exports.run_export_job(job_id).status


@task
def resume_stale_imports() -> int:
    """Periodic: pick up jobs whose worker died (heartbeat stopped)."""
    return len(services.resume_stale())
