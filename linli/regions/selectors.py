"""All reads of the registry, already narrowed to what the actor may see."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from linli.accounts.roles import ADMIN_ROLES, REGISTRY_ROLES, Role
from linli.accounts.selectors import scope_paths, scope_q
from linli.core.crypto import lookup_hash
from linli.core.errors import NotFound
from linli.core.models import AuditEvent, SensitiveAccess
from linli.core.ratings import fraction

from .models import (
    Building,
    HomeVisit,
    Household,
    Level,
    MobilisationDuty,
    Ownership,
    RegionNode,
    Resident,
    Room,
)

_NOT_FOUND = "记录不存在或不在您的管辖范围内"


def registry_paths(actor: Any) -> list[str]:
    return scope_paths(actor, REGISTRY_ROLES)


def regions_for(actor: Any, *, level: str | None = None, under: RegionNode | None = None) -> QuerySet[RegionNode]:
    """Region nodes the actor may see: their nodes, everything below, and (for navigation) nothing above."""
    qs = RegionNode.objects.filter(scope_q(registry_paths(actor), "path"))
    if level:
        qs = qs.filter(level=level)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    return qs.select_related("parent")


def node_by_code(code: str) -> RegionNode | None:
    """Any region node by its code, for intake that names a place (not a scope check). Nodes are
    kept in the cache for a minute: the tree changes rarely and every report names one."""
    if not code or len(code) > 15 or not (code.isascii() and code.isdigit()):
        return None  # a code is digits (12, or 15 for a grid): anything else names no node
    key = f"region:code:{code}"
    node = cache.get(key)
    if node is None:
        node = RegionNode.objects.filter(code=code).first()
        if node is not None:
            cache.set(key, node, 60)
    return cast(RegionNode | None, node)


def region_for(actor: Any, code: str) -> RegionNode:
    node = regions_for(actor).filter(Q(code=code) | Q(path=code)).first()
    if node is None:
        raise NotFound("not_found", _NOT_FOUND)
    return node


# ---------------------------------------------------------------- the tree, for the other apps
# Reads of the whole tree by code, level and place (not a scope check: the caller narrows to what
# the actor may see). ``Level`` (the tree's levels, a choices class, no table) is offered from here
# too, so a caller names a level without importing the models.


def _levels(qs: QuerySet[RegionNode], level: str | Iterable[str] | None) -> QuerySet[RegionNode]:
    if level is None:
        return qs
    return qs.filter(level=level) if isinstance(level, str) else qs.filter(level__in=list(level))


def node(code: str, *, level: str | Iterable[str] | None = None) -> RegionNode | None:
    """The node with this code (of ``level``, one or several, when given), or None."""
    return _levels(RegionNode.objects.filter(code=code), level).first()


def node_by_code_or_path(code: str, *, level: str | None = None) -> RegionNode | None:
    """The node whose code or path is ``code`` (of ``level`` when given), or None."""
    return _levels(RegionNode.objects.filter(Q(code=code) | Q(path=code)), level).first()


def nodes(*, level: str | Iterable[str] | None = None, codes: Iterable[str] | None = None, parent: RegionNode | None = None,
          within: list[str] | None = None) -> QuerySet[RegionNode]:
    """Nodes by path: of ``level``, with one of ``codes``, the children of ``parent``, under any
    of the paths ``within`` (none when it is empty) — each only when given."""
    qs = _levels(RegionNode.objects.all(), level)
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    if parent is not None:
        qs = qs.filter(parent=parent)
    if within is not None:
        qs = qs.filter(scope_q(within, "path"))
    return qs.order_by("path")


def communities_under(path: str) -> QuerySet[RegionNode]:
    """The communities under ``path`` (a street's: its 9 digits), by path."""
    return RegionNode.objects.filter(level=Level.COMMUNITY, path__startswith=path).order_by("path")


def names_of(paths: Iterable[str]) -> dict[str, str]:
    """The name of each node of ``paths`` (those that exist)."""
    return dict(RegionNode.objects.filter(path__in=list(paths)).values_list("path", "name"))


@dataclass(frozen=True)
class SearchKind:
    kind: str
    value: str


ID_RE = re.compile(r"^\d{17}[\dXx]$")
PHONE_RE = re.compile(r"^1\d{10}$")
TAIL_RE = re.compile(r"^\d{4}$")
PINYIN_RE = re.compile(r"^[A-Za-z]+$")


def classify_query(q: str) -> SearchKind:
    q = (q or "").strip().replace(" ", "")
    if not q:
        return SearchKind("all", "")
    if ID_RE.match(q):
        return SearchKind("id_number", q.upper())
    if PHONE_RE.match(q):
        return SearchKind("phone", q)
    if TAIL_RE.match(q):
        return SearchKind("phone_tail", q)
    if PINYIN_RE.match(q):
        return SearchKind("pinyin", q.lower())
    return SearchKind("name", q)


DIGIT_RUN_RE = re.compile(r"\d{7,}")


def private_in_query(q: str) -> bool:
    """Whether a search text names a person by number (an ID number, a phone, or seven or more
    digits of one): such a text must not travel in a URL, where logs and history keep it."""
    text = (q or "").replace(" ", "")
    return classify_query(text).kind in ("id_number", "phone") or bool(DIGIT_RUN_RE.search(text))


def residents_for(
    actor: Any,
    *,
    q: str = "",
    address: str = "",
    region: RegionNode | None = None,
    include_moved_out: bool = False,
    tag: str = "",
    lookup: dict[str, str] | None = None,
) -> QuerySet[Resident]:
    """Search residents in the actor's scope: name (prefix), pinyin or initials (``zs`` → 张三),
    full ID number, full phone or its last four digits, address words. ``lookup`` is the result
    of ``services.search_lookup`` (a number sent by POST, kept as its hash)."""
    qs = Resident.objects.filter(scope_q(registry_paths(actor)))
    if lookup:
        qs = qs.filter(**{"id_hash" if lookup.get("kind") == "id_number" else "phone_hash": lookup.get("hash", "")})
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if not include_moved_out:
        qs = qs.filter(moved_out__isnull=True)
    kind = classify_query(q)
    if kind.kind == "id_number":
        qs = qs.filter(id_hash=lookup_hash(kind.value))
    elif kind.kind == "phone":
        qs = qs.filter(phone_hash=lookup_hash(kind.value))
    elif kind.kind == "phone_tail":
        qs = qs.filter(phone_tail=kind.value)
    elif kind.kind == "pinyin":
        qs = qs.filter(Q(name_initials__startswith=kind.value) | Q(name_pinyin__startswith=kind.value))
    elif kind.kind == "name":
        qs = qs.filter(name__startswith=kind.value)
    for word in (address or "").split():
        qs = qs.filter(household__room__address__contains=word)
    if tag:
        qs = qs.filter(tags__contains=[tag]) if _json_contains_supported() else qs.filter(tags__icontains=f'"{tag}"')
    return qs.select_related("household__room", "grid__parent").order_by("name_pinyin", "id")


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def resident_by_id_number(id_number: str) -> Resident | None:
    """The registry record of an 18-digit ID number anywhere in the city (a one-window desk serves
    every resident, 全市通办), or None: for the desk's applicant lookup."""
    number = (id_number or "").strip().upper()
    if len(number) != 18:
        return None
    return Resident.objects.filter(id_hash=lookup_hash(number)).first()


def resident_by_pk(pk: Any) -> Resident | None:
    """The registry record kept in a desk's session for the intake that follows, or None."""
    return Resident.objects.filter(pk=pk).first()


def lives(resident_id: Any) -> bool:
    """Whether the registry still has this resident living here (not moved out)."""
    return Resident.objects.filter(pk=resident_id, moved_out__isnull=True).exists()


def resident_for(actor: Any, pk: int) -> Resident:
    obj = (
        Resident.objects.filter(scope_q(registry_paths(actor)))
        .select_related("household__room__building__compound", "grid__parent__parent", "household__representative")
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise NotFound("not_found", _NOT_FOUND)
    return obj


def household_members(household: Household | None) -> list[Resident]:
    if household is None:
        return []
    return list(household.members.filter(moved_out__isnull=True).order_by("relation", "birth_date"))


def rooms_for(actor: Any, *, region: RegionNode | None = None, address: str = "") -> QuerySet[Room]:
    qs = Room.objects.filter(scope_q(registry_paths(actor)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    for word in (address or "").split():
        qs = qs.filter(address__contains=word)
    return qs.select_related("unit", "building__compound").order_by("region_path", "building_id", "unit_id", "number")


def room_for(actor: Any, pk: int) -> Room:
    obj = rooms_for(actor).filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", _NOT_FOUND)
    return obj


def room_households(room: Room) -> list[Household]:
    return list(
        room.households.select_related("representative").prefetch_related("members").order_by("number")
    )


def households_for(actor: Any, *, region: RegionNode | None = None) -> QuerySet[Household]:
    qs = Household.objects.filter(scope_q(registry_paths(actor)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    return qs.select_related("room", "representative")


def household_for(actor: Any, pk: int) -> Household:
    obj = households_for(actor).filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", _NOT_FOUND)
    return obj


def buildings_for(actor: Any, *, region: RegionNode | None = None) -> QuerySet[Building]:
    qs = Building.objects.filter(scope_q(registry_paths(actor)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    return qs.select_related("compound", "grid__parent")


def visits_for(actor: Any, *, region: RegionNode | None = None, start: dt.date | None = None,
               end: dt.date | None = None) -> QuerySet[HomeVisit]:
    qs = HomeVisit.objects.filter(scope_q(registry_paths(actor)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if start:
        qs = qs.filter(visited_on__gte=start)
    if end:
        qs = qs.filter(visited_on__lte=end)
    return qs.select_related("household__room", "visitor")


@dataclass
class Coverage:
    grid: RegionNode
    households: int
    visited: int

    @property
    def rate(self) -> float | None:
        """Visited households over households, 0–1; None for a grid without households."""
        return fraction(self.visited, self.households)


def visit_coverage(actor: Any, *, start: dt.date, end: dt.date, region: RegionNode | None = None) -> list[Coverage]:
    """Per grid: households, and households visited at least once in [start, end]."""
    grids = list(regions_for(actor, level=Level.GRID, under=region).order_by("path"))
    if not grids:
        return []
    hh_q = households_for(actor, region=region)
    totals = dict(hh_q.values_list("region_path").annotate(n=Count("id")).values_list("region_path", "n"))
    visited = dict(
        visits_for(actor, region=region, start=start, end=end)
        .values_list("region_path")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("region_path", "n")
    )
    return [Coverage(grid=g, households=totals.get(g.path, 0), visited=visited.get(g.path, 0)) for g in grids]


@dataclass
class FourNone:
    """四个不漏: no area, building, household or person without someone responsible."""

    grids_without_worker: list[RegionNode]
    buildings_without_leader: list[Building]
    households_without_representative: list[Household]
    residents_without_household: list[Resident]
    limit: int
    counts: dict[str, int]

    @property
    def truncated(self) -> bool:
        return any(n > self.limit for n in self.counts.values())


def four_none_report(actor: Any, *, region: RegionNode | None = None, limit: int = 200) -> FourNone:
    from linli.accounts.selectors import active_assignments

    grids = regions_for(actor, level=Level.GRID, under=region).annotate(
        has_worker=Exists(active_assignments().filter(region=OuterRef("pk"), role=Role.GRID_WORKER))
    ).filter(has_worker=False)
    buildings = buildings_for(actor, region=region).annotate(
        has_leader=Exists(MobilisationDuty.objects.filter(building=OuterRef("pk"), kind=MobilisationDuty.Kind.BUILDING_LEADER, active=True))
    ).filter(has_leader=False)
    households = households_for(actor, region=region).filter(
        Q(representative__isnull=True) | Q(representative__moved_out__isnull=False)
    ).annotate(has_members=Exists(Resident.objects.filter(household=OuterRef("pk"), moved_out__isnull=True))).filter(has_members=True)
    residents = residents_for(actor, region=region).filter(household__isnull=True)
    counts = {
        "grids": grids.count(),
        "buildings": buildings.count(),
        "households": households.count(),
        "residents": residents.count(),
    }
    return FourNone(
        grids_without_worker=list(grids.order_by("path")[:limit]),
        buildings_without_leader=list(buildings.order_by("region_path", "compound__name", "name")[:limit]),
        households_without_representative=list(households.select_related("room").order_by("region_path", "number")[:limit]),
        residents_without_household=list(residents[:limit]),
        limit=limit,
        counts=counts,
    )


def history_for(actor: Any, target: Any) -> QuerySet[AuditEvent]:
    """Change history of one registry record the actor can already see."""
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related("actor")


def _year_only(value: Any) -> Any:
    text = str(value) if value not in (None, "") else ""
    return text[:4] if len(text) >= 10 else value


def redact_resident_changes(changes: dict[str, Any], birth_date: dt.date | None) -> dict[str, Any]:
    """A resident's recorded changes as a masked view may show them: the birth date as its year,
    and a move-in or move-out date within a year of birth (it would give the birth date away)
    as its year too. Older rows stored the birth date whole; this covers them as well."""
    out = dict(changes)
    if isinstance(out.get("birth_date"), list):
        out["birth_date"] = [_year_only(x) for x in out["birth_date"]]
    for key in ("moved_in", "moved_out"):
        values = out.get(key)
        if not isinstance(values, list):
            continue
        redacted = []
        for x in values:
            try:
                day = dt.date.fromisoformat(str(x)[:10]) if x else None
            except ValueError:
                day = None
            near = day is not None and (birth_date is None or day <= birth_date + dt.timedelta(days=366))
            redacted.append(_year_only(x) if near else x)
        out[key] = redacted
    return out


def resident_history(actor: Any, resident: Resident, limit: int = 50) -> list[AuditEvent]:
    """The resident's change history, newest first, with dates that would narrow the ID number redacted."""
    events = list(history_for(actor, resident)[:limit])
    for e in events:
        e.changes = redact_resident_changes(e.changes or {}, resident.birth_date)
    return events


def audit_for(actor: Any, *, region: RegionNode | None = None, who: str = "", action: str = "", target: str = "",
              since: dt.date | None = None, until: dt.date | None = None) -> QuerySet[AuditEvent]:
    """The audit log of the actor's area, optionally narrowed: by who acted (user name or name),
    the action code, the target (its label or number) and the days it happened (inclusive)."""
    qs = AuditEvent.objects.filter(scope_q(scope_paths(actor, ADMIN_ROLES)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if who := who.strip():
        qs = qs.filter(Q(actor__username__icontains=who) | Q(actor__display_name__icontains=who))
    if action:
        qs = qs.filter(action=action)
    if target := target.strip():
        qs = qs.filter(Q(target_label__icontains=target) | Q(target_id=target))
    if since is not None:
        qs = qs.filter(occurred_at__date__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__date__lte=until)
    return qs.select_related("actor")


def sensitive_access_for(actor: Any, *, region: RegionNode | None = None) -> QuerySet[SensitiveAccess]:
    qs = SensitiveAccess.objects.filter(scope_q(scope_paths(actor, ADMIN_ROLES)))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    return qs.select_related("actor")


def registry_counts(actor: Any) -> dict[str, int]:
    paths = registry_paths(actor)
    return {
        "residents": Resident.objects.filter(scope_q(paths), moved_out__isnull=True).count(),
        "households": Household.objects.filter(scope_q(paths)).count(),
        "rooms": Room.objects.filter(scope_q(paths)).count(),
        "buildings": Building.objects.filter(scope_q(paths)).count(),
    }


def building_for(actor: Any, pk: int) -> Building:
    obj = buildings_for(actor).select_related("grid__parent").filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", _NOT_FOUND)
    return obj


def building_residents(building: Building) -> list[Resident]:
    return list(
        Resident.objects.filter(household__room__building=building, moved_out__isnull=True)
        .select_related("household__room")
        .order_by("household__room__number", "name_pinyin")[:500]
    )


# ---------------------------------------------------------------- for notices (通知 · 四个不漏)

DUTY_KINDS = (MobilisationDuty.Kind.BUILDING_LEADER, MobilisationDuty.Kind.REPRESENTATIVE)


def households_under(path: str, *, compound_id: int | None = None, building_id: int | None = None,
                     ids: Iterable[int] | None = None) -> QuerySet[Household]:
    """Every household under a region path (a compound's, a building's or a list's, when given),
    unordered: ``values("pk", "room__building_id", "region_path")`` of it is what a notice's
    fan-out inserts in one statement."""
    qs = Household.objects.filter(region_path__startswith=path).order_by()
    if compound_id is not None:
        qs = qs.filter(room__building__compound_id=compound_id)
    if building_id is not None:
        qs = qs.filter(room__building_id=building_id)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs


def compound_by_pk(pk: int) -> Any:
    from .models import Compound

    return Compound.objects.filter(pk=pk).select_related("grid").first()


def building_by_pk(pk: int) -> Building | None:
    return Building.objects.filter(pk=pk).select_related("compound", "grid").first()


def compounds_under(paths: list[str], limit: int = 500) -> list[Any]:
    from .models import Compound

    return list(Compound.objects.filter(scope_q(paths)).select_related("grid").order_by("region_path", "name")[:limit])


def buildings_under(paths: list[str], limit: int = 1000) -> list[Building]:
    return list(Building.objects.filter(scope_q(paths)).select_related("compound").order_by("region_path", "compound__name", "name")[:limit])


def building_labels(ids: Iterable[int]) -> dict[int, str]:
    """``{building id: "小区 楼栋"}`` in one query."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {pk: f"{c} {n}" for pk, c, n in Building.objects.filter(pk__in=wanted).values_list("pk", "compound__name", "name")}


def household_by_number(number: str) -> Household | None:
    """A household by its 户号 (a paper form names it), or None."""
    number = (number or "").strip()[:32]
    return Household.objects.filter(number=number).first() if number else None


def household_labels(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{household id: (number, short address)}`` in one query (no personal data)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    out = {}
    for pk, number, address, room in Household.objects.filter(pk__in=wanted).values_list("pk", "number", "room__address", "room__number"):
        out[pk] = (number, address.split(" ", 1)[-1] if address else room)
    return out


def duty_buildings(resident_id: int | None) -> list[int]:
    """The buildings a resident answers for in the mobilisation chain (楼长 or 居民代表, active)."""
    if not resident_id:
        return []
    return list(MobilisationDuty.objects.filter(resident_id=resident_id, active=True, kind__in=DUTY_KINDS)
                .values_list("building_id", flat=True))


def buildings_with_duty() -> QuerySet[Any]:
    """Building ids with someone responsible (an active 楼长 or 居民代表), as a subquery."""
    return MobilisationDuty.objects.filter(active=True, kind__in=DUTY_KINDS).values("building_id")


def led_buildings(building_ids: Iterable[int]) -> set[int]:
    """Which of these buildings have an active 楼长 or 居民代表 (one query)."""
    wanted = list(set(building_ids))
    if not wanted:
        return set()
    return set(buildings_with_duty().filter(building_id__in=wanted).values_list("building_id", flat=True))


def people_under(path: str) -> list[dict[str, Any]]:
    """Every resident under ``path`` who has not moved out, with the facts a voter list is decided
    on (birth date, 流动人口 tag, moved in, household, grid), in address order."""
    rows = (Resident.objects.filter(region_path__startswith=path, moved_out__isnull=True).order_by("region_path", "household_id", "pk")
            .values("pk", "birth_date", "tags", "moved_in", "moved_out", "household_id", "region_path", "gender"))
    return [dict(r) for r in rows]


def representatives_under(path: str) -> dict[int, int]:
    """``{household id: resident id of its 户代表}`` for the households under ``path`` that named one."""
    return dict(Household.objects.filter(region_path__startswith=path, representative__isnull=False)
                .values_list("pk", "representative_id"))


def residents_named(path: str, q: str) -> QuerySet[Any]:
    """The ids (a subquery) of the residents under ``path`` whose name contains ``q``, or whose
    pinyin or initials start with it."""
    q = (q or "").strip()[:20]
    return (Resident.objects.filter(region_path__startswith=path)
            .filter(Q(name__contains=q) | Q(name_pinyin__startswith=q.lower()) | Q(name_initials__startswith=q.lower()))
            .order_by().values("pk"))


def resident_buildings(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{resident id: (masked name, "小区 楼栋")}`` in one query: what a list shown to the
    neighbours may say of a person (no room, no ID number, no phone)."""
    from linli.core.masking import mask_name

    rows = Resident.objects.filter(pk__in=list(set(ids))).values_list("pk", "name", "household__room__building__compound__name",
                                                                       "household__room__building__name")
    return {pk: (mask_name(name), f"{c or ''} {b or ''}".strip()) for pk, name, c, b in rows}


def resident_labels(ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """``{resident id: (name, masked name, short address)}`` in one query (no ID number, no phone)."""
    from linli.core.masking import mask_name

    wanted = list(set(ids))
    out = {}
    for pk, name, address in Resident.objects.filter(pk__in=wanted).values_list("pk", "name", "household__room__address"):
        out[pk] = (name, mask_name(name), address or "")
    return out


def resident_genders(ids: Iterable[int]) -> dict[int, str]:
    """``{resident id: "M" | "F"}`` in one query."""
    return dict(Resident.objects.filter(pk__in=list(set(ids))).values_list("pk", "gender"))


def led_buildings_under(path: str) -> set[int]:
    """The buildings under ``path`` with an active 楼长 or 居民代表 (one query on the duties'
    region path, not on a list of ids)."""
    return set(buildings_with_duty().filter(region_path__startswith=path).values_list("building_id", flat=True))


def duty_residents(building_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{building id: [resident ids of its 楼长 and 居民代表]}`` (active duties), one query."""
    out: dict[int, list[int]] = {}
    for b, r in MobilisationDuty.objects.filter(building_id__in=list(set(building_ids)), active=True,
                                                kind__in=DUTY_KINDS, resident__moved_out__isnull=True).values_list("building_id", "resident_id"):
        out.setdefault(b, []).append(r)
    return out


def phones_without_account(household_ids: Any) -> list[str]:
    """The phones of current residents of these households who have no account (for an SMS)."""
    rows = Resident.objects.filter(household_id__in=household_ids, moved_out__isnull=True, user__isnull=True).exclude(phone_hash="")
    return [r.phone for r in rows.only("phone") if r.phone]


def phones_of_residents(resident_ids: Any) -> list[str]:
    """The registered phones of these residents, wherever they live (an owner who lets his flat
    and lives elsewhere is still told of his compound's assembly), each once."""
    rows = Resident.objects.filter(pk__in=list(resident_ids)).exclude(phone_hash="")
    return sorted({r.phone for r in rows.only("phone") if r.phone})


def owned_rooms(*, compound_id: int, building_id: int | None = None) -> QuerySet[Room]:
    """Every exclusive unit (flats, shops, parking spaces) of a compound — or of one of its
    buildings — with its area, the area's source and its current ownerships prefetched: what an
    owners' roll is built from."""
    current = Ownership.objects.filter(until__isnull=True).select_related("resident").order_by("pk")
    qs = Room.objects.filter(building__compound_id=compound_id).select_related("building", "unit")
    if building_id is not None:
        qs = qs.filter(building_id=building_id)
    return qs.prefetch_related(Prefetch("ownerships", queryset=current, to_attr="current_ownerships")).order_by(
        "building__name", "unit__name", "number", "pk")


def rooms_owned_by(resident_id: int | None, *, compound_id: int | None = None) -> QuerySet[Ownership]:
    """The current ownerships of one resident (optionally in one compound)."""
    if not resident_id:
        return Ownership.objects.none()
    qs = Ownership.objects.filter(resident_id=resident_id, until__isnull=True)
    if compound_id is not None:
        qs = qs.filter(room__building__compound_id=compound_id)
    return qs


def households_without_representative(path: str = "") -> QuerySet[Any]:
    """The ids (``values("pk")``, for a subquery) of the households under ``path`` that someone
    lives in and that have no current 户代表 (none named, or the one named moved out): the
    household gap of 四个不漏, as ``four_none_report`` counts it."""
    return (Household.objects.filter(region_path__startswith=path)
            .filter(Q(representative__isnull=True) | Q(representative__moved_out__isnull=False))
            # a resident's region path is his household's: the bound keeps both sides to the area
            .filter(Exists(Resident.objects.filter(household=OuterRef("pk"), moved_out__isnull=True, region_path__startswith=path)))
            .order_by().values("pk"))
