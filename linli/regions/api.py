"""Registry endpoints. Thin: parse, call a selector or service, return a schema."""


import functools

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.roles import REGISTRY_ROLES
from linli.accounts.selectors import has_role
from linli.core.errors import DomainError, NotFound, PermissionDenied
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, Day

from . import importexport, selectors, services
from .models import ImportBatch, Level
from .schemas import (
    AuditOut,
    ChangeOut,
    CoverageOut,
    ErrorOut,
    ExportIn,
    FourNoneOut,
    HouseholdIn,
    HouseholdOut,
    ImportConfirmIn,
    ImportOut,
    MemberOut,
    RegionOut,
    ResidentDetail,
    ResidentIn,
    ResidentPatch,
    ResidentRow,
    ResidentSearchIn,
    RevealIn,
    RevealOut,
    RoomDetail,
    RoomIn,
    RoomOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["registry 人口房屋"])


def _registry_staff(func):  # type: ignore[no-untyped-def]
    """Residents and other non-registry roles get 403, never an empty list that looks like data."""

    @functools.wraps(func)
    def wrapper(request: ApiRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not has_role(request.auth, REGISTRY_ROLES):
            raise PermissionDenied("forbidden", _("此接口仅限人口房屋管理人员使用"))
        return func(request, *args, **kwargs)

    return wrapper


router.add_decorator(_registry_staff)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _region(request: ApiRequest, code: str | None):  # type: ignore[no-untyped-def]
    return selectors.region_for(request.auth, code) if code else None


@router.get("/regions", response={200: list[RegionOut], **READ_ERRORS}, summary="列出管辖范围内的区划与网格")
def list_regions(request: ApiRequest, level: Level | None = None, under: str | None = None):  # type: ignore[no-untyped-def]
    return list(selectors.regions_for(request.auth, level=level, under=_region(request, under))[:2000])


@router.get("/residents", response={200: list[ResidentRow], **READ_ERRORS}, summary="检索居民(姓名/拼音/首字母/身份证号/手机号/尾号/地址)")
@paginate(PageNumberPagination, page_size=20)
def list_residents(request: ApiRequest, q: str = "", address: str = "", region: str | None = None,
                   include_moved_out: bool = False, tag: str = ""):  # type: ignore[no-untyped-def]
    _refuse_number_in_url(q)
    return selectors.residents_for(request.auth, q=q[:50], address=address[:100], region=_region(request, region),
                                   include_moved_out=include_moved_out, tag=tag[:20])


def _refuse_number_in_url(q: str) -> None:
    if selectors.private_in_query(q):
        raise DomainError("number_in_url", _("为保护个人信息，身份证号、手机号不能放在网址中，请用 POST /api/v1/registry/residents/search 查找"),
                          field="q")


@router.post("/residents/search", response={200: list[ResidentRow], **ERRORS},
             summary="按身份证号/手机号(或其他关键词)检索居民：号码放在请求体中，按号码查找留痕")
@paginate(PageNumberPagination, page_size=20)
def search_residents(request: ApiRequest, payload: ResidentSearchIn):  # type: ignore[no-untyped-def]
    q = payload.q.strip()
    lookup = services.search_lookup(actor=request.auth, q=q) if selectors.private_in_query(q) else None
    return selectors.residents_for(request.auth, q="" if lookup else q, address=payload.address, lookup=lookup,
                                   region=_region(request, payload.region), include_moved_out=payload.include_moved_out,
                                   tag=payload.tag)


def _detail(resident):  # type: ignore[no-untyped-def]
    resident.members = [MemberOut.from_orm(m) for m in selectors.household_members(resident.household)]
    return resident


@router.get("/residents/{resident_id}", response={200: ResidentDetail, **READ_ERRORS}, summary="居民详情(脱敏)")
def get_resident(request: ApiRequest, resident_id: int):  # type: ignore[no-untyped-def]
    return _detail(selectors.resident_for(request.auth, resident_id))


@router.post("/residents", response={201: ResidentDetail, **ERRORS}, summary="登记居民")
def create_resident(request: ApiRequest, payload: ResidentIn):  # type: ignore[no-untyped-def]
    data = payload.dict()
    household = selectors.household_for(request.auth, data.pop("household_id")) if payload.household_id else None
    grid_code = data.pop("grid_code")
    grid = selectors.region_for(request.auth, grid_code) if grid_code else None
    data = {k: v for k, v in data.items() if v not in (None,)}
    resident = services.create_resident(actor=request.auth, household=household, grid=grid, **data)
    return Status(201, _detail(selectors.resident_for(request.auth, resident.pk)))


@router.patch("/residents/{resident_id}", response={200: ResidentDetail, **ERRORS}, summary="修改居民信息")
def update_resident(request: ApiRequest, resident_id: int, payload: ResidentPatch):  # type: ignore[no-untyped-def]
    resident = selectors.resident_for(request.auth, resident_id)
    data = payload.dict(exclude_unset=True)
    household = None
    if "household_id" in data:
        hh_id = data.pop("household_id")
        household = selectors.household_for(request.auth, hh_id) if hh_id else None
    data = {k: v for k, v in data.items() if v is not None}
    services.update_resident(actor=request.auth, resident=resident, household=household, **data)
    return _detail(selectors.resident_for(request.auth, resident_id))


@router.post("/residents/{resident_id}/reveal", response={200: RevealOut, **ERRORS},
             summary="查看完整身份证号/手机号(须填写事由，留痕)")
def reveal_resident(request: ApiRequest, resident_id: int, payload: RevealIn):  # type: ignore[no-untyped-def]
    resident = selectors.resident_for(request.auth, resident_id)
    return services.reveal_resident(actor=request.auth, resident=resident, reason=payload.reason, purpose=payload.purpose,
                                    fields=tuple(payload.fields))


@router.get("/residents/{resident_id}/history", response={200: list[ChangeOut], **READ_ERRORS}, summary="居民信息变更记录")
def resident_history(request: ApiRequest, resident_id: int):  # type: ignore[no-untyped-def]
    resident = selectors.resident_for(request.auth, resident_id)
    return [ChangeOut(occurred_at=e.occurred_at, actor=str(e.actor) if e.actor else None, action=e.action, changes=e.changes)
            for e in selectors.resident_history(request.auth, resident, limit=500)]


@router.get("/rooms", response={200: list[RoomOut], **READ_ERRORS}, summary="检索房屋")
@paginate(PageNumberPagination, page_size=20)
def list_rooms(request: ApiRequest, region: str | None = None, address: str = ""):  # type: ignore[no-untyped-def]
    return selectors.rooms_for(request.auth, region=_region(request, region), address=address[:100])


def _room_detail(room):  # type: ignore[no-untyped-def]
    room.owners = list(room.ownerships.filter(until__isnull=True))
    hhs = selectors.room_households(room)
    room.household_rows = [  # not ``households``: that name is the reverse relation's manager
        HouseholdOut(id=h.pk, number=h.number, representative_id=h.representative_id,
                     members=[MemberOut.from_orm(m) for m in h.members.all() if m.moved_out is None])
        for h in hhs
    ]
    return room


@router.get("/rooms/{room_id}", response={200: RoomDetail, **READ_ERRORS}, summary="房屋详情(权属、住户)")
def get_room(request: ApiRequest, room_id: int):  # type: ignore[no-untyped-def]
    return _room_detail(selectors.room_for(request.auth, room_id))


@router.post("/rooms", response={201: RoomOut, **ERRORS}, summary="登记房屋")
def create_room(request: ApiRequest, payload: RoomIn):  # type: ignore[no-untyped-def]
    building = selectors.buildings_for(request.auth).filter(pk=payload.building_id).first()
    if building is None:
        raise NotFound("not_found", _("楼栋不存在或不在您的管辖范围内"))
    room = services.create_room(actor=request.auth, building=building, unit_name=payload.unit, number=payload.number,
                                exclusive_area=payload.exclusive_area, floor=payload.floor, use=payload.use)
    return Status(201, room)


@router.post("/households", response={201: HouseholdOut, **ERRORS}, summary="立户")
def create_household(request: ApiRequest, payload: HouseholdIn):  # type: ignore[no-untyped-def]
    room = selectors.room_for(request.auth, payload.room_id)
    hh = services.create_household(actor=request.auth, room=room, number=payload.number)
    return Status(201, HouseholdOut(id=hh.pk, number=hh.number, representative_id=None, members=[]))


@router.get("/visits", response={200: list[VisitOut], **READ_ERRORS}, summary="入户走访记录")
@paginate(PageNumberPagination, page_size=20)
def list_visits(request: ApiRequest, region: str | None = None, start: Day | None = None, end: Day | None = None):  # type: ignore[no-untyped-def]
    return selectors.visits_for(request.auth, region=_region(request, region), start=start, end=end)


@router.post("/visits", response={201: VisitOut, **ERRORS}, summary="记录入户走访")
def create_visit(request: ApiRequest, payload: VisitIn):  # type: ignore[no-untyped-def]
    household = selectors.household_for(request.auth, payload.household_id)
    visit = services.record_visit(actor=request.auth, household=household, visited_on=payload.visited_on,
                                  purpose=payload.purpose, met=payload.met, notes=payload.notes,
                                  needs_follow_up=payload.needs_follow_up)
    return Status(201, visit)


@router.get("/visits/coverage", response={200: list[CoverageOut], **ERRORS}, summary="各网格走访覆盖率")
def visit_coverage(request: ApiRequest, start: Day | None = None, end: Day | None = None, region: str | None = None):  # type: ignore[no-untyped-def]
    end = end or timezone.localdate()
    start = start or end.replace(day=1)
    if start > end:
        raise DomainError("invalid", _("开始日期不能晚于结束日期"), field="start")
    rows = selectors.visit_coverage(request.auth, start=start, end=end, region=_region(request, region))
    return [CoverageOut(grid_code=c.grid.code, grid_name=c.grid.name, households=c.households, visited=c.visited, rate=c.rate) for c in rows]


@router.get("/four-none", response={200: FourNoneOut, **READ_ERRORS}, summary="“四个不漏”检查")
def four_none(request: ApiRequest, region: str | None = None):  # type: ignore[no-untyped-def]
    rep = selectors.four_none_report(request.auth, region=_region(request, region))
    return FourNoneOut(
        counts=rep.counts,
        grids_without_worker=[g.code for g in rep.grids_without_worker],
        buildings_without_leader=[str(b) for b in rep.buildings_without_leader],
        households_without_representative=[h.number for h in rep.households_without_representative],
        residents_without_household=[r.pk for r in rep.residents_without_household],
    )


def _import_out(batch: ImportBatch) -> ImportOut:
    return ImportOut(id=batch.pk, kind=batch.kind, status=batch.status, total_rows=batch.total_rows,
                     valid_rows=batch.valid_rows, error_rows=batch.error_rows, imported_rows=batch.imported_rows,
                     errors=batch.errors)


@router.post("/imports", response={201: ImportOut, **ERRORS}, summary="上传Excel并校验(不写入)")
def upload_import(request: ApiRequest, kind: Form[str], file: File[UploadedFile]):  # type: ignore[no-untyped-def]
    batch = importexport.validate_upload(actor=request.auth, kind=kind, filename=file.name or "", data=file.read())
    return Status(201, _import_out(batch))


@router.post("/imports/{batch_id}/confirm", response={200: ImportOut, **ERRORS}, summary="确认导入")
def confirm_import(request: ApiRequest, batch_id: int, payload: ImportConfirmIn):  # type: ignore[no-untyped-def]
    batch = ImportBatch.objects.filter(pk=batch_id, uploaded_by=request.auth).first()
    if batch is None:
        raise NotFound("not_found", _("导入记录不存在"))
    return _import_out(importexport.confirm_import(actor=request.auth, batch=batch, valid_only=payload.valid_only))


@router.get("/export.xlsx", response={200: None, **ERRORS}, summary="导出居民Excel(脱敏)")
def export_residents(request: ApiRequest, region: str | None = None, q: str = ""):  # type: ignore[no-untyped-def]
    _refuse_number_in_url(q)
    return _export(request, region, q, False, "", "")


@router.post("/export.xlsx", response={200: None, **ERRORS}, summary="导出居民Excel(完整信息须有权限并填写事由，留痕)")
def export_residents_full(request: ApiRequest, payload: ExportIn):  # type: ignore[no-untyped-def]
    return _export(request, payload.region, payload.q, payload.unmasked, payload.reason, payload.purpose)


def _export(request: ApiRequest, region: str | None, q: str, unmasked: bool, reason: str, purpose: str):  # type: ignore[no-untyped-def]
    node = _region(request, region)
    data = importexport.export_residents(actor=request.auth, residents=selectors.residents_for(request.auth, q=q, region=node),
                                         unmasked=unmasked, reason=reason, purpose=purpose, region=node)
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="residents.xlsx"'
    return resp


@router.get("/audit", response={200: list[AuditOut], **READ_ERRORS}, summary="操作审计(管理员)")
@paginate(PageNumberPagination, page_size=50)
def audit(request: ApiRequest, region: str | None = None, q: Query[str] = ""):  # type: ignore[no-untyped-def]
    qs = selectors.audit_for(request.auth, region=_region(request, region))
    if q:
        qs = qs.filter(action__startswith=q[:64])
    return qs
