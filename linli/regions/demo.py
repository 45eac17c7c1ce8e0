"""Synthetic city data: fake names, random check-digit-valid ID numbers, never real people.

``build_city`` writes with bulk inserts so that a million residents load in minutes; it is used
by ``manage.py seed_demo`` (a small, named Guangzhou) and ``manage.py seed_city`` (benchmarks).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from linli.core import idcard
from linli.core.crypto import encrypt, lookup_hash
from linli.core.services import record_audit

from .models import (
    Building,
    Compound,
    Household,
    Level,
    MobilisationDuty,
    Ownership,
    RegionNode,
    Relation,
    Resident,
    Room,
    Tag,
    Unit,
)
from .names import pinyin_keys

CITY = ("440100000000", "广州市")
DISTRICTS = [
    ("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"), ("440111", "白云区"),
    ("440112", "黄埔区"), ("440113", "番禺区"), ("440114", "花都区"), ("440115", "南沙区"), ("440117", "从化区"),
    ("440118", "增城区"),
]
# Streets named in the source documents, plus a few more; with their communities.
NAMED_STREETS = {
    "440106": [("猎德街", ["猎德社区", "利雅湾社区", "华标社区"]), ("石牌街", ["石牌东社区", "南雅苑社区"])],
    "440111": [("大源街", ["大源社区", "大源北社区"])],
    "440105": [("凤阳街", ["凤和社区", "康乐社区"]), ("琶洲街", ["琶洲社区", "黄埔村社区"]), ("南华西街", ["龙武里社区", "洪德社区"])],
    "440103": [("昌华街", ["泮塘社区", "昌华社区"])],
    "440104": [("北京街", ["北京社区", "盐运西社区"])],
    "440113": [("市桥街", ["东涌社区", "西丽社区"])],
    "440112": [("黄埔街", ["鱼珠社区", "大沙社区"])],
    "440114": [("新华街", ["公益社区", "三华社区"])],
    "440115": [("南沙街", ["金洲社区", "南沙社区"])],
    "440117": [("街口街", ["新村社区", "东成社区"])],
    "440118": [("荔城街", ["光明社区", "府佑社区"])],
}
COMPOUND_WORDS = ["花园", "雅苑", "新村", "华庭", "名苑", "小区", "公寓", "家园", "嘉园", "豪庭"]
COMPOUND_PREFIX = ["翠", "金", "碧", "锦", "丽", "怡", "富", "荔", "海", "珠", "云", "榕", "棠", "祥", "和", "康", "福", "兴"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玲志文斌宇浩然欣怡子轩梓涵雨泽晨阳"
         "佳琪思远嘉豪俊杰婷慧颖雪琳晓东海燕春生家乐美玲少华永康锦荣惠珍丽萍国强德明振华淑贞月娥金凤")
PHONE_PREFIXES = ["138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "182", "186", "187", "188", "189", "133", "153", "177", "180", "199"]


@dataclass
class Built:
    nodes: dict[str, RegionNode] = field(default_factory=dict)
    residents: int = 0
    households: int = 0
    rooms: int = 0


def _node(code: str, path: str, name: str, full: str, level: str, parent: RegionNode | None) -> RegionNode:
    node, _ = RegionNode.objects.get_or_create(
        code=code, defaults={"path": path, "name": name, "full_name": full, "level": level, "parent": parent}
    )
    return node


def region_tree(*, streets_per_district: int = 0, communities_per_street: int = 2, grids_per_community: int = 3) -> list[RegionNode]:
    """Create the tree; returns the grid nodes. Named streets always; ``streets_per_district``
    more generated streets per district for large cities."""
    city = _node(CITY[0], "4401", CITY[1], CITY[1], Level.CITY, None)
    grids: list[RegionNode] = []
    for dcode, dname in DISTRICTS:
        district = _node(dcode + "000000", dcode, dname, f"{city.name}{dname}", Level.DISTRICT, city)
        streets = list(NAMED_STREETS.get(dcode, []))
        for i in range(streets_per_district):
            streets.append((f"第{i + 1}街道", [f"第{j + 1}社区" for j in range(communities_per_street)]))
        for s_i, (sname, communities) in enumerate(streets, start=1):
            scode = f"{dcode}{s_i:03d}"
            street = _node(scode + "000", scode, sname, f"{district.full_name}{sname}", Level.STREET, district)
            for c_i, cname in enumerate(communities, start=1):
                ccode = f"{scode}{c_i:03d}"
                community = _node(ccode, ccode, cname, f"{street.full_name}{cname}", Level.COMMUNITY, street)
                for g_i in range(1, grids_per_community + 1):
                    gcode = f"{ccode}{g_i:03d}"
                    grids.append(_node(gcode, gcode, f"第{g_i}网格", f"{community.full_name}第{g_i}网格", Level.GRID, community))
    return grids


class People:
    """Synthetic people: names with pinyin keys, unique valid ID numbers, unique phones."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def id_number(self, district: str, birth: dt.date) -> str:
        """A free number for (district, birth date); only 998 sequence numbers exist per date, so
        after many misses the birth date moves on a day (the caller takes it from the number)."""
        for shift in range(60):
            day = birth + dt.timedelta(days=shift)
            for _ in range(200):
                number = idcard.make(district, day, self.rng.randrange(1, 999))
                if number not in self.ids:
                    self.ids.add(number)
                    return number
        raise RuntimeError(f"no free ID number near {birth} in {district}")

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _birth(rng: random.Random, today: dt.date, lo: int, hi: int) -> dt.date:
    return today - dt.timedelta(days=rng.randrange(lo * 365, hi * 365))


