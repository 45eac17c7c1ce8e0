"""One-window service endpoints. Thin: parse, call a selector or service, return a schema."""

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.core.errors import DomainError, NotFound
from linli.core.idempotency import scoped_key
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut

from . import selectors, services
from .models import Application
from .schemas import (
    ActionIn,
    ApplicationDetail,
    ApplicationRow,
    AppMaterialOut,
    CertificateActionIn,
    CertificateFieldOut,
    CertificateIn,
    CertificateKindOut,
    CertificateOut,
    CertificatePreviewIn,
    CertificatePreviewOut,
    CertificateStaffOut,
    ForwardingOut,
    IdSearchIn,
    ItemOut,
    OnlineIn,
    RatingIn,
    ServiceFiguresOut,
    VerifyOut,
    WindowIn,
)

router = Router(tags=["affairs 一窗通办"])
NO_FILE = File(None)  # an optional upload: the window may record a paper copy without a file
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _item(code: str):  # type: ignore[no-untyped-def]
    try:
        return selectors.item_by_code(code)
    except NotFound as exc:
        raise DomainError("invalid", _("事项不存在"), field="item_code") from exc


def detail(request: ApiRequest, app: Application) -> ApplicationDetail:
    staff = request.auth.has_perm("affairs.handle", app)
    status_url = request.build_absolute_uri(reverse("affairs:status", args=[app.public_token]))  # type: ignore[attr-defined]
    return ApplicationDetail(
        id=app.pk, number=app.number, **{"item.code": app.item.code}, item_name=app.item_name, item_version=app.item_version,
        channel=app.channel, status=app.status, applicant_name=app.applicant_name, region_path=app.region_path,
        centre_id=app.centre_id, centre_name=app.centre.name if app.centre is not None else "",
        finish_at=app.finish_at, finish_office=services.finish_office(app),
        decision=found.outcome if (found := services.decision(app)) is not None else "", deferral_reason=app.deferral_reason,
        correction_notified=app.correction_notified,
        accepted_on=app.accepted_on, due_date=app.due_date, paused_days=app.paused_days,
        escalation_level=app.escalation_level, outcome=app.outcome, rating=app.rating,
        masked_id_number=app.masked_id_number, forwarded_to=app.forwarded_to, refusal_reason=app.refusal_reason,
        outcome_note=app.outcome_note, rating_comment=app.rating_comment,
        status_url=status_url,
        result_notice_url=request.build_absolute_uri(  # type: ignore[attr-defined]
            reverse("api:affairs_result_notice", args=[app.pk])) if app.status == "completed" else "",
        result_document_url=request.build_absolute_uri(  # type: ignore[attr-defined]
            reverse("api:affairs_result_document", args=[app.pk])) if app.status == "completed" and app.result_file else "",
        materials=[AppMaterialOut(id=m.pk, name=m.name, form=m.form, count=m.count, required=m.required,
                                  received=m.received, requested=m.requested, request_note=m.request_note, deferred=m.deferred,
                                  has_file=bool(m.file)) for m in app.materials.all()],
        forwardings=[ForwardingOut(department=f.department, request_note=f.request_note if staff else "", sent_at=f.sent_at,
                                   days=f.days, due_date=f.due_date, overdue=f.overdue, returned_at=f.returned_at,
                                   outcome=f.outcome, outcome_note=f.outcome_note if staff else "")
                     for f in selectors.forwardings(app)],
        events=list(selectors.timeline(app, staff=staff)), actions=selectors.available_actions(request.auth, app))


@router.get("/items", response={200: list[ItemOut], **READ_ERRORS}, summary="事项目录(一次告知：条件、材料、时限)")
def list_items(request: ApiRequest, q: str = "", category: str = "", online: bool | None = None):  # type: ignore[no-untyped-def]
    return list(selectors.catalogue(q=q[:30], category=category[:16], online=online))


@router.get("/items/{code}", response={200: ItemOut, **READ_ERRORS}, summary="事项详情")
def get_item(request: ApiRequest, code: str):  # type: ignore[no-untyped-def]
    return selectors.item_by_code(code)


@router.post("/applications", response={201: ApplicationDetail, **ERRORS, 429: ErrorOut}, summary="网上申请(居民；支持 Idempotency-Key)")
def apply_online(request: ApiRequest, payload: OnlineIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):  # type: ignore[no-untyped-def]
    app = services.apply_online(actor=request.auth, item=_item(payload.item_code), note=payload.note,
                                confirm_duplicate=payload.confirm_duplicate,
                                idempotency_key=scoped_key("api", request.auth, idempotency_key))
    return Status(201, detail(request, app))


@router.post("/window-applications", response={201: ApplicationDetail, **ERRORS, 429: ErrorOut},
             summary="窗口受理(全市通办：任一社区窗口为全市居民受理)")
