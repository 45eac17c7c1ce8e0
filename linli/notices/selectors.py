"""Every read of notices, narrowed to what the actor may see: the senders' and grid workers' area,
a resident's own notices, a building leader's own chain, and what is public."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.core.registry import PortalItem
from linli.regions import selectors as regions

from .models import Notice, NoticeBuilding, NoticeHousehold, NoticeRead, NoticeVersion, Scope
from .rules import FOLLOW_ROLES
from .states import LIFECYCLE, Status

ACTIONS = Actions(
    {
        "edit": "notices.send", "publish": "notices.send", "correct": "notices.send", "withdraw": "notices.send",
        "coverage": "notices.coverage", "export": "notices.coverage", "confirm": "notices.confirm",
        "deliver": "notices.deliver", "urge": "notices.supervise",  # 督办: no step of the lifecycle
    },
    lifecycle=LIFECYCLE,
    when={
        "edit": lambda n: n.status == Status.DRAFT,
        "coverage": lambda n: n.status != Status.DRAFT,
        "export": lambda n: n.status != Status.DRAFT and n.must_reach,
        "confirm": lambda n: n.status == Status.PUBLISHED,
        "deliver": lambda n: n.status == Status.PUBLISHED and n.must_reach,
        "urge": lambda n: n.status == Status.PUBLISHED and n.must_reach and _clock_running(n),
    },
)
_NOT_FOUND = "通知不存在或不在您的范围内"


def _clock_running(notice: Notice) -> bool:
    """The notice is on the supervision clock (published, must reach, a household not reached)."""
    from linli.core import supervision

    return supervision.clock_for(notice).items().filter(pk=notice.pk).exists()


def urges(notice: Notice, limit: int = 20) -> list[Any]:
    """The supervisors' 督办 of a notice (note, who, when), newest first."""
    from linli.core import supervision

    return list(supervision.records(notice, kind="urge").select_related("actor")[:limit])


def available_actions(actor: Any, notice: Notice) -> list[str]:
    out = ACTIONS.for_(actor, notice)
    if "confirm" in out and has_read(actor, notice):
        out.remove("confirm")
    return out


def has_read(actor: Any, notice: Notice) -> bool:
    return bool(getattr(actor, "pk", None)) and NoticeRead.objects.filter(notice=notice, user_id=actor.pk).exists()


def staff_paths(actor: Any) -> list[str]:
    return scope_paths(actor, FOLLOW_ROLES)


def notices_for(actor: Any, *, status: str = "", region_path: str = "", q: str = "") -> QuerySet[Notice]:
    """The notices of the actor's area (senders and grid workers), newest first."""
    paths = staff_paths(actor)
    above = {p[:w] for p in paths for w in (4, 6, 9, 12) if w < len(p)}
    qs = Notice.objects.filter(scope_q(paths) | Q(region_path__in=sorted(above)))
    if status:
        qs = qs.filter(status=status)
    if region_path:
        qs = qs.filter(region_path__startswith=region_path)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs.select_related("sender").order_by("-published_at", "-id")


def my_notices(actor: Any) -> QuerySet[Notice]:
    """A resident's notices: published or withdrawn ones addressed to their household."""
    resident = getattr(actor, "resident", None)
    if resident is None or resident.household_id is None:
        return Notice.objects.none()
    rows = NoticeHousehold.objects.filter(notice=OuterRef("pk"), household_id=resident.household_id)
    reads = NoticeRead.objects.filter(notice=OuterRef("pk"), user_id=actor.pk)
    return (Notice.objects.filter(Exists(rows)).exclude(status=Status.DRAFT)
            .annotate(read=Exists(reads)).order_by("-published_at", "-id"))


def notice_for(actor: Any, pk: int) -> Notice:
    """One notice the actor may see: in their area, addressed to them, in their chain — or public
    (published or withdrawn, without personal data)."""
    notice = Notice.objects.select_related("sender").filter(pk=pk).first()
    if notice is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    signed_in = getattr(actor, "is_authenticated", False)
    if notice.status == Status.DRAFT and not (signed_in and actor.has_perm("notices.send", notice)):
        raise NotFound("not_found", _(_NOT_FOUND))
    if notice.scope == Scope.HOUSEHOLDS and not (signed_in and (actor.has_perm("notices.view", notice)
                                                               or actor.has_perm("notices.send", notice))):
        raise NotFound("not_found", _(_NOT_FOUND))
    return notice


def staff_notice(actor: Any, pk: int) -> Notice:
    notice = notices_for(actor).filter(pk=pk).first()
    if notice is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return notice


