"""Load-independent cost of one API intake, through the WSGI handler as gunicorn calls it.

On a shared machine wall-clock figures move with the neighbours; these do not (or much less):
SQL statements per request (``CaptureQueriesContext``; the health check's ``SELECT 1`` is not among
them, so it is counted apart), Python function calls per request (cProfile, deterministic),
``Signal.connect`` calls per request, and CPU ms per request (``time.process_time``, a few runs).
Run it for two builds (a second ``git worktree``) against PostgreSQL and compare.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/intake_inprocess.py [--requests 300]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ["LINLI_DEBUG"] = "0"
os.environ.setdefault("LINLI_DB_CONN_MAX_AGE", "600")  # kept connections, as under gunicorn
os.environ.setdefault("LINLI_WRITE_LIMITS", "off")

from common import machine, refuse_unless_postgres  # noqa: E402

CATEGORIES = ["0201", "0101", "0301", "0402", "0202", "0502", "0701", "0302"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", action="store_true", help="also print the profile's top functions")
    parser.add_argument("--sql", action="store_true", help="also print the statements of one request")
    args = parser.parse_args()
    refuse_unless_postgres("intake_inprocess")
    from workorder_intake import prepare, setup_django

    setup_django()
    secrets, grid_code = prepare(5)
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from linli.wsgi import application

    connection.close()
    statuses: dict[str, int] = {}

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses[status] = statuses.get(status, 0) + 1

    def one(i: int) -> None:
        body = json.dumps({"category_code": CATEGORIES[i % len(CATEGORIES)], "region_code": grid_code,
                           "description": f"压测工单 {i}：楼道灯不亮，请尽快处理", "address": f"{i}栋", "channel": "api"},
                          ensure_ascii=False).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/workorders/orders", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8098", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8098", "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {secrets[i % len(secrets)]}",
            "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex, "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        resp = application(environ, start_response)
        b"".join(resp)
        resp.close()  # type: ignore[attr-defined]

    n = args.requests
    for i in range(50):  # warm-up: token, region, categories, number block
        one(i)
    request_started.disconnect(reset_queries)  # each request would empty the log being counted
    try:
        with CaptureQueriesContext(connection) as ctx:
            for i in range(50):
                one(1_000 + i)
    finally:
        request_started.connect(reset_queries)
    statements = len(ctx.captured_queries) / 50  # now: the log is a slice of the connection's, emptied later
    if args.sql:
        per = len(ctx.captured_queries) // 50
        for q in ctx.captured_queries[per * 25:per * 26]:
            print(q["sql"][:160], file=sys.stderr)
    cpu = []
    for rep in range(3):
        t0 = time.process_time()
        for i in range(n):
            one(10_000 * (rep + 1) + i)
        cpu.append((time.process_time() - t0) * 1000 / n)
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        one(100_000 + i)
    prof.disable()
    stats = pstats.Stats(prof)
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    connects = sum(v[1] for k, v in entries.items() if k[2] == "connect" and k[0].endswith("dispatcher.py"))
    health = sum(v[1] for k, v in entries.items() if k[2] == "is_usable")
    result = {
        "bench": "intake_inprocess", "machine": machine(), "requests": n, "statuses": statuses,
        "statements_per_request": round(statements, 2),
        "health_checks_per_request": round(health / n, 3),
        "calls_per_request": round(stats.total_calls / n),  # type: ignore[attr-defined]
        "signal_connects_per_request": connects / n,
        "cpu_ms_per_request": [round(x, 2) for x in cpu],
    }
    if args.top:
        stats.sort_stats("tottime").print_stats(40)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
