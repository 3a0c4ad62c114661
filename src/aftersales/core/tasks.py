"""Kernel jobs: thin tasks taking ids (DESIGN.md rule 4)."""

import logging

from django.tasks import task

log = logging.getLogger("aftersales.jobs")


@task
def heartbeat() -> str:
    """Proves the worker and scheduler run; visible in the job list."""
    log.info("heartbeat")
    return "ok"


@task
def sla_escalate() -> int:
    """Fire the SLA escalation levels that have fallen due (core.calendar.clocks, every minute)."""
    from .calendar.clocks import escalate_due

    return escalate_due()
