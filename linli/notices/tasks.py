"""Background work of notices (Django tasks API; enqueued by the scheduler through
core.registry.register_periodic_task)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_gaps() -> dict:
    """Idempotent: read the households without a 户代表 from the registry again for the notices
    still being delivered, so the coverage page's 四个不漏 column follows the registry."""
    from .services import refresh_open_gaps

    return {"notices": refresh_open_gaps()}
