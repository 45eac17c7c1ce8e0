"""The coverage page's table rows, built in one pass each (a street's page has some 200 rows of
six cells; the template engine's per-variable cost made them most of the page's time). Every
value is escaped by ``format_html``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def _empty(columns: int, text: str) -> SafeString:
    return format_html('<tr><td colspan="{}" data-label="">{}</td></tr>', columns, text)


@register.simple_tag
def grid_rows(grids: list[Any]) -> SafeString:
    if not grids:
        return _empty(6, _("无"))
    labels = (_("网格"), _("已送达"), _("总户数"), _("覆盖率"), _("无人负责"), _("无户代表"))
    return format_html_join(
        "", '<tr><td data-label="{}"><a href="?grid={}">{}</a></td><td data-label="{}">{}</td><td data-label="{}">{}</td>'
        '<td data-label="{}">{}%</td><td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        ((labels[0], g.key, g.name, labels[1], g.reached, labels[2], g.total, labels[3], g.percent, labels[4], g.gaps,
          labels[5], g.without_representative) for g in grids))


@register.simple_tag
def building_rows(buildings: list[Any]) -> SafeString:
    if not buildings:
        return _empty(6, _("无"))
    labels = (_("楼栋"), _("已送达"), _("总户数"), _("覆盖率"), _("无人负责"), _("无户代表"))
    missing, households = _("缺楼长/居民代表"), _("户")

    def gap(b: Any) -> SafeString:
        return format_html('<span class="error">{}</span>', missing) if b.gaps else SafeString("—")

    def alone(b: Any) -> SafeString:
        if not b.without_representative:
            return SafeString("—")
        return format_html('<span class="error">{} {}</span>', b.without_representative, households)

    return format_html_join(
        "", '<tr><td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td>'
        '<td data-label="{}" data-testid="building-percent">{}%</td><td data-label="{}">{}</td>'
        '<td data-label="{}" data-testid="building-without-representative">{}</td></tr>',
        ((labels[0], b.name, labels[1], b.reached, labels[2], b.total, labels[3], b.percent, labels[4], gap(b), labels[5], alone(b))
         for b in buildings))


@register.simple_tag
def unreached_rows(rows: list[dict[str, Any]]) -> SafeString:
    if not rows:
        return _empty(3, _("全部已送达"))
    labels = (_("地址"), _("户号"), _("网格"))
    return format_html_join(
        "", '<tr><td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        ((labels[0], r["address"], labels[1], r["number"], labels[2], r["grid"]) for r in rows))
