"""All reads of owners' assemblies, narrowed to what the actor may see: staff over the compound's
area, owners on the roll (and proxy holders); the public sees the roll's units and areas, the
board and the results only through what is published."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.accounts.selectors import in_scope, scope_paths, scope_q
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions

from . import tally
from .models import Assembly, Ballot, BoardEntry, Matter, PaperSlip, Proxy, RollEntry, RollUnit
from .rules import FOLLOW_ROLES
from .states import LIFECYCLE, Status

_NOT_FOUND = "业主大会不存在或不在您的管辖范围内"

ACTIONS = Actions({
    "freeze_roll": "assemblies.manage", "lock_roll": "assemblies.manage", "call": "assemblies.manage",
    "open": "assemblies.manage", "extend": "assemblies.manage", "close": "assemblies.manage",
    "publish_result": "assemblies.manage", "announce": "assemblies.manage", "cancel": "assemblies.manage",
    "slips": "assemblies.manage", "proxy": "assemblies.manage", "paper": "assemblies.clerk", "vote": "assemblies.vote",
}, lifecycle=LIFECYCLE, when={
    "freeze_roll": lambda a: a.status == Status.DRAFT and a.roll_id is None,
    "call": lambda a: a.roll_id is not None,
    "lock_roll": lambda a: a.status in (Status.DRAFT, Status.CALLED) and a.roll_id is not None and a.roll.status == "disclosed",
    "slips": lambda a: a.status in (Status.CALLED, Status.VOTING),
    "proxy": lambda a: a.status in (Status.DRAFT, Status.CALLED, Status.VOTING) and a.roll_id is not None,
    "paper": lambda a: a.status in (Status.VOTING, Status.CLOSED),
    "vote": lambda a: a.status == Status.VOTING,
})


def available_actions(actor: Any, assembly: Assembly) -> list[str]:
    return ACTIONS.for_(actor, assembly)


def _owner_q(actor: Any) -> Q:
    rid = getattr(actor, "resident_id", None) if getattr(actor, "is_authenticated", False) else None
    if not rid:
        return Q(pk__in=[])
    rolls = RollEntry.objects.filter(voter_id=rid).values("roll_id")
    proxied = Proxy.objects.filter(holder_id=rid, revoked_at__isnull=True).values("assembly_id")
    return (Q(roll_id__in=rolls) | Q(pk__in=proxied)) & ~Q(status=Status.DRAFT)


def assemblies_for(actor: Any, *, status: str = "") -> QuerySet[Assembly]:
    """Staff: the assemblies of their area; owners: those whose roll they are on (not drafts)."""
    if not getattr(actor, "is_authenticated", False):
        return Assembly.objects.none()
    qs = Assembly.objects.filter(scope_q(scope_paths(actor, FOLLOW_ROLES)) | _owner_q(actor)).select_related("roll")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_at", "-pk")


def assembly_for(actor: Any, pk: Any) -> Assembly:
    """One assembly as ``assemblies_for`` would list it: staff over its area, or an owner on its
    roll (or a proxy holder) once it is no longer a draft. Read by its key, then checked (the
    scope from the actor's roles, the roll with one query), which costs far less than the list's
    query on the hot path of a ballot; whether the actor is on the roll is kept on the instance
    for the rest of the request."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound("not_found", _(_NOT_FOUND))
    try:
        a = Assembly.objects.select_related("roll").get(pk=int(pk))
    except (Assembly.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound("not_found", _(_NOT_FOUND)) from None
    if in_scope(actor, FOLLOW_ROLES, a.region_path):
        return a
    rid = getattr(actor, "resident_id", None)
    if rid and a.status != Status.DRAFT and a.roll_id is not None:
        standing = (RollEntry.objects.filter(roll_id=a.roll_id, voter_id=rid).exists()
                    or Proxy.objects.filter(assembly=a, holder_id=rid, revoked_at__isnull=True).exists())
        if standing:
            a._on_roll_of = (rid, True)  # type: ignore[attr-defined]
            return a
    raise NotFound("not_found", _(_NOT_FOUND))


def _community_q(actor: Any) -> Q:
    """A resident of the assembly's community: the audience of its disclosures."""
    resident = getattr(actor, "resident", None) if getattr(actor, "is_authenticated", False) else None
    path = getattr(resident, "region_path", "") or ""
    if resident is None or getattr(resident, "moved_out", None) is not None or len(path) < 12:
        return Q(pk__in=[])
    return Q(region_path__startswith=path[:12])


def public_assembly(actor: Any, pk: Any) -> Assembly:
    """An assembly as its disclosures publish it (roll of units and areas, board, results): to
    staff over it, owners on its roll and residents of its community, once it has been called or
    its roll disclosed; never to another community."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound("not_found", _(_NOT_FOUND))
    try:
        return (Assembly.objects.filter(scope_q(scope_paths(actor, FOLLOW_ROLES)) | _owner_q(actor) | _community_q(actor))
                .filter(Q(roll__isnull=False) | ~Q(status=Status.DRAFT)).select_related("roll").get(pk=int(pk)))
    except (Assembly.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound("not_found", _(_NOT_FOUND)) from None


def matters(assembly: Assembly) -> list[Matter]:
    return list(assembly.matters.order_by("no"))


def matters_of(assembly_id: int) -> list[Matter]:
    """An assembly's matters with their results, by its id (for a capability that follows it)."""
    return list(Matter.objects.filter(assembly_id=assembly_id).order_by("no"))


def public_units(assembly: Assembly) -> QuerySet[RollUnit]:
    """The public roll: unit number and area only (never names or phones)."""
    if assembly.roll_id is None:
        return RollUnit.objects.none()
    return RollUnit.objects.filter(roll_id=assembly.roll_id).order_by("label").only("label", "area", "use", "area_source")


def roll_entries(actor: Any, assembly: Assembly) -> QuerySet[RollEntry]:
    """Staff's roll: every head with its owners and units (organisers and followers only)."""
    if assembly.roll_id is None or not actor.has_perm("assemblies.follow", assembly):
        return RollEntry.objects.none()
    return RollEntry.objects.filter(roll_id=assembly.roll_id).prefetch_related("roll_units").order_by("seq")


def entry_for(actor: Any, assembly: Assembly, pk: Any) -> RollEntry:
    try:
        return roll_entries(actor, assembly).get(pk=int(pk))
    except (RollEntry.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound("not_found", _("名册上没有该业主")) from None


def unit_for(actor: Any, assembly: Assembly, pk: Any) -> RollUnit:
    if not actor.has_perm("assemblies.manage", assembly):
        raise NotFound("not_found", _("名册上没有该专有部分"))
    try:
        return RollUnit.objects.select_related("roll", "entry").get(roll_id=assembly.roll_id or 0, pk=int(pk))
    except (RollUnit.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound("not_found", _("名册上没有该专有部分")) from None


def turnout(assembly: Assembly, counts: dict[str, Any] | None = None) -> tally.Turnout:
    """Heads and area that voted so far against the quorum (2/3 of both), and no figure by option
    while voting runs: the sums by channel (one grouped query, or ``counts`` already read) added
    up. A head has one effective ballot (the database's constraint), so heads are ballots."""
    roll = assembly.roll
    counts = turnout_counts(assembly) if counts is None else counts
    heads = sum(c["heads"] for c in counts.values())
    area = sum((c["area"] for c in counts.values()), Decimal(0))
    return tally.turnout_of(roll.total_area if roll else Decimal(0), roll.total_heads if roll else 0, heads, area)


def turnout_counts(assembly: Assembly) -> dict[str, Any]:
    """The ballots by channel, for the staff page (counts, not choices): heads and exact area."""
    rows = (Ballot.objects.filter(assembly=assembly, void=False).values("channel")
            .annotate(heads=Count("pk"), area=Sum("entry__area")).order_by("channel"))
    # areas have two places (the field's), so the sum has two as well; quantize drops a backend's noise
    return {r["channel"]: {"heads": r["heads"], "area": Decimal(r["area"] or 0).quantize(Decimal("0.01"))} for r in rows}


def my_heads(actor: Any, assembly: Assembly) -> list[dict[str, Any]]:
    """For an owner's page: the heads he votes for (his own, his principals'), each with whether
    a ballot is in, and whether it is delegated."""
    from .services import votable_entries

    out = []
    rid = getattr(actor, "resident_id", None)
    own = list(RollEntry.objects.filter(roll_id=assembly.roll_id or 0, voter_id=rid)) if rid and assembly.roll_id else []
    delegated = {p.principal_id: p for p in Proxy.objects.filter(assembly=assembly, principal__in=own, revoked_at__isnull=True)
                 .select_related("holder")}
    voted = set(Ballot.objects.filter(assembly=assembly, void=False).values_list("entry_id", flat=True))
    for entry, proxy in votable_entries(actor, assembly):
        units = list(entry.roll_units.values_list("label", flat=True)[:5])
        out.append({"entry": entry, "proxy": proxy, "units": units, "voted": entry.pk in voted,
                    "delegated": delegated.get(entry.pk)})
    return out


def slips(actor: Any, assembly: Assembly, *, status: str = "") -> QuerySet[PaperSlip]:
    if not actor.has_perm("assemblies.clerk", assembly):
        return PaperSlip.objects.none()
    qs = PaperSlip.objects.filter(assembly=assembly).select_related("entry").prefetch_related("entries")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("entry__seq")


def proxies(actor: Any, assembly: Assembly) -> QuerySet[Proxy]:
    if not actor.has_perm("assemblies.follow", assembly):
        return Proxy.objects.none()
    return Proxy.objects.filter(assembly=assembly).select_related("principal", "holder").order_by("-created_at")


def proxy_for(actor: Any, pk: Any) -> Proxy:
    """A proxy the actor may act on: staff over its assembly, or its principal."""
    try:
        proxy = Proxy.objects.select_related("assembly", "principal").get(pk=int(pk))
    except (Proxy.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound("not_found", _("委托不存在")) from None
    rid = getattr(actor, "resident_id", None)
    if (rid and proxy.principal.voter_id == rid) or actor.has_perm("assemblies.follow", proxy.assembly):
        return proxy
    raise NotFound("not_found", _("委托不存在"))


def board(assembly: Assembly) -> QuerySet[BoardEntry]:
    return BoardEntry.objects.filter(assembly=assembly).order_by("seq")


@dataclass
class Counts:
    blocked_slips: int
    open_slips: int


def slip_counts(assembly: Assembly) -> Counts:
    agg = PaperSlip.objects.filter(assembly=assembly).aggregate(
        blocked=Count("pk", filter=Q(status="mismatch"), distinct=True),
        open=Count("pk", filter=Q(status="open", entries__isnull=False), distinct=True))
    return Counts(blocked_slips=agg["blocked"] or 0, open_slips=agg["open"] or 0)


def receipt_on_board(assembly: Assembly, code: str) -> BoardEntry | None:
    """The board entry of the ballot with this receipt code (once the board is published)."""
    from . import board as chain

    if not code or len(code) > 40 or assembly.status not in (Status.PRELIMINARY, Status.ANNOUNCED):
        return None
    return BoardEntry.objects.filter(assembly=assembly, receipt_hash=chain.receipt_hash(code)).first()


def results(assembly: Assembly) -> list[Matter]:
    """Each matter with its result, once the result is published (never while voting runs)."""
    if assembly.status not in (Status.PRELIMINARY, Status.ANNOUNCED):
        return []
    return matters(assembly)


# ---------------------------------------------------------------- for the pages

def roll_corrections(actor: Any, assembly: Assembly) -> list[Any]:
    """The roll's corrections with their reasons, newest first (staff who follow it)."""
    from .models import RollCorrection

    if assembly.roll_id is None or not actor.has_perm("assemblies.follow", assembly):
        return []
    return list(RollCorrection.objects.filter(roll_id=assembly.roll_id).select_related("unit", "by").order_by("-at")[:100])
