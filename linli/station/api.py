"""Service-station endpoints. Thin: parse, call a selector or service, return a schema."""


from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.booking import selectors as booking_selectors
from linli.core.errors import NotFound
from linli.core.schemas import ApiRequest, ErrorOut, ScheduleDay
from linli.regions import selectors as region_selectors

from . import selectors, services
from .models import Consent, Review
from .schemas import (
    ConsentIn,
    ConsentOut,
    OfferingOut,
    ProviderIn,
    ProviderOut,
    ReviewIn,
    ReviewOut,
    TextIn,
    VetIn,
)

router = Router(tags=["station 网上驿站"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/offerings", response={200: list[OfferingOut], **READ_ERRORS},
            summary="找服务：关键词(支持两个字，如“理发”“助餐”)、类别、收费方式、社区、日期(当天还有空位)")
def search(request: ApiRequest, q: str = "", category: str = "", price_type: str = "", community: str = "",  # type: ignore[no-untyped-def]
           date: ScheduleDay | None = None):
    return list(selectors.search(q=q, category=category[:14], price_type=price_type[:8], community=community[:12], date=date))


@router.get("/offerings/{offering_id}", response={200: OfferingOut, **READ_ERRORS}, summary="服务详情")
def get_offering(request: ApiRequest, offering_id: int):  # type: ignore[no-untyped-def]
    found = selectors.offering(offering_id)
    services.count_view(found)
    return found


@router.get("/offerings/{offering_id}/reviews", response={200: list[ReviewOut], **READ_ERRORS}, summary="服务评价")
def reviews(request: ApiRequest, offering_id: int):  # type: ignore[no-untyped-def]
    return list(selectors.reviews_of(selectors.offering(offering_id))[:100])


@router.get("/recommendations", response={200: list[OfferingOut], **READ_ERRORS}, summary="为我推荐(需本人开启)")
def recommendations(request: ApiRequest):  # type: ignore[no-untyped-def]
    return selectors.recommendations(request.auth)


@router.put("/consent", response={200: ConsentOut, **ERRORS}, summary="开启或关闭精准推荐(立即生效)")
def consent(request: ApiRequest, payload: ConsentIn):  # type: ignore[no-untyped-def]
    return services.set_recommendations(actor=request.auth, on=payload.recommendations)


@router.get("/consent", response={200: ConsentOut, **READ_ERRORS}, summary="我的推荐设置")
def get_consent(request: ApiRequest):  # type: ignore[no-untyped-def]
    found = Consent.objects.filter(user=request.auth).first()
    return ConsentOut(recommendations=bool(found and found.recommendations))


@router.post("/providers", response={201: ProviderOut, **ERRORS}, summary="服务商入驻申请(校验统一社会信用代码)")
def apply(request: ApiRequest, payload: ProviderIn):  # type: ignore[no-untyped-def]
    region = region_selectors.node(payload.region_code)
    return Status(201, services.apply_provider(
        actor=request.auth, name=payload.name, code=payload.uscc, kind=payload.kind, contact_name=payload.contact_name,
        contact_phone=payload.contact_phone, address=payload.address, region=region))


@router.get("/providers", response={200: list[ProviderOut], **READ_ERRORS}, summary="待审核与已审核的服务商(本辖区)")
def providers(request: ApiRequest, state: str = ""):  # type: ignore[no-untyped-def]
    return list(selectors.providers_to_vet(request.auth, state=state[:10])[:500])


@router.post("/providers/{provider_id}/vet", response={200: ProviderOut, **ERRORS}, summary="审核：通过、驳回、暂停")
def vet(request: ApiRequest, provider_id: int, payload: VetIn):  # type: ignore[no-untyped-def]
    provider = selectors.providers_to_vet(request.auth).filter(pk=provider_id).first()
    if provider is None:
        raise NotFound("not_found", _("服务商不存在"))
    return services.vet(actor=request.auth, provider=provider, decision=payload.decision, reason=payload.reason)


@router.post("/reviews", response={201: ReviewOut, **ERRORS}, summary="评价一次已签到的服务")
def review(request: ApiRequest, payload: ReviewIn):  # type: ignore[no-untyped-def]
    res = booking_selectors.own_reservation(request.auth.pk, payload.reservation_id)
    if res is None:
        raise NotFound("not_found", _("预约不存在或无权查看"))
    return Status(201, services.review(actor=request.auth, reservation=res, rating=payload.rating, text=payload.text))


@router.post("/reviews/{review_id}/reply", response={200: ReviewOut, **ERRORS}, summary="服务方回复评价")
def reply(request: ApiRequest, review_id: int, payload: TextIn):  # type: ignore[no-untyped-def]
    found = Review.objects.filter(pk=review_id, offering__provider__staff=request.auth).first()
    if found is None:
        raise NotFound("not_found", _("评价不存在"))
    return services.reply(actor=request.auth, review_obj=found, text=payload.text)


@router.post("/reviews/{review_id}/hide", response={200: ReviewOut, **ERRORS}, summary="隐藏不当评价(须写明理由，留痕)")
def hide(request: ApiRequest, review_id: int, payload: TextIn):  # type: ignore[no-untyped-def]
    found = Review.objects.filter(pk=review_id).first()
    if found is None:
        raise NotFound("not_found", _("评价不存在"))
    return services.hide_review(actor=request.auth, review_obj=found, reason=payload.text)
