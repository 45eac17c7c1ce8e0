"""A residents' committee election of a community of 3,000 households, by household
representatives (户代表), voting through the API at the peak hour.

Builds (in bulk, outside the timing, kept for the next run) the community 万家社区 of 30
buildings of 100 flats, each household with two adults, the first recorded as its 户代表, and an
account (a phone, a bearer token) for each representative. Each run then prepares, through the
services, a fresh election in household mode (主任 1, 副主任 1, 委员 3): the committee, the voter
list built from the registry and published, the committee's nominations (2 + 2 + 6, women among
them) accepted, the candidates set and published, and the first round opened on election day
(``open_voting(now=…)``, the clock moved as the tests do). Then, against a gunicorn server
(``common.gunicorn``):

1. vote: --concurrency keep-alive clients take the 3,000 representatives one after the other;
   each ``POST /api/v1/elections/{id}/vote/code`` then ``POST …/vote`` with the code read from
   the console SMS gateway's lines in the server's log (as ``assembly_vote.py`` does), and later
   tries again with a new code, which must be refused (409 ``already_voted``). Measured:
   ballots/s, p50/p99 of the ballots stored (201), refusals counted apart; stored == accepted
   (one participation and one secret ballot per voter, its marks);
2. turnout: meanwhile an organiser refreshes ``GET /api/v1/elections/{id}/voting``;
3. count: ``close_voting`` then ``count_round`` timed (the count over every ballot's marks, the
   result disclosed), and the pure ``count.count`` alone.

Targets (issue 15): p99 under 200 ms, stored == accepted, count under 1 s. Ends with one JSON
line. Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_ebench .venv/bin/python bench/election.py
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
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

from assembly_vote import Codes, mask  # noqa: E402
from common import Conn, CpuMeter, gunicorn, machine, machine_capacity, pct, refuse_unless_postgres  # noqa: E402

TARGETS = {"p99_ms": 200.0, "count_s": 1.0}
STREET = "440199004"  # a street of its own, away from the demo city and the other benchmarks
BUILDINGS, FLATS = 30, 100  # 3,000 households
SEATS = {"director": 1, "deputy": 1, "member": 3}
CANDIDATES = {"director": 2, "deputy": 2, "member": 6}


def phone_of(i: int) -> str:
    return f"138{i:08d}"  # i < 10,000: the last four digits (what a masked phone shows) are unique


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare() -> dict[str, Any]:
    """The community, its households, their representatives' accounts and the admin (kept)."""
    from django.db import transaction

    from linli.accounts.models import RoleAssignment, User
    from linli.accounts.roles import Role
    from linli.core.crypto import lookup_hash
    from linli.regions.models import Building, Compound, Household, Level, RegionNode, Resident, Room, Unit

    community = RegionNode.objects.filter(path=f"{STREET}001").first()
    if community is not None and Household.objects.filter(region_path__startswith=community.path).count() == BUILDINGS * FLATS:
        return {"community": community, "built": False}
    with transaction.atomic():
        city, _ = RegionNode.objects.get_or_create(path="4401", defaults={"code": "440100000000", "name": "广州市",
                                                                          "full_name": "广州市", "level": Level.CITY})
        district, _ = RegionNode.objects.get_or_create(path="440199", defaults={
            "code": "440199000000", "name": "测试区", "full_name": "广州市测试区", "level": Level.DISTRICT, "parent": city})
        street = RegionNode.objects.create(code=STREET + "000", path=STREET, name="选举街", full_name="测试区选举街",
                                           level=Level.STREET, parent=district)
        community = RegionNode.objects.create(code=f"{STREET}001", path=f"{STREET}001", name="万家社区",
                                              full_name="选举街万家社区", level=Level.COMMUNITY, parent=street)
        grid = RegionNode.objects.create(code=f"{STREET}001001", path=f"{STREET}001001", name="第1网格",
                                         full_name="万家社区第1网格", level=Level.GRID, parent=community)
        path = grid.path
        compound = Compound.objects.create(name="万家苑", grid=grid, region_path=path)
        buildings = Building.objects.bulk_create([Building(compound=compound, name=f"{b}栋", grid=grid, region_path=path, floors=20)
                                                  for b in range(1, BUILDINGS + 1)])
        units = Unit.objects.bulk_create([Unit(building=b, name="1单元") for b in buildings])
        rooms = Room.objects.bulk_create([
            Room(unit=u, building=u.building, number=f"{f // 5 + 1}{f % 5 + 1:02d}", floor=f // 5 + 1, exclusive_area="85.00",
                 region_path=path, address=f"测试区选举街万家苑{u.building.name}1单元{f // 5 + 1}{f % 5 + 1:02d}")
            for u in units for f in range(FLATS)], batch_size=5000)
        households = Household.objects.bulk_create([Household(number=f"WJ{r.pk}", room=r, region_path=path) for r in rooms],
                                                   batch_size=5000)
        people = Resident.objects.bulk_create([
            Resident(name=f"居民{2 * i + k:05d}", name_pinyin=f"jumin{2 * i + k:05d}", name_initials="jm", gender="MF"[(i + k) % 2],
                     birth_date=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28), id_number="", id_hash=f"ebench-{2 * i + k}",
                     household=h, grid=grid, region_path=path, relation="head" if k == 0 else "spouse")
            for i, h in enumerate(households) for k in range(2)], batch_size=5000)
        heads = people[0::2]
        for h, r in zip(households, heads, strict=True):
            h.representative = r
        Household.objects.bulk_update(households, ["representative"], batch_size=5000)
        users = User.objects.bulk_create([
            User(username=f"ebench_rep_{i:04d}", display_name=r.name, password="!", resident=r, phone=phone_of(i),
                 phone_hash=lookup_hash(phone_of(i))) for i, r in enumerate(heads)], batch_size=2000)
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.RESIDENT, region=grid, region_path=path) for u in users],
                                           batch_size=5000)
        admin = User.objects.create(username="ebench_admin", display_name="万家社区管理员", password="!")
        RoleAssignment.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, region=community, region_path=community.path)
    return {"community": community, "built": True}