def _tags(birth: dt.date, today: dt.date, rng: random.Random) -> tuple[list[str], str]:
    age = (today - birth).days // 365
    tags = []
    if age >= 60:
        tags.append(Tag.ELDER.value)
    if age < 14:
        tags.append(Tag.CHILD.value)
    if rng.random() < 0.03:
        tags.append(Tag.PARTY_MEMBER.value)
    if rng.random() < 0.02:
        tags.append(Tag.VOLUNTEER.value)
    sensitive = []
    if rng.random() < 0.02:
        sensitive.append("disabled")
    if rng.random() < 0.015:
        sensitive.append("low_income")
    return tags, ",".join(sensitive)


def _resident(people: People, rng: random.Random, today: dt.date, *, grid: RegionNode, household: Household | None,
              relation: str, birth: dt.date, surname: str | None = None) -> Resident:
    name = people.name()
    if surname:
        name = surname + name[1:]
    number = people.id_number(grid.code[:6], min(birth, today - dt.timedelta(days=70)))
    info = idcard.parse(number, today=today)
    birth = info.birth_date
    phone = people.phone() if (today - birth).days > 16 * 365 else ""
    pinyin, initials = pinyin_keys(name)
    tags, sensitive = _tags(birth, today, rng)
    return Resident(
        name=name, name_pinyin=pinyin, name_initials=initials, gender=info.gender, birth_date=birth,
        id_number=number, id_hash=lookup_hash(number), phone=phone, phone_hash=lookup_hash(phone),
        phone_tail=phone[-4:], grid=grid, region_path=grid.path, household=household, relation=relation,
        moved_in=birth if rng.random() < 0.3 else today - dt.timedelta(days=rng.randrange(30, 8000)),
        tags=tags, sensitive_tags=sensitive,
    )


