"""Background work of the kernel (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def ping() -> str:
    """A queue's health check: a worker that takes tasks from the queue answers "pong"."""
    return "pong"


@task()
def supervision_sweep() -> dict:
    """The supervision clock (core.supervision): every registered thing with a deadline warned
    near its limit and raised when late, each once per round. Idempotent: safe to run twice, or
    on two workers at once. A clock with an ``every`` setting is swept at most that often."""
    from . import supervision

    return {name: {str(k): v for k, v in levels.items()}
            for name, levels in supervision.sweep(names=supervision.due_clocks()).items()}
