"""RSS 2.0 and Atom feeds of a portal: the registered sections' dated items, newest first; and
the same feed for one section alone (a community's disclosures, its notices …)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from linli.core.text import xml_safe

from . import selectors


class PortalFeed(Feed):
    def get_object(self, request: HttpRequest, code: str) -> Any:  # type: ignore[override]
        node = selectors.portal_node(code)
        if node is None:
            raise Http404
        return node

    def title(self, obj: Any) -> str:
        return xml_safe(f"{obj.full_name or obj.name} · {_('邻里')}")

    def link(self, obj: Any) -> str:
        return reverse("portal:portal", args=[obj.code])

    def description(self, obj: Any) -> str:
        return xml_safe(_("%(name)s的通知、公示与公开信息") % {"name": obj.name})

    def items(self, obj: Any) -> list[Any]:
        return selectors.dated_items(obj)

    def item_title(self, item: Any) -> str:
        label, entry, _when = item
        return xml_safe(f"[{label}] {entry.title}" + (f" · {entry.badge}" if entry.badge else ""))

    def item_description(self, item: Any) -> str:
        return xml_safe(item[1].summary or "")

    def item_link(self, item: Any) -> str:
        return item[1].url

    def item_pubdate(self, item: Any) -> Any:
        return item[2]

    def item_updateddate(self, item: Any) -> Any:
        return item[2]


class PortalAtomFeed(PortalFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)


@dataclass(frozen=True)
class _SectionOf:
    node: Any
    section: Any


class SectionFeed(PortalFeed):
    """One registered section of a portal alone (``/portal/<code>/feed/<key>/``, e.g. the
    disclosures of a community): the portal feed's items, titles and dates, of that section only."""

    def get_object(self, request: HttpRequest, code: str, key: str) -> Any:  # type: ignore[override]
        node = super().get_object(request, code)
        found = selectors.section(key)
        if found is None:
            raise Http404
        return _SectionOf(node, found)

    def title(self, obj: Any) -> str:
        return xml_safe(f"{obj.node.full_name or obj.node.name} · {obj.section.label} · {_('邻里')}")

    def link(self, obj: Any) -> str:
        return reverse("portal:portal", args=[obj.node.code]) + f"#s-{obj.section.key}"

    def description(self, obj: Any) -> str:
        return xml_safe(_("%(name)s的%(section)s") % {"name": obj.node.name, "section": obj.section.label})

    def items(self, obj: Any) -> list[Any]:
        return selectors.dated_items(obj.node, only=obj.section.key)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)
