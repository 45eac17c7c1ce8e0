"""Background work of the needs-and-problems loop (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def escalation_sweep() -> dict:
    """Idempotent: safe to run twice, or on two workers at once."""
    from .services import escalate_overdue

    return {str(k): v for k, v in escalate_overdue().items()}
