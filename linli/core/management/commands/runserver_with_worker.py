"""``runserver`` plus the background-task worker and the periodic scheduler, so ``make run`` alone runs the whole platform
(periodic sweeps and queued tasks included)."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

from django.core.management.commands.runserver import Command as RunserverCommand


class Command(RunserverCommand):
    help = "启动开发服务器，并同时启动后台任务 worker"

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if os.environ.get("RUN_MAIN") != "true":  # the outer process, not the autoreloaded child
            from django.conf import settings

            if settings.REDIS_URL:  # tasks are queued on Redis: RQ's worker runs them
                command = ["rqworker", "--job-class", "django_tasks_rq.Job", "default"]
            else:
                command = ["db_worker", "--queue-name", "default", "--no-reload"]
            worker = subprocess.Popen([sys.executable, "manage.py", *command])  # noqa: S603
            scheduler = subprocess.Popen([sys.executable, "manage.py", "run_scheduler"])  # noqa: S603
            self.stdout.write(f"后台任务 worker(pid {worker.pid})与周期任务调度(pid {scheduler.pid})已启动")
            atexit.register(worker.terminate)
            atexit.register(scheduler.terminate)
        return super().handle(*args, **options)
