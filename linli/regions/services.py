"""All writes to the registry. Each function: one transaction, permission check, audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core.crypto import lookup_hash
from linli.core.dates import EARLIEST_RECORD
from linli.core.errors import DomainError, NotFound, PermissionDenied
from linli.core.masking import mask_id, mask_phone
from linli.core.models import SensitiveAccess
from linli.core.reasons import clean_reason
from linli.core.services import diff, record_audit, record_sensitive_access
from linli.core.text import clean_text

from . import validation as v
from .models import (
    Building,
    Compound,
    HomeVisit,
    Household,
    Level,
    MobilisationDuty,
    Ownership,
    RegionNode,
    Resident,
    Room,
    Unit,
)
from .names import pinyin_keys

RESIDENT_AUDIT_FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "grid_id", "household_id", "relation",
                         "moved_in", "moved_out", "tags", "sensitive_tags")
MASKED = {"id_number": mask_id, "phone": mask_phone, "sensitive_tags": lambda s: "***",
          "birth_date": lambda d: str(d.year)}  # the whole birth date would unmask the ID number's middle


def require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied("forbidden", _("您无权在该区域执行此操作"))


def _invalid(err: v.FieldError) -> DomainError:
    return DomainError("invalid", err.message, field=err.field, reason=err.code)


def _snapshot(r: Resident) -> dict[str, Any]:
    return {f: getattr(r, f) for f in RESIDENT_AUDIT_FIELDS}


def _grid(node: RegionNode) -> RegionNode:
    if node.level != Level.GRID:
        raise DomainError("invalid", _("请选择网格"), field="grid")
    return node


# ---------------------------------------------------------------- residents

def apply_resident_fields(resident: Resident, data: dict[str, Any]) -> None:
    """Validate and set resident fields from ``data`` (only the keys present). Raises FieldError."""
    if "name" in data:
        resident.name = v.clean_name(data["name"])
        resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
    if "id_number" in data:
        gender = v.clean_gender(data.get("gender")) if data.get("gender") else None
        birth = v.clean_date(data.get("birth_date"), "birth_date", _("出生日期")) if data.get("birth_date") else None
        info = v.clean_id_number(data["id_number"], gender=gender, birth_date=birth)
        resident.id_number = info.number
        resident.id_hash = lookup_hash(info.number)
        resident.gender = info.gender
        resident.birth_date = info.birth_date
    elif data.get("gender") or data.get("birth_date"):
        v.clean_id_number(resident.id_number, gender=v.clean_gender(data.get("gender")),
                          birth_date=v.clean_date(data.get("birth_date"), "birth_date", _("出生日期")))
    if "phone" in data:
        phone = v.clean_phone(data["phone"])
        resident.phone = phone
        resident.phone_hash = lookup_hash(phone)
        resident.phone_tail = phone[-4:] if phone else ""
    if "relation" in data:
        resident.relation = v.clean_relation(data["relation"])
    if "moved_in" in data:
        resident.moved_in = v.clean_moved_in(data["moved_in"], resident.birth_date)
    elif "id_number" in data and resident.moved_in and resident.moved_in < resident.birth_date:
        raise v.FieldError("moved_in", _("迁入日期不能早于出生日期"), "implausible_date")
    if "moved_out" in data:
        resident.moved_out = v.clean_moved_out(data["moved_out"], resident.moved_in, resident.birth_date)
    if resident.moved_in and resident.moved_out and resident.moved_out < resident.moved_in:
        raise v.FieldError("moved_out", _("迁出日期不能早于迁入日期"))
    if "tags" in data:
        plain, sensitive = v.clean_tags(list(data.get("tags") or []))
        if sensitive:
            raise v.FieldError("tags", _("敏感标签须单独填写"))
        resident.tags = plain
    if "sensitive_tags" in data:
        plain, sensitive = v.clean_tags(list(data.get("sensitive_tags") or []))
        if plain:
            raise v.FieldError("sensitive_tags", _("普通标签不能填入敏感标签"))
        resident.sensitive_tags = ",".join(sensitive)


def _place_in_household(resident: Resident, household: Household | None, grid: RegionNode | None) -> None:
    if household is not None:
        resident.household = household
        resident.grid_id = household.room.building.grid_id
        resident.region_path = household.region_path
    elif grid is not None:
        resident.household = None
        resident.grid = _grid(grid)
        resident.region_path = grid.path


@transaction.atomic
def create_resident(*, actor: Any, grid: RegionNode | None = None, household: Household | None = None, **data: Any) -> Resident:
    if household is None and grid is None:
        raise DomainError("invalid", _("请指定户或网格"), field="household")
    resident = Resident()
    _place_in_household(resident, household, grid)
    require(actor, "regions.change_registry", resident)
    try:
        apply_resident_fields(resident, {"tags": [], "sensitive_tags": [], **data})
    except v.FieldError as err:
        raise _invalid(err) from err
    if Resident.objects.filter(id_hash=resident.id_hash).exists():
        raise DomainError("duplicate_id", _("该身份证号已登记"), field="id_number")
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise DomainError("duplicate_id", _("该身份证号已登记"), field="id_number") from exc
    record_audit(actor=actor, action="resident.create", target=resident, region_path=resident.region_path,
                 changes=diff({}, _snapshot(resident), MASKED))
    return resident


@transaction.atomic
def update_resident(*, actor: Any, resident: Resident, household: Household | None = None,
                    grid: RegionNode | None = None, **data: Any) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require(actor, "regions.change_registry", resident)
    before = _snapshot(resident)
    if household is not None or grid is not None:
        _place_in_household(resident, household, grid)
        require(actor, "regions.change_registry", resident)
    try:
        apply_resident_fields(resident, data)
    except v.FieldError as err:
        raise _invalid(err) from err
    if "id_number" in data and Resident.objects.filter(id_hash=resident.id_hash).exclude(pk=resident.pk).exists():
        raise DomainError("duplicate_id", _("该身份证号已登记"), field="id_number")
    changes = diff(before, _snapshot(resident), MASKED)
    if not changes:
        return resident
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise DomainError("duplicate_id", _("该身份证号已登记"), field="id_number") from exc
    record_audit(actor=actor, action="resident.update", target=resident, region_path=resident.region_path, changes=changes)
    return resident


@transaction.atomic
def reveal_resident(*, actor: Any, resident: Resident, reason: str, purpose: str = "",
                    fields: tuple[str, ...] = ("id_number", "phone")) -> dict[str, str]:
    """The whole ID number / phone / sensitive tags, for a role that needs them, with a logged
    reason: a listed purpose and a real description (core.reasons)."""
    require(actor, "regions.reveal_personal", resident)
    reason = clean_reason(purpose, reason)
    allowed = {"id_number", "phone", "sensitive_tags"}
    bad = [f for f in fields if f not in allowed]
    if bad:
        raise DomainError("invalid", _("不支持查看该字段"), field="fields", fields=bad)
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.REVEAL, target=resident, fields=list(fields),
                            reason=reason, region_path=resident.region_path)
    return {f: getattr(resident, f) or "" for f in fields}


def search_lookup(*, actor: Any, q: str) -> dict[str, str]:
    """A registry search by a whole ID number or phone number, sent by POST (never in a URL):
    refused for other roles and malformed numbers, audited (who searched, the masked number,
    when), and returned as ``{"kind", "hash", "masked"}`` for the list to filter on."""
    from linli.accounts.roles import REGISTRY_ROLES
    from linli.accounts.selectors import has_role
    from linli.core import idcard

    from .selectors import classify_query

    if not has_role(actor, REGISTRY_ROLES):
        raise PermissionDenied("forbidden", _("此功能仅限人口房屋管理人员使用"))
    found = classify_query(idcard.normalize(q or ""))
    if found.kind == "id_number":
        try:
            number = idcard.parse(found.value).number
        except idcard.IdNumberError as exc:
            raise DomainError("invalid", _(v.ID_MESSAGES[exc.code]), field="q") from exc
        result = {"kind": "id_number", "hash": lookup_hash(number), "masked": mask_id(number)}
    elif found.kind == "phone":
        result = {"kind": "phone", "hash": lookup_hash(found.value), "masked": mask_phone(found.value)}
    else:
        raise DomainError("invalid", _("请输入完整的18位身份证号或11位手机号"), field="q")
    record_audit(actor=actor, action="registry.id_search" if result["kind"] == "id_number" else "registry.phone_search",
                 target=actor, label=result["masked"])
    return result


# ---------------------------------------------------------------- houses

@transaction.atomic
def create_compound(*, actor: Any, grid: RegionNode, name: str, address: str = "") -> Compound:
    _grid(grid)
    compound = Compound(grid=grid, region_path=grid.path, name=clean_text(name, collapse=True), address=clean_text(address))
    require(actor, "regions.change_registry", compound)
    if not compound.name:
        raise DomainError("invalid", _("小区名称不能为空"), field="name")
    compound, created = Compound.objects.get_or_create(grid=grid, name=compound.name,
                                                       defaults={"region_path": grid.path, "address": compound.address})
    if created:
        record_audit(actor=actor, action="compound.create", target=compound, region_path=compound.region_path)
    return compound


@transaction.atomic
def create_building(*, actor: Any, compound: Compound, name: str, grid: RegionNode | None = None, floors: int = 1) -> Building:
    grid = _grid(grid or compound.grid)
    building = Building(compound=compound, name=clean_text(name, collapse=True), grid=grid, region_path=grid.path, floors=floors)
    require(actor, "regions.change_registry", building)
    existing = Building.objects.filter(compound=compound, name=building.name).first()
    if existing:
        return existing
    building.save()
    record_audit(actor=actor, action="building.create", target=building, region_path=building.region_path)
    return building


def room_address(grid: RegionNode, building: Building, unit: Unit, number: str) -> str:
    community = grid.parent.full_name if grid.parent else ""
    return f"{community} {building.compound.name}{building.name}{unit.name}{number}"


@transaction.atomic
def create_room(*, actor: Any, building: Building, unit_name: str, number: str, exclusive_area: Any,
                floor: int | None = None, use: str = Room.Use.RESIDENTIAL) -> Room:
    require(actor, "regions.change_registry", building)
    try:
        area = v.clean_area(exclusive_area)
        number = v.clean_text(number, "number", _("房号"), max_length=20)
        unit_name = v.clean_text(unit_name, "unit", _("单元"), max_length=20)
    except v.FieldError as err:
        raise _invalid(err) from err
    if use not in Room.Use.values:
        raise DomainError("invalid", _("房屋用途无效"), field="use")
    unit, _created = Unit.objects.get_or_create(building=building, name=unit_name)
    if Room.objects.filter(unit=unit, number=number).exists():
        raise DomainError("duplicate_room", _("该房屋已登记"), field="number")
    if floor is None:
        digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())
        floor = int(digits[:-2]) if 2 < len(digits) <= 5 else 1
    if not -10 <= floor <= 300:
        raise DomainError("invalid", _("楼层应在 -10 到 300 之间"), field="floor")
    room = Room.objects.create(unit=unit, building=building, number=number, floor=floor, exclusive_area=area, use=use,
                               region_path=building.region_path,
                               address=room_address(building.grid, building, unit, number))
    record_audit(actor=actor, action="room.create", target=room, region_path=room.region_path,
                 changes={"exclusive_area": [None, str(area)], "use": [None, use]})
    return room


@transaction.atomic
def update_room(*, actor: Any, room: Room, exclusive_area: Any = None, use: str | None = None, floor: int | None = None) -> Room:
    room = Room.objects.select_for_update().get(pk=room.pk)
    require(actor, "regions.change_registry", room)
    before = {"exclusive_area": room.exclusive_area, "use": room.use, "floor": room.floor}
    try:
        if exclusive_area is not None:
            room.exclusive_area = v.clean_area(exclusive_area)
    except v.FieldError as err:
        raise _invalid(err) from err
    if use is not None:
        if use not in Room.Use.values:
            raise DomainError("invalid", _("房屋用途无效"), field="use")
        room.use = use
    if floor is not None:
        if not -10 <= floor <= 300:
            raise DomainError("invalid", _("楼层应在 -10 到 300 之间"), field="floor")
        room.floor = floor
    changes = diff(before, {"exclusive_area": room.exclusive_area, "use": room.use, "floor": room.floor})
    if changes:
        room.save()
        record_audit(actor=actor, action="room.update", target=room, region_path=room.region_path, changes=changes)
    return room


@transaction.atomic
def set_ownership(*, actor: Any, room: Room, kind: str, owner_name: str, resident: Resident | None = None,
                  owner_id_number: str = "", share: Decimal | str = "1", since: dt.date | None = None) -> Ownership:
    """Record an owner. Persons are identified by ID number (a resident's or given), so one buyer
    of several units is one owner; all developer-held units share one key per developer."""
    require(actor, "regions.change_registry", room)
    if kind not in Ownership.Kind.values:
        raise DomainError("invalid", _("权属类型无效"), field="kind")
    owner_name = clean_text(owner_name or (resident.name if resident else ""), collapse=True)
    if not owner_name:
        raise DomainError("invalid", _("权利人不能为空"), field="owner_name")
    if kind == Ownership.Kind.PERSON:
        if resident is not None:
            key = "p:" + resident.id_hash
        else:
            try:
                info = v.clean_id_number(owner_id_number)
            except v.FieldError as err:
                raise _invalid(err) from err
            key = "p:" + lookup_hash(info.number)
    else:
        key = f"{kind[0]}:{owner_name}"
    try:
        since = v.clean_plausible_date(since, "since", _("起始日期"))
    except v.FieldError as err:
        raise _invalid(err) from err
    try:
        share_d = Decimal(str(share))
    except Exception as exc:
        raise DomainError("invalid", _("份额无效"), field="share") from exc
    if not (Decimal(0) < share_d <= Decimal(1)):
        raise DomainError("invalid", _("份额应在0到1之间"), field="share")
    Room.objects.select_for_update().filter(pk=room.pk).first()  # serialise concurrent owners of one room
    held = sum((o.share for o in room.ownerships.filter(until__isnull=True)), Decimal(0))
    if held + share_d > Decimal(1):
        raise DomainError("share_exceeded", _("该房屋登记的份额合计将超过100%"), field="share")
    own = Ownership.objects.create(room=room, kind=kind, resident=resident, owner_name=owner_name, owner_key=key,
                                   share=share_d, since=since)
    record_audit(actor=actor, action="ownership.create", target=own, region_path=room.region_path,
                 changes={"kind": kind, "share": str(share_d)}, label=f"{room} · {owner_name}")
    return own


@transaction.atomic
def create_household(*, actor: Any, room: Room, number: str = "") -> Household:
    require(actor, "regions.change_registry", room)
    number = clean_text(number)
    if not number:
        n = room.households.count() + 1
        while Household.objects.filter(number=f"H{room.pk}-{n}").exists():
            n += 1
        number = f"H{room.pk}-{n}"
    if len(number) > 32:
        raise DomainError("invalid", _("户号过长(最多32个字符)"), field="number")
    if Household.objects.filter(number=number).exists():
        raise DomainError("duplicate_household", _("户号已存在"), field="number")
    try:
        with transaction.atomic():
            hh = Household.objects.create(room=room, number=number, region_path=room.region_path)
    except IntegrityError as exc:
        raise DomainError("duplicate_household", _("户号已存在"), field="number") from exc
    record_audit(actor=actor, action="household.create", target=hh, region_path=hh.region_path)
    return hh


# ---------------------------------------------------------------- mobilisation chain and visits

@transaction.atomic
def assign_duty(*, actor: Any, kind: str, resident: Resident, building: Building) -> MobilisationDuty:
    require(actor, "regions.change_registry", building)
    if kind not in MobilisationDuty.Kind.values:
        raise DomainError("invalid", _("职责类型无效"), field="kind")
    if not resident.is_current:
        raise DomainError("resident_moved_out", _("该居民已迁出"), field="resident")
    if not resident.region_path.startswith(building.region_path[:12]):
        raise DomainError("other_community", _("楼长和居民代表须为本社区居民"), field="resident")
    duty, created = MobilisationDuty.objects.update_or_create(
        kind=kind, resident=resident, building=building, defaults={"active": True, "region_path": building.region_path}
    )
    record_audit(actor=actor, action="duty.assign", target=duty, region_path=building.region_path,
                 changes={"kind": kind, "resident": resident.pk, "building": building.pk})
    return duty


@transaction.atomic
def end_duty(*, actor: Any, duty: MobilisationDuty) -> None:
    require(actor, "regions.change_registry", duty)
    duty.active = False
    duty.save(update_fields=["active", "updated_at"])
    record_audit(actor=actor, action="duty.end", target=duty, region_path=duty.region_path)


@transaction.atomic
def set_household_representative(*, actor: Any, household: Household, resident: Resident | None) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "regions.change_registry", household)
    if resident is not None and resident.household_id != household.pk:
        raise DomainError("not_member", _("户代表须为本户成员"), field="resident")
    before = household.representative_id
    household.representative = resident
    household.save(update_fields=["representative", "updated_at"])
    record_audit(actor=actor, action="household.representative", target=household, region_path=household.region_path,
                 changes={"representative": [before, resident.pk if resident else None]})
    return household


@transaction.atomic
def record_visit(*, actor: Any, household: Household, visited_on: dt.date, purpose: str = HomeVisit.Purpose.ROUTINE,
                 met: bool = True, notes: str = "", needs_follow_up: bool = False) -> HomeVisit:
    require(actor, "regions.record_visit", household)
    if purpose not in HomeVisit.Purpose.values:
        raise DomainError("invalid", _("走访事由无效"), field="purpose")
    from django.utils import timezone

    if visited_on > timezone.localdate():
        raise DomainError("invalid", _("走访日期不能晚于今天"), field="visited_on")
    try:
        v.clean_plausible_date(visited_on, "visited_on", _("走访日期"), earliest=EARLIEST_RECORD)
    except v.FieldError as err:
        raise _invalid(err) from err
    notes = clean_text(notes, multiline=True)
    if len(notes) > 2000:
        raise DomainError("invalid", _("情况记录过长"), field="notes")
    visit = HomeVisit.objects.create(household=household, region_path=household.region_path, visitor=actor,
                                     visited_on=visited_on, purpose=purpose, met=met, notes=notes,
                                     needs_follow_up=needs_follow_up)
    record_audit(actor=actor, action="visit.record", target=visit, region_path=visit.region_path,
                 changes={"visited_on": str(visited_on), "purpose": purpose, "met": met})
    return visit


def get_or_404(qs: Any, **lookup: Any) -> Any:
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound("not_found", _("记录不存在或不在您的管辖范围内"))
    return obj
