"""Display helpers for the pages: audit actions and field names in the user's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTIONS = {
    "resident.create": _("登记居民"),
    "resident.update": _("修改居民信息"),
    "room.create": _("登记房屋"),
    "room.update": _("修改房屋信息"),
    "compound.create": _("登记小区"),
    "building.create": _("登记楼栋"),
    "household.create": _("立户"),
    "household.representative": _("设定户代表"),
    "ownership.create": _("登记权属"),
    "duty.assign": _("任命楼长/居民代表"),
    "duty.end": _("卸任"),
    "visit.record": _("入户走访"),
    "import.validate": _("上传导入文件"),
    "import.confirm": _("确认导入"),
    "registry.id_search": _("按身份证号检索居民"),
    "registry.phone_search": _("按手机号检索居民"),
    "role.assign": _("授予角色"),
    "user.create": _("创建用户"),
    "api_token.issue": _("签发接口令牌"),
    "api_token.revoke": _("吊销接口令牌"),
    "demo.seed": _("生成演示数据"),
    "admin.add": _("后台新增"),
    "admin.change": _("后台修改"),
    "admin.delete": _("后台删除"),
    "booking.hours": _("修改开放时间"),
    "booking.closure_add": _("临时关闭"),
    "booking.closure_remove": _("撤销临时关闭"),
    "booking.extra_add": _("加开时段"),
    "booking.extra_remove": _("撤销加开"),
    "booking.term_add": _("添加学期"),
    "booking.term_remove": _("删除学期"),
    "booking.cancel": _("取消预约"),
    "booking.cancel_all": _("取消全部预约"),
    "offering.create": _("发布服务"),
    "offering.update": _("修改服务"),
    "offering.publish": _("重新上架服务"),
    "offering.unpublish": _("下架服务"),
    "offering.photos_add": _("添加服务照片"),
    "offering.photo_remove": _("删除服务照片"),
    "provider.staff_add": _("添加服务商工作人员"),
    "provider.staff_remove": _("移除服务商工作人员"),
    "provider.licence_view": _("查看服务商证照"),
    "venue.open": _("开放共享场地"),
    "venue.update": _("修改共享场地"),
    "venue.close": _("停止开放场地"),
    "venue.reopen": _("重新开放场地"),
}

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
    return str(ACTIONS.get(code, code))


@register.filter
def field_label(code: str) -> str:
    return str(FIELDS.get(code, code))


@register.filter
def field_labels(codes: Any) -> str:
    return "、".join(field_label(c) for c in (codes or []))


@register.filter
def value_label(value: Any, field: str) -> Any:
    """Choice codes in history rows shown with their labels."""
    if value in (None, "", []):
        return "∅"
    from linli.regions.models import Gender, Relation, Room, SensitiveTag, Tag

    maps = {"relation": Relation, "gender": Gender, "use": Room.Use}
    if field in maps:
        try:
            return maps[field](value).label
        except ValueError:
            return value
    if field == "tags" and isinstance(value, list):
        labels = {t.value: t.label for t in Tag} | {t.value: t.label for t in SensitiveTag}
        return "、".join(str(labels.get(v, v)) for v in value)
    return value


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
