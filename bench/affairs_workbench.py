"""The caseworker's workbench over 1,000,000 applications (PostgreSQL).

Fills the table with generated applications (SQL, in bulk) across every community of a large
generated city; the measured community holds 1 % of them (10,000 at the default size) and its
street about 5 %. Then, through gunicorn, times the workbench page (/affairs/desk/, logged-in
session) and the API (/api/v1/affairs/applications, bearer token) for the queries a window uses:
the open queue, everything, overdue, near the limit, waiting for correction, by name, by number,
a deep page, and the same for the street admin. Each query runs --repeat times after a warm-up.

Ends with one JSON line: applications, page_p95_ms, api_p95_ms, …
Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_affairs .venv/bin/python bench/affairs_workbench.py
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

from common import gunicorn, machine, machine_capacity, pct, refuse_unless_postgres  # noqa: E402

TARGET_P95 = 100.0
NAMES = ["陈志强", "李秀英", "王建国", "张丽华", "刘德明", "黄美玲", "周玉兰", "吴国平", "郑海燕", "林小红"]


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare() -> tuple[object, object, object]:
    """Region tree (about 1,100 communities), one centre per community, a caseworker of the
    measured community and an admin of its street."""
    from linli.accounts.models import RoleAssignment, User
    from linli.affairs.models import ServiceCentre
    from linli.regions.demo import region_tree
    from linli.regions.models import Level, RegionNode

    if not RegionNode.objects.filter(level=Level.COMMUNITY).exists():
        region_tree(streets_per_district=20, communities_per_street=5, grids_per_community=1)
    communities = list(RegionNode.objects.filter(level=Level.COMMUNITY).order_by("path"))
    have = set(ServiceCentre.objects.values_list("region_id", flat=True))
    ServiceCentre.objects.bulk_create([ServiceCentre(name=f"{c.name}党群服务中心", region=c, region_path=c.path, address=c.full_name)
                                       for c in communities if c.pk not in have], batch_size=2000)
    target = communities[len(communities) // 2]
    street = target.parent

    def user(name: str, role: str, node: object) -> object:
        u, created = User.objects.get_or_create(username=name, defaults={"display_name": name})
        if created:
            u.set_unusable_password()
            u.save()
            RoleAssignment.objects.create(user=u, role=role, region=node, region_path=node.path)  # type: ignore[attr-defined]
        return u

    return target, user("bench_caseworker", "caseworker", target), user("bench_street", "street_admin", street)


def fill(total: int, target_path: str, street_path: str) -> int:
    from django.db import connection

    from linli.affairs.models import Application, ServiceCentre, ServiceItem

    have = Application.objects.count()
    need = total - have
    if need <= 0:
        return 0
    centres = list(ServiceCentre.objects.order_by("region_path").values_list("pk", "region_path"))
    street_idx = [i for i, (_pk, p) in enumerate(centres) if p.startswith(street_path)]
    target_idx = next(i for i, (_pk, p) in enumerate(centres) if p == target_path)
    items = list(ServiceItem.objects.values_list("pk", "name", "committed_limit_days"))
    chunk, done = 200_000, 0
    with connection.cursor() as cur:
        while done < need:
            n = min(chunk, need - done)
            cur.execute(
                """
                INSERT INTO affairs_application
                  (created_at, updated_at, number, item_id, item_version, item_name, limit_days, channel, status,
                   applicant_name, applicant_id_number, applicant_id_hash, applicant_phone, home_path, centre_id,
                   region_path, note, accepted_on, due_date, paused_days, resume_status, forwarded_to,
                   refusal_reason, outcome, outcome_note, result_file, completed_at, escalation_level,
                   rating_comment, public_token, rating)
                SELECT now() - (k %% 700 || ' days')::interval, now(), 'B' || lpad((%(base)s + g)::text, 12, '0'),
                       (%(items)s::bigint[])[1 + g %% %(nitem)s], 1, (%(inames)s::text[])[1 + g %% %(nitem)s],
                       (%(ilimits)s::int[])[1 + g %% %(nitem)s], CASE WHEN g %% 3 = 0 THEN 'online' ELSE 'window' END,
                       CASE WHEN g %% 10 = 0 THEN 'accepted' WHEN g %% 10 = 1 THEN 'in_progress'
                            WHEN g %% 50 = 2 THEN 'correction' WHEN g %% 50 = 3 THEN 'withdrawn' ELSE 'completed' END,
                       (%(names)s::text[])[1 + (g / 7) %% 10] , '', md5(g::text || 'id'), '',
                       (%(cpaths)s::text[])[1 + (g * 7) %% %(ncentre)s], (%(cids)s::bigint[])[1 + c],
                       (%(cpaths)s::text[])[1 + c], '', (now() - (k %% 700 || ' days')::interval)::date,
                       (now() - (k %% 700 || ' days')::interval + interval '14 days')::date, 0, '', '', '',
                       CASE WHEN g %% 10 > 1 AND g %% 50 NOT IN (2, 3) THEN 'approved' ELSE '' END, '', '',
                       CASE WHEN g %% 10 > 1 AND g %% 50 NOT IN (2, 3) THEN now() - (k %% 700 || ' days')::interval + interval '5 days' END,
                       0, '', left(md5(g::text || 'tok'), 24), CASE WHEN g %% 4 = 0 THEN 1 + g %% 5 END
                FROM (SELECT g, g %% 700 AS k,
                             CASE WHEN g %% 100 = 0 THEN %(target)s
                                  WHEN g %% 25 = 1 THEN (%(street)s::int[])[1 + (g / 25) %% %(nstreet)s]
                                  ELSE g %% %(ncentre)s END AS c
                      FROM generate_series(%(base)s + 1, %(base)s + %(n)s) AS g) AS s
                """,
                {"base": have + done, "n": n, "items": [i[0] for i in items], "inames": [i[1] for i in items],
                 "ilimits": [i[2] for i in items], "nitem": len(items), "names": NAMES, "cids": [c[0] for c in centres],
                 "cpaths": [c[1] for c in centres], "ncentre": len(centres), "target": target_idx,
                 "street": street_idx, "nstreet": len(street_idx)},
            )
            done += n
            print(f"  +{done:,} applications", flush=True)
    return need


def vacuum() -> None:
    """What autovacuum does to an insert-mostly table in production (PostgreSQL 13+ vacuums after
    inserts too): sets the visibility map, so that the queue's counts are index-only scans."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE affairs_application")


