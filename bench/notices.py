"""A must-reach notice to a street of 50,000 households, on PostgreSQL.

Builds (in bulk, outside the timing, kept for the next run) a street of --communities communities
× 5 grids, one compound per grid, buildings of 50 households each, and one 楼长 with an account
per building. Then:

1. publish: times ``services.publish`` of a must-reach notice to the street (the fan-out: one
   INSERT … SELECT of every NoticeHousehold, and the messages to the leaders who have accounts);
2. coverage: the street admin's coverage page (``/notices/<id>/coverage/``, in-process client,
   the whole view) --samples times: p50/p95, right after publication and again after step 3;
3. leaders: --leaders building leaders record their households door to door, on --threads
   concurrent connections (the server allows 100 connections shared with other databases), while
   one leader's list page (``/notices/leader/``) is timed: p50/p95; every household is recorded
   twice (each leader goes over his list twice), so the check "none lost, none doubled" means
   exactly one record per household and one audit row per record.

Targets (docs/notices.md): fan-out under 10 s, pages p95 under 100 ms, no record lost or doubled.
Ends with one JSON line. Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_notices .venv/bin/python bench/notices.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")

from common import machine, pct, refuse_unless_postgres  # noqa: E402

STREET = "440199001"  # a street of its own, away from the demo city
PER_BUILDING = 50


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(communities: int, buildings_per_grid: int) -> dict:
    from django.db import transaction

    from linli.accounts.models import RoleAssignment, User
    from linli.core.crypto import lookup_hash
    from linli.regions.models import (
        Building,
        Compound,
        Household,
        Level,
        MobilisationDuty,
        RegionNode,
        Resident,
        Room,
        Unit,
    )

    street = RegionNode.objects.filter(path=STREET).first()
    if street is not None and Household.objects.filter(region_path__startswith=STREET).exists():
        return {"street": street}
    with transaction.atomic():
        city, _ = RegionNode.objects.get_or_create(path="4401", defaults={"code": "440100000000", "name": "广州市",
                                                                          "full_name": "广州市", "level": Level.CITY})
        district, _ = RegionNode.objects.get_or_create(path="440199", defaults={
            "code": "440199000000", "name": "测试区", "full_name": "广州市测试区", "level": Level.DISTRICT, "parent": city})
        street = RegionNode.objects.create(code=STREET + "000", path=STREET, name="测试街", full_name="测试区测试街",
                                           level=Level.STREET, parent=district)
        grids = []
        for c in range(1, communities + 1):
            com = RegionNode.objects.create(code=f"{STREET}{c:03d}", path=f"{STREET}{c:03d}", name=f"第{c}社区",
                                            full_name=f"测试街第{c}社区", level=Level.COMMUNITY, parent=street)
            for g in range(1, 6):
                grids.append(RegionNode.objects.create(code=f"{com.path}{g:03d}", path=f"{com.path}{g:03d}", name=f"第{g}网格",
                                                       full_name=f"第{c}社区第{g}网格", level=Level.GRID, parent=com))
        compounds = Compound.objects.bulk_create([Compound(name=f"苑{g.path[-6:]}", grid=g, region_path=g.path) for g in grids])
        buildings = Building.objects.bulk_create([Building(compound=cp, name=f"{b}栋", grid=cp.grid, region_path=cp.region_path)
                                                  for cp in compounds for b in range(1, buildings_per_grid + 1)])
        units = Unit.objects.bulk_create([Unit(building=b, name="1单元") for b in buildings])
        rooms = Room.objects.bulk_create([
            Room(unit=u, building=u.building, number=f"{r + 101}", floor=1 + r // 4, exclusive_area="80.00",
                 region_path=u.building.region_path, address=f"测试街 {u.building.compound.name}{u.building.name}1单元{r + 101}")
            for u in units for r in range(PER_BUILDING)], batch_size=5000)
        households = Household.objects.bulk_create([Household(number=f"B{r.pk}", room=r, region_path=r.region_path) for r in rooms],
                                                   batch_size=5000)
        first = {}
        for h, r in zip(households, rooms, strict=True):
            first.setdefault(r.building_id, h)
        residents = Resident.objects.bulk_create([
            Resident(name=f"楼长{b.pk}", name_pinyin=f"louzhang{b.pk}", name_initials="lz", gender="M",
                     birth_date="1970-01-01", id_number="", id_hash=f"bench-{b.pk}", grid=b.grid, region_path=b.region_path,
                     household=first[b.pk], relation="head") for b in buildings], batch_size=5000)
        MobilisationDuty.objects.bulk_create([MobilisationDuty(kind="building_leader", resident=r, building=b, region_path=b.region_path)
                                              for r, b in zip(residents, buildings, strict=True)], batch_size=5000)
        users = User.objects.bulk_create([User(username=f"bench_leader_{r.pk}", display_name=r.name, password="!", resident=r,
                                               phone_hash=lookup_hash(f"137{r.pk:08d}")) for r in residents], batch_size=5000)
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role="building_leader", region=b.grid, region_path=b.region_path)
                                            for u, b in zip(users, buildings, strict=True)], batch_size=5000)
        admin = User.objects.create(username="bench_street_admin", display_name="街道管理员", password="!")
        RoleAssignment.objects.create(user=admin, role="street_admin", region=street, region_path=street.path)
    return {"street": street}


def inprocess_leaders(args, notice, queue, wclient):  # type: ignore[no-untyped-def]
    """The recorders as threads of this process (sharing its interpreter with the timed client)."""
    from django.db import connection

    from linli.notices import services

    lock = threading.Lock()
    recorded = [0]
    errors: list[str] = []

    def worker(i: int) -> None:
        n = 0
        try:
            while True:
                with lock:
                    if not queue:
                        break
                    user, hid = queue.pop()
                _row, ok = services.record_delivery(actor=user, notice=notice, household_id=hid)
                n += ok
        except Exception as exc:  # noqa: BLE001 (reported)
            errors.append(repr(exc))
        finally:
            connection.close()
            with lock:
                recorded[0] += n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    t = time.monotonic()
    for th in threads:
        th.start()
    leader_ms = []
    while any(th.is_alive() for th in threads):
        s = time.perf_counter()
        assert wclient.get("/notices/leader/").status_code == 200
        leader_ms.append((time.perf_counter() - s) * 1000)
    for th in threads:
        th.join()
    return leader_ms, recorded[0], errors, time.monotonic() - t


def serve_leaders(args, notice, queue, watcher):  # type: ignore[no-untyped-def]
    """The recorders as --threads keep-alive clients of a gunicorn server, each leader with his
    bearer token, posting ``/api/v1/notices/<id>/deliveries``; meanwhile one leader's list page
    is fetched over its own connection with his session. Latencies are those of the list page;
    the recordings' status codes are counted (a 200 with ``recorded: false`` is the second visit)."""
    import asyncio

    from common import Conn, gunicorn
    from django.db import connection

    from linli.accounts.services import issue_api_token

    tokens = {}
    for user in {u.pk: u for u, _hid in queue}.values():
        _t, tokens[user.pk] = issue_api_token(actor=None, user=user, name="notices benchmark")
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(watcher)  # a session in the database, as a sign-in leaves it
    cookie = f"Cookie: sessionid={signed_in.cookies['sessionid'].value}\r\n"
    connection.close()
    leader_ms: list[float] = []
    record_ms: list[float] = []
    codes: dict[int, int] = {}
    errors: list[str] = []
    recorded = [0]

    per_leader: dict[int, list[int]] = {}
    for user, hid in queue:
        per_leader.setdefault(user.pk, []).append(hid)
    users = {u.pk: u for u, _hid in queue}

    async def leader(pk: int) -> None:
        """One leader at his pace: a recording, then --pace seconds (jittered) to the next door."""
        import random

        conn = Conn(args.port)
        rng = random.Random(pk)
        await asyncio.sleep(rng.uniform(0, args.pace))
        try:
            for hid in per_leader[pk]:
                body = json.dumps({"household_id": hid, "how": "door_to_door"}).encode()
                s = time.perf_counter()
                code, data = await conn.request("POST", f"/api/v1/notices/{notice.pk}/deliveries", tokens[pk], body)
                record_ms.append((time.perf_counter() - s) * 1000)
                codes[code] = codes.get(code, 0) + 1
                if code == 200:
                    recorded[0] += bool(json.loads(data)["recorded"])
                elif len(errors) < 3:
                    errors.append(f"{code} {data[:200]!r}")
                await asyncio.sleep(rng.uniform(0.5, 1.5) * args.pace)
        finally:
            conn.close()

    async def recorder() -> None:
        conn = Conn(args.port)
        try:
            while queue:
                user, hid = queue.pop()
                body = json.dumps({"household_id": hid, "how": "door_to_door"}).encode()
                code, data = await conn.request("POST", f"/api/v1/notices/{notice.pk}/deliveries", tokens[user.pk], body)
                codes[code] = codes.get(code, 0) + 1
                if code == 200:
                    recorded[0] += bool(json.loads(data)["recorded"])
                elif len(errors) < 3:
                    errors.append(f"{code} {data[:200]!r}")
        finally:
            conn.close()

    async def watch(done: asyncio.Event) -> None:
        conn = Conn(args.port)
        await conn.request("GET", "/notices/leader/", "", extra=cookie)
        while not done.is_set():
            s = time.perf_counter()
            code, _data = await conn.request("GET", "/notices/leader/", "", extra=cookie)
            assert code == 200, code
            leader_ms.append((time.perf_counter() - s) * 1000)
        conn.close()

    async def run() -> float:
        done = asyncio.Event()
        watcher_task = asyncio.create_task(watch(done))
        t = time.monotonic()
        if args.pace:
            await asyncio.gather(*(leader(pk) for pk in users))
        else:
            await asyncio.gather(*(recorder() for _ in range(args.threads)))
        elapsed = time.monotonic() - t
        done.set()
        await watcher_task
        return elapsed

    with gunicorn(args.port, workers=args.workers, threads=args.server_threads, name="notices"):
        record_s = asyncio.run(run())
    if record_ms:
        codes["record_p50_ms"] = round(pct(record_ms, 50), 1)  # type: ignore[assignment]
        codes["record_p95_ms"] = round(pct(record_ms, 95), 1)  # type: ignore[assignment]
    return leader_ms, recorded[0], errors, record_s, codes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--buildings-per-grid", type=int, default=20)  # 10 × 5 × 20 × 50 = 50,000 households
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--server", action=argparse.BooleanOptionalAction, default=True,
                        help="record through the API of a gunicorn server (default) or in-process threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=16)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--pace", type=float, default=0,
                        help="with --server: each leader (one connection each) waits about this many seconds between "
                             "two recordings (door-to-door pace); 0 = --threads clients record flat out")
    args = parser.parse_args()
    refuse_unless_postgres("notices")
    setup()
    from django.test import Client

    from linli.accounts.models import User
    from linli.core.models import AuditEvent
    from linli.notices import selectors, services
    from linli.notices.models import Notice, NoticeHousehold

    t0 = time.monotonic()
    street = prepare(args.communities, args.buildings_per_grid)["street"]
    built = time.monotonic() - t0
    admin = User.objects.get(username="bench_street_admin")
    Notice.objects.filter(region_path__startswith=STREET).delete()
    from django.utils import timezone

    started = timezone.now()

    from django.db import transaction

    draft = services.create_draft(actor=admin, title="燃气安全检查通知", body="请各户配合入户检查。", must_reach=True, node=street)
    t = time.monotonic()
    with transaction.atomic():  # on_commit: the messages to the leaders are part of the publication
        notice = services.publish(actor=admin, notice=draft)
    fan_out = time.monotonic() - t
    households = notice.households_total

    client = Client()
    client.force_login(admin)
    client.get(f"/notices/{notice.pk}/coverage/")  # warm
    coverage_ms = []
    for _ in range(args.samples):
        t = time.perf_counter()
        assert client.get(f"/notices/{notice.pk}/coverage/").status_code == 200
        coverage_ms.append((time.perf_counter() - t) * 1000)

    leaders = list(User.objects.filter(username__startswith="bench_leader_").order_by("pk")[: args.leaders])
    chosen = {u.pk: [r.household_id for r in selectors.leader_rows(u, notice=notice)] for u in leaders}
    watcher = leaders[-1]
    wclient = Client()
    wclient.force_login(watcher)
    wclient.get("/notices/leader/")
    idle_ms = []
    for _ in range(args.samples):
        s = time.perf_counter()
        assert wclient.get("/notices/leader/").status_code == 200
        idle_ms.append((time.perf_counter() - s) * 1000)
    queue = [(u, hid) for _round in range(2) for u in leaders for hid in chosen[u.pk]]
    if args.server:
        leader_ms, recorded_n, errors, record_s, codes = serve_leaders(args, notice, queue, watcher)
    else:
        leader_ms, recorded_n, errors, record_s = inprocess_leaders(args, notice, queue, wclient)
        codes = {}
    recorded = [recorded_n]
    total_chosen = sum(len(v) for v in chosen.values())
    reached = NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=False).count()
    audits = AuditEvent.objects.filter(action="notice.deliver", target_id=str(notice.pk), occurred_at__gte=started).count()
    after_ms = []  # the same page once the leaders have recorded (10,000 reached at the defaults)
    for _ in range(args.samples):
        t = time.perf_counter()
        assert client.get(f"/notices/{notice.pk}/coverage/").status_code == 200
        after_ms.append((time.perf_counter() - t) * 1000)
    out = {
        "households": households, "fan_out_s": round(fan_out, 2), "coverage_p50_ms": round(pct(coverage_ms, 50), 1),
        "coverage_p95_ms": round(pct(coverage_ms, 95), 1), "coverage_after_p50_ms": round(pct(after_ms, 50), 1),
        "coverage_after_p95_ms": round(pct(after_ms, 95), 1), "leaders": len(leaders), "threads": args.threads,
        "attempts": 2 * total_chosen, "recorded": recorded[0], "reached": reached, "audit_rows": audits,
        "lost": total_chosen - reached, "doubled": recorded[0] - reached, "record_s": round(record_s, 1),
        "records_per_s": round(recorded[0] / record_s, 1) if record_s else 0, "leader_samples": len(leader_ms),
        "leader_p50_ms": round(pct(leader_ms, 50), 1) if leader_ms else None,
        "leader_p95_ms": round(pct(leader_ms, 95), 1) if leader_ms else None,
        "leader_idle_p50_ms": round(pct(idle_ms, 50), 1), "leader_idle_p95_ms": round(pct(idle_ms, 95), 1), "errors": errors[:3],
        "built_s": round(built, 1), "machine": machine(),
        "recording": (f"gunicorn gthread -w {args.workers} --threads {args.server_threads}, "
                      + (f"{len(leaders)} leaders each on his connection, one recording every ~{args.pace} s" if args.pace
                         else f"{args.threads} keep-alive API clients flat out")) if args.server else f"in-process, {args.threads} threads",
        "codes": codes,
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