def build_city(*, residents: int, seed: int = 2026, streets_per_district: int = 0, communities_per_street: int = 2,
               grids_per_community: int = 3, batch: int = 5000, log=print) -> Built:  # type: ignore[no-untyped-def]
    """Generate houses and about ``residents`` people over the region tree, with bulk inserts."""
    rng = random.Random(seed)
    today = dt.date.today()
    people = People(rng)
    # ID numbers already stored must not repeat
    people.ids.update(Resident.objects.values_list("id_number", flat=True)) if Resident.objects.exists() else None
    grids = region_tree(streets_per_district=streets_per_district, communities_per_street=communities_per_street,
                        grids_per_community=grids_per_community)
    built = Built()
    per_grid = max(1, residents // len(grids))
    # ~2.9 people a household, ~88 % of rooms occupied, 2 units a building, 2 rooms a floor
    rooms_per_grid = max(1, int(per_grid / 2.9 / 0.88))
    res_buf: list[Resident] = []
    for g_i, grid in enumerate(grids):
        if Compound.objects.filter(grid=grid).exists():
            continue  # idempotent: this grid is already populated
        community = grid.parent
        assert community is not None
        floors = rng.choice((6, 7, 9, 11, 18, 26, 32))
        per_building = floors * 2 * 2
        n_buildings = max(1, round(rooms_per_grid / per_building))
        cname = rng.choice(COMPOUND_PREFIX) + rng.choice(COMPOUND_PREFIX) + rng.choice(COMPOUND_WORDS)
        compound = Compound.objects.create(name=f"{cname}{g_i + 1}", grid=grid, region_path=grid.path,
                                           address=f"{community.full_name}{rng.randrange(1, 300)}号")
        buildings = Building.objects.bulk_create([
            Building(compound=compound, name=f"{b + 1}栋", grid=grid, region_path=grid.path, floors=floors)
            for b in range(n_buildings)
        ])
        units = Unit.objects.bulk_create([Unit(building=b, name=f"{u + 1}单元") for b in buildings for u in range(2)])
        rooms: list[Room] = []
        for unit in units:
            b = unit.building
            for f in range(1, floors + 1):
                for r in (1, 2):
                    number = f"{f}{r:02d}"
                    rooms.append(Room(unit=unit, building=b, number=number, floor=f,
                                      exclusive_area=Decimal(rng.randrange(4500, 14000)) / 100,
                                      region_path=grid.path,
                                      address=f"{community.full_name} {compound.name}{b.name}{unit.name}{number}"))
        rooms = Room.objects.bulk_create(rooms, batch_size=batch)
        built.rooms += len(rooms)
        occupied = [room for room in rooms if rng.random() < 0.88]
        households = Household.objects.bulk_create(
            [Household(number=f"H{room.pk}-1", room=room, region_path=grid.path) for room in occupied],
            batch_size=batch,
        )
        built.households += len(households)
        owners: list[Ownership] = []
        heads: list[tuple[Household, Resident]] = []
        for hh in households:
            size = rng.choices((1, 2, 3, 4, 5), weights=(14, 28, 30, 20, 8))[0]
            head = _resident(people, rng, today, grid=grid, household=hh, relation=Relation.HEAD,
                             birth=_birth(rng, today, 25, 90))
            res_buf.append(head)
            heads.append((hh, head))
            surname = head.name[0]
            if size >= 2:
                res_buf.append(_resident(people, rng, today, grid=grid, household=hh, relation=Relation.SPOUSE,
                                         birth=head.birth_date + dt.timedelta(days=rng.randrange(-2000, 2000))))
            for _ in range(size - 2):
                earliest = head.birth_date + dt.timedelta(days=20 * 365)
                span = min((today - dt.timedelta(days=90) - earliest).days, 18 * 365)
                if rng.random() < 0.75 and span > 0:
                    birth = earliest + dt.timedelta(days=rng.randrange(span))
                    res_buf.append(_resident(people, rng, today, grid=grid, household=hh, relation=Relation.CHILD,
                                             birth=birth, surname=surname))
                else:
                    birth = head.birth_date - dt.timedelta(days=rng.randrange(22 * 365, 30 * 365))
                    if birth.year < 1920:
                        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(3000))
                    res_buf.append(_resident(people, rng, today, grid=grid, household=hh, relation=Relation.PARENT,
                                             birth=birth))
        # people registered in the grid but not (yet) placed in a household: the 四个不漏 report finds them
        for _ in range(rng.randrange(0, 3)):
            res_buf.append(_resident(people, rng, today, grid=grid, household=None, relation="",
                                     birth=_birth(rng, today, 18, 60)))
        Resident.objects.bulk_create(res_buf, batch_size=batch)
        built.residents += len(res_buf)
        res_buf = []
        # owners: the household head for most occupied rooms, the developer for a few unsold units
        for hh, head in heads:
            if rng.random() < 0.8:
                owners.append(Ownership(room=hh.room, kind=Ownership.Kind.PERSON, resident=head, owner_name=head.name,
                                        owner_key="p:" + head.id_hash))
        occupied_ids = {room.pk for room in occupied}
        for room in rooms:
            if room.pk not in occupied_ids and rng.random() < 0.5:
                owners.append(Ownership(room=room, kind=Ownership.Kind.DEVELOPER, owner_name=f"{cname}置业有限公司",
                                        owner_key=f"d:{cname}置业有限公司"))
        Ownership.objects.bulk_create(owners, batch_size=batch)
        # mobilisation chain: most households have their head as representative, most buildings a leader
        reps = [hh for hh, _head in heads if rng.random() < 0.93]
        head_of = {hh.pk: head for hh, head in heads}
        for hh in reps:
            hh.representative = head_of[hh.pk]
        Household.objects.bulk_update(reps, ["representative"], batch_size=batch)
        by_building: dict[int, list[Resident]] = {}
        for hh, head in heads:
            by_building.setdefault(hh.room.building_id, []).append(head)
        duties = []
        for b in buildings:
            candidates = by_building.get(b.pk, [])
            if candidates and rng.random() < 0.85:
                duties.append(MobilisationDuty(kind=MobilisationDuty.Kind.BUILDING_LEADER, resident=rng.choice(candidates),
                                               building=b, region_path=grid.path))
            if candidates and rng.random() < 0.7:
                duties.append(MobilisationDuty(kind=MobilisationDuty.Kind.REPRESENTATIVE, resident=rng.choice(candidates),
                                               building=b, region_path=grid.path))
        MobilisationDuty.objects.bulk_create(duties, ignore_conflicts=True)
        if log and (g_i + 1) % 50 == 0:
            log(f"  {g_i + 1}/{len(grids)} 个网格，{built.residents} 人")
    return built


@transaction.atomic
def note_seed(actor, what: str, built: Built) -> None:  # type: ignore[no-untyped-def]
    city = RegionNode.objects.get(code=CITY[0])
    record_audit(actor=actor, action="demo.seed", target=city, region_path=city.path,
                 changes={"what": what, "residents": built.residents, "households": built.households, "rooms": built.rooms})


__all__ = ["build_city", "region_tree", "note_seed", "encrypt"]
