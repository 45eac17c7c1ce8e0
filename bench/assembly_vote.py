"""An owners' assembly of a compound of 10,000 units: 3,000 owners vote through the API at once.

Builds (in bulk, outside the timing, kept for the next run) the compound 千户苑 of 36 buildings
of 250 flats and a garage of 1,000 parking spaces (10,000 exclusive units), with its owners:
the developer still holds 400 flats (one head), 300 buyers hold two flats and a parking space,
700 a flat and a parking space, 60 flats are co-owned by two residents, the other flats have one
owner each (8,301 heads). 3,000 owners have accounts (a phone, a bearer token): the 60 co-owners
their co-owners designated, every multi-unit buyer and 1,940 single owners.

Each run then prepares, through the services and with the clock moved by ``now=`` as the tests'
``World.voting()`` does, a fresh assembly with 5 matters (art. 278 items 1, 6, 7, 8, 4): the roll
frozen from the registry, the co-owners' voters designated, the roll locked after its disclosure,
the assembly called (the notice 16 days before opening) and open. Then, against a gunicorn
server (``common.gunicorn``):

1. vote: --concurrency keep-alive clients take the 3,000 owners one after the other; each owner
   ``POST /api/v1/assemblies/{id}/vote-code`` then ``POST …/ballots`` with the code, and later
   (interleaved with the first votes of others) tries again with a new code, which must be
   refused (409 ``already_voted``). The server runs the console SMS backend; the code is read
   from what the console gateway wrote to the server's log (``linli.sms`` at INFO: the masked
   phone, whose last four digits are unique here, and the text). Measured: ballots/s, p50/p99 of
   the ballots that were stored (201), refusals counted apart; stored == accepted (one effective
   ballot per head, 5 choices each, one audit row each);
2. turnout: meanwhile a staff member (the community admin, bearer token) refreshes
   ``GET /api/v1/assemblies/{id}/turnout`` every --turnout-interval seconds: p50/p95;
3. result: voting closed (``services.close`` with ``now`` past the deadline), then
   ``services.publish_result`` timed (tally of the 5 matters, the board chained by hashes, the
   record, the disclosure; the owners' messages after commit timed apart), the pure tally alone
   (``board.tally_entries`` over the record's entries), and the standalone verifier
   (``python verifier/verify_assembly.py record.json``).

SMS limits: per phone (``sms_phone``, 5/h) stay at their production default (each owner asks for
two codes); the per-address limit (``sms_address``, 20/h) is lifted, since all simulated phones
come from 127.0.0.1 (unless LINLI_WRITE_LIMITS is set). A 429 is counted apart.

Targets (issue 14): p99 under 200 ms, turnout p95 under 100 ms, tally under 1 s, verifier under
10 s. Ends with one JSON line. Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_abench .venv/bin/python bench/assembly_vote.py
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")

from common import Conn, CpuMeter, gunicorn, machine, machine_capacity, pct, refuse_unless_postgres  # noqa: E402

TARGETS = {"p99_ms": 200.0, "turnout_p95_ms": 100.0, "tally_s": 1.0, "verifier_s": 10.0}
STREET = "440199003"  # a street of its own, away from the demo city and the other benchmarks
COMPOUND = "千户苑"
BUILDINGS, FLATS, SPACES = 36, 250, 1000  # 36 × 250 flats + 1,000 parking spaces = 10,000 units
DEVELOPER_FLATS, CO_OWNED, THREE_UNITS, TWO_UNITS = 400, 60, 300, 700
SINGLE_VOTERS = 1940  # with the 60 co-owners and the 1,000 multi-unit buyers: 3,000 voters
MATTERS = [
    {"item": 1, "title": "表决通过《业主大会议事规则》和《管理规约》修订"},
    {"item": 6, "title": "续筹专项维修资金"},
    {"item": 7, "title": "改建小区东门及消防通道"},
    {"item": 8, "title": "将3栋架空层改为社区活动用房"},
    {"item": 4, "title": "选聘物业服务企业"},
]
# how the simulated owners lean on each matter: (agree, oppose) out of 100, the rest abstain
LEANING = {1: (80, 10), 2: (78, 12), 3: (60, 25), 4: (45, 40), 5: (55, 30)}


def phone_of(i: int) -> str:
    return f"139{i:08d}"  # i < 10,000: the last four digits (what a masked phone shows) are unique


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare() -> dict[str, Any]:
    """The compound, its owners, the voters' accounts and the community admin (kept)."""
    from django.db import transaction

    from linli.accounts.models import RoleAssignment, User
    from linli.accounts.roles import Role
    from linli.core.crypto import lookup_hash
    from linli.regions.models import (
        Building,
        Compound,
        Household,
        Level,
        Ownership,
        RegionNode,
        Resident,
        Room,
        Unit,
    )

    grid = RegionNode.objects.filter(path=f"{STREET}001001").first()
    compound = Compound.objects.filter(grid=grid, name=COMPOUND).first() if grid else None
    if compound is not None and Room.objects.filter(building__compound=compound).count() == BUILDINGS * FLATS + SPACES:
        return {"compound": compound, "built": False}
    with transaction.atomic():
        city, _ = RegionNode.objects.get_or_create(path="4401", defaults={"code": "440100000000", "name": "广州市",
                                                                          "full_name": "广州市", "level": Level.CITY})
        district, _ = RegionNode.objects.get_or_create(path="440199", defaults={
            "code": "440199000000", "name": "测试区", "full_name": "广州市测试区", "level": Level.DISTRICT, "parent": city})
        street = RegionNode.objects.create(code=STREET + "000", path=STREET, name="表决街", full_name="测试区表决街",
                                           level=Level.STREET, parent=district)
        community = RegionNode.objects.create(code=f"{STREET}001", path=f"{STREET}001", name="千户社区",
                                              full_name="表决街千户社区", level=Level.COMMUNITY, parent=street)
        grid = RegionNode.objects.create(code=f"{STREET}001001", path=f"{STREET}001001", name="第1网格",
                                         full_name="千户社区第1网格", level=Level.GRID, parent=community)
        path = grid.path
        compound = Compound.objects.create(name=COMPOUND, grid=grid, region_path=path)
        buildings = Building.objects.bulk_create([Building(compound=compound, name=f"{b}栋", grid=grid, region_path=path, floors=25)
                                                  for b in range(1, BUILDINGS + 1)])
        garage = Building.objects.create(compound=compound, name="地下车库", grid=grid, region_path=path)
        units = Unit.objects.bulk_create([Unit(building=b, name="1单元") for b in buildings])
        garage_unit = Unit.objects.create(building=garage, name="B1")
        address = f"测试区表决街 {COMPOUND}"
        flats = Room.objects.bulk_create([
            Room(unit=u, building=u.building, number=f"{f // 10 + 1}{f % 10 + 1:02d}", floor=f // 10 + 1,
                 exclusive_area=f"{78 + (f * 7 + u.pk) % 65}.{(f * 13) % 100:02d}", region_path=path,
                 address=f"{address}{u.building.name}1单元{f // 10 + 1}{f % 10 + 1:02d}")
            for u in units for f in range(FLATS)], batch_size=5000)
        spaces = Room.objects.bulk_create([
            Room(unit=garage_unit, building=garage, number=f"P{s + 1:04d}", floor=-1, exclusive_area=f"{12 + s % 4}.50",
                 use=Room.Use.PARKING, region_path=path, address=f"{address}地下车库B1P{s + 1:04d}")
            for s in range(SPACES)], batch_size=5000)
        Household.objects.bulk_create([Household(number=f"QH{r.pk}", room=r, region_path=path) for r in flats], batch_size=5000)

        # who owns what: the developer's flats at the end, then the co-owned, the multi-unit buyers, the single owners
        dev = flats[-DEVELOPER_FLATS:]
        rest = flats[:-DEVELOPER_FLATS]
        co = rest[:CO_OWNED]
        three = [(rest[CO_OWNED + 2 * i], rest[CO_OWNED + 2 * i + 1], spaces[i]) for i in range(THREE_UNITS)]
        start = CO_OWNED + 2 * THREE_UNITS
        two = [(rest[start + i], spaces[THREE_UNITS + i]) for i in range(TWO_UNITS)]
        singles = rest[start + TWO_UNITS:]
        holdings: list[tuple[Room, ...]] = [*[(r,) for r in co], *[(r,) for r in co], *three, *two, *[(r,) for r in singles]]
        residents = Resident.objects.bulk_create([
            Resident(name=f"业主{i:05d}", name_pinyin=f"yezhu{i:05d}", name_initials="yz", gender="MF"[i % 2],
                     birth_date=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28), id_number="", id_hash=f"abench-owner-{i}",
                     grid=grid, region_path=path, relation="head")
            for i in range(len(holdings))], batch_size=5000)
        rows = []
        for n, (res, rooms) in enumerate(zip(residents, holdings, strict=True)):
            share = "0.5" if n < 2 * CO_OWNED else "1"
            rows += [Ownership(room=r, kind="person", resident=res, owner_name=res.name, owner_key=f"p:{res.id_hash}", share=share)
                     for r in rooms]
        rows += [Ownership(room=r, kind="developer", owner_name="千户苑置业有限公司", owner_key="d:千户苑置业有限公司") for r in dev]
        Ownership.objects.bulk_create(rows, batch_size=5000)
        # the voters with accounts: the first of each co-owned pair, every multi-unit buyer, then single owners
        voters = [*residents[:CO_OWNED], *residents[2 * CO_OWNED: 2 * CO_OWNED + THREE_UNITS + TWO_UNITS + SINGLE_VOTERS]]
        users = User.objects.bulk_create([
            User(username=f"abench_owner_{i:04d}", display_name=r.name, password="!", resident=r, phone=phone_of(i),
                 phone_hash=lookup_hash(phone_of(i))) for i, r in enumerate(voters)], batch_size=2000)
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.RESIDENT, region=grid, region_path=path) for u in users],
                                           batch_size=5000)
        admin = User.objects.create(username="abench_admin", display_name="千户社区管理员", password="!")
        RoleAssignment.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, region=community, region_path=community.path)
    return {"compound": compound, "built": True}


