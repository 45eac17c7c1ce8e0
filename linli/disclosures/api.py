"""Public disclosure endpoints. Thin: parse, call a selector or service, return a schema.
Reading is public (a disclosure to its audience); writing needs a signed-in account, except an
objection to a public kind, which someone signed out may lodge here as on the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from linli.accounts.services import user_for_token
from linli.core.errors import DomainError, NotFound, PermissionDenied
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut

from . import kinds, selectors, services
from .errors import Code
from .models import Disclosure, Objection
from .schemas import (
    AnswerIn,
    AttachmentOut,
    ContactOut,
    CorrectIn,
    DisclosureDetail,
    DisclosureRow,
    KindOut,
    ObjectionIn,
    ObjectionOut,
    PublishIn,
    RevealIn,
    VersionOut,
    WithdrawIn,
)

router = Router(tags=["disclosures 公示"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {400: ErrorOut, 404: ErrorOut}


def _who(request: Any) -> Any:
    """The reader of a public endpoint: a bearer token's account, the session's, or no one."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is not None:
            return user
    return request.user


def _objector(request: Any) -> Any:
    """Who lodges an objection: a bearer token's account (a token that names no one is refused),
    the session's (CSRF-checked, as every session write), or someone signed out."""
    from ninja.errors import AuthenticationError, HttpError
    from ninja.utils import check_csrf

    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user
    if request.user.is_authenticated:
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check Failed")
        return request.user
    return request.user  # AnonymousUser: only a public kind takes the objection (the service decides)


def _row(d: Disclosure) -> dict[str, Any]:
    return {"id": d.pk, "series": d.series_pk, "version": d.version, "kind": d.kind, "kind_label": d.kind_label,
            "region_path": d.region_path, "region_name": d.region_name, "title": d.title, "status": d.status,
            "starts_on": d.starts_on, "ends_on": d.ends_on, "url": reverse("disclosures:detail", args=[d.series_pk])}


def _objection(o: Objection, actor: Any, *, staff: bool) -> ObjectionOut:
    return ObjectionOut(id=o.pk, who=str(o.public_name()), text=o.text, status=o.status, lodged_at=o.created_at,
                        due_on=o.due_on if staff else None, outcome=o.outcome, answer=o.answer, answered_at=o.answered_at,
                        actions=selectors.available_actions(actor, o) if staff else [])


def _detail(actor: Any, series_pk: int) -> DisclosureDetail:
    current, versions = selectors.public_series(actor, series_pk)
    staff = actor.has_perm("disclosures.manage", current)
    out = []
    for v in versions:
        objections = list(v.objections.all()) if staff else list(v.answered)  # type: ignore[attr-defined]
        out.append(VersionOut(
            id=v.pk, version=v.version, title=v.title, content=v.content, status=v.status, correction_note=v.correction_note,
            starts_on=v.starts_on, ends_on=v.ends_on, published_at=v.published_at,
            attachments=[AttachmentOut(id=a.pk, name=a.name, url=reverse("disclosures:attachment", args=[a.pk]))
                         for a in v.attachments.all()],
            objections=[_objection(o, actor, staff=staff) for o in objections]))
    return DisclosureDetail(
        **_row(current), content=current.content, correction_note=current.correction_note,
        source_label=current.source_label, source_url=current.source_url, result=current.result,
        withdraw_reason=current.withdraw_reason, published_at=current.published_at,
        print_url=reverse("disclosures:print", args=[current.series_pk]), versions=out,
        actions=selectors.available_actions(actor, current))


def _staff(actor: Any, pk: int) -> Disclosure:
    return selectors.staff_disclosure(actor, pk)


@router.get("/kinds", response={200: list[KindOut], 404: ErrorOut}, auth=None, summary="公示类别(期限、公开范围、个人信息规则)")
def list_kinds(request: ApiRequest):  # type: ignore[no-untyped-def]
    return [KindOut(code=k.code, label=str(k.label), days=k.days, working_days=k.working_days, public=k.public,
                    archive_public=k.archive_public, personal_data=k.personal_data, answer_days=k.answer_days)
            for k in kinds.all_kinds()]


@router.get("/", response={200: list[DisclosureRow], **READ_ERRORS}, auth=None,
            summary="某区域的公示(公开；非公开类别仅本区域居民可见)")
@paginate(PageNumberPagination, page_size=20)
def list_disclosures(request: ApiRequest, region: str = ""):  # type: ignore[no-untyped-def]
    region = region.strip()
    if region and not (region.isascii() and region.isdigit() and len(region) <= 15):
        raise DomainError("invalid", _("区域编码不正确"), field="region")
    return selectors.public_disclosures_for(_who(request), region)  # paginated in the database


