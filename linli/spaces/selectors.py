"""Reading shared spaces: the public list (by type, area and words), one venue, and the venues a
person runs (the admins of their area, the staff named on a venue)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.roles import ADMIN_ROLES
from linli.accounts.selectors import scope_paths, scope_q
from linli.booking.states import RESOURCE_LIFECYCLE, ResourceAction
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.regions import selectors as regions
from linli.regions.selectors import Level

from .models import Venue

if TYPE_CHECKING:
    from linli.regions.models import RegionNode


def area(code: str, level: str) -> RegionNode | None:
    """The node of ``level`` chosen in a filter (anything else is ignored)."""
    code = (code or "").strip()[:12]
    if not code.isdigit():
        return None
    return regions.node(code, level=level)


def public_venues(*, kind: str = "", where: RegionNode | None = None, q: str = "") -> QuerySet[Venue]:
    qs = Venue.objects.filter(public=True, resource__active=True).select_related("resource__region")
    if kind in Venue.Kind.values:
        qs = qs.filter(kind=kind)
    if where is not None:
        qs = qs.filter(resource__region_path__startswith=where.path)
    words = (q or "").strip()[:50]
    if words:
        qs = qs.filter(Q(name__icontains=words) | Q(owner__icontains=words) | Q(address__icontains=words)
                       | Q(facilities__icontains=words))
    return qs.order_by("resource__region_path", "name", "pk")


def public_venue(pk: int) -> Venue:
    found = public_venues().filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("场地不存在或未公开"))
    return found


def managed_venues(actor: Any) -> QuerySet[Venue]:
    """Venues the person may edit (``booking.edit_schedule`` on their resource): those of the area
    they administer, and those they are named on. Closed and unlisted venues included."""
    if not getattr(actor, "is_authenticated", False):
        return Venue.objects.none()
    paths = scope_paths(actor, ADMIN_ROLES)
    return (Venue.objects.filter(scope_q(paths, "resource__region_path") | Q(resource__managers=actor))
            .distinct().select_related("resource__region").order_by("resource__region_path", "name", "pk"))


def managed_venue(actor: Any, pk: int) -> Venue:
    found = managed_venues(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("场地不存在或不在您的管辖范围"))
    return found


# book it (while listed and open), edit its text and rules, set its hours (schedule), keep its
# day sheet (bookings), close it or open it again
VENUE_ACTIONS = Actions({
    "book": "spaces.book_venue",
    "edit": "spaces.edit_venue",
    "schedule": "spaces.edit_venue",
    "bookings": "spaces.manage_bookings",
    ResourceAction.CLOSE: "spaces.edit_venue",
    ResourceAction.REOPEN: "spaces.edit_venue",
}, lifecycle=RESOURCE_LIFECYCLE, when={"book": lambda v: bool(v.public and v.resource.active)})


def available_actions(actor: Any, venue: Venue, *, only: Any = None) -> list[str]:
    """What ``actor`` may do with ``venue`` now: pages show buttons from it, the API returns it."""
    return VENUE_ACTIONS.for_(actor, venue, only=only)


def districts() -> QuerySet[RegionNode]:
    return regions.nodes(level=Level.DISTRICT)


def streets_of(district: RegionNode | None) -> QuerySet[RegionNode]:
    if district is None:
        return regions.nodes().none()
    return regions.nodes(level=Level.STREET, parent=district)


def communities_for(venue: Venue) -> QuerySet[RegionNode]:
    """Communities a venue can be opened to: those of its street."""
    return regions.communities_under(venue.resource.region_path[:9])


def communities_to_open(actor: Any) -> list[RegionNode]:
    """Communities where an admin may open a venue (the first 300 of their area)."""
    return list(regions.nodes(within=scope_paths(actor, ADMIN_ROLES), level=Level.COMMUNITY)[:300])


def live_bookings(venue: Venue) -> int:
    """Bookings, requests and waiting places not yet begun: what closing the venue would cancel."""
    from linli.booking.selectors import live_future_count

    return live_future_count(venue.resource)


# ---------------------------------------------------------------- the public portal (core.registry)

def _portal_venues(region_path: str) -> QuerySet[Venue]:
    """Public, open venues of the node, below it, and of the nodes above it (a street's school
    ground serves its communities)."""
    above = [region_path[:n] for n in (4, 6, 9) if n < len(region_path)]
    return public_venues().filter(Q(resource__region_path__startswith=region_path) | Q(resource__region_path__in=above))


def _portal_item(v: Venue) -> Any:
    from django.urls import reverse

    from linli.core.registry import PortalItem

    return PortalItem(title=v.name, url=reverse("spaces:venue", args=[v.pk]),
                      summary=f"{v.get_kind_display()} · {v.address}")


def portal_venues(region_path: str, limit: int) -> list[Any]:
    """The portal's 共享场地 section: venues open to the public there."""
    return [_portal_item(v) for v in _portal_venues(region_path)[:limit]]


def portal_search(region_path: str, q: str, limit: int) -> list[Any]:
    words = (q or "").strip()[:50]
    if not words:
        return []
    qs = _portal_venues(region_path).filter(Q(name__icontains=words) | Q(address__icontains=words)
                                            | Q(facilities__icontains=words))
    return [_portal_item(v) for v in qs[:limit]]


def portal_more(region_path: str) -> str:
    from django.urls import reverse

    query = f"?district={region_path[:6]}000000" if len(region_path) >= 6 else ""
    if len(region_path) >= 9:
        query += f"&street={region_path[:9]}000"
    return reverse("spaces:venues") + query
