"""Every change to a work order: one transaction, a locked row, a guarded transition, a timeline
event, an audit row, notifications after commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.validators import looks_like_phone
from linli.core import calendar, followups, idempotency, ratelimit, supervision
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import FollowUp
from linli.core.numbers import next_value
from linli.core.ratings import RATING_LABELS
from linli.core.services import record_audit
from linli.core.text import clean_text, fill
from linli.messaging import services as messaging

from . import states
from .models import (
    Category,
    Follower,
    HandlingUnit,
    RoutingRule,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPhoto,
)
from .states import Action, Status

# 督办: raised to level L when overdue by at least ESCALATE_AFTER[L] working days (core.supervision)
ESCALATE_AFTER = {1: 0, 2: 1, 3: 3}


def _require(actor: Any, perm: str, order: WorkOrder) -> None:
    if not actor.has_perm(perm, order):
        raise PermissionDenied("forbidden", _("您无权对该工单执行此操作"))


# ---------------------------------------------------------------- time limits

def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def deadline(category: Category, urgency: str, start: dt.datetime) -> dt.datetime:
    """The handling limit: urgent orders count clock hours; others the category's limit in
    working days on the official calendar (end of the last working day) or in working hours
    (office hours of working days)."""
    if urgency == WorkOrder.Urgency.URGENT:
        return start + dt.timedelta(hours=category.urgent_limit_hours)
    if category.limit_unit == Category.LimitUnit.HOURS:
        return calendar.add_working_hours(start, category.handle_limit)
    return end_of_day(calendar.add_working_days(timezone.localdate(start), category.handle_limit))


def step_deadline(urgency: str, start: dt.datetime, hours: int) -> dt.datetime:
    """A step's limit (registration, accepting a dispatch, verification): working hours, or
    clock hours for an urgent order."""
    if urgency == WorkOrder.Urgency.URGENT:
        return start + dt.timedelta(hours=hours)
    return calendar.add_working_hours(start, hours)


WARN_SHARE = 0.2  # the last fifth of the allowed time is "near the limit"


def _set_clock(order: WorkOrder, start: dt.datetime, due: dt.datetime) -> None:
    order.due_at = due
    order.warn_at = due - (due - start) * WARN_SHARE  # warned once per clock round (core.supervision)


# ---------------------------------------------------------------- routing

def route(category: Category, region_path: str) -> HandlingUnit:
    """The most specific rule: deepest region first, then the most specific category."""
    lineage: list[int | None] = []
    node: Category | None = category
    while node is not None:
        lineage.append(node.pk)
        node = node.parent
    prefixes = [region_path[:n] for n in range(1, len(region_path) + 1)]
    rules = list(
        RoutingRule.objects.filter(region_path__in=prefixes, unit__active=True)
        .filter(category_id__in=[c for c in lineage if c is not None])
        .select_related("unit")
    ) + list(RoutingRule.objects.filter(region_path__in=prefixes, unit__active=True, category__isnull=True).select_related("unit"))
    if not rules:
        # no rule at all for this place: the nearest community or street office has it
        office = (HandlingUnit.objects.filter(active=True, kind__in=(HandlingUnit.Kind.COMMUNITY, HandlingUnit.Kind.STREET),
                                              region_path__in=prefixes).order_by("-region_path").first())
        if office is None:
            raise DomainError("no_route", _("没有可用的派单规则，请联系管理员配置兜底规则"))
        return office
    depth = {c: len(lineage) - i for i, c in enumerate(lineage)}

    def score(rule: RoutingRule) -> tuple[int, int]:
        return len(rule.region_path), depth.get(rule.category_id, 0)

    return max(rules, key=score).unit


# ---------------------------------------------------------------- notifications

def link_for(order_id: int) -> str:
    return reverse("workorders:detail", args=[order_id])


def notify(users: Any, order: WorkOrder | None, text: str, *, link: str = "", kind: str = "workorders.dispatch") -> None:
    """People handling an order (or, with ``kind``, anyone) are told through the one inbox
    (``messaging.services.send``): in-app, and SMS/e-mail as the kind and their choices say."""
    users = [u for u in users if u is not None]
    if not users:
        return
    messaging.send(users, kind, text=text, target=order, link=link or (link_for(order.pk) if order is not None else ""))


def _unit_users(order: WorkOrder) -> list[Any]:
    return list(order.unit.members.all()) if order.unit is not None else []


def _reporters(order: WorkOrder) -> list[Any]:
    """Everyone told of the order's progress: its reporter, the reporters of every order merged
    into it (merging re-points earlier duplicates, so one level holds them all) and its followers."""
    from django.contrib.auth import get_user_model

    ids = {order.reporter_id} if order.reporter_id else set()
    ids |= set(order.merged.exclude(reporter__isnull=True).values_list("reporter_id", flat=True))
    ids |= set(order.followers.values_list("user_id", flat=True))
    if not ids:
        return []
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _dispatchers(order: WorkOrder) -> list[Any]:
    """Who registers, dispatches and verifies the order: the community's admins and caseworkers."""
    from linli.accounts.roles import Role
    from linli.accounts.selectors import holders_at

    return list(holders_at((Role.COMMUNITY_ADMIN, Role.CASEWORKER), order.region_path[:12]))