def new_election(community: Any, admin: Any) -> tuple[Any, dict[str, float], dict[str, list[int]]]:
    """A fresh election, its first round open: committee, voter list built and published,
    candidates nominated by the committee, accepted, set and published."""
    from django.utils import timezone

    from linli.elections import proxies, services, voting
    from linli.elections.models import Election, Voter
    from linli.regions.models import Resident

    for old in Election.objects.filter(community=community).exclude(status__in=("counted", "cancelled")):
        # an earlier run's election left for a further round: ended, so the community may prepare a new one
        Election.objects.filter(pk=old.pk).update(status="cancelled", cancel_reason="上次基准测试")
    steps: dict[str, float] = {}
    day = timezone.localdate() + dt.timedelta(days=30)
    e = services.create(actor=admin, community=community, title=f"万家社区第{int(time.time()) % 100000}届居委会换届选举",
                        election_day=day, mode="household", seats=SEATS)
    spouses = list(Resident.objects.filter(region_path__startswith=community.path, relation="spouse").order_by("pk")[:3])
    for r, role in zip(spouses, ("chair", "vice", "member"), strict=True):
        services.add_member(actor=admin, election=e, resident_id=r.pk, role=role)
    t = time.monotonic()
    services.build_voters(actor=admin, election=e)
    steps["build_voters_s"] = round(time.monotonic() - t, 2)
    t = time.monotonic()
    services.publish_voters(actor=admin, election=e)
    steps["publish_voters_s"] = round(time.monotonic() - t, 2)
    e.refresh_from_db()
    pool = list(Voter.objects.filter(election=e, votes=True).order_by("pk").values_list("pk", flat=True)[:sum(CANDIDATES.values())])
    posts: dict[str, list[int]] = {}
    for post, n in CANDIDATES.items():
        posts[post], pool = pool[:n], pool[n:]
        for vid in posts[post]:
            nom = services.nominate(actor=admin, election=e, post=post, nominee_id=vid, by_committee=True)
            services.answer_nomination(actor=admin, election=e, nomination_id=nom.pk, accept=True, note="本人书面确认")
        services.set_candidates(actor=admin, election=e, post=post, voter_ids=posts[post])
    t = time.monotonic()
    services.publish_candidates(actor=admin, election=e)
    steps["publish_candidates_s"] = round(time.monotonic() - t, 2)
    for role in ("monitor", "counter"):
        proxies.add_staff(actor=admin, election=e, role=role, user=admin, chosen="选民推选")
    e.refresh_from_db()
    voting.open_voting(actor=admin, election=e, now=timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0))))
    e.refresh_from_db()
    return e, steps, posts


