"""Background work of public disclosure (Django tasks API; enqueued by the scheduler through
core.registry.register_periodic_task)."""

from __future__ import annotations

from django_tasks import task


@task()
def close_ended_disclosures() -> dict:
    """Idempotent: close the disclosures whose period has ended, each row re-checked under its lock."""
    from .services import close_due

    return {"closed": close_due()}
