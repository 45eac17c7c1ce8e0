"""Work-order intake under load, and the escalation sweep over a million orders.

1. Starts gunicorn (gthread) on 127.0.0.1 against the database named by DATABASE_URL
   (PostgreSQL), and has many concurrent keep-alive clients (plain asyncio, one bearer token per
   simulated caller) POST orders to /api/v1/workorders/orders for a fixed time. Reports
   requests/s and p50/p99 latency, and checks that every accepted order is stored exactly once
   (rows in the database == 201 responses; each request carries its own Idempotency-Key).
2. Fills the table up to --orders (default 1,000,000) with generated orders (SQL, in bulk),
   about 5 % of them open and overdue, then times the supervision sweep (core.supervision.sweep) — once for real
   work, once more to show the second run finds nothing to do.

Ends with one JSON line: accepted, stored, rps, p50_ms, p99_ms, sweep_s, …
Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/workorder_intake.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")

from common import Conn, CpuMeter, gunicorn, machine, machine_capacity, pct, refuse_unless_postgres  # noqa: E402

TARGET_RPS, TARGET_P99 = 300, 200.0


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(callers: int) -> tuple[list[str], str]:
    """Region tree, routing fallback and `callers` resident accounts with bearer tokens."""
    from linli.accounts.models import RoleAssignment, User
    from linli.accounts.services import issue_api_token
    from linli.regions.demo import region_tree
    from linli.regions.models import Level, RegionNode
    from linli.workorders.models import HandlingUnit, RoutingRule

    grids = RegionNode.objects.filter(level=Level.GRID)
    if not grids.exists():
        region_tree()
    city = RegionNode.objects.get(level=Level.CITY)
    unit, _ = HandlingUnit.objects.get_or_create(name="市12345热线办", defaults={"kind": "department", "region": city, "region_path": city.path})
    RoutingRule.objects.get_or_create(category=None, region=city, defaults={"region_path": city.path, "unit": unit})
    grid = grids.order_by("path").first()
    assert grid is not None
    secrets = []
    for i in range(callers):
        user, created = User.objects.get_or_create(username=f"bench_caller_{i}", defaults={"display_name": f"压测居民{i}"})
        if created:
            user.set_unusable_password()
            user.save()
            RoleAssignment.objects.get_or_create(user=user, role="resident", region=grid, defaults={"region_path": grid.path})
        _t, secret = issue_api_token(actor=None, user=user, name="workorder_intake benchmark")
        secrets.append(secret)
    return secrets, grid.code


async def load(port: int, secrets: list[str], grid_code: str, seconds: float, concurrency: int) -> tuple[list[float], int, dict[int, int]]:
    """Concurrent keep-alive clients (common.Conn), each request with its own Idempotency-Key."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    accepted = 0
    stop = time.monotonic() + seconds
    categories = ["0201", "0101", "0301", "0402", "0202", "0502", "0701", "0302"]

    async def worker(n: int) -> None:
        nonlocal accepted
        secret = secrets[n % len(secrets)]
        conn = Conn(port)
        i = 0
        try:
            while time.monotonic() < stop:
                i += 1
                body = json.dumps({"category_code": categories[(n + i) % len(categories)], "region_code": grid_code,
                                   "description": f"压测工单 {n}-{i}：楼道灯不亮，请尽快处理", "address": f"{n}栋",
                                   "channel": "api"}, ensure_ascii=False).encode()
                t0 = time.perf_counter()
                code, _ = await conn.request("POST", "/api/v1/workorders/orders", secret, body,
                                             f"Idempotency-Key: {uuid.uuid4().hex}\r\n")
                latencies.append((time.perf_counter() - t0) * 1000)
                codes[code] = codes.get(code, 0) + 1
                if code == 201:
                    accepted += 1
        finally:
            conn.close()

    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return latencies, accepted, codes


