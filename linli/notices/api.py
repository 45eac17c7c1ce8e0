"""Notice endpoints. Thin: parse, call a selector or service, return a schema."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.core.errors import DomainError
from linli.core.images import DOCUMENT_MAX_BYTES
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut
from linli.regions.selectors import node_by_code

from . import selectors, services
from .models import Notice
from .schemas import (
    NoticeAttachmentOut,
    NoticeCorrectIn,
    NoticeCoverageOut,
    NoticeDeliveryIn,
    NoticeDeliveryOut,
    NoticeDetail,
    NoticeIn,
    NoticeLineOut,
    NoticeRow,
    NoticeUnreachedOut,
    NoticeUrgeIn,
    NoticeVersionOut,
    NoticeWithdrawIn,
)
from .states import Status as NoticeStatus

router = Router(tags=["notices 通知公告"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def attachment_out(notice: Notice, att: Any) -> NoticeAttachmentOut:
    return NoticeAttachmentOut(id=att.pk, name=att.name, content_type=att.content_type, size=att.size,
                               url=reverse("notices:attachment", args=[notice.pk, att.pk]))


def detail(request: ApiRequest, notice: Notice) -> NoticeDetail:
    out = NoticeDetail.from_orm(notice)
    out.versions = [NoticeVersionOut.from_orm(v) for v in selectors.versions(notice)]
    files = [attachment_out(notice, a) for a in selectors.attachments(notice)]
    out.attachments = [f.url for f in files]
    out.files = files
    out.actions = selectors.available_actions(request.auth, notice)
    out.read = selectors.has_read(request.auth, notice)
    return out


@router.get("", response={200: list[NoticeRow], **READ_ERRORS}, summary="通知列表(工作人员按管辖范围，居民为本户)")
@paginate(PageNumberPagination, page_size=20)
def list_notices(request: ApiRequest, region: str = "", status: str = "", mine: bool = False, q: str = ""):  # type: ignore[no-untyped-def]
    if status and status not in NoticeStatus.values:
        raise DomainError("invalid", _("状态无效"), field="status")
    if region and (not region.isdigit() or len(region) > 15):
        raise DomainError("invalid", _("区划代码无效"), field="region")
    if mine or not selectors.staff_paths(request.auth):
        return selectors.my_notices(request.auth)
    path = ""
    if region:
        node = node_by_code(region)
        if node is None:
            raise DomainError("invalid", _("区划代码不存在"), field="region")
        path = node.path
    return selectors.notices_for(request.auth, status=status, region_path=path, q=q[:50])


@router.post("", response={201: NoticeDetail, **ERRORS}, summary="新建通知(草稿，可立即发布)")
def create(request: ApiRequest, payload: NoticeIn):  # type: ignore[no-untyped-def]
    node = None
    if payload.region_code:
        node = node_by_code(payload.region_code)
        if node is None:
            raise DomainError("invalid", _("区划代码不存在"), field="region_code")
    notice = services.create_draft(actor=request.auth, title=payload.title, body=payload.body, urgency=payload.urgency,
                                   must_reach=payload.must_reach, valid_until=payload.valid_until,
                                   reminder_after=payload.reminder_after, node=node, compound_id=payload.compound_id,
                                   building_id=payload.building_id, household_ids=payload.household_ids)
    if payload.publish:
        notice = services.publish(actor=request.auth, notice=notice)
    return Status(201, detail(request, notice))


@router.get("/{notice_id}", response={200: NoticeDetail, **READ_ERRORS}, summary="通知详情、历次版本与可执行操作")
def get_notice(request: ApiRequest, notice_id: int):  # type: ignore[no-untyped-def]
    return detail(request, selectors.notice_for(request.auth, notice_id))


def _acting(request: ApiRequest, notice_id: int, action: str) -> Notice:
    from linli.core.errors import PermissionDenied

    notice = selectors.notice_for(request.auth, notice_id)
    if not request.auth.has_perm("notices.send", notice):
        raise PermissionDenied("forbidden", _("您无权处理该通知"))
    return notice


@router.post("/{notice_id}/publish", response={200: NoticeDetail, **ERRORS}, summary="发布(逐户生成送达记录并通知居民)")
def publish(request: ApiRequest, notice_id: int):  # type: ignore[no-untyped-def]
    notice = services.publish(actor=request.auth, notice=_acting(request, notice_id, "publish"))
    return detail(request, notice)


@router.post("/{notice_id}/correct", response={200: NoticeDetail, **ERRORS}, summary="更正(新版本，旧版本保留并标注)")
def correct(request: ApiRequest, notice_id: int, payload: NoticeCorrectIn):  # type: ignore[no-untyped-def]
    notice = services.correct(actor=request.auth, notice=_acting(request, notice_id, "correct"), title=payload.title,
                              body=payload.body, valid_until=payload.valid_until, note=payload.note)
    return detail(request, notice)


@router.post("/{notice_id}/withdraw", response={200: NoticeDetail, **ERRORS}, summary="撤回(须说明原因)")
def withdraw(request: ApiRequest, notice_id: int, payload: NoticeWithdrawIn):  # type: ignore[no-untyped-def]
    notice = services.withdraw(actor=request.auth, notice=_acting(request, notice_id, "withdraw"), reason=payload.reason)
    return detail(request, notice)


@router.post("/{notice_id}/attachments", response={201: NoticeAttachmentOut, **ERRORS},
             summary="上传附件(PDF或图片，去除元数据；仅草稿，最多5个)")
def upload_attachment(request: ApiRequest, notice_id: int, file: File[UploadedFile],  # type: ignore[no-untyped-def]
                      name: Form[str] = ""):
    notice = _acting(request, notice_id, "edit")
    data = file.read(DOCUMENT_MAX_BYTES + 1)  # one byte more than allowed is enough to refuse it
    att = services.add_attachment(actor=request.auth, notice=notice, name=name or file.name or "", data=data)
    return Status(201, attachment_out(notice, att))


@router.delete("/{notice_id}/attachments/{attachment_id}", response={204: None, **ERRORS}, summary="删除附件(仅草稿)")
def delete_attachment(request: ApiRequest, notice_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    notice = _acting(request, notice_id, "edit")
    services.remove_attachment(actor=request.auth, notice=notice, attachment_id=attachment_id)
    return Status(204, None)


@router.post("/{notice_id}/urge", response={200: NoticeDetail, **ERRORS},
             summary="督办送达(社区及以上管理员；须逐户送达且仍有未送达住户)")
def urge(request: ApiRequest, notice_id: int, payload: NoticeUrgeIn):  # type: ignore[no-untyped-def]
    notice = selectors.notice_for(request.auth, notice_id)
    return detail(request, services.urge(actor=request.auth, notice=notice, note=payload.note))


@router.post("/{notice_id}/confirm", response={200: NoticeDetail, **ERRORS}, summary="居民确认已读(本户计为已送达)")
def confirm(request: ApiRequest, notice_id: int):  # type: ignore[no-untyped-def]
    notice = selectors.notice_for(request.auth, notice_id)
    services.confirm(actor=request.auth, notice=notice)
    return detail(request, notice)


@router.post("/{notice_id}/deliveries", response={200: NoticeDeliveryOut, **ERRORS},
             summary="登记送达(楼长、居民代表或网格员；同一户只记一次)")
def record_delivery(request: ApiRequest, notice_id: int, payload: NoticeDeliveryIn):  # type: ignore[no-untyped-def]
    notice = selectors.notice_for(request.auth, notice_id)
    row, done = services.record_delivery(actor=request.auth, notice=notice, household_id=payload.household_id, how=payload.how,
                                         note=payload.note, at=payload.at)
    return NoticeDeliveryOut(household_id=row.household_id, recorded=done, reached_at=row.reached_at, how=row.how)


def _coverage_notice(request: ApiRequest, notice_id: int) -> Notice:
    from linli.core.errors import NotFound

    notice = selectors.notice_for(request.auth, notice_id)
    if "coverage" not in selectors.available_actions(request.auth, notice):
        raise NotFound("not_found", _("通知不存在或不在您的范围内"))
    return notice


@router.get("/{notice_id}/coverage", response={200: NoticeCoverageOut, **READ_ERRORS}, summary="送达覆盖率(按网格、楼栋)")
def coverage(request: ApiRequest, notice_id: int):  # type: ignore[no-untyped-def]
    notice = _coverage_notice(request, notice_id)
    cov = selectors.coverage(notice, request.auth)
    selectors.name_buildings(cov.buildings)

    def line(x):  # type: ignore[no-untyped-def]
        return NoticeLineOut(key=str(x.key), name=x.name, total=x.total, reached=x.reached, percent=x.percent, gaps=x.gaps,
                             without_representative=x.without_representative)

    return NoticeCoverageOut(total=cov.total, reached=cov.reached, confirmed=cov.confirmed, percent=cov.percent, gaps=cov.gaps,
                             without_representative=cov.without_representative,
                             grids=[line(g) for g in cov.grids], buildings=[line(b) for b in cov.buildings])


@router.get("/{notice_id}/unreached", response={200: list[NoticeUnreachedOut], **READ_ERRORS},
            summary="未送达住户(发布方：管辖范围；楼长：本人负责的楼栋)")
def unreached(request: ApiRequest, notice_id: int):  # type: ignore[no-untyped-def]
    return selectors.unreached_for(request.auth, selectors.notice_for(request.auth, notice_id), limit=5000)
