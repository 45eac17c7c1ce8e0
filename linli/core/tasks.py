"""Background work of the kernel (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def ping() -> str:
    """A queue's health check: a worker that takes tasks from the queue answers "pong"."""
    return "pong"