def new_assembly(compound: Any, admin: Any) -> tuple[Any, dict[str, float]]:
    """A fresh assembly, voting now: roll frozen 26 days ago (its disclosure over), co-owners'
    voters designated, roll locked, called 16 days ago, opened a minute ago."""
    from django.utils import timezone

    from linli.assemblies import services
    from linli.assemblies.models import HeadKind, RollEntry

    steps: dict[str, float] = {}
    opens = timezone.now() - dt.timedelta(minutes=1)
    past = timezone.now() - dt.timedelta(days=16)
    a = services.create_assembly(actor=admin, compound_id=compound.pk, title="千户苑2026年第一次业主大会", convener="owners_committee",
                                 convener_name="千户苑业主委员会", opens_at=opens, closes_at=opens + dt.timedelta(days=10),
                                 matters=MATTERS, named=True)
    t = time.monotonic()
    services.freeze_roll(actor=admin, assembly=a, now=past - dt.timedelta(days=10))
    steps["freeze_roll_s"] = round(time.monotonic() - t, 2)
    a.refresh_from_db()
    t = time.monotonic()
    for e in RollEntry.objects.filter(roll_id=a.roll_id, kind=HeadKind.CO_OWNERS):
        services.designate_voter(actor=admin, entry=e, resident_id=min(o["resident_id"] for o in e.owners), reason="共有人书面指定")
    steps["designate_s"] = round(time.monotonic() - t, 2)
    services.lock_roll(actor=admin, assembly=a)
    t = time.monotonic()
    services.call(actor=admin, assembly=a, now=past - dt.timedelta(minutes=5))
    steps["call_s"] = round(time.monotonic() - t, 2)
    services.open_voting(actor=admin, assembly=a)
    a.refresh_from_db()
    return a, steps


