"""One urgent notice to everyone: the fan-out of ``messaging.services.send`` on PostgreSQL.

Creates --recipients (50,000) residents with phones (bulk, outside the timing), then times one
``send()`` of an urgent notice to all of them, committed: the inbox rows, the SMS deliveries and
the delivery tasks enqueued (django_tasks_db: a row per task in the same database). Prints the
seconds, rows per second and the number of tasks; the target is under 10 s. Nothing is sent
(the tasks are left in the queue and removed at the end with the rows).

Ends with one JSON line: recipients, seconds, rows_per_s, messages, deliveries, tasks, …
Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/messaging_fanout.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")

from common import machine, refuse_unless_postgres  # noqa: E402

TARGET_SECONDS = 10.0
PREFIX = "bench_fanout_"


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(n: int) -> None:
    """``n`` active accounts with a phone (encrypted, with its search hash), made in bulk."""
    from linli.accounts.models import User
    from linli.core.crypto import lookup_hash

    have = User.objects.filter(username__startswith=PREFIX).count()
    if have >= n:
        return
    rows = []
    for i in range(have, n):
        phone = f"139{i:08d}"
        rows.append(User(username=f"{PREFIX}{i}", display_name=f"居民{i}", password="!", phone=phone,
                         phone_hash=lookup_hash(phone)))
    User.objects.bulk_create(rows, batch_size=2000)


def clean(started_at: object) -> None:
    from django_tasks_db.models import DBTaskResult

    from linli.messaging.models import Message

    Message.objects.filter(kind="bench.notice").delete()  # deliveries go with them
    DBTaskResult.objects.filter(task_path="linli.messaging.tasks.deliver", enqueued_at__gte=started_at).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=50_000)
    parser.add_argument("--keep-users", action="store_true", help="keep the bench accounts for the next run")
    args = parser.parse_args()
    refuse_unless_postgres("messaging_fanout")
    setup()
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from linli.accounts.models import User
    from linli.messaging import kinds, services
    from linli.messaging.models import Delivery, Message

    print(f"数据库 {connection.settings_dict['NAME']}@{connection.settings_dict['HOST']} · PostgreSQL "
          f"{connection.cursor().connection.info.server_version}")
    t = time.perf_counter()
    prepare(args.recipients)
    print(f"{args.recipients:,} 位有手机号的居民(准备 {time.perf_counter() - t:.1f} s，不计时)")
    kinds.register("bench.notice", "压测通知", channels=("inbox", "sms"), urgent=True)
    recipients = User.objects.filter(username__startswith=PREFIX, is_active=True)
    started_at = timezone.now()
    tasks_before = DBTaskResult.objects.filter(task_path="linli.messaging.tasks.deliver").count()

    t = time.perf_counter()
    written = services.send(recipients, "bench.notice", text="【紧急】燃气管道抢修，今晚 20:00 至 24:00 全社区停气，请关好阀门。",
                            urgent=True)  # send() commits, then enqueues on commit
    seconds = time.perf_counter() - t

    messages = Message.objects.filter(kind="bench.notice").count()
    deliveries = Delivery.objects.filter(kind="bench.notice", status="queued").count()
    tasks = DBTaskResult.objects.filter(task_path="linli.messaging.tasks.deliver").count() - tasks_before
    rows = messages + deliveries + tasks
    result = {"recipients": args.recipients, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
              "messages": messages, "deliveries": deliveries, "tasks": tasks, "written": written,
              "target_s": TARGET_SECONDS, "machine": machine()}
    print(f"一次 send()：{messages:,} 条站内消息 + {deliveries:,} 条短信投递 + {tasks} 个投递任务，"
          f"{seconds:.2f} s(已提交)，{rows / seconds:,.0f} 行/s")
    print(f"目标 < {TARGET_SECONDS:.0f} s：" + ("达到" if seconds < TARGET_SECONDS else "未达到"))
    print(f"机器：{result['machine']}")
    clean(started_at)
    if not args.keep_users:
        User.objects.filter(username__startswith=PREFIX).delete()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
