#!/usr/bin/env python
"""Consultation benchmark on PostgreSQL (issue 16): a city with 2,800 communities and 200,000
topics; the street admin's overdue-resolution list and a community's public topic page; 1,000
households supporting one topic within a minute.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_cbench .venv/bin/python bench/consultation.py

Builds once (in bulk, kept for the next run) the district 协商区 (449998) of 28 streets × 100
communities, ``--topics`` topics spread over them (every state; a third decided, each with two
resolutions, a tenth of those past their date; three timeline rows each), and 协商社区一 of the
first street with 1,000 households, each with an account and a bearer token. Then:

1. reads, in process through Django's test client, ``--samples`` times each: the street admin's
   ``GET /consultation/desk/resolutions/?overdue=1`` (page) and
   ``GET /api/v1/consultation/resolutions?overdue=true`` (API, first page), a community's public
   ``GET /consultation/community/<code>/`` and a decided topic's public page
   ``GET /consultation/<pk>/`` (signed out);
2. supports, against a gunicorn server: a fresh topic in 协商社区一, then the 1,000 households'
   ``POST /api/v1/consultation/topics/{id}/support`` sent at ``--rate`` per second (open loop:
   1,000 a minute by default, each sent on its schedule whatever the others do), then the same
   again at full speed with ``--concurrency`` clients on a second fresh topic. Latencies are those
   of the supports stored (200); refusals are counted apart. Checked: stored == accepted ==
   the topic's count == its support rows.

Targets: p95 under 100 ms for both reads; 1,000 supports a minute with no double count. Ends with
one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")
os.environ.setdefault("LINLI_API_ANON_RATE", "100000/m")
os.environ.setdefault("LINLI_WRITE_LIMITS", "off")

from common import Conn, gunicorn, machine, pct, refuse_unless_postgres  # noqa: E402

TARGETS = {"read_p95_ms": 100.0}
DISTRICT = "449998"
STREETS, COMMUNITIES = 28, 100
HOUSEHOLDS = 1000
STATES = (("proposed", 25), ("submitted", 10), ("taken_up", 10), ("declined", 8), ("referred", 4), ("merged", 3),
          ("withdrawn", 3), ("implementing", 17), ("completed", 20))


def build(topics: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.accounts.models import RoleAssignment, User
    from linli.accounts.roles import Role
    from linli.consultation.models import Event, Resolution, Topic
    from linli.core.crypto import lookup_hash
    from linli.regions.models import Building, Compound, Household, Level, RegionNode, Resident, Room, Unit

    first = f"{DISTRICT}001001"
    if Topic.objects.filter(region_path__startswith=DISTRICT).count() >= topics:
        return {"built": False}
    rng = random.Random(16)
    t0 = time.monotonic()
    with transaction.atomic():
        city, _ = RegionNode.objects.get_or_create(path="4401", defaults={"code": "440100000000", "name": "广州市",
                                                                          "full_name": "广州市", "level": Level.CITY})
        district, _ = RegionNode.objects.get_or_create(path=DISTRICT, defaults={
            "code": DISTRICT + "000000", "name": "协商区", "full_name": "广州市协商区", "level": Level.DISTRICT, "parent": city})
        streets = [RegionNode.objects.get_or_create(path=f"{DISTRICT}{s:03d}", defaults={
            "code": f"{DISTRICT}{s:03d}000", "name": f"协商街{s}", "full_name": f"协商区协商街{s}", "level": Level.STREET,
            "parent": district})[0] for s in range(1, STREETS + 1)]
        existing = set(RegionNode.objects.filter(path__startswith=DISTRICT, level=Level.COMMUNITY).values_list("path", flat=True))
        RegionNode.objects.bulk_create([
            RegionNode(code=f"{st.path}{c:03d}", path=f"{st.path}{c:03d}", name=f"协商社区{c}", full_name=f"{st.name}协商社区{c}",
                       level=Level.COMMUNITY, parent=st)
            for st in streets for c in range(1, COMMUNITIES + 1) if f"{st.path}{c:03d}" not in existing], batch_size=5000)
        communities = list(RegionNode.objects.filter(path__startswith=DISTRICT, level=Level.COMMUNITY).order_by("path"))
        Topic.objects.filter(region_path__startswith=DISTRICT).delete()
        weights = [w for _s, w in STATES]
        names = [s for s, _w in STATES]
        now, today = timezone.now(), timezone.localdate()
        rows = []
        for i in range(topics):
            c = communities[i % len(communities)]
            status = rng.choices(names, weights)[0]
            decided = status in ("implementing", "completed")
            rows.append(Topic(number=f"CB{i:010d}", community=c, region_path=c.path, title=f"议题{i}：小区公共空间改造",
                              content="现状、问题和建议。" * 5, source=rng.choice(("resident", "staff", "offline")), status=status,
                              threshold=10, supports=rng.randint(0, 30), due_on=today + dt.timedelta(days=rng.randint(-20, 20)),
                              answer="社区已受理" if status not in ("proposed", "submitted") else "", off_list_reason="居民反映集中",
                              outcome="同意改造，由物业维护。" if decided else "", decided_at=now if decided else None,
                              disclosure_id=1 if decided and rng.random() < 0.8 else None))
        Topic.objects.bulk_create(rows, batch_size=10000)
        with connection.cursor() as cur:  # created_at spread over two years (auto_now_add set them all to now)
            cur.execute("UPDATE consultation_topic SET created_at = now() - (id %% 730) * interval '1 day' "
                        "WHERE region_path LIKE %s", [DISTRICT + "%"])
        decided_ids = list(Topic.objects.filter(region_path__startswith=DISTRICT, status__in=("implementing", "completed"))
                           .values_list("pk", "region_path", "status"))
        res = []
        for pk, path, status in decided_ids:
            for pos in (1, 2):
                done = status == "completed"
                res.append(Resolution(topic_id=pk, region_path=path, position=pos, title=f"落实事项{pos}", kind="community",
                                      owner="社区居委会", due_on=today + dt.timedelta(days=rng.randint(-30, 60) if not done else -5),
                                      status="done" if done else rng.choice(("planned", "in_progress")),
                                      progress=100 if done else rng.randint(0, 90)))
        Resolution.objects.bulk_create(res, batch_size=10000)
        ids = list(Topic.objects.filter(region_path__startswith=DISTRICT).values_list("pk", flat=True))
        Event.objects.bulk_create([Event(topic_id=pk, action=a, note="进展说明") for pk in ids for a in ("propose", "submit", "take_up")],
                                  batch_size=20000)
        # the support community: 1,000 households with an account each
        c = RegionNode.objects.get(path=first)
        if not Household.objects.filter(region_path__startswith=first).exists():
            grid = RegionNode.objects.create(code=f"{first}001", path=f"{first}001", name="第1网格", full_name="协商社区一第1网格",
                                             level=Level.GRID, parent=c)
            compound = Compound.objects.create(name="协商苑", grid=grid, region_path=grid.path)
            b = Building.objects.create(compound=compound, name="1栋", grid=grid, region_path=grid.path, floors=40)
            u = Unit.objects.create(building=b, name="1单元")
            rooms = Room.objects.bulk_create([Room(unit=u, building=b, number=f"{n:04d}", floor=n // 25 + 1, exclusive_area="80.00",
                                                   region_path=grid.path, address=f"协商苑1栋{n:04d}") for n in range(HOUSEHOLDS)])
            households = Household.objects.bulk_create([Household(number=f"CBH{r.pk}", room=r, region_path=grid.path) for r in rooms])
            people = Resident.objects.bulk_create([
                Resident(name=f"协商居民{i:04d}", name_pinyin=f"xieshang{i:04d}", name_initials="xs", gender="MF"[i % 2],
                         birth_date=dt.date(1960 + i % 40, 1, 1), id_number="", id_hash=f"cbench-{i}", household=h, grid=grid,
                         region_path=grid.path, relation="head") for i, h in enumerate(households)])
            users = User.objects.bulk_create([User(username=f"cbench_{i:04d}", display_name=r.name, password="!", resident=r,
                                                   phone=f"137{i:08d}", phone_hash=lookup_hash(f"137{i:08d}"))
                                              for i, r in enumerate(people)])
            RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.RESIDENT, region=grid, region_path=grid.path)
                                                for u in users])
        admin, made = User.objects.get_or_create(username="cbench_street", defaults={"display_name": "协商街1管理员", "password": "!"})
        if made:
            RoleAssignment.objects.create(user=admin, role=Role.STREET_ADMIN, region=streets[0], region_path=streets[0].path)
        cadmin, made = User.objects.get_or_create(username="cbench_admin", defaults={"display_name": "协商社区一管理员", "password": "!"})
        if made:
            RoleAssignment.objects.create(user=cadmin, role=Role.COMMUNITY_ADMIN, region=c, region_path=c.path)
    return {"built": True, "build_s": round(time.monotonic() - t0, 1)}


def timed(client: Any, url: str, samples: int, **kw: Any) -> dict[str, float]:
    ms = []
    for _ in range(samples):
        t = time.perf_counter()
        r = client.get(url, **kw)
        ms.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1)}


def reads(samples: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from linli.accounts.models import User
    from linli.consultation.models import Resolution, Topic

    settings.ALLOWED_HOSTS = ["*"]
    street = User.objects.get(username="cbench_street")
    staff = Client()
    staff.force_login(street)
    public = Client()
    community = f"{DISTRICT}001050"
    decided = Topic.objects.filter(region_path=community, status="implementing").order_by("pk").first()
    overdue = Resolution.objects.filter(region_path__startswith=f"{DISTRICT}001", status__in=("planned", "in_progress"),
                                        due_on__lt=dt.date.today()).count()
    staff.get("/consultation/desk/resolutions/?overdue=1")
    return {
        "street_topics": Topic.objects.filter(region_path__startswith=f"{DISTRICT}001").count(),
        "street_overdue_resolutions": overdue,
        "overdue_page": timed(staff, "/consultation/desk/resolutions/?overdue=1", samples),
        "overdue_api": timed(staff, "/api/v1/consultation/resolutions?overdue=true", samples),
        "community_topics": Topic.objects.filter(region_path=community).count(),
        "public_community_page": timed(public, f"/consultation/community/{community}/", samples),
        "public_topic_page": timed(public, f"/consultation/{decided.pk}/", samples) if decided else None,
    }


def fresh_topic(title: str) -> Any:
    from linli.accounts.models import User
    from linli.consultation import services
    from linli.regions.models import RegionNode

    admin = User.objects.get(username="cbench_admin")
    c = RegionNode.objects.get(path=f"{DISTRICT}001001")
    services.save_settings(actor=admin, community=c, support_threshold=10, answer_days=5, notice_days=3, disclosure_days=15)
    return services.propose(actor=admin, community=c, title=title, content="协商社区一的居民附议这个议题，看计数是否准确。",
                            source="staff")


async def supports(port: int, topic_id: int, secrets: list[str], *, rate: float | None, concurrency: int) -> dict[str, Any]:
    path = f"/api/v1/consultation/topics/{topic_id}/support"
    stored: list[float] = []
    refused: dict[int, int] = {}
    lateness: list[float] = []

    async def one(conn: Conn, secret: str) -> None:
        t = time.perf_counter()
        status, _body = await conn.request("POST", path, secret)
        if status == 200:
            stored.append((time.perf_counter() - t) * 1000)
        else:
            refused[status] = refused.get(status, 0) + 1

    t0 = time.perf_counter()
    if rate:
        conns = [Conn(port) for _ in range(64)]
        free = list(conns)
        tasks = []

        async def scheduled(i: int, secret: str) -> None:
            at = t0 + i / rate
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            lateness.append((time.perf_counter() - at) * 1000)
            conn = free.pop() if free else Conn(port)
            try:
                await one(conn, secret)
            finally:
                free.append(conn)

        for i, s in enumerate(secrets):
            tasks.append(asyncio.create_task(scheduled(i, s)))
        await asyncio.gather(*tasks)
    else:
        queue = list(secrets)

        async def client() -> None:
            conn = Conn(port)
            while queue:
                await one(conn, queue.pop())
            conn.close()

        await asyncio.gather(*(client() for _ in range(concurrency)))
        conns = []
    elapsed = time.perf_counter() - t0
    for c in conns:
        c.close()
    return {"sent": len(secrets), "stored": len(stored), "refused": refused, "seconds": round(elapsed, 1),
            "per_second": round(len(stored) / elapsed, 1), "p50_ms": round(pct(stored, 50), 1), "p99_ms": round(pct(stored, 99), 1),
            **({"max_start_lateness_ms": round(max(lateness), 1)} if lateness else {})}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=200000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rate", type=float, default=1000 / 60, help="supports per second in the open loop (1,000 a minute)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=8716)
    args = parser.parse_args()
    refuse_unless_postgres("consultation")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    out: dict[str, Any] = {"bench": "consultation", "machine": machine(), "topics": args.topics}
    out |= build(args.topics)
    out["reads"] = reads(args.samples)
    from django.db import connections

    from linli.accounts.models import User
    from linli.accounts.services import issue_api_token
    from linli.consultation.models import Support, Topic

    secrets = [issue_api_token(actor=None, user=u, name="consultation benchmark")[1]
               for u in User.objects.filter(username__startswith="cbench_0").order_by("username")[:HOUSEHOLDS]]
    runs = {}
    for name, rate in (("open_loop", args.rate), ("full_speed", None)):
        topic = fresh_topic(f"附议基准 {name} {int(time.time())}")
        connections.close_all()
        with gunicorn(args.port, workers=2, threads=8, name="consultation"):
            result = asyncio.run(supports(args.port, topic.pk, secrets, rate=rate, concurrency=args.concurrency))
        topic = Topic.objects.get(pk=topic.pk)
        rows = Support.objects.filter(topic=topic).count()
        result["topic_count"], result["rows"] = topic.supports, rows
        result["no_double_count"] = result["stored"] == topic.supports == rows
        runs[name] = result
    out["supports"] = runs
    ok = (out["reads"]["overdue_page"]["p95_ms"] < TARGETS["read_p95_ms"] and out["reads"]["public_community_page"]["p95_ms"]
          < TARGETS["read_p95_ms"] and all(r["no_double_count"] and r["stored"] == HOUSEHOLDS for r in runs.values()))
    out["targets_met"] = ok
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