def accept_at_window(request: ApiRequest, payload: WindowIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):  # type: ignore[no-untyped-def]
    centre = selectors.centres_for(request.auth).filter(pk=payload.centre_id).first()
    if centre is None:
        raise DomainError("forbidden", _("您不是该窗口的工作人员"))
    from linli.regions.selectors import resident_by_id_number

    number = payload.applicant_id_number.strip().upper()
    resident = resident_by_id_number(number)
    app = services.accept_at_window(
        actor=request.auth, centre=centre, item=_item(payload.item_code), resident=resident,
        applicant_name=payload.applicant_name, applicant_id_number=number, applicant_phone=payload.applicant_phone,
        received=payload.received, note=payload.note, home_community=payload.home_community,
        deferral_reason=payload.deferral_reason, confirm_duplicate=payload.confirm_duplicate,
        idempotency_key=scoped_key("apiwin", request.auth, idempotency_key))
    return Status(201, detail(request, app))


@router.get("/applications", response={200: list[ApplicationRow], 400: ErrorOut, **READ_ERRORS},
            summary="办件列表(工作人员为本窗口受理的全部事项；居民为本人)")
@paginate(PageNumberPagination, page_size=20)
def list_applications(request: ApiRequest, status: str = "", flt: str = "", item: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    if selectors.looks_like_id_number(q):
        raise DomainError("id_in_url", _("为保护个人信息，身份证号不能放在网址中，请用 POST /api/v1/affairs/applications/search 查找"),
                          field="q")
    if not selectors.is_caseworker(request.auth):
        qs = selectors.mine(request.auth)
        return qs.filter(status=status) if status else qs
    return selectors.queue(request.auth, status=status[:16], flt=flt[:12], item=item[:20], q=q[:30]).select_related("item")


@router.post("/applications/search", response={200: list[ApplicationRow], **ERRORS},
             summary="按身份证号查找办件(工作人员；号码在请求体中，不进入网址；查找留痕)")
@paginate(PageNumberPagination, page_size=20)
def search_applications(request: ApiRequest, payload: IdSearchIn):  # type: ignore[no-untyped-def]
    found = services.id_search(actor=request.auth, id_number=payload.id_number)
    return selectors.queue(request.auth, status=payload.status, flt=payload.flt, item=payload.item,
                           id_hash=found["hash"]).select_related("item")


@router.get("/applications/{app_id}", response={200: ApplicationDetail, **READ_ERRORS}, summary="办件详情、材料与办理记录")
def get_application(request: ApiRequest, app_id: int):  # type: ignore[no-untyped-def]
    return detail(request, selectors.application_for(request.auth, app_id))


@router.post("/applications/{app_id}/actions", response={200: ApplicationDetail, **ERRORS},
             summary="受理、不予受理、一次性告知补正、开始办理、转办、部门反馈、办结、撤回、督办(意见在 reason)")
def act(request: ApiRequest, app_id: int, payload: ActionIn):  # type: ignore[no-untyped-def]
    app = selectors.application_for(request.auth, app_id)
    services.perform(actor=request.auth, app=app, action=payload.action, data=payload.dict())
    return detail(request, selectors.application_for(request.auth, app_id))


@router.post("/applications/{app_id}/materials/{material_id}", response={200: ApplicationDetail, **ERRORS},
             summary="补交材料(PDF或图片；申请人上传或窗口收取)")
def supply(request: ApiRequest, app_id: int, material_id: int, file: UploadedFile | None = NO_FILE):  # type: ignore[no-untyped-def]
    app = selectors.application_for(request.auth, app_id)
    material = app.materials.filter(pk=material_id).first()
    if material is None:
        raise NotFound("not_found", _("材料不属于该办件"))
    services.supply(actor=request.auth, app=app, material=material, data=file.read() if file is not None else None)
    return detail(request, selectors.application_for(request.auth, app_id))


@router.get("/applications/{app_id}/result-notice", response={200: None, **READ_ERRORS}, url_name="affairs_result_notice",
            summary="办理结果告知书(PDF；办结后，申请人与受理窗口)")
def result_notice(request: ApiRequest, app_id: int):  # type: ignore[no-untyped-def]
    from .documents import result_notice_pdf

    app = selectors.application_for(request.auth, app_id)
    if app.status != "completed":
        raise NotFound("not_found", _("办结后才有办理结果告知书"))
    url = request.build_absolute_uri(reverse("affairs:status", args=[app.public_token]))  # type: ignore[attr-defined]
    resp = HttpResponse(result_notice_pdf(app, url), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{app.number}.pdf"'
    resp["Cache-Control"] = "private, no-store"
    return resp


@router.get("/applications/{app_id}/result-document", response={200: None, **READ_ERRORS}, url_name="affairs_result_document",
            summary="结果文书(办结时窗口上传的文件；工作人员查看留痕)")
def result_document(request: ApiRequest, app_id: int):  # type: ignore[no-untyped-def]
    app = selectors.application_for(request.auth, app_id)
    handle, content_type = services.open_result_document(actor=request.auth, app=app)
    resp = FileResponse(handle, content_type=content_type)
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@router.post("/applications/{app_id}/rating", response={200: ApplicationDetail, **ERRORS}, summary="好差评(每件事一次)")
def rate(request: ApiRequest, app_id: int, payload: RatingIn):  # type: ignore[no-untyped-def]
    app = selectors.application_for(request.auth, app_id)
    services.rate(actor=request.auth, app=app, rating=payload.rating, comment=payload.comment)
    return detail(request, selectors.application_for(request.auth, app_id))


@router.get("/figures", response={200: ServiceFiguresOut, **ERRORS}, summary="受理、办结、按时率、好差评(本人辖区)")
def figures(request: ApiRequest, item: str = "", region: str = "", centre_id: int | None = None):  # type: ignore[no-untyped-def]
    if not selectors.is_caseworker(request.auth):
        raise DomainError("forbidden", _("仅限工作人员"))
    centre = selectors.centres_for(request.auth).filter(pk=centre_id).first() if centre_id else None
    if centre_id and centre is None:
        raise NotFound("not_found", _("服务中心不存在或不在您的辖区"))
    return selectors.figures(request.auth, item=item[:20], path=region[:15], centre=centre)


@router.get("/figures/regions", response={200: list[selectors.RegionFigures], **ERRORS},
            summary="按区划分列的统计(区管理员按街道、街道管理员按社区；本人辖区)")
def figures_by_region(request: ApiRequest, region: str = ""):  # type: ignore[no-untyped-def]
    if not selectors.is_caseworker(request.auth):
        raise DomainError("forbidden", _("仅限工作人员"))
    path = selectors.figures_area(request.auth, region[:15]).path if region else ""
    return selectors.figures_by_region(request.auth, path=path)


@router.get("/certificate-kinds", response={200: list[CertificateKindOut], **READ_ERRORS}, summary="社区可出具证明清单")
def certificate_kinds(request: ApiRequest):  # type: ignore[no-untyped-def]
    from .certificates import fields_of

    return [CertificateKindOut(code=k.code, name=k.name, purpose=k.purpose, checks=k.checks, fields=[
        CertificateFieldOut(name=f.name, label=f.label_display, type=f.type, required=f.required, options=list(f.options),
                            min=f.min, max=f.max, help=f.help_display) for f in fields_of(k)])
        for k in selectors.certificate_kinds()]


@router.post("/certificates", response={201: CertificateOut, **ERRORS}, summary="申请开具证明(清单外的不予出具)")
def request_certificate(request: ApiRequest, payload: CertificateIn):  # type: ignore[no-untyped-def]
    return Status(201, services.request_certificate(actor=request.auth, kind=payload.kind, purpose=payload.purpose,
                                                    detail=payload.detail))


@router.get("/certificates", response={200: list[CertificateStaffOut], **READ_ERRORS},
            summary="证明申请与已出具证明(工作人员，本社区)")
@paginate(PageNumberPagination, page_size=20)
def list_certificates(request: ApiRequest, state: str = ""):  # type: ignore[no-untyped-def]
    if not selectors.is_caseworker(request.auth):
        raise DomainError("forbidden", _("仅限工作人员"))
    return selectors.certificates_for(request.auth, state=state[:10])


@router.post("/certificates/{cert_id}/actions", response={200: CertificateStaffOut, **ERRORS},
             summary="出具、不予出具、撤销证明")
def certificate_action(request: ApiRequest, cert_id: int, payload: CertificateActionIn):  # type: ignore[no-untyped-def]
    cert = selectors.certificates_for(request.auth).filter(pk=cert_id).first()
    if cert is None:
        raise NotFound("not_found", _("证明不存在或无权查看"))
    if payload.action == "issue":
        return services.issue_certificate(actor=request.auth, cert=cert, facts=payload.facts, issuer_name=payload.issuer_name)
    if payload.action == "refuse":
        return services.refuse_certificate(actor=request.auth, cert=cert, reason=payload.reason)
    if payload.action == "revoke":
        return services.revoke_certificate(actor=request.auth, cert=cert, reason=payload.reason)
    raise DomainError("invalid", _("未知操作"), field="action")


@router.post("/certificates/{cert_id}/preview", response={200: CertificatePreviewOut, **ERRORS},
             summary="证明正文预览(按证明种类的内容项逐项校验；不写入)")
def certificate_preview(request: ApiRequest, cert_id: int, payload: CertificatePreviewIn):  # type: ignore[no-untyped-def]
    cert = selectors.certificates_for(request.auth).filter(pk=cert_id).first()
    if cert is None:
        raise NotFound("not_found", _("证明不存在或无权查看"))
    return CertificatePreviewOut(body=services.preview_certificate(actor=request.auth, cert=cert, facts=payload.facts))


@router.get("/certificates/verify/{code}", response={200: VerifyOut, 404: ErrorOut}, auth=None, summary="证明核验(公开)")
def verify(request: ApiRequest, code: str):  # type: ignore[no-untyped-def]
    cert = selectors.verify(code)
    if cert is None:
        raise NotFound("not_found", _("未找到该核验码对应的证明"))
    return VerifyOut(valid=cert.state == "issued", state=cert.state, kind=cert.kind.name, serial=cert.serial or "",
                     issuer_name=cert.issuer_name, issued_at=cert.issued_at, revoked_at=cert.revoked_at,
                     revoke_reason=cert.revoke_reason)
