"""Enqueue the periodic tasks the apps registered (core.registry.register_periodic_task) on their
interval. The tasks are idempotent sweeps, so a second scheduler or a restart does no harm."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from linli.core import registry


class Command(BaseCommand):
    help = "按设定间隔把周期任务(如超期督办巡检)放入后台队列"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="enqueue every periodic task once and exit")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        tasks = registry.periodic_tasks()
        due = dict.fromkeys(tasks, 0.0)
        while True:
            now = time.monotonic()
            for path, every in tasks.items():
                if now >= due[path]:
                    try:
                        import_string(path).enqueue()
                    except Exception as exc:  # keep the scheduler alive; the next tick retries
                        self.stderr.write(f"enqueue {path} failed: {exc}")
                    due[path] = now + every
            if opts["once"]:
                return
            time.sleep(5)
