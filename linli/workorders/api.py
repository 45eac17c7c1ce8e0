"""Work-order endpoints. Thin: parse, call a selector or service, return a schema."""


from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.roles import REGISTRY_ROLES, Role
from linli.accounts.selectors import has_role
from linli.core.errors import DomainError, NotFound
from linli.core.idempotency import scoped_key
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, Day, ErrorOut
from linli.regions.selectors import region_for

from . import selectors, services, states
from .models import Category, WorkOrder
from .schemas import (
    ActionIn,
    CategoryOut,
    EventOut,
    FollowUpIn,
    FollowUpOut,
    NotificationOut,
    OrderDetail,
    OrderFiguresOut,
    OrderIn,
    OrderRow,
)

router = Router(tags=["workorders 诉求工单"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _category(code: str) -> Category:
    cat = selectors.leaf_category(code)
    if cat is None:
        raise DomainError("invalid", _("诉求分类不存在或不是具体分类"), field="category_code")
    return cat


def _any_region(code: str):  # type: ignore[no-untyped-def]
    from linli.regions.selectors import node_by_code

    node = node_by_code(code)
    if node is None:
        raise DomainError("invalid", _("区划代码不存在"), field="region_code")
    return node


def detail(request: ApiRequest, order: WorkOrder) -> OrderDetail:
    """The order as ``selectors.order_view`` lets this user see it (the order page shows the same)."""
    view = selectors.order_view(request.auth, order)
    out = OrderDetail.from_orm(view.order)
    out.timeline = [EventOut.from_orm(e) for e in view.events]
    out.actions = out.allowed_actions = selectors.available_actions(request.auth, order)
    out.photo_urls = [reverse("workorders:photo", args=[order.pk, p.pk]) for p in view.photos]
    return out


@router.get("/categories", response={200: list[CategoryOut], **READ_ERRORS}, summary="诉求分类及办理时限")
def list_categories(request: ApiRequest):  # type: ignore[no-untyped-def]
    return list(selectors.categories())


@router.get("/similar", response={200: list[OrderRow], **ERRORS}, summary="同社区同类未办结工单(提交前提示，可关注)",
            description="Descriptions only for staff whose area covers the community; others see place, kind and status.")
def similar(request: ApiRequest, region_code: str, category_code: str):  # type: ignore[no-untyped-def]
    return selectors.similar_open(request.auth, region=_any_region(region_code), category=_category(category_code))


@router.post("/orders/{order_id}/follow", response={200: OrderDetail, **ERRORS}, summary="关注同类工单(代替重复提交)")
def follow(request: ApiRequest, order_id: int):  # type: ignore[no-untyped-def]
    order = selectors.followable(request.auth, order_id)
    services.follow(actor=request.auth, order=order)
    return detail(request, selectors.order_for(request.auth, order_id))


@router.delete("/orders/{order_id}/follow", response={204: None, **ERRORS}, summary="取消关注")
def unfollow(request: ApiRequest, order_id: int):  # type: ignore[no-untyped-def]
    services.unfollow(actor=request.auth, order=selectors.order_for(request.auth, order_id))
    return Status(204, None)


@router.post("/orders", response={201: OrderRow, **ERRORS, 429: ErrorOut}, summary="提交诉求(支持 Idempotency-Key 重试)",
             description="Answers the stored order (its number, status and deadline); GET /orders/{id} gives the timeline.")
def create_order(request: ApiRequest, payload: OrderIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):  # type: ignore[no-untyped-def]
    if payload.channel in ("patrol", "hotline") and not has_role(request.auth, (*REGISTRY_ROLES,)):
        raise DomainError("forbidden", _("只有工作人员可登记巡查或热线工单"))
    order = services.submit_order(
        actor=request.auth, channel=payload.channel, category=_category(payload.category_code),
        description=payload.description, region=_any_region(payload.region_code), address=payload.address,
        lat=payload.lat, lng=payload.lng, urgency=payload.urgency, contact_name=payload.contact_name,
        contact_phone=payload.contact_phone, anonymous=payload.anonymous,
        idempotency_key=scoped_key("api", request.auth, idempotency_key),
        reporter=request.auth if payload.channel in ("web", "api") else None,
    )
    return Status(201, order)  # already has its category and region: no second read


@router.get("/orders", response={200: list[OrderRow], **READ_ERRORS}, summary="工单列表(工作人员按管辖范围，居民为本人)")
@paginate(PageNumberPagination, page_size=20)
def list_orders(request: ApiRequest, status: str = "", overdue: bool = False, near_limit: bool = False,  # type: ignore[no-untyped-def]
                mine: bool = False, region: str | None = None, q: str = ""):
    if status and status != "open" and status not in states.Status.values:
        raise DomainError("invalid", _("状态无效"), field="status")
    is_staff = has_role(request.auth, (*REGISTRY_ROLES, Role.HANDLER))
    node = region_for(request.auth, region) if region else None
    return selectors.orders_for(request.auth, status=status, overdue=overdue, near_limit=near_limit,
                                mine=mine or not is_staff, region=node, q=q[:50])


@router.get("/orders/{order_id}", response={200: OrderDetail, **READ_ERRORS}, summary="工单详情与流转记录")
def get_order(request: ApiRequest, order_id: int):  # type: ignore[no-untyped-def]
    return detail(request, selectors.order_for(request.auth, order_id))


@router.post("/orders/{order_id}/actions", response={200: OrderDetail, **ERRORS},
             summary="工单流转：立案、派单、接单、退单、办结、核查、评价、撤回、合并；督办、延期",
             description="Supervisors (community, street, district, city admins over the order's area) may also "
                         "`urge` (督办: the note in `reason` reaches the handling unit), `extend` (延期: new "
                         "`due_date` and a `reason`) and `reroute` an order in progress (`unit_id`, `reason`).")
def act(request: ApiRequest, order_id: int, payload: ActionIn):  # type: ignore[no-untyped-def]
    order = selectors.order_for(request.auth, order_id)
    unit = selectors.active_unit(payload.unit_id)
    if payload.unit_id and unit is None:
        raise DomainError("invalid", _("请选择承办单位"), field="unit_id")
    services.perform(actor=request.auth, order=order, action=payload.action, reason=payload.reason, result=payload.result,
                     unit=unit, into=selectors.order_for(request.auth, payload.into_id) if payload.into_id else None,
                     rating=payload.rating, comment=payload.comment, due_date=payload.due_date)
    return detail(request, selectors.order_for(request.auth, order_id))


@router.post("/orders/{order_id}/photos", response={201: OrderDetail, **ERRORS}, summary="上传现场照片(去除元数据)")
def upload_photo(request: ApiRequest, order_id: int, file: File[UploadedFile]):  # type: ignore[no-untyped-def]
    order = selectors.order_for(request.auth, order_id)
    services.add_photo(actor=request.auth, order=order, data=file.read())
    return Status(201, detail(request, selectors.order_for(request.auth, order_id)))


@router.get("/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS}, summary="差评回访任务")
def list_follow_ups(request: ApiRequest, open_only: bool = True):  # type: ignore[no-untyped-def]
    return list(selectors.follow_ups_for(request.auth, open_only=open_only)[:500])


@router.post("/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS}, summary="完成回访(可重新办理)")
def complete_follow_up(request: ApiRequest, follow_up_id: int, payload: FollowUpIn):  # type: ignore[no-untyped-def]
    fu = selectors.follow_ups_for(request.auth, open_only=False).filter(pk=follow_up_id).first()
    if fu is None:
        raise NotFound("not_found", _("回访任务不存在"))
    return services.complete_follow_up(actor=request.auth, follow_up=fu, answer=payload.answer, reopen=payload.reopen)


@router.get("/figures", response={200: OrderFiguresOut, **ERRORS}, summary="受理量、办结量、按时办结率、满意度")
def get_figures(request: ApiRequest, start: Day | None = None, end: Day | None = None, region: str | None = None):  # type: ignore[no-untyped-def]
    if not has_role(request.auth, REGISTRY_ROLES):
        raise DomainError("forbidden", _("仅限工作人员"))
    end = end or timezone.localdate()
    start = start or end.replace(day=1)
    if start > end:
        raise DomainError("invalid", _("开始日期不能晚于结束日期"), field="start")
    return selectors.figures(request.auth, start=start, end=end, region=region_for(request.auth, region) if region else None)


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS}, summary="我的通知")
@paginate(PageNumberPagination, page_size=20)
def list_notifications(request: ApiRequest, unread: bool = False):  # type: ignore[no-untyped-def]
    return selectors.notifications_for(request.auth, unread=unread)

