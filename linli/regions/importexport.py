"""Excel (.xlsx) import and export of the registry.

Import is two steps: ``validate_upload`` stores the file and a per-row report in Chinese;
``confirm_import`` writes everything in one transaction — all rows when the file is valid, or,
when the user chooses, only the valid rows. A file with errors is never written whole.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from linli.accounts.roles import REGISTRY_WRITE_ROLES
from linli.accounts.selectors import scope_paths, scope_q
from linli.core.crypto import decrypt_bytes, encrypt_bytes, lookup_hash
from linli.core.errors import DomainError, PermissionDenied
from linli.core.exports import xlsx_append
from linli.core.masking import mask_id, mask_phone
from linli.core.models import SensitiveAccess
from linli.core.reasons import clean_reason
from linli.core.services import record_audit, record_sensitive_access
from linli.core.text import clean_text

from . import services
from . import validation as v
from .models import (
    Building,
    Compound,
    Household,
    ImportBatch,
    Level,
    RegionNode,
    Relation,
    Resident,
    Room,
    SensitiveTag,
    Tag,
    Unit,
)

RESIDENT_COLUMNS = ["姓名", "身份证号", "手机号", "网格编码", "小区", "楼栋", "单元", "房号", "户号", "与户主关系", "迁入日期", "标签"]
HOUSE_COLUMNS = ["网格编码", "小区", "楼栋", "单元", "房号", "楼层", "专有面积", "用途", "户号"]
REQUIRED: dict[str, list[str]] = {
    ImportBatch.Kind.RESIDENTS: ["姓名", "身份证号", "网格编码", "小区", "楼栋", "单元", "房号"],
    ImportBatch.Kind.HOUSES: ["网格编码", "小区", "楼栋", "单元", "房号", "专有面积"],
}
USE_LABELS = {str(c.label): c.value for c in Room.Use} | {c.value: c.value for c in Room.Use}


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, fld: str, message: str) -> None:
        self.errors.append({"row": self.number, "field": fld, "message": message})


def _read_rows(data: bytes, kind: str) -> list[Row]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, Exception) as exc:
        raise DomainError("bad_file", _("无法读取该文件，请上传 .xlsx 格式的 Excel 文件")) from exc
    try:
        sheet = DATA_SHEETS[kind]
        ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0]  # the template's example sheet is never read
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if not header:
            raise DomainError("empty_file", _("文件为空"))
        names = [str(h).strip() if h is not None else "" for h in header]
        missing = [c for c in REQUIRED[kind] if c not in names]
        if missing:
            raise DomainError("missing_columns", _("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)}, columns=missing)
        rows: list[Row] = []
        for i, raw in enumerate(rows_iter, start=2):
            if raw is None or all(c is None or str(c).strip() == "" for c in raw):
                continue
            values = {names[j]: (clean_text(raw[j], collapse=True) if isinstance(raw[j], str) else raw[j])
                      for j in range(min(len(names), len(raw))) if names[j]}
            rows.append(Row(number=i, values=values))
            if len(rows) > settings.LINLI_IMPORT_MAX_ROWS:
                raise DomainError("too_many_rows", _("单个文件最多 %(n)s 行") % {"n": settings.LINLI_IMPORT_MAX_ROWS})
    except DomainError:
        raise
    except Exception as exc:  # a damaged sheet is parsed lazily: report it, never a 500
        raise DomainError("bad_file", _("无法读取该文件，请上传 .xlsx 格式的 Excel 文件")) from exc
    finally:
        wb.close()
    return rows


class _Lookup:
    """Caches of grids, compounds and buildings the actor may write to."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.paths = scope_paths(actor, REGISTRY_WRITE_ROLES)
        self.scope = scope_q(self.paths)
        self.grids: dict[str, RegionNode | None] = {}
        self.buildings: dict[tuple[int, str, str], Building | None] = {}

    def grid(self, code: str) -> RegionNode | None:
        if code not in self.grids:
            node = RegionNode.objects.filter(code=code, level=Level.GRID).first()
            if node is not None and not any(node.path.startswith(p) for p in self.paths):
                node = None
            self.grids[code] = node
        return self.grids[code]

    def building(self, grid: RegionNode, compound: str, building: str) -> Building | None:
        key = (grid.pk, compound, building)
        if key not in self.buildings:
            self.buildings[key] = (
                Building.objects.select_related("compound", "grid__parent")
                .filter(self.scope, compound__grid__parent=grid.parent, compound__name=compound, name=building)
                .first()
            )
        return self.buildings[key]


