"""Kernel jobs: thin tasks taking ids (DESIGN.md rule 4)."""

import logging

from django.tasks import task

log = logging.getLogger("aftersales.jobs")


@task
def heartbeat() -> str:
    """Proves the worker and scheduler run; visible in the job list."""
    log.info("heartbeat")
    return "ok"
