"""Background work of the reservation engine (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def close_past_reservations() -> dict:
    """Idempotent: undecided requests and unreached waiting places end when their slot begins."""
    from .services import close_past

    return close_past()
