"""With REDIS_URL set, tasks go to Redis and RQ's worker runs them: enqueue a task in one process,
run a burst worker in another, and read the result back (real Redis, no mock)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _manage(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "REDIS_URL": REDIS, "DJANGO_SETTINGS_MODULE": "linli.settings"}
    env.pop("DATABASE_URL", None)  # the task touches no database
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


def test_a_task_queued_on_redis_is_run_by_the_rq_worker():
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer on 127.0.0.1:6379: .ci/run starts it")
        pytest.skip("no Redis on 127.0.0.1:6379")
    enqueue = _manage(code=(
        "import django; django.setup()\n"
        "from linli.core.tasks import ping\n"
        "print(ping.enqueue().id)\n"))
    assert enqueue.returncode == 0, enqueue.stderr
    task_id = enqueue.stdout.strip().splitlines()[-1]
    worker = _manage("rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default")
    assert worker.returncode == 0, worker.stderr
    result = _manage(code=(
        "import django; django.setup()\n"
        "from linli.core.tasks import ping\n"
        f"r = ping.get_result({task_id!r}); print(r.status, r.return_value)\n"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "SUCCESSFUL pong"