def marks_for(rng: random.Random, posts: dict[str, list[int]]) -> dict[str, Any]:
    """A ballot: per post yes for up to its seats (the favourites more often), the others no or
    abstain; now and then a post left blank."""
    out: dict[str, Any] = {}
    for post, people in posts.items():
        if rng.random() < 0.05:
            continue
        weights = [len(people) - i for i in range(len(people))]
        yes = set()
        while len(yes) < SEATS[post] and rng.random() < 0.9:
            yes.add(rng.choices(people, weights)[0])
        out[post] = {"marks": {str(p): "yes" if p in yes else rng.choice(("no", "abstain")) for p in people}}
    return out


async def vote(args: argparse.Namespace, election_id: int, voters: list[dict[str, Any]], staff_secret: str,
               codes: Codes) -> dict[str, Any]:
    """Every representative: code, ballot (must be 201); later: code, ballot again (must be 409)."""
    rng = random.Random(15)
    queue = list(voters)
    rng.shuffle(queue)
    again: list[dict[str, Any]] = []
    ballot_ms: list[float] = []
    refused_ms: list[float] = []
    code_ms: list[float] = []
    turnout_ms: list[float] = []
    status: dict[str, dict[int, int]] = {"vote-code": {}, "vote first": {}, "vote again": {}, "voting": {}}
    errors: list[str] = []
    no_code = [0]
    base = f"/api/v1/elections/{election_id}"

    def count(kind: str, code: int) -> None:
        status[kind][code] = status[kind].get(code, 0) + 1

    async def attempt(conn: Conn, v: dict[str, Any], second: bool) -> None:
        seen = codes.seen(v["masked"])
        t = time.perf_counter()
        code, data = await conn.request("POST", f"{base}/vote/code", v["secret"])
        code_ms.append((time.perf_counter() - t) * 1000)
        count("vote-code", code)
        if code != 204:
            if (code != 409 or not second) and len(errors) < 5:
                errors.append(f"vote/code {code} {data[:200]!r}")
            return
        sms = await codes.after(v["masked"], seen)
        if sms is None:
            no_code[0] += 1
            return
        body = json.dumps({"posts": v["marks"], "code": sms}).encode()
        t = time.perf_counter()
        code, data = await conn.request("POST", f"{base}/vote", v["secret"], body)
        ms = (time.perf_counter() - t) * 1000
        count("vote again" if second else "vote first", code)
        if code == 201:
            ballot_ms.append(ms)
        else:
            refused_ms.append(ms)
            if (code != 409 or not second) and len(errors) < 5:
                errors.append(f"vote {code} {data[:200]!r}")

    async def worker() -> None:
        conn = Conn(args.port)
        try:
            while queue or again:
                if again and (not queue or rng.random() < args.twice / 2):
                    await attempt(conn, again.pop(0), True)
                else:
                    v = queue.pop()
                    await attempt(conn, v, False)
                    if rng.random() < args.twice:
                        again.append(v)
        finally:
            conn.close()

    async def watch(done: asyncio.Event) -> None:
        conn = Conn(args.port)
        await conn.request("GET", f"{base}/voting", staff_secret)
        last = b""
        while not done.is_set():
            t = time.perf_counter()
            code, last = await conn.request("GET", f"{base}/voting", staff_secret)
            turnout_ms.append((time.perf_counter() - t) * 1000)
            count("voting", code)
            await asyncio.sleep(args.turnout_interval)
        conn.close()
        status["last_turnout"] = json.loads(last).get("turnout", {}) if last else {}  # type: ignore[assignment]

    async def arrivals() -> None:
        """Open loop: voters arrive at ``--rate`` per second (exponential gaps), a fifth of them
        coming back later; at most ``--concurrency`` in flight (a late arrival waits for a client)."""
        pool: asyncio.Queue[Conn] = asyncio.Queue()
        for _ in range(args.concurrency):
            pool.put_nowait(Conn(args.port))
        keyed: list[tuple[float, dict[str, Any], bool]] = []
        for i, v in enumerate(queue):
            keyed.append((float(i), v, False))
            if rng.random() < args.twice:
                keyed.append((rng.uniform(i + 1, len(queue) + 1), v, True))
        stream = [(v, second) for _k, v, second in sorted(keyed, key=lambda x: x[0])]
        tasks = []

        async def one(v: dict[str, Any], second: bool) -> None:
            conn = await pool.get()
            try:
                await attempt(conn, v, second)
            finally:
                pool.put_nowait(conn)

        start = time.monotonic()
        due = 0.0
        for v, second in stream:
            due += rng.expovariate(args.rate)
            wait = start + due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(one(v, second)))
        await asyncio.gather(*tasks)
        while not pool.empty():
            pool.get_nowait().close()

    done = asyncio.Event()
    watcher = asyncio.create_task(watch(done))
    t0 = time.monotonic()
    if args.rate:
        await arrivals()
    else:
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    elapsed = time.monotonic() - t0
    done.set()
    await watcher
    return {"elapsed": elapsed, "ballot_ms": ballot_ms, "refused_ms": refused_ms, "code_ms": code_ms, "turnout_ms": turnout_ms,
            "status": status, "errors": errors, "no_code": no_code[0]}