@router.get("/staff", response={200: list[DisclosureRow], **READ_ERRORS, 401: ErrorOut},
            summary="本区域的公示(工作人员，含草稿和已撤回)")
@paginate(PageNumberPagination, page_size=20)
def staff_list(request: ApiRequest, status: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.staff_disclosures(request.auth, status=status[:12], q=q[:60])


@router.get("/{series}", response={200: DisclosureDetail, **READ_ERRORS}, auth=None,
            summary="公示详情(全部版本及已答复的异议；不含任何联系方式)")
def get_disclosure(request: ApiRequest, series: int):  # type: ignore[no-untyped-def]
    return _detail(_who(request), series)


@router.post("/", response={201: DisclosureDetail, **ERRORS}, summary="发布公示(工作人员)")
def publish(request: ApiRequest, payload: PublishIn):  # type: ignore[no-untyped-def]
    from linli.regions.selectors import node_by_code_or_path

    code = payload.region.strip()
    region = node_by_code_or_path(code) if code.isascii() and code.isdigit() else None
    if region is None:
        raise DomainError("invalid", _("公示范围不存在"), field="region")
    d = services.publish(actor=request.auth, kind=payload.kind, region=region, title=payload.title, content=payload.content,
                         source_label=payload.source_label, source_url=payload.source_url, draft=payload.draft)
    return Status(201, _detail(request.auth, d.series_pk))


@router.post("/{pk}/correct", response={201: DisclosureDetail, **ERRORS},
             summary="更正(发布新版本，旧版本保留，公示期重新计算)")
def correct(request: ApiRequest, pk: int, payload: CorrectIn):  # type: ignore[no-untyped-def]
    new = services.correct(actor=request.auth, disclosure=_staff(request.auth, pk), title=payload.title,
                           content=payload.content, note=payload.note)
    return Status(201, _detail(request.auth, new.series_pk))


@router.post("/{pk}/withdraw", response={200: DisclosureDetail, **ERRORS}, summary="撤回公示(须说明理由)")
def withdraw(request: ApiRequest, pk: int, payload: WithdrawIn):  # type: ignore[no-untyped-def]
    d = services.withdraw(actor=request.auth, disclosure=_staff(request.auth, pk), reason=payload.reason)
    return _detail(request.auth, d.series_pk)


@router.post("/{pk}/close", response={200: DisclosureDetail, **ERRORS}, summary="结束公示(公示期满后)")
def close(request: ApiRequest, pk: int):  # type: ignore[no-untyped-def]
    d = services.close(actor=request.auth, disclosure=_staff(request.auth, pk))
    return _detail(request.auth, d.series_pk)


@router.post("/{series}/objections", response={201: ObjectionOut, **ERRORS, 429: ErrorOut}, auth=None,
             summary="提出异议(公示期内；本区域居民，公开类别任何人，未登录须留联系电话；联系方式加密保存、不公开)")
def lodge(request: ApiRequest, series: int, payload: ObjectionIn):  # type: ignore[no-untyped-def]
    from linli.core.middleware import client_ip

    actor = _objector(request)
    try:
        current, _versions = selectors.public_series(actor, series)
    except NotFound:
        if actor.is_authenticated:
            raise
        # signed out: a kind for residents only (or no such series: the answer does not tell which)
        raise PermissionDenied(Code.NOT_OF_AREA, _("请先登录：未登录只能对公开类别的公示提出异议，该公示仅限本区域居民"),
                               status=403) from None
    o = services.lodge_objection(actor=actor, disclosure=current, text=payload.text, name=payload.name,
                                 phone=payload.phone, id_number=payload.id_number, ip=client_ip(request) or "")  # type: ignore[arg-type]
    return Status(201, _objection(o, actor, staff=False))


@router.post("/objections/{pk}/answer", response={200: ObjectionOut, **ERRORS}, summary="答复异议(本区域工作人员，答复将公开)")
def answer(request: ApiRequest, pk: int, payload: AnswerIn):  # type: ignore[no-untyped-def]
    o = services.objection_for_answer(request.auth, pk)
    o = services.answer_objection(actor=request.auth, objection=o, answer=payload.answer, outcome=payload.outcome)
    return _objection(o, request.auth, staff=True)


@router.post("/objections/{pk}/contact", response={200: ContactOut, **ERRORS},
             summary="查看异议人的完整联系方式(本区域工作人员；须填写事由，记入敏感信息查看记录)")
def reveal_contact(request: ApiRequest, pk: int, payload: RevealIn):  # type: ignore[no-untyped-def]
    o = services.objection_for_answer(request.auth, pk)
    return services.reveal_contact(actor=request.auth, objection=o, reason=payload.reason, purpose=payload.purpose)