def tell(order: WorkOrder, text: str) -> None:
    """Progress for the people who raised the matter: through the inbox to those with an account;
    an SMS to the contact phone of a report without one (hotline, patrol, Open311), kept
    encrypted on the delivery row so the phone number never enters the task queue."""
    notify(_reporters(order), order, text, kind="workorders.progress")
    if order.reporter_id is None and order.contact_phone:
        messaging.send_to_phone(order.contact_phone, "workorders.progress", text)


# ---------------------------------------------------------------- intake

def _clean_coord(value: Any, field: str, lo: int, hi: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("invalid", _("坐标格式不正确"), field=field) from exc
    if not d.is_finite():  # NaN, Infinity: no place on earth
        raise DomainError("invalid", _("坐标格式不正确"), field=field)
    if not (lo <= d <= hi):
        raise DomainError("invalid", _("坐标超出范围"), field=field)
    return d.quantize(Decimal("0.000001"))


def _first_number() -> int:
    last = WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def submit_order(
    *, actor: Any, channel: str, category: Category, description: str, region: Any, address: str = "",
    lat: Any = None, lng: Any = None, urgency: str = WorkOrder.Urgency.NORMAL, contact_name: str = "",
    contact_phone: str = "", anonymous: bool = True, idempotency_key: str | None = None, reporter: Any = None,
    photos: list[bytes] | None = None,
) -> WorkOrder:
    """Accept a report from any channel. A retried request with the same idempotency key (bound to
    its sender: ``core.idempotency.scoped_key``) and the same payload returns the order already
    stored instead of a second one (the unique key in the database decides, so two concurrent
    retries cannot both insert); the same key with another payload is refused. Each person may
    report a few a minute (``core.ratelimit``, kind "report")."""
    if channel not in WorkOrder.Channel.values:
        raise DomainError("invalid", _("来源无效"), field="channel")
    if not category.active or (not getattr(category, "_known_leaf", False) and category.children.exists()):
        raise DomainError("invalid", _("请选择具体的诉求分类"), field="category")
    description = clean_text(description, multiline=True)
    if channel == WorkOrder.Channel.OPEN311:
        # GeoReport v2 makes the description optional: without one the service names the problem
        description = description or _("%(c)s(Open311 上报，未附描述)") % {"c": category.name}
    elif len(description) < 5:
        raise DomainError("invalid", _("请描述诉求内容(至少5个字)"), field="description")
    if len(description) > 4000:
        raise DomainError("invalid", _("诉求内容过长(最多4000字)"), field="description")
    if urgency not in WorkOrder.Urgency.values:
        raise DomainError("invalid", _("紧急程度无效"), field="urgency")
    if region is None or region.level not in ("community", "grid"):
        raise DomainError("invalid", _("请选择所在社区"), field="region")
    contact_phone = clean_text(contact_phone)
    if contact_phone and not looks_like_phone(contact_phone) and not contact_phone.replace("-", "").isdigit():
        raise DomainError("invalid", _("联系电话格式不正确"), field="contact_phone")
    order = WorkOrder(
        channel=channel, category=category, description=description,
        address=clean_text(address, limit=200), lat=_clean_coord(lat, "lat", -90, 90), lng=_clean_coord(lng, "lng", -180, 180),
        region=region, region_path=region.path, urgency=urgency,
        reporter=reporter if reporter is not None else (actor if channel in ("web", "api") and getattr(actor, "pk", None) else None),
        contact_name=clean_text(contact_name, limit=50), contact_phone=contact_phone, anonymous=anonymous,
        idempotency_key=idempotency_key or None,
    )
    if idempotency_key:
        order.idempotency_fingerprint = idempotency.fingerprint(
            channel, category.pk, description, region.pk, order.address, order.lat, order.lng, urgency, order.contact_name,
            contact_phone, anonymous, order.reporter_id, list(photos or []))
    try:
        ratelimit.hit("report", actor)
    except ratelimit.RateLimited:
        if idempotency_key and (first := _replayed(idempotency_key, order)) is not None:
            return first
        raise
    order.number = f"{timezone.localdate():%Y%m%d}{next_value('workorder', start=_first_number):08d}"  # after the limit: no gap
    now = timezone.now()
    _set_clock(order, now, step_deadline(urgency, now, category.register_limit_hours))  # 立案时限
    # One transaction for the order, its photos, timeline, audit and notification: a failure
    # half-way stores nothing, and the whole intake costs one commit (one WAL flush) instead of five.
    try:
        with transaction.atomic():
            order.save()
            for data in photos or []:
                _attach_photo(order, data, actor)
            WorkOrderEvent.objects.create(order=order, actor=actor if getattr(actor, "pk", None) else None, action="submit",
                                          to_status=Status.SUBMITTED, note=str(WorkOrder.Channel(channel).label))
            if order.reporter_id is None or order.reporter_id != getattr(actor, "pk", None):
                # entered on someone's behalf (hotline, patrol, Open311 client): on the audit log too;
                # a resident's own report is on its timeline with actor and time
                record_audit(actor=actor, action="workorder.submit", target=order, region_path=order.region_path,
                             changes={"channel": channel, "category": category.code})
            if order.reporter_id:
                notify([order.reporter], order, fill(_("您的诉求已提交，工单号 %(n)s"), {"n": order.number}), kind="workorders.progress")
    except IntegrityError:
        existing = _replayed(idempotency_key, order) if idempotency_key else None
        if existing is not None:
            return existing
        raise
    return order


def _replayed(idempotency_key: str, order: WorkOrder) -> WorkOrder | None:
    """The order a request with this key stored first, if it carried the same payload."""
    existing = WorkOrder.objects.filter(idempotency_key=idempotency_key).first()
    return idempotency.replay(existing, same=existing is not None
                              and existing.idempotency_fingerprint == order.idempotency_fingerprint)


MAX_PHOTOS = 6


def _attach_photo(order: WorkOrder, data: bytes, actor: Any) -> WorkOrderPhoto:
    from django.core.files.base import ContentFile

    from linli.core.images import clean_image

    if order.photos.count() >= MAX_PHOTOS:
        raise DomainError("too_many_photos", _("每张工单最多 %(n)s 张照片") % {"n": MAX_PHOTOS}, field="photos")
    clean, ext, content_type = clean_image(data)
    photo = WorkOrderPhoto(order=order, content_type=content_type, uploaded_by=actor if getattr(actor, "pk", None) else None)
    photo.file.save(f"photo.{ext}", ContentFile(clean), save=False)
    photo.save()
    return photo


@transaction.atomic
def add_photo(*, actor: Any, order: WorkOrder, data: bytes) -> WorkOrderPhoto:
    """The reporter, or staff handling the order, add a photo while it is open."""
    order = _lock(order)
    if not (actor.has_perm("workorders.report", order) or actor.has_perm("workorders.handle", order)
            or actor.has_perm("workorders.dispatch", order)):
        raise PermissionDenied("forbidden", _("您无权对该工单执行此操作"))
    if order.status not in states.OPEN:
        raise Conflict("order_closed", _("工单已办结，不能再添加照片"))
    photo = _attach_photo(order, data, actor)
    WorkOrderEvent.objects.create(order=order, actor=actor, action="photo", note=_("添加照片"))
    text = fill(_("工单 %(n)s 新增了现场照片"), {"n": order.number})
    if actor.pk == order.reporter_id:
        notify([u for u in _unit_users(order) or _dispatchers(order) if u.pk != actor.pk], order, text)
    else:
        tell(order, text)
    return photo


# ---------------------------------------------------------------- transitions

def _lock(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update(of=("self",)).select_related("category", "unit", "reporter").get(pk=order.pk)


def _move(order: WorkOrder, action: str, actor: Any, note: str = "", *, public: bool = True) -> None:
    """One step on a row the caller locked (``_lock``): the map checked, the timeline event and
    the audit row (workorder.<action>) written by the lifecycle, no query more."""
    states.LIFECYCLE.apply(order, action, actor=actor, note=clean_text(note, multiline=True), public=public, lock=False)


def _need(text: str, field: str, message: str, *, multiline: bool = False) -> str:
    text = clean_text(text, multiline=multiline)
    if len(text) < 2:
        raise DomainError("reason_required", message, field=field)
    return text


def _new_round(order: WorkOrder, now: dt.datetime) -> None:
    """Registration and reopening start the handling clock afresh: a new deadline, and
    supervision counted again from the first level."""
    _set_clock(order, now, deadline(order.category, order.urgency, now))
    supervision.new_round(order)


@transaction.atomic
def register(*, actor: Any, order: WorkOrder, auto_dispatch: bool = True) -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.dispatch", order)
    _move(order, Action.REGISTER, actor)
    now = timezone.now()
    order.registered_at = now
    _new_round(order, now)
    order.save()
    tell(order, fill(_("工单 %(n)s 已立案，办理期限 %(d)s"), {
        "n": order.number, "d": timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M")}))
    if auto_dispatch:
        _dispatch(order, actor, route(order.category, order.region_path), Action.DISPATCH, "")
    return order


@transaction.atomic
def refuse(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.dispatch", order)
    reason = _need(reason, "reason", _("不予立案须说明理由"))
    _move(order, Action.REFUSE, actor, reason)
    order.closed_at = timezone.now()
    order.save()
    tell(order, fill(_("工单 %(n)s 不予立案：%(r)s"), {"n": order.number, "r": reason}))
    return order


@transaction.atomic
def withdraw(*, actor: Any, order: WorkOrder) -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.report", order)
    _move(order, Action.WITHDRAW, actor)
    order.closed_at = timezone.now()
    order.save()
    tell(order, fill(_("工单 %(n)s 已撤回"), {"n": order.number}))
    return order


@transaction.atomic
def merge(*, actor: Any, order: WorkOrder, into: WorkOrder) -> WorkOrder:
    """A duplicate joins an open order; its reporter follows and gets the outcome."""
    order = _lock(order)
    into = _lock(into)
    _require(actor, "workorders.dispatch", order)
    _require(actor, "workorders.dispatch", into)
    if into.pk == order.pk or into.status not in states.OPEN or into.merged_into_id:
        raise DomainError("invalid", _("只能合并到另一张办理中的工单"), field="into")
    audience = _reporters(order)  # before re-pointing: everyone who followed the duplicate
    order.merged_into = into
    _move(order, Action.MERGE, actor, _("合并至 %(n)s") % {"n": into.number})
    order.save()
    # duplicates merged earlier into this one, and its followers, now follow the target
    WorkOrder.objects.filter(merged_into=order).update(merged_into=into, updated_at=timezone.now())
    Follower.objects.bulk_create([Follower(order=into, user_id=f.user_id) for f in order.followers.all()], ignore_conflicts=True)
    order.followers.all().delete()
    WorkOrderEvent.objects.create(order=into, actor=actor, action="merged_in", note=_("合并了 %(n)s") % {"n": order.number})
    notify(audience, order, fill(_("您反映的问题与工单 %(n)s 相同，已合并办理，结果将一并告知"), {"n": into.number}),
           kind="workorders.progress")
    if order.reporter_id is None and order.contact_phone:
        tell(order, fill(_("您反映的问题与工单 %(n)s 相同，已合并办理"), {"n": into.number}))
    return into


def _dispatch(order: WorkOrder, actor: Any, unit: HandlingUnit, action: str, note: str) -> None:
    if not unit.active:
        raise DomainError("invalid", _("该承办单位已停用"), field="unit")
    previous = order.unit.name if order.unit is not None else ""
    order.unit = unit
    _move(order, action, actor, note or (_("派至 %(u)s") % {"u": unit.name}) + (f"(原 {previous})" if previous else ""))
    order.step_due_at = step_deadline(order.urgency, timezone.now(), order.category.accept_limit_hours)  # 接单时限
    order.step_reminded = False
    order.save()
    notify(list(unit.members.all()), order, fill(_("新派工单 %(n)s：%(c)s，请于 %(d)s 前接单"), {
        "n": order.number, "c": order.category.name, "d": timezone.localtime(order.step_due_at).strftime("%m-%d %H:%M")}))
    tell(order, fill(_("工单 %(n)s 已派至 %(u)s 办理"), {"n": order.number, "u": unit.name}))


@transaction.atomic
def dispatch(*, actor: Any, order: WorkOrder, unit: HandlingUnit | None = None) -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.dispatch", order)
    _dispatch(order, actor, unit or route(order.category, order.region_path), Action.DISPATCH, "")
    return order


@transaction.atomic
def reroute(*, actor: Any, order: WorkOrder, unit: HandlingUnit, note: str = "") -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.dispatch", order)
    if order.unit_id == unit.pk:
        raise DomainError("invalid", _("已派给该单位"), field="unit")
    before = _unit_users(order)
    _dispatch(order, actor, unit, Action.REROUTE, clean_text(note))
    # an order taken from a unit while in hand (a supervisor's re-route): that unit is told too
    staying = set(unit.members.values_list("pk", flat=True))
    notify([u for u in before if u.pk not in staying], order,
           fill(_("工单 %(n)s 已改派至 %(u)s，您无需再办理"), {"n": order.number, "u": unit.name}))
    return order


# ---------------------------------------------------------------- supervisors' actions on an order

MAX_EXTENSION_DAYS = 366


def urge(*, actor: Any, order: WorkOrder, note: str) -> WorkOrder:
    """督办: a supervisor (community, street, district or city admin over the order's area) urges
    an open order with a note (core.supervision.urge): the handling unit (before dispatch, the
    community's dispatchers) gets it as a notification, the timeline and the audit log keep it."""
    supervision.urge(actor=actor, obj=order, note=note)
    return WorkOrder.objects.select_related("category", "unit", "reporter").get(pk=order.pk)


@transaction.atomic
def extend_deadline(*, actor: Any, order: WorkOrder, until: dt.date | None, reason: str) -> WorkOrder:
    """延期: a supervisor moves the handling deadline of a registered, open order to the end of
    ``until``, with a reason. A new clock round starts: an extended order that runs late again is
    supervised again from the first level. The reporter and the unit are told."""
    order = _lock(order)
    _require(actor, "workorders.supervise", order)
    if order.status not in states.OPEN or order.status == Status.SUBMITTED or order.due_at is None:
        raise Conflict("not_extendable", _("只有已立案、未办结的工单可以延期"))
    if until is None:
        raise DomainError("invalid", _("请选择新的办理期限"), field="due_date")
    reason = _need(reason, "reason", _("延期须说明理由"))[:300]
    now = timezone.now()
    new_due = end_of_day(until)
    if new_due <= max(order.due_at, now):
        raise DomainError("invalid", _("新的办理期限须晚于原期限和当前时间"), field="due_date")
    if until > timezone.localdate(now) + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise DomainError("invalid", _("延期不能超过一年"), field="due_date")
    before = order.due_at
    _set_clock(order, now, new_due)
    supervision.new_round(order)
    order.save()
    shown = timezone.localtime(new_due).strftime("%Y-%m-%d")
    WorkOrderEvent.objects.create(order=order, actor=actor, action="extend",
                                  note=_("办理期限延至 %(d)s：%(r)s") % {"d": shown, "r": reason})
    record_audit(actor=actor, action="workorder.extend", target=order, region_path=order.region_path,
                 changes={"due_at": [before.isoformat(), new_due.isoformat()], "reason": reason})
    text = fill(_("工单 %(n)s 办理期限延至 %(d)s"), {"n": order.number, "d": shown})
    notify([u for u in _unit_users(order) if u.pk != actor.pk], order, text)
    tell(order, text)
    return order


@transaction.atomic
def accept(*, actor: Any, order: WorkOrder) -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.handle", order)
    _move(order, Action.ACCEPT, actor, _("%(u)s 已接单") % {"u": order.unit.name if order.unit else ""})
    order.step_due_at = None
    order.save()
    tell(order, fill(_("工单 %(n)s 已由 %(u)s 接单办理"), {"n": order.number, "u": order.unit.name if order.unit else ""}))
    return order


@transaction.atomic
def send_back(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    """退单: the unit says it is not theirs; the order returns to the dispatchers."""
    order = _lock(order)
    _require(actor, "workorders.handle", order)
    unit = order.unit
    reason = _need(reason, "reason", _("退单须说明理由"))
    _move(order, Action.SEND_BACK, actor, reason, public=False)
    order.unit = None
    order.step_due_at = None
    order.save()
    from linli.accounts.roles import ADMIN_ROLES
    from linli.accounts.selectors import holders_at

    admins = holders_at(ADMIN_ROLES, order.region_path[:12], order.region_path[:9])
    notify(admins, order, fill(_("工单 %(n)s 被 %(u)s 退回：%(r)s"), {"n": order.number, "u": unit.name if unit else "", "r": reason}))
    return order


@transaction.atomic
def report_done(*, actor: Any, order: WorkOrder, result: str) -> WorkOrder:
    order = _lock(order)
    _require(actor, "workorders.handle", order)
    order.result = _need(result, "result", _("请填写办理结果"), multiline=True)[:2000]
    _move(order, Action.REPORT_DONE, actor, order.result)
    order.step_due_at = step_deadline(order.urgency, timezone.now(), order.category.verify_limit_hours)  # 核查时限
    order.step_reminded = False
    order.save()
    notify(_dispatchers(order), order, fill(_("工单 %(n)s 已办结上报，请于 %(d)s 前核查"), {
        "n": order.number, "d": timezone.localtime(order.step_due_at).strftime("%m-%d %H:%M")}))
    return order


@transaction.atomic
def verify(*, actor: Any, order: WorkOrder, passed: bool, note: str = "") -> WorkOrder:
    """核查: a dispatcher checks the handler's result. Pass closes; fail sends it back to work."""
    order = _lock(order)
    _require(actor, "workorders.dispatch", order)
    order.step_due_at = None
    if passed:
        _move(order, Action.VERIFY_PASS, actor, note)
        order.closed_at = timezone.now()
        order.save()
        tell(order, fill(_("工单 %(n)s 已办结：%(r)s。请您评价。"), {"n": order.number, "r": order.result[:100]}))
    else:
        note = _need(note, "note", _("核查不通过须说明原因"))
        _move(order, Action.VERIFY_FAIL, actor, note)
        order.save()
        notify(_unit_users(order), order, fill(_("工单 %(n)s 核查不通过：%(r)s"), {"n": order.number, "r": note}))
        tell(order, fill(_("工单 %(n)s 经核查需继续办理"), {"n": order.number}))
    return order


@transaction.atomic
def rate(*, actor: Any, order: WorkOrder, rating: int, comment: str = "") -> WorkOrder:
    """好差评: one rating per closed order, by the reporter. 不满意/非常不满意 opens a follow-up."""
    order = _lock(order)
    _require(actor, "workorders.report", order)
    if rating not in RATING_LABELS:
        raise DomainError("invalid", _("请选择五级评价之一"), field="rating")
    if order.rating is not None:
        raise Conflict("already_rated", _("该工单已评价"))
    comment = clean_text(comment, limit=500)
    order.rating = rating
    order.rating_comment = comment
    _move(order, Action.RATE, actor, f"{RATING_LABELS[rating]} {comment}".strip())
    order.save()
    task, opened = followups.open_for(order, rating=rating, region_path=order.region_path[:12])
    if task is not None and opened:
        due = task.due_date
        from linli.accounts.roles import Role
        from linli.accounts.selectors import holders_at

        staff = holders_at((Role.COMMUNITY_ADMIN, Role.CASEWORKER), order.region_path[:12])
        notify(staff, order, fill(_("工单 %(n)s 收到差评，请于 %(d)s 前回访"), {"n": order.number, "d": due.isoformat()}))
    return order


@transaction.atomic
def complete_follow_up(*, actor: Any, follow_up: FollowUp, answer: str, reopen: bool = False) -> FollowUp:
    order = WorkOrder.objects.get(pk=follow_up.object_id)
    _require(actor, "workorders.dispatch", order)
    follow_up = followups.answer(
        actor=actor, task=follow_up, text=answer, reopen=reopen, can_reopen=True,
        may_answer=lambda user, _path: user.has_perm("workorders.dispatch", order),
        done_error=("follow_up_done", _("该回访已完成")),
        clean=lambda text: _need(text, "answer", _("请填写回访情况"), multiline=True)[:2000])
    WorkOrderEvent.objects.create(order=order, actor=actor, action="follow_up", note=follow_up.answer[:1000])
    record_audit(actor=actor, action="workorder.follow_up", target=order, region_path=order.region_path,
                 changes={"reopen": reopen})
    if reopen:
        order = _lock(order)
        _move(order, Action.REOPEN, actor, _("回访后重新办理"))
        order.closed_at = None
        _new_round(order, timezone.now())
        order.save()
        notify(_unit_users(order), order, fill(_("工单 %(n)s 回访后重新办理"), {"n": order.number}))
    tell(order, fill(_("关于工单 %(n)s 的回访：%(a)s"), {"n": order.number, "a": follow_up.answer[:100]}))
    return follow_up


# ---------------------------------------------------------------- one entry point for the interfaces

def perform(*, actor: Any, order: WorkOrder, action: str, reason: str = "", result: str = "",
            unit: HandlingUnit | None = None, into: WorkOrder | None = None, rating: int | None = None,
            comment: str = "", due_date: dt.date | None = None) -> WorkOrder:
    """The lifecycle action named by ``action``, as the pages and the API submit it, and the
    supervisors' ``urge`` (督办, note in ``reason``) and ``extend`` (延期 to ``due_date``)."""
    if action == "urge":
        return urge(actor=actor, order=order, note=reason)
    if action == "extend":
        return extend_deadline(actor=actor, order=order, until=due_date, reason=reason)
    if action == Action.REGISTER:
        return register(actor=actor, order=order)
    if action == Action.REFUSE:
        return refuse(actor=actor, order=order, reason=reason)
    if action == Action.WITHDRAW:
        return withdraw(actor=actor, order=order)
    if action == Action.MERGE:
        if into is None:
            raise DomainError("invalid", _("请指定合并到的工单"), field="into")
        return merge(actor=actor, order=order, into=into)
    if action == Action.DISPATCH:
        return dispatch(actor=actor, order=order, unit=unit)
    if action == Action.REROUTE:
        if unit is None:
            raise DomainError("invalid", _("请选择承办单位"), field="unit")
        return reroute(actor=actor, order=order, unit=unit, note=reason)
    if action == Action.ACCEPT:
        return accept(actor=actor, order=order)
    if action == Action.SEND_BACK:
        return send_back(actor=actor, order=order, reason=reason)
    if action == Action.REPORT_DONE:
        return report_done(actor=actor, order=order, result=result)
    if action in (Action.VERIFY_PASS, Action.VERIFY_FAIL):
        return verify(actor=actor, order=order, passed=action == Action.VERIFY_PASS, note=reason)
    if action == Action.RATE:
        if rating is None:
            raise DomainError("invalid", _("请选择五级评价之一"), field="rating")
        return rate(actor=actor, order=order, rating=rating, comment=comment)
    raise DomainError("invalid", _("未知操作"), field="action")


# ---------------------------------------------------------------- following

@transaction.atomic
def follow(*, actor: Any, order: WorkOrder) -> Follower:
    """Instead of reporting the same problem again, a resident follows the open order offered to
    them: they are told of its progress and outcome like its reporter."""
    order = _lock(order)
    if not actor.has_perm("workorders.follow", order):
        raise PermissionDenied("forbidden", _("只能关注本社区的工单"))
    if order.status not in states.OPEN or order.merged_into_id:
        raise Conflict("order_closed", _("该工单已办结，不能再关注"))
    if order.reporter_id == actor.pk:
        raise Conflict("own_order", _("这是您本人反映的工单"))
    follower, _created = Follower.objects.get_or_create(order=order, user=actor)
    return follower


def unfollow(*, actor: Any, order: WorkOrder) -> None:
    Follower.objects.filter(order=order, user=actor).delete()


# ---------------------------------------------------------------- the supervision clock (core.supervision)

def _notify_many(messages: list[tuple[Any, int | None, str]], kind: str = "workorders.supervision") -> None:
    """Many different messages at once (the sweep), through the inbox in bulk."""
    if messages:
        messaging.send_many(kind, [(u, text, (WorkOrder, oid) if oid else None, link_for(oid) if oid else "")
                                   for u, oid, text in messages])


def _members_of(unit_ids: set[int]) -> dict[int, list[Any]]:
    return {unit.pk: list(unit.members.all()) for unit in HandlingUnit.objects.filter(pk__in=unit_ids).prefetch_related("members")}


def clock_told(orders: list[WorkOrder], level: int) -> dict[int, list[Any]]:
    """Who the clock tells: near the limit (level 0), the unit handling the order or, before
    dispatch, the community's dispatchers; at each level of 督办 the unit and the supervising
    office (community admins, street admins, district admins)."""
    from linli.accounts.roles import Role
    from linli.accounts.selectors import holders_by_path

    members = _members_of({o.unit_id for o in orders if o.unit_id})
    if level == 0:
        offices = holders_by_path((Role.COMMUNITY_ADMIN, Role.CASEWORKER), {o.region_path[:12] for o in orders if not o.unit_id})
        return {o.pk: members.get(o.unit_id, []) if o.unit_id else offices.get(o.region_path[:12], []) for o in orders}
    role = {1: Role.COMMUNITY_ADMIN, 2: Role.STREET_ADMIN, 3: Role.DISTRICT_ADMIN}[level]
    office = holders_by_path((role,), {supervision.office_path(o.region_path, level) for o in orders})
    return {o.pk: (members.get(o.unit_id, []) if o.unit_id else []) + office.get(supervision.office_path(o.region_path, level), [])
            for o in orders}


def clock_notify(pairs: list[tuple[WorkOrder, list[Any]]], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    """The texts of the clock's warnings, escalations and urges, through the one inbox."""
    def text(order: WorkOrder) -> str:
        if kind == "warn":
            return fill(_("工单 %(n)s 即将到期(%(d)s)，请抓紧办理"), {
                "n": order.number, "d": timezone.localtime(order.due_at).strftime("%m-%d %H:%M")})
        if kind == "urge":
            who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
            return fill(_("%(who)s督办工单 %(n)s：%(t)s"), {"who": who, "n": order.number, "t": note})
        return fill(_("工单 %(n)s 已超期，%(l)s"), {"n": order.number, "l": supervision.level_name(level)})

    _notify_many([(u, order.pk, message) for order, users in pairs if users for message in [text(order)] for u in users])


def clock_timeline(orders: list[WorkOrder], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    """A level of 督办 or a supervisor's note on the staff side of each order's timeline."""
    if kind == "warn":
        return
    WorkOrderEvent.objects.bulk_create([
        WorkOrderEvent(order_id=o.pk, actor=actor if getattr(actor, "pk", None) else None,
                       action="urge" if kind == "urge" else "supervise",
                       note=note if kind == "urge" else supervision.level_name(level), public=False)
        for o in orders], batch_size=5000)


def clock_handlers(order: WorkOrder) -> list[Any]:
    """Who a supervisor's 督办 reaches: the handling unit, before dispatch the dispatchers."""
    return _unit_users(order) or _dispatchers(order)


def remind_steps(now: dt.datetime) -> int:
    """Once per step: a dispatch not accepted in time reminds the unit; a result not verified in
    time reminds the community's dispatchers (催办). Run by the supervision sweep."""
    from linli.accounts.roles import Role
    from linli.accounts.selectors import holders_by_path

    with transaction.atomic():
        rows = list(WorkOrder.objects.select_for_update(skip_locked=True)
                    .filter(step_reminded=False, step_due_at__lt=now,
                            status__in=(states.Status.DISPATCHED, states.Status.DONE_REPORTED))
                    .values_list("id", "region_path", "unit_id", "number", "status")[:20000])
        if not rows:
            return 0
        WorkOrder.objects.filter(pk__in=[r[0] for r in rows]).update(step_reminded=True)
        WorkOrderEvent.objects.bulk_create([WorkOrderEvent(order_id=r[0], action="remind", public=False,
                                                           note=_("接单超时催办") if r[4] == states.Status.DISPATCHED else _("核查超时催办"))
                                            for r in rows], batch_size=5000)
        members = _members_of({r[2] for r in rows if r[2] and r[4] == states.Status.DISPATCHED})
        offices = holders_by_path((Role.COMMUNITY_ADMIN, Role.CASEWORKER),
                                  {r[1][:12] for r in rows if r[4] == states.Status.DONE_REPORTED})
        late_accept = [(oid, number, unit_id) for oid, _p, unit_id, number, st in rows if st == states.Status.DISPATCHED]
        late_verify = [(oid, number, path) for oid, path, _u, number, st in rows if st == states.Status.DONE_REPORTED]
        _notify_many([(u, oid, fill(_("工单 %(n)s 已超过接单时限，请尽快接单或退单"), {"n": number}))
                      for oid, number, unit_id in late_accept for u in members.get(unit_id, [])]
                     + [(u, oid, fill(_("工单 %(n)s 已超过核查时限，请尽快核查"), {"n": number}))
                        for oid, number, path in late_verify for u in offices.get(path[:12], [])])
    return len(rows)
