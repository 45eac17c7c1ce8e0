"""Background work of owners' assemblies (Django tasks API; enqueued by the scheduler through
core.registry.register_periodic_task)."""

from __future__ import annotations

from django_tasks import task


@task()
def assembly_sweep() -> dict:
    """Idempotent: open the called assemblies whose time has come on a locked roll and close those
    past their deadline, each row re-checked under its lock."""
    from .services import sweep

    return sweep()