def _text(row: Row, col: str, label: str, max_length: int, required: bool = True) -> str:
    try:
        return v.clean_text(row.values.get(col), col, label, max_length=max_length, required=required)
    except v.FieldError as err:
        row.error(col, err.message)
        return ""


def _validate_residents(actor: Any, rows: list[Row]) -> None:
    look = _Lookup(actor)
    seen: dict[str, int] = {}
    for row in rows:
        try:
            v.clean_name(row.values.get("姓名"))
        except v.FieldError as err:
            row.error("姓名", err.message)
        birth = None
        try:
            info = v.clean_id_number(row.values.get("身份证号"))
            birth = info.birth_date
            h = lookup_hash(info.number)
            if info.number == EXAMPLE_ID:
                row.error("身份证号", _("这是模板中的示例，请删除该行"))
            elif h in seen:
                row.error("身份证号", _("与第%(n)s行身份证号重复") % {"n": seen[h]})
            else:
                seen[h] = row.number
                if Resident.objects.filter(id_hash=h).exists():
                    row.error("身份证号", _("该身份证号已登记"))
        except v.FieldError as err:
            row.error("身份证号", err.message)
        for col, fn in (("手机号", v.clean_phone), ("与户主关系", v.clean_relation), ("标签", v.clean_tags)):
            try:
                fn(row.values.get(col))
            except v.FieldError as err:
                row.error(col, err.message)
        try:
            v.clean_moved_in(row.values.get("迁入日期"), birth)
        except v.FieldError as err:
            row.error("迁入日期", err.message)
        _grid, building = _validate_place(look, row, need_room=True)
        hh = str(row.values.get("户号") or "").strip()
        if len(hh) > 32:
            row.error("户号", _("户号过长(最多32个字符)"))
        elif hh and building is not None:
            existing = Household.objects.filter(number=hh).select_related("room__unit").first()
            unit, number = (str(row.values.get(c) or "").strip().removesuffix(".0") for c in ("单元", "房号"))
            if existing is not None and not (existing.room.building_id == building.pk and existing.room.unit.name == unit
                                             and existing.room.number == number):
                row.error("户号", _("户号 %(h)s 已属于其他房屋") % {"h": hh})


def _validate_place(look: _Lookup, row: Row, *, need_room: bool) -> tuple[RegionNode | None, Building | None]:
    code = _text(row, "网格编码", "网格编码", 15)
    compound = _text(row, "小区", "小区", 100)
    building_name = _text(row, "楼栋", "楼栋", 50)
    unit = _text(row, "单元", "单元", 20)
    number = _text(row, "房号", "房号", 20)
    if not code:
        return None, None
    grid = look.grid(code)
    if grid is None:
        row.error("网格编码", _("网格编码 %(c)s 不存在或不在您的管辖范围内") % {"c": code})
        return None, None
    if not (compound and building_name):
        return grid, None
    building = look.building(grid, compound, building_name)
    if need_room:
        if building is None:
            row.error("楼栋", _("未找到楼栋：%(c)s%(b)s(请先导入房屋)") % {"c": compound, "b": building_name})
            return grid, None
        if unit and number and not Room.objects.filter(unit__building=building, unit__name=unit, number=number).exists():
            row.error("房号", _("未找到房屋：%(u)s%(n)s") % {"u": unit, "n": number})
    return grid, building