async def warm(port: int, election_id: int, voters: list[dict[str, Any]], staff_secret: str, n: int) -> None:
    """Each server thread's connection and caches: reads only, no vote."""
    async def one(i: int) -> None:
        conn = Conn(port)
        for j in range(3):
            await conn.request("GET", f"/api/v1/elections/{election_id}/ballot", voters[(i * 3 + j) % len(voters)]["secret"])
        await conn.request("GET", f"/api/v1/elections/{election_id}/voting", staff_secret)
        conn.close()

    await asyncio.gather(*(one(i) for i in range(n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=32, help="clients at once (closed loop: each votes, then the next)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="open loop: voters arriving per second (3,000 in an hour's peak is 0.83/s); 0: as fast as the clients go")
    parser.add_argument("--voters", type=int, default=3000, help="how many of the 3,000 representatives vote")
    parser.add_argument("--twice", type=float, default=0.2, help="share of voters who try to vote a second time")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--turnout-interval", type=float, default=0.2, help="seconds between two turnout refreshes")
    parser.add_argument("--port", type=int, default=8097)
    args = parser.parse_args()
    refuse_unless_postgres("election")
    setup()
    from django.db import connection

    from linli.accounts.models import User
    from linli.accounts.services import issue_api_token
    from linli.core.models import AuditEvent
    from linli.elections import count as pure_count
    from linli.elections import plan, voting
    from linli.elections.models import Ballot, Mark, Participation, Round

    t = time.monotonic()
    prepared = prepare()
    built_s = time.monotonic() - t
    admin = User.objects.get(username="ebench_admin")
    t = time.monotonic()
    election, steps, posts = new_election(prepared["community"], admin)
    prepare_s = time.monotonic() - t
    rnd = Round.objects.get(election=election, no=1)
    users = list(User.objects.filter(username__startswith="ebench_rep_").order_by("username")[: args.voters])
    rng = random.Random(2026)
    voters = []
    for u in users:
        _tok, secret = issue_api_token(actor=None, user=u, name="election benchmark")
        voters.append({"user": u.pk, "secret": secret, "masked": mask(u.phone), "marks": marks_for(rng, posts)})
    _tok, staff_secret = issue_api_token(actor=None, user=admin, name="election benchmark")
    print(f"community 万家社区: {rnd.registered:,} registered voters (户代表); election {election.pk} voting; "
          f"prepared in {prepare_s:.1f} s {steps} ({'built' if prepared['built'] else 'kept'} in {built_s:.1f} s)", flush=True)
    started = election.updated_at
    connection.close()

    os.environ.setdefault("LINLI_WRITE_LIMITS", "sms_address=off")
    limits = os.environ["LINLI_WRITE_LIMITS"]
    log = Path(tempfile.mkstemp(prefix="election_", suffix=".log")[1])
    with log.open("w") as server_log:
        os.environ["LINLI_LOG_LEVEL"] = "INFO"
        try:
            with gunicorn(args.port, workers=args.workers, threads=args.threads, name="election", stderr=server_log):
                codes = Codes(log)
                asyncio.run(warm(args.port, election.pk, voters, staff_secret, args.workers * args.threads))
                capacity = [machine_capacity()]
                with CpuMeter() as cpu:
                    run = asyncio.run(vote(args, election.pk, voters, staff_secret, codes))
                capacity.append(machine_capacity())
        finally:
            del os.environ["LINLI_LOG_LEVEL"]

    taken = Participation.objects.filter(round=rnd).count()
    stored = Ballot.objects.filter(round=rnd).count()
    marks = Mark.objects.filter(ballot__round=rnd).count()
    audits = AuditEvent.objects.filter(action="election.ballot", target_id=str(election.pk), occurred_at__gte=started).count()
    st = run["status"]
    accepted = st["vote first"].get(201, 0) + st["vote again"].get(201, 0)
    lat = run["ballot_ms"] or [0.0]
    rps = accepted / run["elapsed"]
    pace = f"voters arriving at {args.rate}/s, at most {args.concurrency} at once" if args.rate else f"concurrency {args.concurrency}"
    print(f"\nvote: {accepted:,} ballots accepted in {run['elapsed']:.1f} s = {rps:.1f} ballots/s, {pace}; "
          f"participations {taken:,}, ballots {stored:,}, marks {marks:,}, audit rows {audits:,}")
    print(f"ballot (201) ms: p50 {pct(lat, 50):.1f}  p90 {pct(lat, 90):.1f}  p99 {pct(lat, 99):.1f}  max {max(lat):.1f}")
    if run["refused_ms"]:
        print(f"refused ballots (apart): {len(run['refused_ms']):,}, p50 {pct(run['refused_ms'], 50):.1f} ms")
    print(f"vote/code ms: p50 {pct(run['code_ms'], 50):.1f}  p99 {pct(run['code_ms'], 99):.1f}; no code in the log {run['no_code']}")
    print(f"status codes {json.dumps({k: v for k, v in st.items() if k != 'last_turnout'})}; errors {run['errors'][:3]}")
    tm = run["turnout_ms"] or [0.0]
    print(f"turnout (GET /voting) during the load: {len(tm)} samples, p50 {pct(tm, 50):.1f} ms, p95 {pct(tm, 95):.1f} ms")
    print(f"CPU: cores used {cpu.cores}; machine {cpu.per_request_ms(accepted)} ms per ballot; "
          f"effective cores before/after {capacity[0]['effective_cores']}/{capacity[1]['effective_cores']}")

    # ---- close and count
    voting.close_voting(actor=admin, election=election)
    t = time.monotonic()
    counted = voting.count_round(actor=admin, election=election)
    count_s = time.monotonic() - t
    ballots = voting._round_ballots(counted)
    cposts = [pure_count.Post(p, SEATS[p], tuple(str(v) for v in posts[p])) for p in plan.POSTS if p in SEATS]
    pure = []
    for _ in range(5):
        t = time.perf_counter()
        pure_count.count(registered=counted.registered, posts=cposts, ballots=ballots, round_=pure_count.Round.FIRST)
        pure.append(time.perf_counter() - t)
    res = counted.result
    print(f"\ncount: count_round {count_s:.3f} s (every ballot's marks read, counted, the result disclosed); "
          f"pure count.count {min(pure) * 1000:.1f} ms (best of 5); cast {res['cast']} of {res['registered']}, valid {res['valid']}, "
          f"complete {res['complete']}; elected {[p['elected'] for p in res['posts']]}")
    log.unlink()

    out = {
        "bench": "election", "machine": machine(), "registered": counted.registered, "voters": len(voters),
        "concurrency": args.concurrency, "arrivals_per_s": args.rate or None, "gunicorn": f"gthread -w {args.workers} --threads {args.threads}", "write_limits": limits,
        "seconds": round(run["elapsed"], 1), "accepted": accepted, "participations": taken, "stored": stored,
        "lost": accepted - stored, "doubled": taken - Participation.objects.filter(round=rnd).values("voter").distinct().count(),
        "participations_equal_ballots": taken == stored, "audit_rows": audits,
        "refused": {"vote_409": st["vote first"].get(409, 0) + st["vote again"].get(409, 0),
                    "code_409": st["vote-code"].get(409, 0), "code_429": st["vote-code"].get(429, 0), "no_code": run["no_code"]},
        "second_attempts": sum(st["vote again"].values()), "ballots_per_s": round(rps, 1), "p50_ms": round(pct(lat, 50), 1),
        "p99_ms": round(pct(lat, 99), 1), "vote_code_p50_ms": round(pct(run["code_ms"], 50), 1),
        "turnout_p95_ms": round(pct(tm, 95), 1), "count_round_s": round(count_s, 3), "count_pure_ms": round(min(pure) * 1000, 1),
        "valid": res["valid"], "complete": res["complete"], "setup": {**steps, "built_s": round(built_s, 1)},
        "cpu_ms_per_ballot": cpu.per_request_ms(accepted), "machine_capacity": capacity, "load_average": os.getloadavg(),
        "errors": run["errors"][:3], "targets": TARGETS,
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
