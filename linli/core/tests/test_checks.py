"""The deploy-time check that queued tasks still name a task of this build."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

pytestmark = pytest.mark.django_db


def test_a_queued_task_of_a_removed_function_is_named_at_deploy(capsys):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from linli.core.checks import queued_tasks_resolve

    assert queued_tasks_resolve(databases=["default"]) == []
    common = {"status": "READY", "args_kwargs": {"args": [], "kwargs": {}}, "queue_name": "default", "priority": 0,
              "backend_name": "default", "enqueued_at": timezone.now()}
    DBTaskResult.objects.create(task_path="linli.messaging.tasks.deliver", **common)
    for _ in range(2):
        DBTaskResult.objects.create(task_path="linli.workorders.tasks.gone_in_this_build", **common)
    found = queued_tasks_resolve(databases=["default"])
    assert [(w.id, w.msg.split(" ")[0]) for w in found] == [("linli.W001", "2")]
    assert "linli.workorders.tasks.gone_in_this_build" in found[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check", "--database", "default", "--fail-level", "WARNING")
