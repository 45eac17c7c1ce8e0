"""Reads of public disclosure, always scoped: staff see what lies in their area; the public
pages show a disclosure to its audience (anyone for a public kind, else the residents of its
area) and never a person's contact details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core.errors import NotFound
from linli.core.forms import MAX_INT64
from linli.core.lifecycle import Actions
from linli.core.registry import PortalItem

from . import kinds, states
from .models import Disclosure, Objection
from .rules import STAFF_ROLES
from .states import Action, ObjectionAction, ObjectionStatus, Status

DISCLOSURE_ACTIONS = Actions({
    Action.PUBLISH: "disclosures.manage", Action.CORRECT: "disclosures.manage", Action.WITHDRAW: "disclosures.manage",
    Action.CLOSE: "disclosures.close",
    "object": "disclosures.object",  # no step of the lifecycle: during the period, by its audience
}, lifecycle=states.LIFECYCLE)

OBJECTION_ACTIONS = Actions({
    ObjectionAction.ANSWER: "disclosures.answer",
    "reveal_contact": "disclosures.reveal_contact",  # no step of the lifecycle: the whole contact, logged
}, lifecycle=states.OBJECTION_LIFECYCLE)

WIDTHS = (4, 6, 9, 12, 15)  # city, district, street, community, grid


def available_actions(actor: Any, obj: Disclosure | Objection) -> list[str]:
    """What ``actor`` may do now: the buttons of its page, the ``actions`` of its API answer."""
    if isinstance(obj, Objection):
        return OBJECTION_ACTIONS.for_(actor, obj)
    return DISCLOSURE_ACTIONS.for_(actor, obj)


def above(path: str) -> list[str]:
    """``path`` and the paths of the nodes above it."""
    return [path[:w] for w in WIDTHS if w < len(path)] + [path]


def _shown_q() -> Q:
    """Published and still public: during the period, or closed for kinds whose archive stays public."""
    archive = [k.code for k in kinds.all_kinds() if k.archive_public]
    return Q(status=Status.OPEN) | Q(status=Status.CLOSED, kind__in=archive)


def _audience_q(user: Any) -> Q:
    """Public kinds, and for a signed-in resident the kinds of their own area."""
    q = Q(kind__in=[k.code for k in kinds.all_kinds() if k.public])
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if resident is not None and resident.region_path:
        q |= Q(region_path__in=above(resident.region_path))
    return q


def _area_q(region_path: str) -> Q:
    """What concerns a node: itself and the nodes above it, and for a street or district (or the
    city) the nodes below it as well."""
    q = Q(region_path__in=above(region_path))
    if len(region_path) < 12:
        q |= Q(region_path__startswith=region_path)
    return q


# ---------------------------------------------------------------- staff

def staff_disclosures(actor: Any, *, status: str = "", kind: str = "", q: str = "") -> QuerySet[Disclosure]:
    qs = Disclosure.objects.filter(scope_q(scope_paths(actor, STAFF_ROLES)))
    qs = qs.filter(status=status) if status in Status.values else qs.exclude(status=Status.SUPERSEDED)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(title__icontains=q[:60])
    return qs.order_by("-created_at", "-pk")


def staff_disclosure(actor: Any, pk: int) -> Disclosure:
    d = Disclosure.objects.filter(scope_q(scope_paths(actor, STAFF_ROLES)), pk=pk).first()
    if d is None:
        raise NotFound("not_found", _("记录不存在"))
    return d


def objections_of(d: Disclosure) -> list[Objection]:
    return list(d.objections.select_related("answered_by").order_by("pk"))


def open_objections(actor: Any) -> QuerySet[Objection]:
    return (Objection.objects.filter(scope_q(scope_paths(actor, STAFF_ROLES)), status=ObjectionStatus.LODGED)
            .select_related("disclosure").order_by("due_on", "pk"))


# ---------------------------------------------------------------- public

def versions(series_pk: int, *, drafts: bool = False) -> list[Disclosure]:
    """Every published version of a series (and its draft, for staff), newest first, with its
    answered objections."""
    answered = Prefetch("objections", queryset=Objection.objects.filter(status=ObjectionStatus.ANSWERED).order_by("pk"),
                        to_attr="answered")
    if not 0 < series_pk <= MAX_INT64:
        return []
    qs = Disclosure.objects.filter(Q(pk=series_pk) | Q(series_id=series_pk))
    return list((qs if drafts else qs.exclude(status=Status.DRAFT))
                .prefetch_related(answered, "attachments").order_by("-version"))


def has_objection(series_pk: int, objection_id: int) -> bool:
    """Whether the objection was lodged against a version of this series."""
    if not (0 < series_pk <= MAX_INT64 and 0 < objection_id <= MAX_INT64):
        return False
    return Objection.objects.filter(Q(disclosure_id=series_pk) | Q(disclosure__series_id=series_pk), pk=objection_id).exists()


def open_version(series_pk: int) -> Disclosure | None:
    """The version of a series that is open for objections now, if any."""
    return Disclosure.objects.filter(Q(pk=series_pk) | Q(series_id=series_pk), status=Status.OPEN).order_by("-version").first()


def public_series(user: Any, series_pk: int) -> tuple[Disclosure, list[Disclosure]]:
    """The current version of a series and all its versions, if ``user`` may see it; else NotFound."""
    found = versions(series_pk, drafts=True)
    if found and not user.has_perm("disclosures.manage", found[0]):
        found = [v for v in found if v.status != Status.DRAFT]
    if not found or not user.has_perm("disclosures.view", found[0]):
        raise NotFound("not_found", _("公示不存在或不对您公开"))
    return found[0], found


def public_disclosures_for(user: Any, region_path: str) -> QuerySet[Disclosure]:
    """The public list of an area, as ``user`` (signed in or not) may see it."""
    return (Disclosure.objects.filter(_area_q(region_path)).filter(_shown_q()).filter(_audience_q(user))
            .order_by("status", "-ends_on", "-pk"))


def _item(d: Disclosure) -> PortalItem:
    return PortalItem(title=d.title, url=reverse("disclosures:detail", args=[d.series_pk]), when=d.ends_on,
                      summary=f"{d.kind_label} · {d.region_name}",
                      badge=str(_("公示中") if d.status == Status.OPEN else _("已结束")))


def public_disclosures(region_path: str, limit: int) -> list[PortalItem]:
    """The portal's block: public kinds for that node, the nodes above it and (street, district) below."""
    from django.contrib.auth.models import AnonymousUser

    rows = public_disclosures_for(AnonymousUser(), region_path or "")[:max(0, min(int(limit), 100))]
    return [_item(d) for d in rows]


