"""Background work of messaging (Django tasks API): sending deliveries and the periodic sweep."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver(*, ids: list[int]) -> dict:
    """Send the due deliveries among ``ids`` (one task per chunk of a ``send``)."""
    from .delivery import run

    return run(ids)


@task()
def sweep() -> dict:
    """Due retries, texts held by quiet hours, lost tasks and expired leases (docs/messaging.md)."""
    from .delivery import sweep as sweep_deliveries

    return sweep_deliveries()
