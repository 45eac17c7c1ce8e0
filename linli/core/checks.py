"""System checks of the kernel (``manage.py check --database default``; ``migrate`` runs them on
every deploy)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.db.models import Count
from django.utils.module_loading import import_string


@register(Tags.database)
def queued_tasks_resolve(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Warning]:
    """Tasks waiting in the database queue must still name a task of this build: a task renamed or
    removed by a deploy would leave its queued rows to fail when a worker takes them."""
    from django.apps import apps

    if not databases or not apps.is_installed("django_tasks_db"):
        return []
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = dict(DBTaskResult.objects.filter(status="READY").values("task_path").annotate(n=Count("id"))
                       .values_list("task_path", "n"))
    except DatabaseError:  # not migrated yet: nothing is queued
        return []
    out = []
    for path, n in sorted(waiting.items()):
        try:
            import_string(path)
        except ImportError:
            out.append(Warning(
                f"{n} queued task(s) name {path}, which this build no longer has; a worker will fail them",
                hint="Let the old build's workers drain the queue before deploying, or mark those rows failed "
                     "in admin (后台任务) after checking what they were for.",
                id="linli.W001"))
    return out