def search_public(region_path: str, q: str, limit: int) -> list[PortalItem]:
    from django.contrib.auth.models import AnonymousUser

    q = (q or "").strip()[:60]
    if not q:
        return []
    rows = (public_disclosures_for(AnonymousUser(), region_path or "")
            .filter(Q(title__icontains=q) | Q(content__icontains=q))[:max(0, min(int(limit), 100))])
    return [_item(d) for d in rows]


@dataclass(frozen=True)
class PublicObjection:
    """An answered objection as it shows publicly: no contact detail, the name as the kind allows."""

    who: Any
    text: str
    lodged_on: Any
    outcome: str
    answer: str
    answered_on: Any


def public_objections(d: Disclosure) -> list[PublicObjection]:
    return [PublicObjection(who=o.public_name(), text=o.text, lodged_on=o.created_at, outcome=o.get_outcome_display(),
                            answer=o.answer, answered_on=o.answered_at)
            for o in (d.answered if hasattr(d, "answered") else d.objections.filter(status=ObjectionStatus.ANSWERED))]


def result_label(value: Any) -> str:
    return str(states.Result(value).label) if value in states.Result.values else str(value or "")


def period_state(series_pk: int) -> dict[str, Any] | None:
    """Where a disclosure published by another app stands (its latest version): whether its
    period is over, when it ends, and how many objections are still unanswered. For apps that
    wait on a disclosure (an owners' roll is locked after its period, a result announced)."""
    from django.utils import timezone

    rows = Disclosure.objects.filter(Q(pk=series_pk) | Q(series_id=series_pk)).exclude(status=Status.SUPERSEDED)
    latest = rows.order_by("-version").first()
    if latest is None:
        return None
    waiting = Objection.objects.filter(Q(disclosure_id=series_pk) | Q(disclosure__series_id=series_pk),
                                       status=ObjectionStatus.LODGED).count()
    ended = latest.status in (Status.CLOSED, Status.WITHDRAWN) or (
        latest.ends_on is not None and latest.ends_on < timezone.localdate())
    return {"pk": latest.pk, "status": latest.status, "ends_on": latest.ends_on, "ended": ended,
            "open_objections": waiting, "url": reverse("disclosures:detail", args=[latest.pk])}
