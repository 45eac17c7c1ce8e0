"""Background work of the one-window services (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def supervision_sweep() -> dict:
    """Idempotent: overdue matters raised to the community, then the street."""
    from .services import escalate_overdue

    return {str(k): v for k, v in escalate_overdue().items()}