class Codes:
    """The codes the console SMS gateway wrote to the server's log, by masked phone, in order."""

    LINE = re.compile(r"sms (\d{3}\*+\d{4}) \[[0-9a-f]+\]: (.*)")
    CODE = re.compile(r"验证码\s*(\d{6})|code\D{0,20}(\d{6})")

    def __init__(self, path: Path) -> None:
        self.file = path.open("r", encoding="utf-8", errors="replace")
        self.by_phone: dict[str, list[str]] = {}
        self.partial = ""

    def _read(self) -> None:
        chunk = self.file.read()
        if not chunk:
            return
        text = self.partial + chunk
        lines = text.split("\n")
        self.partial = lines.pop()
        for line in lines:
            m = self.LINE.search(line)
            if m:
                c = self.CODE.search(m.group(2))
                if c:
                    self.by_phone.setdefault(m.group(1), []).append(c.group(1) or c.group(2))

    def seen(self, masked: str) -> int:
        self._read()
        return len(self.by_phone.get(masked, ()))

    async def after(self, masked: str, seen: int, timeout: float = 5.0) -> str | None:
        """The first code sent to ``masked`` after ``seen`` of them."""
        deadline = time.monotonic() + timeout
        while True:
            self._read()
            got = self.by_phone.get(masked, [])
            if len(got) > seen:
                return got[seen]
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.002)