def _validate_houses(actor: Any, rows: list[Row]) -> None:
    look = _Lookup(actor)
    seen: dict[tuple, int] = {}
    seen_hh: dict[str, int] = {}
    for row in rows:
        grid, building = _validate_place(look, row, need_room=False)
        key = tuple(str(row.values.get(c) or "").strip() for c in ("网格编码", "小区", "楼栋", "单元", "房号"))
        if all(key):
            if key in seen:
                row.error("房号", _("与第%(n)s行房屋重复") % {"n": seen[key]})
            else:
                seen[key] = row.number
                if building is not None and Room.objects.filter(unit__building=building, unit__name=key[3], number=key[4]).exists():
                    row.error("房号", _("该房屋已登记"))
        try:
            v.clean_area(row.values.get("专有面积"))
        except v.FieldError as err:
            row.error("专有面积", err.message)
        use = str(row.values.get("用途") or "住宅").strip()
        if use not in USE_LABELS:
            row.error("用途", _("用途应为：住宅、商业、办公、其他"))
        floor = row.values.get("楼层")
        if floor not in (None, ""):
            try:
                if not -10 <= int(float(str(floor))) <= 300:
                    raise ValueError
            except (ValueError, OverflowError):
                row.error("楼层", _("楼层应为 -10 到 300 之间的整数"))
        hh = str(row.values.get("户号") or "").strip()
        if len(hh) > 32:
            row.error("户号", _("户号过长(最多32个字符)"))
        elif hh:
            if hh in seen_hh:
                row.error("户号", _("与第%(n)s行户号重复") % {"n": seen_hh[hh]})
            else:
                seen_hh[hh] = row.number
                if Household.objects.filter(number=hh).exists():
                    row.error("户号", _("户号已存在"))


VALIDATORS: dict[str, Any] = {ImportBatch.Kind.RESIDENTS: _validate_residents, ImportBatch.Kind.HOUSES: _validate_houses}


def _validate(actor: Any, kind: str, data: bytes) -> list[Row]:
    rows = _read_rows(data, kind)
    if not rows:
        raise DomainError("empty_file", _("文件中没有数据行"))
    VALIDATORS[kind](actor, rows)
    return rows


def validate_upload(*, actor: Any, kind: str, filename: str, data: bytes) -> ImportBatch:
    """Check a file and store it with its report; nothing is written to the registry."""
    if kind not in ImportBatch.Kind.values:
        raise DomainError("invalid", _("导入类型无效"), field="kind")
    if not scope_paths(actor, REGISTRY_WRITE_ROLES):
        raise PermissionDenied("forbidden", _("您无权导入数据"))
    if len(data) > settings.LINLI_IMPORT_MAX_BYTES:
        raise DomainError("file_too_large", _("文件过大(最大10MB)"))
    if not filename.lower().endswith(".xlsx"):
        raise DomainError("bad_file", _("请上传 .xlsx 格式的 Excel 文件"))
    rows = _validate(actor, kind, data)
    errors = [e for r in rows for e in r.errors]
    bad = sum(1 for r in rows if r.errors)
    with transaction.atomic():
        batch = ImportBatch(kind=kind, uploaded_by=actor, filename=filename[:200], total_rows=len(rows),
                            valid_rows=len(rows) - bad, error_rows=bad, errors=errors[:2000],
                            region_path=_common_prefix(scope_paths(actor, REGISTRY_WRITE_ROLES)))
        batch.file.save("upload.bin", ContentFile(encrypt_bytes(data)), save=False)  # private, encrypted at rest
        batch.save()
        record_audit(actor=actor, action="import.validate", target=batch, region_path=batch.region_path,
                     changes={"kind": kind, "rows": len(rows), "error_rows": bad})
    return batch


def _common_prefix(paths: list[str]) -> str:
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]