QUERIES = [
    ("open queue", {}),
    ("all", {"status": ""}),
    ("overdue", {"flt": "overdue"}),
    ("near limit", {"flt": "near"}),
    ("correction", {"flt": "correction"}),
    ("by name", {"q": "李秀英", "status": ""}),
    ("by number", {"q": "NUMBER", "status": ""}),
    ("page 40 of all", {"status": "", "page": "40"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--port", type=int, default=8097)
    args = parser.parse_args()
    refuse_unless_postgres("affairs_workbench")
    setup()
    import httpx
    from django.db import connection
    from django.test import Client

    from linli.accounts.services import issue_api_token
    from linli.affairs.models import Application

    target, worker, street_admin = prepare()
    t0 = time.monotonic()
    added = fill(args.applications, target.path, target.parent.path)  # type: ignore[attr-defined]
    fill_s = time.monotonic() - t0
    vacuum()
    total = Application.objects.count()
    mine = Application.objects.filter(region_path=target.path).count()  # type: ignore[attr-defined]
    number = Application.objects.filter(region_path=target.path).order_by("-id").values_list("number", flat=True)[500]  # type: ignore[attr-defined]
    print(f"{total:,} applications ({added:,} generated in {fill_s:.0f} s); the measured community holds {mine:,}")
    sessions, tokens = {}, {}
    for who, u in (("caseworker", worker), ("street admin", street_admin)):
        c = Client()
        c.force_login(u)  # type: ignore[arg-type]
        sessions[who] = c.cookies["sessionid"].value
        tokens[who] = issue_api_token(actor=None, user=u, name="affairs_workbench benchmark")[1]  # type: ignore[arg-type]
    connection.close()

    results: dict[str, dict[str, float]] = {}
    page_all: list[float] = []
    api_all: list[float] = []
    capacity = machine_capacity()
    with gunicorn(args.port, workers=2, threads=4, name="affairs_workbench") as base:
        for who in ("caseworker", "street admin"):
            page = httpx.Client(base_url=base, cookies={"sessionid": sessions[who]}, timeout=30)
            api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens[who]}"}, timeout=30)
            for name, params in QUERIES:
                params = {k: (number if v == "NUMBER" else v) for k, v in params.items()}
                for kind, client, url in (("page", page, "/affairs/desk/"), ("api", api, "/api/v1/affairs/applications")):
                    times = []
                    for i in range(args.repeat + 3):
                        t1 = time.perf_counter()
                        r = client.get(url, params=params)
                        ms = (time.perf_counter() - t1) * 1000
                        if r.status_code != 200:
                            sys.exit(f"affairs_workbench: {url} {params} answered {r.status_code}: {r.text[:300]}")
                        if i >= 3:  # warm-up
                            times.append(ms)
                    results[f"{who} · {name} · {kind}"] = {"p50": pct(times, 50), "p95": pct(times, 95)}
                    (page_all if kind == "page" else api_all).extend(times)
    print(f"\n{'query':48s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for k, v in results.items():
        print(f"{k:48s} {v['p50']:8.1f} {v['p95']:8.1f}")
    worst_page = max(v["p95"] for k, v in results.items() if k.endswith("page"))
    worst_api = max(v["p95"] for k, v in results.items() if k.endswith("api"))
    out = {"bench": "affairs_workbench", "machine": machine(), "applications": total, "community_applications": mine,
           "page_p95_ms": round(pct(page_all, 95), 1), "api_p95_ms": round(pct(api_all, 95), 1),
           "worst_page_query_p95_ms": round(worst_page, 1), "worst_api_query_p95_ms": round(worst_api, 1),
           "machine_capacity": capacity, "target_p95_ms": TARGET_P95}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
