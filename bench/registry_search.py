#!/usr/bin/env python
"""Registry search benchmark: latency of resident search inside one street, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/registry_search.py

Migrates the database and, when it holds fewer than ``--residents`` residents (5 % tolerance: the
generator lands a little under the target), fills it with ``manage.py seed_city``. Then, as a
street admin of the most populous street, times the real selector
``linli.regions.selectors.residents_for(actor, q=...)`` the way the page and the API evaluate it
(the first page of 20 rows and the total count), for four kinds of search with real values from
that street: name prefix (surname + first given character), pinyin initials (2-3 letters),
full ID number, phone tail (4 digits). ``--http`` also times ``GET /api/v1/registry/residents``
through gunicorn with a bearer token. Ends with one JSON line.

Runs with ``DEBUG`` off (``LINLI_DEBUG=0`` unless set) so timings do not include Django's
debug cursor.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, pct, refuse_unless_postgres  # noqa: E402

KINDS = [
    ("name", "姓名前缀"),
    ("initials", "拼音首字母"),
    ("id", "身份证号"),
    ("phone_tail", "手机尾号"),
]
TARGET_P95_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000, help="seed up to this many residents (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=200, help="measured queries per kind (default 200)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up queries per kind, other values (default 50)")
    parser.add_argument("--street", default="", help="street code or path to search in (default: the most populous "
                        "street); a district code times a district admin instead, for a scope of a real street's size")
    parser.add_argument("--seed", type=int, default=7, help="random seed for picking search values")
    parser.add_argument("--explain", action="store_true", help="print the SQL and EXPLAIN ANALYZE of one search per kind")
    parser.add_argument("--http", action="store_true", help="also time the API through gunicorn (-w 2)")
    parser.add_argument("--http-port", type=int, default=8099)
    args = parser.parse_args()
    if args.queries < 1:
        parser.error("--queries must be at least 1")

    refuse_unless_postgres("registry_search")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"registry_search: DATABASE_URL points at {connection.vendor}, not PostgreSQL; refusing to run.")

    from linli.regions.models import Resident

    print(f"数据库 {connection.settings_dict['NAME']}@{connection.settings_dict['HOST']} · PostgreSQL "
          f"{connection.cursor().connection.info.server_version}")
    call_command("migrate", interactive=False, verbosity=0)
    have = Resident.objects.count()
    seed_s = None
    if have < args.residents * 0.95:
        print(f"库中 {have:,} 位居民，少于 {args.residents:,}：执行 seed_city")
        t0 = time.monotonic()
        call_command("seed_city", residents=args.residents)
        seed_s = round(time.monotonic() - t0, 1)
        have = Resident.objects.count()

    bench = Bench(args)
    bench.prepare()
    result: dict[str, Any] = {"bench": "registry_search", "residents": have, "street": bench.street.code,
                              "street_name": bench.street.full_name, "street_residents": bench.street_residents,
                              "queries_per_kind": args.queries, "machine": machine()}
    if seed_s is not None:
        result["seed_s"] = seed_s
    print(f"居民 {have:,} 人；检索范围 {bench.street.full_name}({bench.street.code})，"
          f"在册 {bench.street_residents:,} 人；街道管理员 {bench.actor.username}")
    print(f"机器：{result['machine']}")

    if args.explain:
        bench.explain()

    stats = bench.measure_selector()
    print_table("selector residents_for(): first page of 20 + count, in process", stats)
    for kind, _label in KINDS:
        result[f"{kind}_p50_ms"] = round(stats[kind]["p50"], 2)
        result[f"{kind}_p95_ms"] = round(stats[kind]["p95"], 2)
    missed = [k for k, _ in KINDS if stats[k]["p95"] >= TARGET_P95_MS]
    print(f"目标 p95 < {TARGET_P95_MS:.0f} ms：" + ("全部达到" if not missed else "未达到：" + ", ".join(missed)))

    if args.http:
        http = bench.measure_http()
        if http:
            print_table("HTTP GET /api/v1/registry/residents?q=… (gunicorn -w 2, bearer token)", http)
            for kind, _label in KINDS:
                result[f"http_{kind}_p50_ms"] = round(http[kind]["p50"], 2)
                result[f"http_{kind}_p95_ms"] = round(http[kind]["p95"], 2)
    print(json.dumps(result, ensure_ascii=False))


def print_table(title: str, stats: dict[str, dict[str, float]]) -> None:
    print()
    print(title)
    head = f"{'kind':<12}{'':<12}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'mean ms':>9}{'matches':>9}"
    print(head)
    print("-" * len(head))
    for kind, label in KINDS:
        s = stats[kind]
        # the label is CJK (two columns a character): pad by display width
        pad = 12 - 2 * len(label)
        print(f"{kind:<12}{label}{' ' * max(pad, 1)}{int(s['n']):>5}{s['p50']:>9.2f}{s['p95']:>9.2f}{s['max']:>9.2f}"
              f"{s['mean']:>9.2f}{s['matches']:>9.0f}")
    print("(matches: median total count per query)")


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)

    # --- setup -------------------------------------------------------------------------------
    def prepare(self) -> None:
        from django.db.models import Count, Q
        from django.db.models.functions import Substr

        from linli.accounts.models import RoleAssignment, User
        from linli.accounts.roles import Role
        from linli.regions.models import Level, RegionNode, Resident

        if self.args.street:
            code = self.args.street
            street = RegionNode.objects.filter(level__in=(Level.STREET, Level.DISTRICT)).filter(
                Q(code=code) | Q(path=code)).first()
            if street is None:
                sys.exit(f"registry_search: no street or district {code!r}")
        else:
            top = (Resident.objects.filter(moved_out__isnull=True).annotate(street=Substr("region_path", 1, 9))
                   .values("street").annotate(n=Count("id")).order_by("-n", "street").first())
            if top is None:
                sys.exit("registry_search: the database holds no residents")
            street = RegionNode.objects.get(level=Level.STREET, path=top["street"])
        self.street = street
        role = Role.STREET_ADMIN if street.level == Level.STREET else Role.DISTRICT_ADMIN
        user, created = User.objects.get_or_create(username=f"bench_{role}_{street.code}",
                                                   defaults={"display_name": f"基准测试·{street.name}管理员"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=role, region=street, defaults={"region_path": street.path})
        self.actor = user

        people = list(Resident.objects.filter(region_path__startswith=street.path, moved_out__isnull=True)
                      .only("name", "name_initials", "id_number", "phone_tail"))
        self.street_residents = len(people)
        if not people:
            sys.exit(f"registry_search: street {street.code} has no residents")
        pools = {
            "name": [p.name[:2] for p in people if len(p.name) >= 2],
            "initials": [],
            "id": [p.id_number for p in people],
            "phone_tail": [p.phone_tail for p in people if p.phone_tail],
        }
        for p in people:
            k = self.rng.choice((2, 3))
            if len(p.name_initials) >= k:
                pools["initials"].append(p.name_initials[:k])
        need = self.args.queries + self.args.warmup
        self.values: dict[str, list[str]] = {}
        self.warm: dict[str, list[str]] = {}
        for kind, pool in pools.items():
            distinct = sorted(set(pool))
            if len(distinct) >= need:
                picked = self.rng.sample(distinct, need)
            else:  # few distinct values (2-letter initials): every one, then repeats weighted as in the street
                picked = self.rng.sample(distinct, len(distinct)) + self.rng.choices(pool, k=need - len(distinct))
                self.rng.shuffle(picked)
            self.warm[kind], self.values[kind] = picked[: self.args.warmup], picked[self.args.warmup:]
            print(f"  {kind:<11} {len(distinct):>6} distinct values in the street, {len(self.values[kind])} measured "
                  f"(e.g. {', '.join(self.values[kind][:4]) if kind != 'id' else self.values[kind][0][:6] + '…'})")

    # --- in process --------------------------------------------------------------------------
    def search(self, q: str) -> tuple[float, int, int]:
        from linli.regions.selectors import residents_for

        self.actor.__dict__.pop("_linli_roles", None)  # a request loads the actor's roles once
        t0 = time.perf_counter()
        qs = residents_for(self.actor, q=q)
        page = list(qs[:20])
        total = qs.count()
        return (time.perf_counter() - t0) * 1000, len(page), total

    def measure_selector(self) -> dict[str, dict[str, float]]:
        for kind, _ in KINDS:
            for q in self.warm[kind]:
                self.search(q)
        out = {}
        for kind, _ in KINDS:
            times, totals, empty = [], [], 0
            for q in self.values[kind]:
                ms, rows, total = self.search(q)
                times.append(ms)
                totals.append(total)
                empty += total == 0 or rows == 0
            if empty:
                print(f"  ! {kind}: {empty} searches found nothing (values were taken from the street)")
            out[kind] = summarise(times, totals)
        return out

    def explain(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from linli.regions.selectors import residents_for

        for kind, label in KINDS:
            q = self.values[kind][0]
            qs = residents_for(self.actor, q=q)
            print(f"\n=== {kind} ({label}) q={q!r}\n--- str(qs.query):\n{qs.query}")
            with CaptureQueriesContext(connection) as ctx:
                self.search(q)
            for captured in ctx.captured_queries:
                sql = captured["sql"]
                if "regions_resident" not in sql:
                    continue
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(r[0] for r in cur.fetchall())
                print(f"--- {sql[:160]}{'…' if len(sql) > 160 else ''}\n{plan}")

    # --- HTTP --------------------------------------------------------------------------------
    def measure_http(self) -> dict[str, dict[str, float]] | None:
        import httpx

        from linli.accounts.services import issue_api_token, revoke_api_token

        port = self.args.http_port
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                print(f"\n! port {port} is busy; skipping the HTTP measurement (use --http-port)")
                return None
        env = dict(os.environ, LINLI_DEBUG="0")
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        proc = subprocess.Popen([gunicorn, "linli.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
                                cwd=ROOT, env=env, start_new_session=True)
        token, secret = issue_api_token(actor=None, user=self.actor, name="registry_search benchmark")
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    print("\n! gunicorn did not start; skipping the HTTP measurement")
                    return None
                time.sleep(0.3)
            client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=30)

            def get(q: str) -> tuple[float, int]:
                t0 = time.perf_counter()
                r = client.get("/api/v1/registry/residents", params={"q": q})
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    raise SystemExit(f"registry_search: HTTP {r.status_code} for q={q!r}: {r.text[:300]}")
                return ms, int(r.json().get("count", 0))

            for kind, _ in KINDS:  # warm both workers
                for q in self.warm[kind]:
                    get(q)
            out = {}
            for kind, _ in KINDS:
                times, totals = [], []
                for q in self.values[kind]:
                    ms, total = get(q)
                    times.append(ms)
                    totals.append(total)
                out[kind] = summarise(times, totals)
            client.close()
            return out
        finally:
            revoke_api_token(actor=None, token=token)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def summarise(times: list[float], totals: list[int]) -> dict[str, float]:
    return {"n": len(times), "p50": pct(times, 50), "p95": pct(times, 95), "max": max(times),
            "mean": statistics.fmean(times), "matches": statistics.median(totals)}


if __name__ == "__main__":
    main()