def public_notice(pk: int) -> Notice:
    notice = Notice.objects.filter(pk=pk).exclude(status=Status.DRAFT).exclude(scope=Scope.HOUSEHOLDS).first()
    if notice is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return notice


def versions(notice: Notice) -> list[NoticeVersion]:
    return list(notice.versions.order_by("-number"))


def attachments(notice: Notice) -> list[Any]:
    return list(notice.attachments.all())


# ---------------------------------------------------------------- coverage

@dataclass
class Line:
    key: Any
    name: str
    total: int
    reached: int
    gaps: int = 0
    path: str = ""
    without_representative: int = 0  # addressed households with nobody as their 户代表

    @property
    def percent(self) -> int:
        return int(self.reached * 100 // self.total) if self.total else 100


@dataclass
class Coverage:
    total: int
    reached: int
    confirmed: int
    grids: list[Line] = field(default_factory=list)
    buildings: list[Line] = field(default_factory=list)
    gaps: int = 0  # addressed households whose building has nobody responsible in the chain
    without_representative: int = 0  # addressed households (lived in) without a 户代表
    gaps_at: Any = None  # when the registry was last read for ``without_representative``

    @property
    def percent(self) -> int:
        return int(self.reached * 100 // self.total) if self.total else 100

    @property
    def unreached(self) -> int:
        return self.total - self.reached


def _rows(notice: Notice, actor: Any = None) -> QuerySet[NoticeHousehold]:
    qs = NoticeHousehold.objects.filter(notice=notice)
    if actor is not None:
        qs = qs.filter(scope_q(staff_paths(actor)))
    return qs


def _counts(notice: Notice, actor: Any = None) -> QuerySet[NoticeBuilding]:
    qs = NoticeBuilding.objects.filter(notice=notice)
    if actor is not None:
        qs = qs.filter(scope_q(staff_paths(actor)))
    return qs


def coverage(notice: Notice, actor: Any = None) -> Coverage:
    """Reached / addressed per grid and per building, from the notice's per-building counts
    (``NoticeBuilding``: one row per building, however many households), the buildings with
    someone responsible, and the grids' names; the buildings' names only for the lines shown
    (``name_buildings``). The gaps of 四个不漏: ``gaps`` — households of buildings without a 楼长
    or 居民代表 (live); ``without_representative`` — households nobody represents (as of
    ``gaps_at``)."""
    counts = _counts(notice, actor)
    per_building = list(counts.order_by("region_path", "building_id").values_list(
        "building_id", "region_path", "total", "reached", "confirmed", "without_representative"))
    if len(per_building) > 200:  # a street's thousand buildings: by the area, not by a list of ids
        led = regions.led_buildings_under(notice.region_path)
    else:
        led = regions.led_buildings(b[0] for b in per_building)
    grid_names = regions.names_of({b[1] for b in per_building})
    grids: dict[str, Line] = {}
    buildings = []
    confirmed = 0
    for bid, path, total, done, read, alone in per_building:
        gaps = 0 if bid in led else total
        g = grids.get(path)
        if g is None:
            g = grids[path] = Line(path, grid_names.get(path, path), 0, 0)
        g.total += total
        g.reached += done
        g.gaps += gaps
        g.without_representative += alone
        confirmed += read
        buildings.append(Line(bid, "", total, done, gaps, path, alone))
    return Coverage(total=sum(b.total for b in buildings), reached=sum(b.reached for b in buildings), confirmed=confirmed,
                    grids=list(grids.values()), buildings=buildings, gaps=sum(b.gaps for b in buildings),
                    without_representative=sum(b.without_representative for b in buildings),
                    gaps_at=counts.aggregate(at=Min("gaps_at"))["at"] if per_building else None)


def name_buildings(lines: list[Line]) -> list[Line]:
    """Fill in the names ("小区 楼栋") of these building lines, in one query; returns them."""
    labels = regions.building_labels(b.key for b in lines)
    for b in lines:
        b.name = labels.get(b.key, "")
    return lines


def unreached_for(actor: Any, notice: Notice, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The households not reached yet that ``actor`` may see, for the coverage page, the export
    and the API: the senders and grid workers (``coverage``) those of their area; a building
    leader or representative those of his own buildings; anyone else none."""
    if ACTIONS.may(actor, notice, "coverage"):
        return unreached(notice, actor, limit=limit)
    buildings = regions.duty_buildings(getattr(actor, "resident_id", None))
    if not buildings or notice.status != Status.PUBLISHED or not notice.must_reach:
        return []
    return unreached(notice, buildings=buildings, limit=limit)


def unreached(notice: Notice, actor: Any = None, *, building_id: int | None = None, buildings: list[int] | None = None,
              limit: int | None = None) -> list[dict[str, Any]]:
    """The households not reached yet (of the actor's area, of one building or of some):
    household id, number, address (compound, building, unit, room), building, grid. No names.
    Four queries, whatever the count. Callers that check no permission use ``unreached_for``."""
    rows = _rows(notice, actor).filter(reached_at__isnull=True)
    if building_id is not None:
        rows = rows.filter(building_id=building_id)
    if buildings is not None:
        rows = rows.filter(building_id__in=buildings)
    rows = rows.order_by("region_path", "building_id", "household_id")
    picked = rows.values_list("household_id", "building_id", "region_path")
    values = list(picked[:limit] if limit else picked)
    labels = regions.household_labels(v[0] for v in values)
    building_names = regions.building_labels(v[1] for v in values)
    grids = regions.names_of({v[2] for v in values})
    out = []
    for hid, bid, path in values:
        number, address = labels.get(hid, ("", ""))
        out.append({"household_id": hid, "building_id": bid, "region_path": path, "number": number, "address": address,
                    "building": building_names.get(bid, ""), "grid": grids.get(path, path)})
    return out


def leader_rows(actor: Any, *, notice: Notice | None = None) -> QuerySet[NoticeHousehold]:
    """A building leader's (or representative's) addressed households of published must-reach
    notices, in his own buildings only."""
    buildings = regions.duty_buildings(getattr(actor, "resident_id", None))
    if not buildings:
        return NoticeHousehold.objects.none()
    qs = NoticeHousehold.objects.filter(building_id__in=buildings, notice__status=Status.PUBLISHED, notice__must_reach=True)
    if notice is not None:
        qs = qs.filter(notice=notice)
    return qs.select_related("notice").order_by("-notice__published_at", "notice_id", "reached_at", "building_id", "household_id")


@dataclass
class LeaderList:
    notices: list[dict[str, Any]]


def leader_list(actor: Any, *, show_reached: bool = False, limit: int = 300) -> LeaderList:
    """For the phone page: per notice, its unreached households of the leader's buildings (with
    address), and how many of them are reached already. Four queries, whatever the count."""
    rows = leader_rows(actor)
    counts: dict[int, dict[str, Any]] = {r["notice_id"]: r for r in rows.order_by().values("notice_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(reached_at__isnull=False)))}
    open_rows = list((rows if show_reached else rows.filter(reached_at__isnull=True))[:limit])
    labels = regions.household_labels(r.household_id for r in open_rows)
    out: dict[int, dict[str, Any]] = {}
    notices = {n.pk: n for n in Notice.objects.filter(pk__in=list(counts))}
    for nid in sorted(counts, key=lambda i: notices[i].published_at or timezone.now(), reverse=True):
        out[nid] = {"notice": notices[nid], "total": counts[nid]["total"], "reached": counts[nid]["done"], "rows": []}
    for r in open_rows:
        number, address = labels.get(r.household_id, ("", ""))
        out[r.notice_id]["rows"].append({"row": r, "number": number, "address": address})
    return LeaderList(notices=list(out.values()))


# ---------------------------------------------------------------- public

def _public_q(region_path: str) -> Q:
    """Addressed to the node, to the nodes above it, and below it (a community's page shows its
    grids', compounds' and buildings' notices too; a street's or district's those of its communities)."""
    above = [region_path[:w] for w in (4, 6, 9, 12, 15) if w <= len(region_path)]
    q = Q(region_path__in=above)
    if len(region_path) <= 12:
        q |= Q(region_path__startswith=region_path)
    return q


def public_list(region_path: str) -> QuerySet[Notice]:
    today = timezone.localdate()
    return (Notice.objects.filter(_public_q(region_path), status=Status.PUBLISHED).exclude(scope=Scope.HOUSEHOLDS)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .only("pk", "title", "published_at", "urgency", "version", "body", "area_name").order_by("-published_at", "-id"))


def _item(n: Notice) -> PortalItem:
    badge = _("紧急") if n.is_urgent else (_("已更正") if n.version > 1 else "")
    return PortalItem(title=n.title, url=reverse("notices:public", args=[n.pk]), when=n.published_at,
                      summary=n.body[:80], badge=badge)


def public_notices(region_path: str, limit: int = 10) -> list[PortalItem]:
    return [_item(n) for n in public_list(region_path)[:limit]]


def search(region_path: str, q: str, limit: int = 20) -> list[PortalItem]:
    q = (q or "").strip()[:50]
    if not q:
        return []
    return [_item(n) for n in public_list(region_path).filter(Q(title__icontains=q) | Q(body__icontains=q))[:limit]]
