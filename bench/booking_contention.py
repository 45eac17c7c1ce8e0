"""Booking under contention and under sustained load (PostgreSQL, gunicorn).

1. Race: --racers (200) clients, each its own resident with a bearer token, POST a booking for
   the same slot, which has --capacity (50) seats left, all released at the same moment. Counts
   201 and 409 answers and, in the database, confirmed reservations and the slot's counter:
   booked must equal capacity, never more.
2. Sustained mixed load for --seconds: --concurrency keep-alive clients book random open slots of
   --resources resources (each with --seats seats per slot) with an Idempotency-Key each; one
   request in five reads a day's slots instead. Reports booking requests/s, p50/p99, and checks
   that no slot is above capacity and that reservations == 201 answers.
3. Browse/search: --offerings (10,000) offerings of 100 approved providers; p95 of the search API
   for two- and four-character queries, filters, and the search page.

Ends with one JSON line: booked, capacity, rps, p50_ms, p99_ms, …
Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_booking .venv/bin/python bench/booking_contention.py
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")

from common import Conn, CpuMeter, gunicorn, machine, machine_capacity, pct, refuse_unless_postgres  # noqa: E402

TARGET_RPS, TARGET_P99 = 500, 200.0


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(n_users: int, n_resources: int, seats: int, capacity: int) -> tuple[list[str], int, list[int]]:
    """Residents with tokens (bulk), one contested resource and the load resources, all open
    every day 08:00-20:00 in one-hour slots."""
    from linli.accounts.models import ApiToken, RoleAssignment, User
    from linli.accounts.services import _digest
    from linli.booking.models import OpeningRule, Reservation, Resource, Slot
    from linli.regions.demo import region_tree
    from linli.regions.models import Level, RegionNode

    if not RegionNode.objects.filter(level=Level.GRID).exists():
        region_tree()
    grid = RegionNode.objects.filter(level=Level.GRID).order_by("path").first()
    community = grid.parent  # type: ignore[union-attr]
    Reservation.objects.all().delete()
    Slot.objects.all().delete()
    Resource.objects.filter(offering__isnull=True, venue__isnull=True).delete()
    have = User.objects.filter(username__startswith="bench_booker_").count()
    if have < n_users:
        users = User.objects.bulk_create([User(username=f"bench_booker_{i}", display_name=f"居民{i}", password="!")
                                          for i in range(have, n_users)], batch_size=2000)
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role="resident", region=grid, region_path=grid.path)  # type: ignore[union-attr]
                                            for u in users], batch_size=2000)
    users = list(User.objects.filter(username__startswith="bench_booker_").order_by("id")[:n_users])
    ApiToken.objects.filter(user__in=users).delete()
    secrets = [f"ll_bench_{u.pk}_{uuid.uuid4().hex}" for u in users]
    ApiToken.objects.bulk_create([ApiToken(user=u, name="booking bench", prefix=s[:10], key_hash=_digest(s))
                                  for u, s in zip(users, secrets, strict=True)], batch_size=2000)

    def resource(name: str, cap: int) -> Resource:
        r = Resource.objects.create(name=name, region=community, region_path=community.path, capacity=cap,  # type: ignore[union-attr, misc]
                                    slot_minutes=60, book_ahead_days=14, cancel_before_hours=0)
        OpeningRule.objects.bulk_create([OpeningRule(resource=r, weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)])
        return r

    contested = resource("长者饭堂午餐(抢位)", capacity)
    load = [resource(f"压测服务{i}", seats).pk for i in range(n_resources)]
    return secrets, contested.pk, load


def tomorrow_at(hour: int, days: int = 1) -> dt.datetime:
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


async def race(port: int, secrets: list[str], resource_id: int, start: dt.datetime) -> dict[int, int]:
    conns = [Conn(port) for _ in secrets]
    for c in conns:
        await c.open()
    gate = asyncio.Event()
    codes: dict[int, int] = {}
    body = json.dumps({"resource_id": resource_id, "starts_at": start.isoformat()}).encode()

    async def one(i: int) -> None:
        await gate.wait()
        status, _ = await conns[i].request("POST", "/api/v1/booking/reservations", secrets[i], body,
                                           f"Idempotency-Key: race-{i}\r\n")
        codes[status] = codes.get(status, 0) + 1
        conns[i].close()

    tasks = [asyncio.create_task(one(i)) for i in range(len(secrets))]
    await asyncio.sleep(0.2)
    gate.set()
    await asyncio.gather(*tasks)
    return codes


async def sustained(port: int, secrets: list[str], resources: list[int], seconds: float, concurrency: int) -> dict:
    book_lat: list[float] = []
    read_lat: list[float] = []
    codes: dict[int, int] = {}
    stop = time.monotonic() + seconds
    rng = random.Random(7)
    starts = [tomorrow_at(h, d) for d in range(1, 8) for h in range(8, 20)]

    async def worker(n: int) -> None:
        conn = Conn(port)
        i = 0
        while time.monotonic() < stop:
            i += 1
            secret = secrets[(n * 7919 + i) % len(secrets)]
            rid = rng.choice(resources)
            if i % 5 == 0:
                t0 = time.perf_counter()
                status, _ = await conn.request("GET", f"/api/v1/booking/resources/{rid}/slots?date="
                                               f"{starts[rng.randrange(len(starts))].date()}", secret)
                read_lat.append((time.perf_counter() - t0) * 1000)
                continue
            body = json.dumps({"resource_id": rid, "starts_at": rng.choice(starts).isoformat(), "wait": rng.random() < 0.3}).encode()
            t0 = time.perf_counter()
            status, _ = await conn.request("POST", "/api/v1/booking/reservations", secret, body,
                                           f"Idempotency-Key: {uuid.uuid4().hex}\r\n")
            book_lat.append((time.perf_counter() - t0) * 1000)
            codes[status] = codes.get(status, 0) + 1
        conn.close()

    t0 = time.monotonic()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return {"elapsed": time.monotonic() - t0, "book": book_lat, "read": read_lat, "codes": codes}


WORDS = ["理发", "助餐", "保洁", "家电维修", "推拿", "陪诊", "托管", "法律咨询", "书法", "太极", "开锁", "护理", "健康监测", "烘焙"]


def fill_offerings(total: int) -> int:
    """Approved providers with `total` offerings in all, over many communities (bulk)."""
    from linli.booking.models import OpeningRule, Resource
    from linli.core.uscc import check_char
    from linli.regions.models import Level, RegionNode
    from linli.station.models import Offering, Provider

    have = Offering.objects.count()
    if have >= total:
        return 0
    street = RegionNode.objects.filter(level=Level.STREET).order_by("path").first()
    communities = list(RegionNode.objects.filter(level=Level.COMMUNITY).order_by("path"))
    providers = []
    for i in range(100):
        body = f"9144010{i % 10}MA{i:07d}"[:17]
        p, _ = Provider.objects.get_or_create(uscc=body + check_char(body), defaults={
            "name": f"压测服务商{i}", "kind": "merchant", "contact_name": "张", "contact_phone": "13800000000",
            "address": "压测地址", "region": street, "region_path": street.path, "state": "approved"})  # type: ignore[union-attr]
        providers.append(p)
    need = total - have
    rng = random.Random(3)
    cats = [c for c, _ in Offering.Category.choices]
    prices = [c for c, _ in Offering.Price.choices]
    resources = Resource.objects.bulk_create([Resource(name=f"压测服务{have + i}", region=street, region_path=street.path,  # type: ignore[union-attr]
                                                       audience="everyone") for i in range(need)], batch_size=2000)
    OpeningRule.objects.bulk_create([OpeningRule(resource=r, weekday=rng.randrange(7), opens=dt.time(9), closes=dt.time(17))
                                     for r in resources], batch_size=2000)
    offerings = []
    for i, r in enumerate(resources):
        word = WORDS[i % len(WORDS)]
        title = f"{word}服务{have + i}"
        p = providers[i % len(providers)]
        cat = cats[i % len(cats)]
        offerings.append(Offering(provider=p, resource=r, title=title, category=cat, price_type=prices[i % 3],
                                  description=f"社区{word}，上门或到店，预约后按时服务。",
                                  search_text=f"{title} {p.name} {word}".lower()))
    offerings = Offering.objects.bulk_create(offerings, batch_size=2000)
    through = Offering.communities.through
    through.objects.bulk_create([through(offering_id=o.pk, regionnode_id=communities[i % len(communities)].pk)
                                 for i, o in enumerate(offerings)], batch_size=5000)
    from django.db import connection

    with connection.cursor() as cur:  # what autovacuum does soon after a load this size
        cur.execute("ANALYZE station_offering, station_provider, booking_resource, booking_openingrule, "
                    "station_offering_communities")
    return need


def browse(port: int, secret: str, n: int, repeat: int = 40) -> dict[str, float]:
    """p95 of search and filters over HTTP, on a warmed server."""
    import httpx

    from linli.regions.models import Level, RegionNode

    community = RegionNode.objects.filter(level=Level.COMMUNITY).order_by("path").first()
    queries = {"q=理发": {"q": "理发"}, "q=助餐": {"q": "助餐"}, "q=家电维修": {"q": "家电维修"},
               "category": {"category": "meals"}, "free": {"price_type": "free"},
               "community": {"community": community.code},  # type: ignore[union-attr]
               "q+category+price": {"q": "护理", "category": "elderly", "price_type": "low"}}
    out: dict[str, float] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {secret}"}, timeout=30) as c:
        for name, params in queries.items():
            times = []
            for i in range(repeat + 3):
                t0 = time.perf_counter()
                r = c.get("/api/v1/station/offerings", params=params)
                if r.status_code != 200:
                    sys.exit(f"booking_contention: search {params} answered {r.status_code}")
                if i >= 3:
                    times.append((time.perf_counter() - t0) * 1000)
            out[name] = round(pct(times, 95), 1)
        times = []
        for i in range(repeat + 3):
            t0 = time.perf_counter()
            c.get("/station/", params={"q": "理发"})
            if i >= 3:
                times.append((time.perf_counter() - t0) * 1000)
        out["page /station/?q=理发"] = round(pct(times, 95), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of the same load before the measured run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8096)
    args = parser.parse_args()
    refuse_unless_postgres("booking_contention")
    setup()
    from django.db import connection

    from linli.booking.models import Reservation, Slot

    secrets, contested, load = prepare(max(args.users, args.racers), args.resources, args.seats, args.capacity)
    start = tomorrow_at(12)
    connection.close()
    with gunicorn(args.port, workers=args.workers, threads=args.threads, name="booking_contention"):
        # warm every worker: a server that has been up a while has each resource's schedule in
        # every process (the tokens stay as cold as --users makes them)
        asyncio.run(sustained(args.port, secrets[args.racers:], load, args.warmup, args.concurrency))
        codes = asyncio.run(race(args.port, secrets[: args.racers], contested, start))
        booked = Reservation.objects.filter(resource_id=contested, status="confirmed").count()
        slot_counter = Slot.objects.get(resource_id=contested, starts_at=start).booked
        print(f"race: {args.racers} clients for {args.capacity} seats → answers {codes}; confirmed in the database {booked}, "
              f"slot counter {slot_counter}")
        Reservation.objects.filter(resource_id__in=load).delete()
        Slot.objects.filter(resource_id__in=load).delete()
        connection.close()
        capacity = [machine_capacity()]
        with CpuMeter() as cpu:
            run = asyncio.run(sustained(args.port, secrets, load, args.seconds, args.concurrency))
        capacity.append(machine_capacity())
        added = fill_offerings(args.offerings)
        from linli.station.models import Offering

        n_offerings = Offering.objects.count()
        connection.close()
        browse_figures = browse(args.port, secrets[0], n_offerings)
        print(f"browse/search over {n_offerings:,} offerings ({added:,} generated): p95 ms {browse_figures}")
    created = run["codes"].get(201, 0)
    stored = Reservation.objects.filter(resource_id__in=load).count()
    over = Slot.objects.filter(resource_id__in=load, booked__gt=models_F("capacity")).count()
    rps = len(run["book"]) / run["elapsed"]
    print(f"sustained: {len(run['book']):,} booking requests in {run['elapsed']:.1f} s = {rps:.0f}/s; answers {run['codes']}; "
          f"reservations stored {stored:,} (201 answers {created:,}); slots above capacity: {over}")
    print(f"booking latency ms: p50 {pct(run['book'], 50):.1f}  p99 {pct(run['book'], 99):.1f}; "
          f"slot reads p95 {pct(run['read'], 95):.1f} ({len(run['read']):,} reads)")
    requests = len(run["book"]) + len(run["read"])
    print(f"CPU: cores used {cpu.cores}; machine {cpu.per_request_ms(requests)} ms per request; "
          f"effective cores before/after the run {capacity[0]['effective_cores']}/{capacity[1]['effective_cores']} "
          f"(reference alone {capacity[0]['reference_ms']} ms, on both cores at once {capacity[0]['reference_both_cores_ms']} ms)")
    out = {"bench": "booking_contention", "machine": machine(), "racers": args.racers, "capacity": args.capacity,
           "booked": booked, "slot_counter": slot_counter, "race_answers": codes,
           "rps": round(rps, 1), "p50_ms": round(pct(run["book"], 50), 1), "p99_ms": round(pct(run["book"], 99), 1),
           "reads_p95_ms": round(pct(run["read"], 95), 1), "answers": run["codes"], "stored": stored, "created_201": created,
           "slots_over_capacity": over, "gunicorn": f"gthread -w {args.workers} --threads {args.threads}",
           "concurrency": args.concurrency, "users": max(args.users, args.racers), "cpu_cores": cpu.cores,
           "machine_ms_per_request": cpu.per_request_ms(len(run["book"]) + len(run["read"])), "machine_capacity": capacity,
           "offerings": n_offerings, "browse_p95_ms": browse_figures,
           "browse_worst_p95_ms": max(browse_figures.values()),
           "targets": {"booked": args.capacity, "rps": TARGET_RPS, "p99_ms": TARGET_P99, "browse_p95_ms": 50}}
    print(json.dumps(out, ensure_ascii=False, default=str))


def models_F(name: str):  # type: ignore[no-untyped-def]
    from django.db.models import F

    return F(name)


if __name__ == "__main__":
    main()
