"""Generate a large synthetic city for benchmarks (idempotent): ``manage.py seed_city --residents 1000000``.

Fake people only (``linli.regions.demo``). Grids already populated are skipped, so running it
again adds nothing; a run that fails half-way writes nothing (one transaction).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from linli.regions.demo import DISTRICTS, NAMED_STREETS, build_city, note_seed
from linli.regions.models import Level, RegionNode, Resident

# The shape of the generated tree. Guangzhou has ~176 streets (街道/镇) and ~2,800 communities
# (社区/村) for ~18 M people: ~16 streets a district over its 11 districts and ~16 communities a
# street. What a street-scoped benchmark depends on is how large one street's share of the
# whole table is (the region-path prefix filter's selectivity), so from 1 M residents up the
# tree keeps Guangzhou's street count: 16 generated streets in each of the 11 districts (176)
# plus the 14 named ones, each street ~1/190 of the city as in Guangzhou (~1/176).
# Communities grow with the population, 4 a street at 1 M up to Guangzhou's 16 at 18 M
# (176 x 16 = 2,816 communities); 4 grids a community gives ~330 people a grid at 1 M (~115
# households, a few buildings), ~1,600 at 18 M. Below 1 M the number of streets shrinks instead,
# so that small test cities keep grids of a few hundred people rather than a handful.
STREETS_PER_DISTRICT = 16
GRIDS_PER_COMMUNITY = 4
FULL_SCALE = 1_000_000


def city_shape(residents: int) -> tuple[int, int, int]:
    """(streets_per_district, communities_per_street, grids_per_community) for a city of ``residents``."""
    if residents >= FULL_SCALE:
        communities = max(4, min(16, round(4 * residents / FULL_SCALE)))
        return STREETS_PER_DISTRICT, communities, GRIDS_PER_COMMUNITY
    return round(STREETS_PER_DISTRICT * residents / FULL_SCALE), 4, GRIDS_PER_COMMUNITY


class Command(BaseCommand):
    help = "生成大规模合成城市数据(基准测试用，可重复执行)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=FULL_SCALE, help="居民人数(约数)")
        parser.add_argument("--streets-per-district", type=int, default=None, help="每区生成街道数(默认按人数)")
        parser.add_argument("--communities-per-street", type=int, default=None)
        parser.add_argument("--grids-per-community", type=int, default=None)
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")
        parser.add_argument("--no-analyze", action="store_true", help="生成后不执行 VACUUM ANALYZE")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        out = self.stdout.write
        t0 = time.monotonic()
        spd, cps, gpc = city_shape(opts["residents"])
        spd = spd if opts["streets_per_district"] is None else opts["streets_per_district"]
        cps = cps if opts["communities_per_street"] is None else opts["communities_per_street"]
        gpc = gpc if opts["grids_per_community"] is None else opts["grids_per_community"]
        named = sum(len(v) for v in NAMED_STREETS.values())
        named_communities = sum(len(c) for v in NAMED_STREETS.values() for _s, c in v)
        streets = len(DISTRICTS) * spd + named
        communities = len(DISTRICTS) * spd * cps + named_communities
        out(f"城市形态：{len(DISTRICTS)} 个区，{streets} 个街道，{communities} 个社区，{communities * gpc} 个网格；"
            f"目标 {opts['residents']:,} 人(约 {opts['residents'] // max(1, communities * gpc):,} 人/网格)")
        self.stdout.flush()
        before = Resident.objects.count()

        def log(msg: str) -> None:
            out(f"[{time.monotonic() - t0:7.1f}s] {msg}")
            self.stdout.flush()  # progress shows up when the output is a pipe or a file

        with transaction.atomic():
            built = build_city(residents=opts["residents"], seed=opts["seed"], streets_per_district=spd,
                               communities_per_street=cps, grids_per_community=gpc, log=log)
            if built.residents:
                note_seed(None, "seed_city", built)
        t_build = time.monotonic() - t0
        if built.residents:
            out(f"新增 {built.residents:,} 位居民、{built.households:,} 户、{built.rooms:,} 套房屋，用时 {t_build:.1f} 秒"
                f"({built.residents / max(t_build, 1e-9):,.0f} 人/秒)")
        else:
            out(f"所有网格均已有数据，未新增(已有 {before:,} 位居民)，用时 {t_build:.1f} 秒")
        if built.residents and connection.vendor == "postgresql" and not opts["no_analyze"]:
            t1 = time.monotonic()
            tables = [m._meta.db_table for m in (Resident, RegionNode)] + [
                f"regions_{n}" for n in ("household", "room", "building", "unit", "compound", "ownership", "mobilisationduty")
            ]
            with connection.cursor() as cur:
                existing = set(connection.introspection.table_names(cur))
                for table in tables:
                    if table in existing:
                        cur.execute(f'VACUUM (ANALYZE) "{table}"')
            out(f"VACUUM ANALYZE 用时 {time.monotonic() - t1:.1f} 秒")
        grids = RegionNode.objects.filter(level=Level.GRID).count()
        out(f"合计 {Resident.objects.count():,} 位居民，{grids:,} 个网格；总用时 {time.monotonic() - t0:.1f} 秒")