def fill_orders(total: int) -> int:
    """Bulk-generate orders with SQL until the table holds `total`; ~5 % open and overdue."""
    from django.db import connection

    from linli.regions.models import Level, RegionNode
    from linli.workorders.models import Category, HandlingUnit, WorkOrder

    have = WorkOrder.objects.count()
    need = total - have
    if need <= 0:
        return 0
    grids = list(RegionNode.objects.filter(level=Level.GRID).values_list("pk", "path")[:500])
    cats = list(Category.objects.filter(children__isnull=True).values_list("pk", flat=True))
    unit = HandlingUnit.objects.order_by("pk").first()
    assert unit is not None
    chunk = 200_000
    done = 0
    with connection.cursor() as cur:
        while done < need:
            n = min(chunk, need - done)
            cur.execute(
                """
                INSERT INTO workorders_workorder
                  (number, channel, category_id, description, address, region_id, region_path, urgency, contact_name,
                   contact_phone, anonymous, status, unit_id, due_at, escalation_level, registered_at, closed_at, result,
                   rating, rating_comment, idempotency_key, created_at, updated_at, clock_round, step_reminded, warn_at)
                SELECT 'B' || lpad((%(base)s + g)::text, 12, '0'), 'web', (%(cats)s::bigint[])[1 + g %% %(ncat)s],
                       '批量生成的历史工单', '', (%(gids)s::bigint[])[1 + g %% %(ngrid)s], (%(gpaths)s::text[])[1 + g %% %(ngrid)s],
                       'normal', '', '', true,
                       CASE WHEN g %% 20 = 0 THEN 'in_progress' ELSE 'closed' END, %(unit)s,
                       now() - ((g %% 40) || ' days')::interval + interval '10 days', 0,
                       now() - ((g %% 40) || ' days')::interval,
                       CASE WHEN g %% 20 = 0 THEN NULL ELSE now() - ((g %% 40) || ' days')::interval + interval '2 days' END,
                       '', NULL, '', NULL, now() - ((g %% 40) || ' days')::interval, now(), 1, false,
                       now() - ((g %% 40) || ' days')::interval + interval '8 days'
                FROM generate_series(1, %(n)s) AS g
                """,
                {"base": have + done, "cats": cats, "ncat": len(cats), "gids": [g[0] for g in grids],
                 "gpaths": [g[1] for g in grids], "ngrid": len(grids), "unit": unit.pk, "n": n},
            )
            done += n
            print(f"  +{done:,} orders", flush=True)
        cur.execute("ANALYZE workorders_workorder")
    return need


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--callers", type=int, default=40, help="distinct accounts (each has its own rate limit)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders in the table for the sweep")
    parser.add_argument("--port", type=int, default=8098)
    args = parser.parse_args()
    refuse_unless_postgres("workorder_intake")
    setup_django()
    from django.db import connection

    from linli.workorders.models import WorkOrder

    secrets, grid_code = prepare(args.callers)
    connection.close()
    with gunicorn(args.port, workers=args.workers, threads=args.threads, name="workorder_intake"):
        asyncio.run(load(args.port, secrets, grid_code, 3, args.concurrency))  # warm-up
        before = WorkOrder.objects.filter(channel="api").count()
        connection.close()
        capacity = [machine_capacity()]
        t0 = time.monotonic()
        with CpuMeter() as cpu:
            lat, accepted, codes = asyncio.run(load(args.port, secrets, grid_code, args.seconds, args.concurrency))
        elapsed = time.monotonic() - t0
        capacity.append(machine_capacity())
        stored = WorkOrder.objects.filter(channel="api").count() - before
    rps = accepted / elapsed
    print(f"\nintake: {accepted:,} accepted in {elapsed:.1f} s = {rps:.0f} orders/s; stored {stored:,}; status codes {codes}")
    print(f"latency ms: p50 {pct(lat, 50):.1f}  p90 {pct(lat, 90):.1f}  p99 {pct(lat, 99):.1f}  max {max(lat):.1f}")
    print(f"CPU: cores used {cpu.cores}; machine {cpu.per_request_ms(len(lat))} ms per request; effective cores "
          f"before/after {capacity[0]['effective_cores']}/{capacity[1]['effective_cores']} "
          f"(reference alone {capacity[0]['reference_ms']} ms, both cores {capacity[0]['reference_both_cores_ms']} ms)")

    from linli.core import supervision

    def escalate_overdue() -> dict:
        return supervision.sweep(names=["workorders.order"])["workorders.order"]

    t1 = time.monotonic()
    added = fill_orders(args.orders)
    fill_s = time.monotonic() - t1
    total = WorkOrder.objects.count()
    print(f"\nsweep: {total:,} orders in the table ({added:,} generated in {fill_s:.1f} s)")
    t2 = time.monotonic()
    raised = escalate_overdue()
    sweep_s = time.monotonic() - t2
    t3 = time.monotonic()
    again = escalate_overdue()
    again_s = time.monotonic() - t3
    print(f"first sweep {sweep_s:.2f} s, raised {raised}; second sweep {again_s:.2f} s, raised {again}")
    result = {
        "bench": "workorder_intake", "machine": machine(), "concurrency": args.concurrency, "seconds": round(elapsed, 1),
        "gunicorn": f"gthread -w {args.workers} --threads {args.threads}", "accepted": accepted, "stored": stored,
        "lost": accepted - stored, "non_201": sum(v for k, v in codes.items() if k != 201),
        "rps": round(rps, 1), "p50_ms": round(pct(lat, 50), 1), "p99_ms": round(pct(lat, 99), 1),
        "orders_in_table": total, "sweep_s": round(sweep_s, 2), "sweep_raised": sum(raised.values()),
        "sweep_again_s": round(again_s, 2), "cpu_cores": cpu.cores, "machine_capacity": capacity, "targets": {"rps": TARGET_RPS, "p99_ms": TARGET_P99, "sweep_s": 5.0},
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
