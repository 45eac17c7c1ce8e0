from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import Day, ErrorOut  # noqa: F401  (ErrorOut re-exported for the routers)


class RegionOut(Schema):
    code: str
    path: str
    name: str
    full_name: str
    level: str
    parent_code: str | None = Field(None, alias="parent.code")


class ResidentRow(Schema):
    """Masked: the birth year only, since the full birth date would unmask the ID number's middle."""

    id: int
    name: str
    gender: str
    birth_year: int = Field(..., alias="birth_date.year")
    id_number_masked: str = Field(..., alias="masked_id")
    phone_masked: str = Field(..., alias="masked_phone")
    grid_code: str = Field(..., alias="grid.code")
    household_id: int | None
    address: str | None = Field(None, alias="household.room.address")
    relation: str
    tags: list[str]
    moved_out: dt.date | None


class MemberOut(Schema):
    id: int
    name: str
    relation: str
    gender: str
    birth_year: int

    @staticmethod
    def resolve_birth_year(obj: object) -> int:
        year = getattr(obj, "birth_year", None)
        return int(year) if year is not None else obj.birth_date.year  # type: ignore[attr-defined]


class ResidentDetail(ResidentRow):
    """Masked like the row; the move-in date is null (its year in ``moved_in_year``) when it lies
    within a year of birth, where it would give away the birth date."""

    moved_in: dt.date | None = Field(None, alias="masked_moved_in")
    moved_in_year: int | None = None
    sensitive_tags_hidden: bool = True
    household_number: str | None = Field(None, alias="household.number")
    members: list[MemberOut] = []


class ResidentSearchIn(Schema):
    q: str = Field("", max_length=50)
    address: str = Field("", max_length=100)
    region: str | None = Field(None, max_length=20)
    include_moved_out: bool = False
    tag: str = Field("", max_length=20)


class ResidentIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=32)
    gender: str | None = None
    birth_date: Day | None = None
    phone: str = ""
    household_id: int | None = None
    grid_code: str | None = None
    relation: str = ""
    moved_in: Day | None = None
    tags: list[str] = []
    sensitive_tags: list[str] = []


class ResidentPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    household_id: int | None = None
    relation: str | None = None
    moved_in: Day | None = None
    moved_out: Day | None = None
    tags: list[str] | None = None
    sensitive_tags: list[str] | None = None


class RevealIn(Schema):
    purpose: str = Field("", max_length=20, description="入户核实 / 办理业务 / 应急联系 / 核对信息 / 其他")
    reason: str = Field(..., max_length=200, description="具体说明，至少4个字")
    fields: list[str] = ["id_number", "phone"]


class RevealOut(Schema):
    id_number: str | None = None
    phone: str | None = None
    sensitive_tags: str | None = None


class ChangeOut(Schema):
    occurred_at: dt.datetime
    actor: str | None
    action: str
    changes: dict


class OwnerOut(Schema):
    kind: str
    owner_name: str
    share: Decimal


class HouseholdOut(Schema):
    id: int
    number: str
    representative_id: int | None
    members: list[MemberOut] = []


class RoomOut(Schema):
    id: int
    address: str
    number: str
    floor: int
    exclusive_area: Decimal
    use: str
    building_id: int


class RoomDetail(RoomOut):
    owners: list[OwnerOut] = []
    households: list[HouseholdOut] = Field([], validation_alias="household_rows")


class RoomIn(Schema):
    building_id: int
    unit: str = Field(..., max_length=20)
    number: str = Field(..., max_length=20)
    exclusive_area: Decimal
    floor: int | None = None
    use: str = "residential"


class HouseholdIn(Schema):
    room_id: int
    number: str = ""


class VisitIn(Schema):
    household_id: int
    visited_on: Day
    purpose: str = "routine"
    met: bool = True
    notes: str = Field("", max_length=2000)
    needs_follow_up: bool = False


class VisitOut(Schema):
    id: int
    household_id: int
    visited_on: dt.date
    purpose: str
    met: bool
    notes: str
    needs_follow_up: bool
    visitor: str = Field(..., alias="visitor.username")


class CoverageOut(Schema):
    grid_code: str
    grid_name: str
    households: int
    visited: int
    rate: float | None = Field(..., ge=0, le=1, description="visited / households, 0–1; null for a grid without households")


class FourNoneOut(Schema):
    counts: dict[str, int]
    grids_without_worker: list[str]
    buildings_without_leader: list[str]
    households_without_representative: list[str]
    residents_without_household: list[int]


class ImportRowError(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    id: int
    kind: str
    status: str
    total_rows: int
    valid_rows: int
    error_rows: int
    imported_rows: int
    errors: list[ImportRowError]


class ImportConfirmIn(Schema):
    valid_only: bool = False


class AuditOut(Schema):
    occurred_at: dt.datetime
    actor: str | None = Field(None, alias="actor.username")
    action: str
    target_type: str
    target_id: str
    target_label: str
    region_path: str
    changes: dict
    ip: str | None

    @staticmethod
    def resolve_changes(obj: object) -> dict:
        """A resident's birth date, and move dates that could be it, show as their year."""
        from .selectors import redact_resident_changes

        changes = getattr(obj, "changes", None) or {}
        return redact_resident_changes(changes, None) if getattr(obj, "target_type", "") == "regions.resident" else changes


class ExportIn(Schema):
    region: str | None = None
    q: str = Field("", max_length=50)
    unmasked: bool = False
    purpose: str = Field("", max_length=20, description="完整导出时必选：入户核实 / 办理业务 / 应急联系 / 核对信息 / 其他")
    reason: str = Field("", max_length=200)