def mask(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


async def vote(args: argparse.Namespace, assembly_id: int, owners: list[dict[str, Any]], staff_secret: str,
               codes: Codes) -> dict[str, Any]:
    """Every owner: code, ballot (must be 201); later: code, ballot again (must be 409)."""
    rng = random.Random(14)
    queue = list(owners)
    rng.shuffle(queue)
    again: list[dict[str, Any]] = []
    ballot_ms: list[float] = []
    refused_ms: list[float] = []
    code_ms: list[float] = []
    turnout_ms: list[float] = []
    status: dict[str, dict[int, int]] = {"vote-code": {}, "ballot first": {}, "ballot again": {}, "turnout": {}}
    errors: list[str] = []
    receipts: dict[int, str] = {}
    no_code = [0]

    def count(kind: str, code: int) -> None:
        status[kind][code] = status[kind].get(code, 0) + 1

    async def attempt(conn: Conn, owner: dict[str, Any], second: bool) -> None:
        seen = codes.seen(owner["masked"])
        t = time.perf_counter()
        code, data = await conn.request("POST", f"/api/v1/assemblies/{assembly_id}/vote-code", owner["secret"])
        code_ms.append((time.perf_counter() - t) * 1000)
        count("vote-code", code)
        if code != 204:
            if len(errors) < 5:
                errors.append(f"vote-code {code} {data[:200]!r}")
            return
        sms = await codes.after(owner["masked"], seen)
        if sms is None:
            no_code[0] += 1
            return
        body = json.dumps({"choices": owner["choices"], "code": sms}).encode()
        t = time.perf_counter()
        code, data = await conn.request("POST", f"/api/v1/assemblies/{assembly_id}/ballots", owner["secret"], body)
        ms = (time.perf_counter() - t) * 1000
        count("ballot again" if second else "ballot first", code)
        if code == 201:
            ballot_ms.append(ms)
            receipts.setdefault(owner["user"], json.loads(data)["receipt"])
        else:
            refused_ms.append(ms)
            if (code != 409 or not second) and len(errors) < 5:
                errors.append(f"ballot {code} {data[:200]!r}")

    async def worker() -> None:
        conn = Conn(args.port)
        try:
            while queue or again:
                if again and (not queue or rng.random() < args.twice / 2):
                    await attempt(conn, again.pop(0), True)
                else:
                    owner = queue.pop()
                    await attempt(conn, owner, False)
                    if rng.random() < args.twice:
                        again.append(owner)
        finally:
            conn.close()

    async def watch(done: asyncio.Event) -> None:
        conn = Conn(args.port)
        path = f"/api/v1/assemblies/{assembly_id}/turnout"
        await conn.request("GET", path, staff_secret)
        last = b""
        while not done.is_set():
            t = time.perf_counter()
            code, last = await conn.request("GET", path, staff_secret)
            turnout_ms.append((time.perf_counter() - t) * 1000)
            count("turnout", code)
            await asyncio.sleep(args.turnout_interval)
        conn.close()
        status["last_turnout"] = json.loads(last) if last else {}  # type: ignore[assignment]

    done = asyncio.Event()
    watcher = asyncio.create_task(watch(done))
    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    elapsed = time.monotonic() - t0
    done.set()
    await watcher
    return {"elapsed": elapsed, "ballot_ms": ballot_ms, "refused_ms": refused_ms, "code_ms": code_ms, "turnout_ms": turnout_ms,
            "status": status, "errors": errors, "receipts": receipts, "no_code": no_code[0]}


async def warm(port: int, assembly_id: int, owners: list[dict[str, Any]], staff_secret: str, n: int) -> None:
    """Each server thread's connection and caches: reads only, no vote."""
    async def one(i: int) -> None:
        conn = Conn(port)
        for j in range(3):
            await conn.request("GET", f"/api/v1/assemblies/{assembly_id}", owners[(i * 3 + j) % len(owners)]["secret"])
        await conn.request("GET", f"/api/v1/assemblies/{assembly_id}/turnout", staff_secret)
        conn.close()

    await asyncio.gather(*(one(i) for i in range(n)))


def choices_for(rng: random.Random) -> dict[str, str]:
    out = {}
    for no, (agree, oppose) in LEANING.items():
        x = rng.randrange(100)
        out[str(no)] = "agree" if x < agree else "oppose" if x < agree + oppose else "abstain"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--owners", type=int, default=3000, help="how many of the 3,000 owners with accounts vote")
    parser.add_argument("--twice", type=float, default=1.0, help="share of owners who try to vote a second time")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--turnout-interval", type=float, default=0.2, help="seconds between two turnout refreshes")
    parser.add_argument("--port", type=int, default=8096)
    args = parser.parse_args()
    refuse_unless_postgres("assembly_vote")
    setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.accounts.services import issue_api_token
    from linli.assemblies import board, services
    from linli.assemblies.models import Ballot, BallotChoice, Matter, RollEntry
    from linli.core.models import AuditEvent

    t = time.monotonic()
    prepared = prepare()
    built_s = time.monotonic() - t
    compound = prepared["compound"]
    admin = User.objects.get(username="abench_admin")
    assembly, steps = new_assembly(compound, admin)
    roll = assembly.roll
    voters = list(User.objects.filter(username__startswith="abench_owner_").order_by("username")[: args.owners])
    t = time.monotonic()
    rng = random.Random(278)
    owners = []
    for u in voters:
        _tok, secret = issue_api_token(actor=None, user=u, name="assembly_vote benchmark")
        owners.append({"user": u.pk, "secret": secret, "masked": mask(u.phone), "choices": choices_for(rng)})
    _tok, staff_secret = issue_api_token(actor=None, user=admin, name="assembly_vote benchmark")
    tokens_s = time.monotonic() - t
    heads_voting = RollEntry.objects.filter(roll=roll, voter_id__in=[u.resident_id for u in voters]).count()
    print(f"compound {COMPOUND}: {roll.total_units:,} units, {roll.total_heads:,} heads, {roll.total_area} ㎡ "
          f"({'built' if prepared['built'] else 'kept'} in {built_s:.1f} s); assembly {assembly.pk} voting; "
          f"steps {steps}; {len(owners):,} tokens in {tokens_s:.1f} s; {heads_voting:,} heads have a voter with an account", flush=True)
    started = timezone.now()
    connection.close()

    os.environ.setdefault("LINLI_WRITE_LIMITS", "sms_address=off")
    limits = os.environ["LINLI_WRITE_LIMITS"]
    log = Path(tempfile.mkstemp(prefix="assembly_vote_", suffix=".log")[1])
    with log.open("w") as server_log:
        os.environ["LINLI_LOG_LEVEL"] = "INFO"  # the console SMS gateway's lines (linli.sms) reach the server's log
        try:
            with gunicorn(args.port, workers=args.workers, threads=args.threads, name="assembly_vote", stderr=server_log):
                codes = Codes(log)
                asyncio.run(warm(args.port, assembly.pk, owners, staff_secret, args.workers * args.threads))
                capacity = [machine_capacity()]
                with CpuMeter() as cpu:
                    run = asyncio.run(vote(args, assembly.pk, owners, staff_secret, codes))
                capacity.append(machine_capacity())
        finally:
            del os.environ["LINLI_LOG_LEVEL"]

    ballots = Ballot.objects.filter(assembly=assembly)
    stored = ballots.filter(void=False).count()
    heads = ballots.filter(void=False).values("entry_id").distinct().count()
    choice_rows = BallotChoice.objects.filter(ballot__assembly=assembly).count()
    audits = AuditEvent.objects.filter(action="assembly.ballot", target_id=str(assembly.pk), occurred_at__gte=started).count()
    st = run["status"]
    accepted = st["ballot first"].get(201, 0) + st["ballot again"].get(201, 0)
    lat = run["ballot_ms"]
    rps = accepted / run["elapsed"]
    sms_429 = st["vote-code"].get(429, 0)
    print(f"\nvote: {accepted:,} ballots accepted in {run['elapsed']:.1f} s = {rps:.1f} ballots/s at concurrency {args.concurrency}; "
          f"stored {stored:,} (heads {heads:,}, choices {choice_rows:,}, audit rows {audits:,}, all rows {ballots.count():,})")
    print(f"ballot (201) ms: p50 {pct(lat, 50):.1f}  p90 {pct(lat, 90):.1f}  p99 {pct(lat, 99):.1f}  max {max(lat):.1f}")
    if run["refused_ms"]:
        print(f"refused ballots (apart): {len(run['refused_ms']):,}, p50 {pct(run['refused_ms'], 50):.1f} ms, "
              f"p99 {pct(run['refused_ms'], 99):.1f} ms")
    print(f"vote-code ms: p50 {pct(run['code_ms'], 50):.1f}  p99 {pct(run['code_ms'], 99):.1f}; SMS refused (429) {sms_429}; "
          f"no code in the log {run['no_code']}")
    print(f"status codes {json.dumps({k: v for k, v in st.items() if k != 'last_turnout'})}; errors {run['errors'][:3]}")
    tm = run["turnout_ms"]
    print(f"turnout during the load: {len(tm)} samples, p50 {pct(tm, 50):.1f} ms, p95 {pct(tm, 95):.1f} ms, max {max(tm):.1f} ms; "
          f"last {st.get('last_turnout', {}).get('heads')} heads")
    print(f"CPU: cores used {cpu.cores}; machine {cpu.per_request_ms(accepted)} ms per ballot (vote-code, ballot, retry, turnout); "
          f"effective cores before/after {capacity[0]['effective_cores']}/{capacity[1]['effective_cores']}")

    # ---- close, tally, board, record, verifier
    assembly.refresh_from_db()
    after = assembly.closes_at + dt.timedelta(seconds=1)
    services.close(actor=admin, assembly=assembly, now=after)
    marks: dict[str, float] = {}
    t = time.monotonic()
    with transaction.atomic():
        transaction.on_commit(lambda: marks.setdefault("committed", time.monotonic()))  # runs first after the commit
        services.publish_result(actor=admin, assembly=assembly, now=after + dt.timedelta(seconds=1))
    end = time.monotonic()
    publish_s = marks["committed"] - t
    messages_s = end - marks["committed"]
    assembly.refresh_from_db()
    with assembly.record.open("rb") as f:
        raw = f.read()
    record = json.loads(raw)
    pure = []
    for _ in range(5):
        t = time.perf_counter()
        board.tally_entries(record["entries"], roll_totals=record["roll_totals"], matters=record["matters"])
        pure.append(time.perf_counter() - t)
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as rf:
        rf.write(raw)
    t = time.monotonic()
    verified = subprocess.run([sys.executable, str(ROOT / "verifier" / "verify_assembly.py"), rf.name], capture_output=True, text=True)
    verifier_s = time.monotonic() - t
    os.unlink(rf.name)
    results = {m.no: m.result for m in Matter.objects.filter(assembly=assembly).order_by("no")}
    print(f"\nresult: publish_result {publish_s:.2f} s (tally of {len(results)} matters over {len(record['entries']):,} entries, "
          f"board, record {len(raw) / 1e6:.1f} MB, disclosure), owners' messages after commit {messages_s:.2f} s; "
          f"pure tally (board.tally_entries) {min(pure) * 1000:.1f} ms (best of 5), {pct(pure, 50) * 1000:.1f} ms median")
    print(f"verifier: exit {verified.returncode} in {verifier_s:.2f} s: {verified.stdout.strip().splitlines()[-1:] or verified.stderr[-300:]}")
    for no, r in results.items():
        print(f"  matter {no} (item {r['item']}, {r['rule']}): participating {r['participating_heads']} heads / "
              f"{r['participating_area']} ㎡, agree {r['agree_heads']} / {r['agree_area']}, quorum {r['quorum_met']}, passed {r['passed']}")
    log.unlink()

    out = {
        "bench": "assembly_vote", "machine": machine(), "units": roll.total_units, "heads": roll.total_heads,
        "owners": len(owners), "concurrency": args.concurrency, "gunicorn": f"gthread -w {args.workers} --threads {args.threads}",
        "write_limits": limits, "seconds": round(run["elapsed"], 1), "accepted": accepted, "stored": stored,
        "lost": accepted - stored, "doubled": stored - heads, "choices_ok": choice_rows == len(MATTERS) * stored,
        "audit_rows": audits, "refused": {"ballot_409": st["ballot first"].get(409, 0) + st["ballot again"].get(409, 0),
                                          "ballot_other": len(run["refused_ms"]) - st["ballot first"].get(409, 0) - st["ballot again"].get(409, 0),
                                          "sms_429": sms_429, "no_code": run["no_code"]},
        "second_attempts_refused": st["ballot again"].get(409, 0), "second_attempts": sum(st["ballot again"].values()),
        "ballots_per_s": round(rps, 1), "p50_ms": round(pct(lat, 50), 1), "p99_ms": round(pct(lat, 99), 1),
        "vote_code_p50_ms": round(pct(run["code_ms"], 50), 1), "vote_code_p99_ms": round(pct(run["code_ms"], 99), 1),
        "turnout_samples": len(tm), "turnout_p50_ms": round(pct(tm, 50), 1), "turnout_p95_ms": round(pct(tm, 95), 1),
        "publish_result_s": round(publish_s, 2), "messages_after_commit_s": round(messages_s, 2),
        "tally_pure_ms": round(min(pure) * 1000, 1), "record_mb": round(len(raw) / 1e6, 2), "verifier_s": round(verifier_s, 2),
        "verifier_exit": verified.returncode, "passed": [no for no, r in results.items() if r["passed"]],
        "setup": {**steps, "tokens_s": round(tokens_s, 1), "built_s": round(built_s, 1)}, "cpu_cores": cpu.cores,
        "cpu_ms_per_ballot": cpu.per_request_ms(accepted), "machine_capacity": capacity, "load_average": os.getloadavg(),
        "errors": run["errors"][:3], "targets": TARGETS,
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
