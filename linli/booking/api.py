"""Booking endpoints. Thin: parse, call a selector or service, return a schema."""


from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router, Status
from ninja.pagination import paginate

from linli.core.errors import DomainError, NotFound
from linli.core.idempotency import scoped_key
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut, ScheduleDay

from . import selectors, services
from .models import Resource
from .schemas import (
    BookIn,
    CheckInIn,
    DecideIn,
    ReasonIn,
    ReservationOut,
    ResourceOut,
    SlotOut,
    StaffReservationOut,
)

router = Router(tags=["booking 预约"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _managed(request: ApiRequest, pk: int) -> Resource:
    res = Resource.objects.filter(pk=pk).first()
    if res is None or not services.can_manage(request.auth, res):
        raise NotFound("not_found", _("预约项目不存在"))
    return res


@router.get("/resources", response={200: list[ResourceOut], **READ_ERRORS}, summary="可预约项目")
@paginate(PageNumberPagination, page_size=50)
def list_resources(request: ApiRequest, kind: str = "", region: str = ""):  # type: ignore[no-untyped-def]
    return selectors.resources(kind=kind[:10], under=region[:15]).prefetch_related("served")  # who may book: actions


@router.get("/resources/{resource_id}/slots", response={200: list[SlotOut], **READ_ERRORS}, summary="某天的时段与空位")
def slots(request: ApiRequest, resource_id: int, date: ScheduleDay | None = None):  # type: ignore[no-untyped-def]
    res = selectors.resource(resource_id)
    return [{"starts_at": s.starts_at, "ends_at": s.ends_at, "capacity": s.capacity, "booked": s.booked, "free": s.free,
             "waiting": s.waiting, "mine": s.mine, "bookable": s.bookable}
            for s in selectors.day_view(res, date or timezone.localdate(), viewer=request.auth)]


@router.post("/reservations", response={201: ReservationOut, **ERRORS, 429: ErrorOut},
             summary="预约一个名额(约满可候补；同一 Idempotency-Key 重试不会重复预约)")
def book(request: ApiRequest, payload: BookIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):  # type: ignore[no-untyped-def]
    res = selectors.resource(payload.resource_id)
    return Status(201, services.book(actor=request.auth, resource=res, starts_at=payload.starts_at, wait=payload.wait,
                                     note=payload.note, details=services.Details(
                                         purpose=payload.purpose, headcount=payload.headcount, contact=payload.contact,
                                         address=payload.address),
                                     idempotency_key=scoped_key("api", request.auth, idempotency_key)))


@router.get("/reservations", response={200: list[ReservationOut], **READ_ERRORS}, summary="我的预约")
@paginate(PageNumberPagination, page_size=20)
def my_reservations(request: ApiRequest, upcoming: bool = True):  # type: ignore[no-untyped-def]
    return selectors.mine(request.auth, upcoming=upcoming)


@router.post("/reservations/{reservation_id}/cancel", response={200: ReservationOut, **ERRORS}, summary="取消预约或退出候补")
def cancel(request: ApiRequest, reservation_id: int, payload: ReasonIn):  # type: ignore[no-untyped-def]
    return services.cancel(actor=request.auth, reservation=selectors.reservation_for(request.auth, reservation_id),
                           reason=payload.reason)


@router.get("/resources/{resource_id}/reservations", response={200: list[StaffReservationOut], **READ_ERRORS},
            summary="某天的预约名单(服务方/场地)")
def resource_day(request: ApiRequest, resource_id: int, date: ScheduleDay | None = None):  # type: ignore[no-untyped-def]
    return list(selectors.resource_day(request.auth, _managed(request, resource_id), date or timezone.localdate()))


@router.post("/reservations/{reservation_id}/decide", response={200: ReservationOut, **ERRORS}, summary="审核预约")
def decide(request: ApiRequest, reservation_id: int, payload: DecideIn):  # type: ignore[no-untyped-def]
    return services.decide(actor=request.auth, reservation=selectors.reservation_for(request.auth, reservation_id),
                           approve=payload.approve, reason=payload.reason)


@router.post("/reservations/{reservation_id}/no-show", response={200: ReservationOut, **ERRORS}, summary="记爽约")
def no_show(request: ApiRequest, reservation_id: int):  # type: ignore[no-untyped-def]
    return services.mark_no_show(actor=request.auth, reservation=selectors.reservation_for(request.auth, reservation_id))


@router.post("/check-in", response={200: StaffReservationOut, **ERRORS}, summary="扫码签到")
def check_in(request: ApiRequest, payload: CheckInIn):  # type: ignore[no-untyped-def]
    res = _managed(request, payload.resource_id) if payload.resource_id else None
    if not payload.code.strip():
        raise DomainError("invalid", _("请输入签到码"), field="code")
    return services.check_in(actor=request.auth, code=payload.code, resource=res)
