"""Display helpers for the pages: audit actions and field names in the user's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from linli.core import audit, registry

register = template.Library()

FIELDS = {
    "name": _("姓名"), "gender": _("性别"), "birth_date": _("出生日期"), "id_number": _("身份证号"), "phone": _("手机号"),
    "grid_id": _("网格"), "household_id": _("户"), "relation": _("与户主关系"), "moved_in": _("迁入日期"),
    "moved_out": _("迁出日期"), "tags": _("标签"), "sensitive_tags": _("敏感标签"), "exclusive_area": _("专有面积"),
    "use": _("用途"), "floor": _("楼层"), "kind": _("类型"), "share": _("份额"), "representative": _("户代表"),
    "visited_on": _("走访日期"), "purpose": _("事由"), "met": _("见到住户"), "rows": _("行数"), "error_rows": _("错误行数"),
    "imported": _("导入行数"), "skipped": _("跳过行数"), "valid_only": _("只导入有效行"), "role": _("角色"), "region": _("区划"),
    "resident": _("居民"), "building": _("楼栋"),
}


@register.filter
def action_label(code: str) -> str:
    return audit.action_label(code)


@register.filter
def supervision_level(level: Any) -> str:
    """The name of a level of 督办 (社区督办, 街道督办, 区级督办) from the kernel's one list."""
    from linli.core.supervision import level_name

    try:
        return level_name(int(level))
    except (TypeError, ValueError):
        return ""


@register.filter
def field_label(code: str) -> str:
    return str(FIELDS.get(code, code))


@register.filter
def field_labels(codes: Any) -> str:
    return str(_("、")).join(field_label(c) for c in (codes or []))


@register.filter
def value_label(value: Any, field: str) -> Any:
    """Choice codes in history rows shown with their labels."""
    if value in (None, "", []):
        return "∅"
    label = registry.value_label_for(field)  # the apps register their choice codes' labels
    if label is None:
        return value
    return label(value)


@register.filter
def percent(value: Any) -> str:
    """A share (0.5, Decimal("0.3333")) as a percentage with at most two decimals: "50%",
    "33.33%"; a dash when there is none."""
    if value is None or value == "":
        return "—"
    try:
        number = (Decimal(str(value)) * 100).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        return "—"
    return f"{number.normalize():f}%"


@register.simple_tag
def reveal_purposes() -> list[tuple[str, Any]]:
    """The purposes one chooses from before seeing personal data in full (core.reasons)."""
    from linli.core.reasons import PURPOSES

    return PURPOSES


@register.filter
def money(value: Any) -> str:
    """An amount of yuan with thousands grouped and the cents only when there are any:
    "300,000", "1,250.50"; empty when there is none."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        return ""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
