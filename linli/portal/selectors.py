"""Reads of the public portal: the node a portal belongs to, its trail and the nodes below it (from
``regions.selectors``), and what the apps registered for it (``core.registry.portal_sections``
and ``portal_searches``). The portal has no tables of its own; it shows public data only, as the
providers return it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from linli.core import registry
from linli.core.registry import PortalItem
from linli.regions import selectors as regions
from linli.regions.selectors import Level

if TYPE_CHECKING:
    from linli.regions.models import RegionNode

log = logging.getLogger(__name__)

LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
SECTION_ITEMS = 5  # items a section shows on the portal page
SEARCH_ITEMS = 10  # results per group
FEED_ITEMS = 30
QUERY_MAX = 30  # characters a search may have
NAME_MATCHES = 20  # communities offered for a typed name


def portal_node(code: str) -> RegionNode | None:
    """The district, street or community with this 12-digit code, or None."""
    code = (code or "").strip()
    if len(code) != 12 or not code.isdigit():
        return None
    return regions.node(code, level=LEVELS)


def community(code: str) -> RegionNode | None:
    found = portal_node(code)
    return found if found is not None and found.level == Level.COMMUNITY else None


def trail(node: RegionNode) -> list[RegionNode]:
    """The district → street → community above and including ``node`` (the city left out)."""
    paths = [node.path[:n] for n in (6, 9, 12) if n <= len(node.path)]
    found = {n.path: n for n in regions.nodes(level=LEVELS).filter(path__in=paths)}
    return [found[p] for p in paths if p in found]


def children(node: RegionNode) -> QuerySet[RegionNode]:
    """A district's streets, a street's communities; nothing below a community."""
    if node.level == Level.COMMUNITY:
        return regions.nodes().none()
    level = Level.STREET if node.level == Level.DISTRICT else Level.COMMUNITY
    return regions.nodes(level=level, parent=node)


def districts() -> QuerySet[RegionNode]:
    return regions.nodes(level=Level.DISTRICT)


def below(code: str, parent: RegionNode | None, level: str) -> RegionNode | None:
    """The node of ``level`` with ``code`` under ``parent`` (a picker's step), or None."""
    code = (code or "").strip()
    if parent is None or len(code) != 12 or not code.isdigit():
        return None
    return regions.nodes(level=level, parent=parent, codes=[code]).first()


def communities_named(words: str, limit: int = NAME_MATCHES) -> list[tuple[RegionNode, str]]:
    """Communities whose name contains ``words``, each with its street's and district's names."""
    if not words:
        return []
    found = list(regions.nodes(level=Level.COMMUNITY).filter(name__contains=words)[:limit])
    names = regions.names_of({p for n in found for p in (n.path[:6], n.path[:9])})
    return [(n, f"{names.get(n.path[:6], '')}{names.get(n.path[:9], '')}") for n in found]


@dataclass
class Block:
    """A registered section as one portal shows it."""

    key: str
    label: Any
    items: list[PortalItem] = field(default_factory=list)
    more: str = ""


def _safe(call: Any, *args: Any) -> Any:
    """A provider that fails leaves its block empty (logged), never the public page a 500."""
    try:
        return call(*args)
    except Exception:  # noqa: BLE001 - one app's failure must not take the portal down
        log.exception("portal provider %r failed", call)
        return None


def sections(node: RegionNode, limit: int = SECTION_ITEMS) -> list[Block]:
    """Every registered section, in order, with its items for ``node`` and its 'more' link."""
    out = []
    for s in registry.portal_sections():
        items = _safe(s.items, node.path, limit) or []
        more = (_safe(s.more_url, node.path) or "") if s.more_url is not None else ""
        out.append(Block(s.key, s.label, list(items)[:limit], more))
    return out


def search(node: RegionNode, q: str, limit: int = SEARCH_ITEMS) -> list[Block]:
    """Every registered search over ``node`` for ``q``, each group under its label (groups with
    no result left out)."""
    out = []
    for s in registry.portal_searches():
        items = _safe(s.search, node.path, q, limit) or []
        if items:
            out.append(Block(s.key, s.label, list(items)[:limit]))
    return out


def _moment(when: Any) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    return timezone.make_aware(dt.datetime.combine(when, dt.time(0, 0)))


def section(key: str) -> registry.PortalSection | None:
    """The registered section ``key`` (a section's own feed), or None."""
    return next((s for s in registry.portal_sections() if s.key == key), None)


def dated_items(node: RegionNode, limit: int = FEED_ITEMS, *, only: str | None = None) -> list[tuple[Any, PortalItem, dt.datetime]]:
    """The sections' items that carry a date, newest first, with their section's label (the feed);
    ``only`` keeps one section (e.g. a community's disclosures alone)."""
    rows = []
    for s in registry.portal_sections():
        if only is not None and s.key != only:
            continue
        for item in _safe(s.items, node.path, limit) or []:
            if isinstance(item.when, dt.date):
                rows.append((s.label, item, _moment(item.when)))
    rows.sort(key=lambda r: r[2], reverse=True)
    return rows[:limit]