def confirm_import(*, actor: Any, batch: ImportBatch, valid_only: bool = False) -> ImportBatch:
    """Re-validate (the registry may have changed since upload), keep the fresh report, then write
    every valid row in one transaction — or nothing, if errors remain and only all rows were asked."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _check_open(actor, batch)
        rows = _validate(actor, batch.kind, _read_file(batch))
        bad = [r for r in rows if r.errors]
        batch.errors = [e for r in rows for e in r.errors][:2000]
        batch.error_rows = len(bad)
        batch.valid_rows = len(rows) - len(bad)
        batch.save()
    if bad and not valid_only:
        raise DomainError("import_has_errors", _("文件中有 %(n)s 行错误，未导入任何数据。请修正后重新上传，或选择只导入有效行。") % {"n": len(bad)},
                          error_rows=len(bad))
    return _write_rows(actor, batch, rows, valid_only)


def _check_open(actor: Any, batch: ImportBatch) -> None:
    if batch.uploaded_by_id != actor.pk:
        raise PermissionDenied("forbidden", _("只能确认自己上传的文件"))
    if batch.status != ImportBatch.Status.VALIDATED:
        raise DomainError("import_closed", _("该导入已处理，不能重复导入"))


def _read_file(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as fh:
        return decrypt_bytes(fh.read())


def _delete_file(batch: ImportBatch) -> None:
    name = batch.file.name
    if name:
        storage = batch.file.storage
        transaction.on_commit(lambda: storage.delete(name))
        batch.file = None  # type: ignore[assignment]


@transaction.atomic
def _write_rows(actor: Any, batch: ImportBatch, rows: list[Row], valid_only: bool) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _check_open(actor, batch)
    bad = [r for r in rows if r.errors]
    good = [r for r in rows if not r.errors]
    writer = _write_resident if batch.kind == ImportBatch.Kind.RESIDENTS else _write_house
    look = _Lookup(actor)
    for row in good:
        writer(actor, look, row)
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_rows = len(good)
    _delete_file(batch)  # the register is in the database now; the uploaded copy goes
    batch.save()
    record_audit(actor=actor, action="import.confirm", target=batch, region_path=batch.region_path,
                 changes={"imported": len(good), "skipped": len(bad), "valid_only": valid_only})
    return batch


@transaction.atomic
def discard_import(*, actor: Any, batch: ImportBatch) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.uploaded_by_id != actor.pk:
        raise PermissionDenied("forbidden", _("只能放弃自己上传的文件"))
    if batch.status == ImportBatch.Status.VALIDATED:
        batch.status = ImportBatch.Status.DISCARDED
        _delete_file(batch)
        batch.save()
        record_audit(actor=actor, action="import.discard", target=batch, region_path=batch.region_path)


def _room(look: _Lookup, row: Row) -> Room:
    grid = look.grid(str(row.values["网格编码"]).strip())
    assert grid is not None
    building = look.building(grid, str(row.values["小区"]).strip(), str(row.values["楼栋"]).strip())
    assert building is not None
    return Room.objects.get(unit__building=building, unit__name=str(row.values["单元"]).strip().removesuffix(".0"),
                            number=str(row.values["房号"]).strip().removesuffix(".0"))


def _write_resident(actor: Any, look: _Lookup, row: Row) -> None:
    room = _room(look, row)
    hh_number = str(row.values.get("户号") or "").strip()
    if hh_number:
        household = Household.objects.filter(number=hh_number, room=room).first()
        if household is None:
            household = services.create_household(actor=actor, room=room, number=hh_number)
    else:
        household = room.households.order_by("id").first() or services.create_household(actor=actor, room=room)
    plain, sensitive = v.clean_tags(row.values.get("标签"))
    resident = services.create_resident(
        actor=actor, household=household, name=row.values.get("姓名"), id_number=row.values.get("身份证号"),
        phone=row.values.get("手机号") or "", relation=row.values.get("与户主关系") or "",
        moved_in=row.values.get("迁入日期"), tags=plain, sensitive_tags=sensitive,
    )
    if resident.relation == Relation.HEAD and household.representative_id is None:
        services.set_household_representative(actor=actor, household=household, resident=resident)


def _write_house(actor: Any, look: _Lookup, row: Row) -> None:
    grid = look.grid(str(row.values["网格编码"]).strip())
    assert grid is not None
    compound = Compound.objects.filter(grid__parent=grid.parent, name=str(row.values["小区"]).strip()).first()
    if compound is None:
        compound = services.create_compound(actor=actor, grid=grid, name=str(row.values["小区"]))
    building = services.create_building(actor=actor, compound=compound, name=str(row.values["楼栋"]).strip(), grid=grid)
    look.buildings.pop((grid.pk, compound.name, building.name), None)
    floor = row.values.get("楼层")
    room = services.create_room(
        actor=actor, building=building, unit_name=str(row.values["单元"]).strip().removesuffix(".0"),
        number=str(row.values["房号"]).strip().removesuffix(".0"), exclusive_area=row.values["专有面积"],
        floor=int(float(str(floor))) if floor not in (None, "") else None,
        use=USE_LABELS[str(row.values.get("用途") or "住宅").strip()],
    )
    hh = str(row.values.get("户号") or "").strip()
    if hh:
        services.create_household(actor=actor, room=room, number=hh)


# ---------------------------------------------------------------- export

def export_residents(*, actor: Any, residents: Any, unmasked: bool = False, reason: str = "", purpose: str = "",
                     region: RegionNode | None = None) -> bytes:
    """An .xlsx of the given (already scoped) residents, in the import layout. Masked unless
    ``unmasked``, which needs a reveal role over the region and a reason, and is logged."""
    if unmasked:
        target = region
        if target is None or not actor.has_perm("regions.reveal_personal", target):
            raise PermissionDenied("forbidden", _("您无权导出完整的身份证号和手机号"))
        reason = clean_reason(purpose, reason)
    total = residents.count()
    if total > settings.LINLI_EXPORT_MAX_ROWS:
        raise DomainError("export_too_large", _("一次最多导出 %(max)s 人，当前范围有 %(n)s 人，请选择更小的范围(如某个社区)") % {
            "max": settings.LINLI_EXPORT_MAX_ROWS, "n": total}, field="region", rows=total)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    xlsx_append(ws, RESIDENT_COLUMNS)
    count = 0
    for r in residents.select_related("household__room__unit", "household__room__building__compound", "grid").iterator(chunk_size=2000):
        room = r.household.room if r.household_id else None
        xlsx_append(ws, [  # every cell inert: a name such as =HYPERLINK(…) stays text
            r.name,
            r.id_number if unmasked else mask_id(r.id_number),
            r.phone if unmasked else mask_phone(r.phone),
            r.grid.code,
            room.building.compound.name if room else "",
            room.building.name if room else "",
            room.unit.name if room else "",
            room.number if room else "",
            r.household.number if r.household_id else "",
            r.get_relation_display() if r.relation else "",
            _moved_in(r, unmasked),
            "、".join(str(dict(_tag_labels()).get(t, t)) for t in r.tags),
        ])
        count += 1
    out = io.BytesIO()
    wb.save(out)
    with transaction.atomic():
        target = region or RegionNode.objects.filter(level=Level.CITY).first()
        if target is not None:
            record_audit(actor=actor, action="registry.export", target=target, region_path=target.path,
                         changes={"rows": count, "unmasked": unmasked})
    if unmasked:
        assert region is not None
        with transaction.atomic():
            record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.EXPORT, target=region,
                                    fields=["id_number", "phone"], reason=reason, region_path=region.path,
                                    label=f"{region} 居民导出 {count} 人")
    return out.getvalue()


def _moved_in(r: Resident, unmasked: bool) -> str:
    """A masked export, like every masked view, gives a move-in date near birth as its year only."""
    if not r.moved_in:
        return ""
    return r.moved_in.isoformat() if unmasked or not r.moved_in_near_birth else str(r.moved_in.year)


def _tag_labels() -> list[tuple[str, str]]:
    from .models import Tag

    return [(t.value, str(t.label)) for t in Tag]


DATA_SHEETS: dict[str, str] = {ImportBatch.Kind.RESIDENTS: "居民", ImportBatch.Kind.HOUSES: "房屋"}
EXAMPLE_SHEET = "填写示例"
CHOICES_SHEET = "可选值"
# The example person of the template (a number no one holds: it is refused if copied into the data)
EXAMPLE_ID = "110101195001019994"
EXAMPLE_ROWS: dict[str, list[Any]] = {
    ImportBatch.Kind.RESIDENTS: ["张三(示例)", EXAMPLE_ID, "13800000000", "", "翠苑", "3栋", "1单元", "502", "",
                                 "户主", "2015-06-01", "老年人、独居"],
    ImportBatch.Kind.HOUSES: ["", "翠苑", "3栋", "1单元", "502", 5, 88.5, "住宅", ""],
}
TEMPLATE_ROWS = 5000  # rows that carry the drop-downs


def template_workbook(kind: str, actor: Any = None) -> bytes:
    """The import template: the data sheet (first; the only one read) with drop-downs for the
    grid code, relation and tags and notes on the headers; a sheet with one example row (never
    imported); and a sheet of the allowed values, including the grids the actor may write to."""
    from django.utils import translation

    with translation.override("zh-hans"):  # the layout is Chinese (column names, allowed values) in every language
        return _template_workbook(kind, actor)


def _template_workbook(kind: str, actor: Any) -> bytes:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    residents = kind == ImportBatch.Kind.RESIDENTS
    columns = RESIDENT_COLUMNS if residents else HOUSE_COLUMNS
    grids: list[RegionNode] = []
    if actor is not None:
        paths = scope_paths(actor, REGISTRY_WRITE_ROLES)
        if paths:
            grids = list(RegionNode.objects.filter(scope_q(paths, "path"), level=Level.GRID)
                         .select_related("parent").order_by("path")[:2000])
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEETS[kind]
    xlsx_append(ws, columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ex = wb.create_sheet(EXAMPLE_SHEET)
    xlsx_append(ex, columns)
    example = list(EXAMPLE_ROWS[kind])
    example[columns.index("网格编码")] = grids[0].code if grids else "440106001001001"
    xlsx_append(ex, example)
    ex.append([])
    ex.append([_("这是填写示例，本表不会被导入。请在“%(s)s”表中填写，每行一条。") % {"s": ws.title}])
    choices = wb.create_sheet(CHOICES_SHEET)
    lists: dict[str, list[str]] = {
        "网格编码": [g.code for g in grids],
        "网格名称": [f"{g.parent.name if g.parent else ''}{g.name}" for g in grids],
    }
    if residents:
        lists["与户主关系"] = [str(c.label) for c in Relation]
        lists["标签"] = [str(c.label) for c in Tag] + [str(c.label) for c in SensitiveTag]
    else:
        lists["用途"] = [str(c.label) for c in Room.Use]
    for col, (title, values) in enumerate(lists.items(), start=1):
        choices.cell(row=1, column=col, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            choices.cell(row=row, column=col, value=value)

    def dropdown(column: str, source: str, *, strict: bool, prompt: str) -> None:
        values = lists[source]
        letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[list(lists).index(source)]
        dv = DataValidation(type="list", formula1=f"'{CHOICES_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}",
                            allow_blank=True, showErrorMessage=True, errorStyle="stop" if strict else "information",
                            promptTitle=column, prompt=prompt, showInputMessage=True)
        dv.error = _("请从下拉列表中选择")
        target = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[columns.index(column)]
        dv.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(dv)

    grid_note = _("15位网格编码(统计用区划代码12位 + 网格序号3位)，从下拉列表选择；“可选值”表列出您可以导入的网格及其名称。")
    dropdown("网格编码", "网格编码", strict=bool(grids), prompt=grid_note[:255])
    ws.cell(row=1, column=columns.index("网格编码") + 1).comment = Comment(grid_note, "Linli")
    if residents:
        dropdown("与户主关系", "与户主关系", strict=True, prompt=_("从下拉列表选择"))
        dropdown("标签", "标签", strict=False, prompt=_("从下拉列表选择；多个标签用顿号“、”分隔"))
        ws.cell(row=1, column=columns.index("身份证号") + 1).comment = Comment(_("18位身份证号，最后一位可为X"), "Linli")
        ws.cell(row=1, column=columns.index("迁入日期") + 1).comment = Comment(_("格式 YYYY-MM-DD，不能晚于今天"), "Linli")
    else:
        dropdown("用途", "用途", strict=True, prompt=_("从下拉列表选择"))
    for i, _col in enumerate(columns):
        ws.column_dimensions["ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["validate_upload", "confirm_import", "discard_import", "export_residents", "template_workbook", "Unit"]
