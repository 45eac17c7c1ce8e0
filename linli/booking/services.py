"""Business rules of the reservation engine. The capacity of a slot is enforced by the database
(a conditional UPDATE of the slot row plus a CHECK constraint), so concurrent requests can never
overbook; the waiting list is served in order when a seat frees up."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import idempotency, ratelimit
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.services import record_audit
from linli.core.text import clean_text, fill
from linli.messaging.services import send

from . import selectors
from .models import Reservation, Resource, Slot, Suspension
from .rules import check_in_open, eligible, started, too_late_to_cancel
from .states import HOLDS_SEAT, LIFECYCLE, LIVE
from .states import Action as A

S = Reservation.Status
NO_SHOW_WINDOW = dt.timedelta(days=30)


_CODE = re.compile(r"(?<![A-Z0-9])[A-HJ-NP-Z2-9]{8}(?![A-Z0-9])")
_AIM_PREFIX = re.compile(r"^\][A-Z][0-9A-Z]")  # a symbology identifier some scanners send first, e.g. ]Q1


def scanned_code(text: str) -> str:
    """The check-in code in what a handheld scanner (or a person) sent: typed in any case, after
    a symbology prefix, or inside the URL the QR code holds."""
    text = _AIM_PREFIX.sub("", (text or "").strip().upper()[:300])
    found = _CODE.findall(text)
    return found[-1] if found else text[:20]


def _link() -> str:
    return reverse("booking:mine")


def _when(starts_at: dt.datetime) -> str:
    return timezone.localtime(starts_at).strftime("%m-%d %H:%M")


def offered(resource: Resource, starts_at: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The (start, end) of the offered slot beginning at ``starts_at``, or None."""
    day = timezone.localtime(starts_at).date()
    for period in selectors.slot_periods(resource, day):
        if period.start == starts_at:
            return period.start, period.end
    return None


# The slot follows the resource's current number of seats (a raised capacity opens seats in
# slots already begun; a lowered one takes no seat from anyone, it only stops new bookings).
TAKE_SEAT = """
INSERT INTO booking_slot (resource_id, starts_at, ends_at, capacity, booked) VALUES (%s, %s, %s, %s, 1)
ON CONFLICT (resource_id, starts_at) DO UPDATE SET booked = booking_slot.booked + 1, capacity = excluded.capacity
WHERE booking_slot.booked < excluded.capacity
RETURNING id"""

# PostgreSQL: the seat and the reservation in one statement, hence one round trip and its own
# transaction. If the reservation cannot be inserted (the person already holds this slot, a
# retried idempotency key) the statement fails as a whole and the seat is not taken.
TAKE_SEAT_AND_BOOK = "WITH seat AS (" + TAKE_SEAT + ")" + """
INSERT INTO booking_reservation (slot_id, resource_id, user_id, status, region_path, starts_at, note, code,
                                 idempotency_key, cancel_reason, created_at, updated_at,
                                 purpose, headcount, contact, address, sequence)
SELECT seat.id, %s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s, %s, %s, %s, %s, 0 FROM seat
RETURNING id, slot_id"""


@dataclass(frozen=True)
class Details:
    """What a resource asks of whoever books it (``Resource.asks``): for a room, the purpose,
    how many come and a contact for the approver; for a home service, the address."""

    purpose: str = ""
    headcount: int | None = None
    contact: str = ""
    address: str = ""


def clean_details(resource: Resource, details: Details | None) -> Details:
    """The details the resource asks for, checked; what it does not ask for is dropped."""
    d = details or Details()
    asks = resource.asks
    if asks == Resource.Asks.GROUP:
        purpose = clean_text(d.purpose, collapse=True, limit=200)
        if len(purpose) < 2:
            raise DomainError("invalid", _("请填写用途(例如：社区合唱团排练)"), field="purpose")
        if d.headcount is None or not (1 <= int(d.headcount) <= resource.capacity):
            raise DomainError("invalid", _("人数须在1到%(n)s之间(场地容纳人数)") % {"n": resource.capacity},
                              field="headcount", max=resource.capacity)
        contact = clean_text(d.contact, collapse=True, limit=100)
        if sum(ch.isdigit() for ch in contact) < 7:
            raise DomainError("invalid", _("请填写联系人及电话，供审核人联系"), field="contact")
        return Details(purpose=purpose, headcount=int(d.headcount), contact=contact)
    if asks == Resource.Asks.ADDRESS:
        address = clean_text(d.address, collapse=True, limit=200)
        if len(address) < 4:
            raise DomainError("invalid", _("请填写上门服务的地址(小区、楼栋、房号)"), field="address")
        return Details(address=address)
    return Details()


def _take_seat(resource: Resource, start: dt.datetime, end: dt.datetime) -> int | None:
    """One statement: create the slot with this seat taken, or take a seat of the existing slot
    if one is free (the row is locked for the increment; the CHECK constraint backs it up).
    Returns the slot id, or None when the slot is full."""
    adapt = connection.ops.adapt_datetimefield_value  # the same stored form as the ORM's (SQLite: UTC text)
    with connection.cursor() as cur:
        cur.execute(TAKE_SEAT, [resource.pk, adapt(start), adapt(end), resource.capacity])
        row = cur.fetchone()
    return int(row[0]) if row else None


def _take_seat_and_book(*, actor: Any, resource: Resource, start: dt.datetime, end: dt.datetime, note: str,
                        idempotency_key: str | None, details: Details) -> Reservation | None:
    """The common case on PostgreSQL in one statement; None when the slot is full."""
    status = S.REQUESTED if resource.approval_required else S.CONFIRMED
    code = Reservation._meta.get_field("code").get_default()
    now = timezone.now()
    encrypted = Reservation._meta.get_field("contact").get_prep_value  # the same stored form as the ORM's
    with connection.cursor() as cur:
        cur.execute(TAKE_SEAT_AND_BOOK, [resource.pk, start, end, resource.capacity, resource.pk, actor.pk, status,
                                         resource.region_path, start, note, code, idempotency_key, now, now,
                                         details.purpose, details.headcount, encrypted(details.contact),
                                         encrypted(details.address)])
        row = cur.fetchone()
    if row is None:
        return None
    return Reservation(pk=row[0], slot_id=row[1], resource=resource, user=actor, status=status, region_path=resource.region_path,
                       starts_at=start, note=note, code=code, idempotency_key=idempotency_key, created_at=now, updated_at=now,
                       purpose=details.purpose, headcount=details.headcount, contact=details.contact, address=details.address)


def _clash_on_code(exc: IntegrityError) -> bool:
    """The random check-in code hit an existing one (rare: 32^8 codes): try again with another."""
    diag = getattr(exc.__cause__, "diag", None)
    name = str(getattr(diag, "constraint_name", "") or exc)
    return name.endswith("_code_key") or "booking_reservation.code" in name


def book(*, actor: Any, resource: Resource, starts_at: dt.datetime, wait: bool = False, note: str = "",
         idempotency_key: str | None = None, now: dt.datetime | None = None, details: Details | None = None) -> Reservation:
    """Book one seat, or join the waiting list when full and ``wait``. A retried request with the
    same idempotency key returns the first answer and never books twice: the unique key decides
    on the insert, and any refusal first checks whether the request had already succeeded (the
    slot may be full, or started, by the time the retry arrives)."""
    try:
        return _book(actor=actor, resource=resource, starts_at=starts_at, wait=wait, note=note,
                     idempotency_key=idempotency_key, now=now or timezone.now(), details=details)
    except DomainError:
        if idempotency_key:
            existing = _replayed(idempotency_key, resource, starts_at)
            if existing is not None:
                return existing
        raise


def _replayed(idempotency_key: str, resource: Resource, starts_at: dt.datetime) -> Reservation | None:
    """The booking an earlier request with this key made, if any. A key reused for another
    resource or time is refused rather than answered with the first booking (keys are bound to
    their sender: ``core.idempotency.scoped_key``)."""
    existing = Reservation.objects.filter(idempotency_key=idempotency_key).first()
    return idempotency.replay(existing, message=_("该请求编号已用于另一次预约，请换一个编号"), same=existing is not None
                              and existing.resource_id == resource.pk and existing.starts_at == starts_at)


def _book(*, actor: Any, resource: Resource, starts_at: dt.datetime, wait: bool, note: str,
          idempotency_key: str | None, now: dt.datetime, details: Details | None = None) -> Reservation:
    if not resource.active:
        raise DomainError("closed", _("该项目暂停预约"), field="resource")
    period = offered(resource, starts_at)
    if period is None:
        raise DomainError("no_such_slot", _("该时段不开放预约"), field="starts_at")
    if period[0] <= now:
        raise DomainError("past", _("该时段已开始或已过去"), field="starts_at")
    if period[0] > now + dt.timedelta(days=resource.book_ahead_days):
        raise DomainError("too_early", _("最多可提前 %(n)s 天预约") % {"n": resource.book_ahead_days}, field="starts_at")
    if not eligible(actor, resource):
        raise PermissionDenied("not_eligible", _("该项目只向指定人群开放"))
    until = selectors.suspended_until(actor, now)
    if until is not None:
        raise PermissionDenied("suspended", _("因多次爽约，您的预约已暂停至 %(d)s") % {
            "d": timezone.localtime(until).strftime("%Y-%m-%d")})
    note = clean_text(note, limit=200)
    cleaned = clean_details(resource, details)
    ratelimit.hit("booking", actor)  # a few a minute per person; a retry of a stored booking is answered above
    for _attempt in range(3):
        try:
            return _insert(actor=actor, resource=resource, period=period, wait=wait, note=note, idempotency_key=idempotency_key,
                           details=cleaned)
        except IntegrityError as exc:
            if _clash_on_code(exc):
                continue
            if idempotency_key:
                existing = _replayed(idempotency_key, resource, period[0])
                if existing is not None:
                    return existing
            raise Conflict("already_booked", _("您已预约或候补了这个时段")) from None
    raise Conflict("busy", _("系统繁忙，请重试"))


def _insert(*, actor: Any, resource: Resource, period: tuple[dt.datetime, dt.datetime], wait: bool, note: str,
            idempotency_key: str | None, details: Details) -> Reservation:
    if connection.vendor == "postgresql" and not resource.weekly_limit:
        # on its own the statement is its own transaction; inside a caller's, a savepoint keeps
        # a refusal from breaking it
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            res = _take_seat_and_book(actor=actor, resource=resource, start=period[0], end=period[1], note=note,
                                      idempotency_key=idempotency_key or None, details=details)
        if res is not None:
            return res
    with transaction.atomic():
        if resource.weekly_limit:
            _check_weekly_limit(actor, resource, period[0])
        slot_id = _take_seat(resource, *period)
        if slot_id is not None:
            status = S.REQUESTED if resource.approval_required else S.CONFIRMED
        elif wait:
            status = S.WAITING
            slot_id = Slot.objects.filter(resource=resource, starts_at=period[0]).values_list("pk", flat=True).get()
        else:
            raise Conflict("full", _("该时段已约满，可以加入候补"))
        res = Reservation.objects.create(slot_id=slot_id, resource=resource, user=actor, status=status, starts_at=period[0],
                                         region_path=resource.region_path, note=note, idempotency_key=idempotency_key or None,
                                         purpose=details.purpose, headcount=details.headcount, contact=details.contact,
                                         address=details.address)
    if status == S.WAITING:  # a confirmation is the answer itself; a place in the queue is worth a message
        send([actor], "booking.reservation", text=fill(_("%(r)s %(t)s 已约满，您已加入候补，有空位会自动为您预约并通知您"), {
            "r": resource.name, "t": _when(res.starts_at)}), link=_link())
    return res


def _check_weekly_limit(actor: Any, resource: Resource, start: dt.datetime) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.select_for_update().filter(pk=actor.pk).exists()  # one booking at a time per person
    local = timezone.localtime(start).date()
    monday = local - dt.timedelta(days=local.weekday())
    lo = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    hi = lo + dt.timedelta(days=7)
    used = Reservation.objects.filter(user=actor, resource=resource, starts_at__gte=lo, starts_at__lt=hi,
                                      status__in=(*LIVE, S.ATTENDED)).count()
    if used >= resource.weekly_limit:
        raise Conflict("weekly_limit", _("每人每周最多预约 %(n)s 次") % {"n": resource.weekly_limit})


def _lock(res: Reservation) -> Reservation:
    # of=self: the reservation row only; locking the shared resource row too would serialise
    # every cancellation of a resource with its new bookings, and deadlock two of them
    return Reservation.objects.select_for_update(of=("self",)).select_related("resource").get(pk=res.pk)


def _free_seat_and_promote(slot_id: int, actor: Any) -> Reservation | None:
    """A seat of the slot frees up: the first on the waiting list gets it (under the slot's lock,
    so no newcomer can take it first)."""
    Slot.objects.select_for_update().filter(pk=slot_id).exists()
    Slot.objects.filter(pk=slot_id).update(booked=F("booked") - 1)
    queue = (Reservation.objects.select_for_update(of=("self",)).select_related("resource", "user")
             .filter(slot_id=slot_id, status=S.WAITING).order_by("created_at", "id"))
    waiting = queue.first()
    if waiting is None and queue.exists():
        # the first in the queue left it while we waited for its row: PostgreSQL then drops it
        # from a locked LIMIT 1 without taking the next, so look again
        waiting = queue.first()
    if waiting is None:
        return None
    Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    # the queue's row is locked above: the map is checked on it as read
    LIFECYCLE.apply(waiting, A.PROMOTE, actor=actor, lock=False,
                    to=S.REQUESTED if waiting.resource.approval_required else None)
    waiting.sequence += 1
    waiting.save(update_fields=["status", "sequence", "updated_at"])
    send([waiting.user], "booking.reservation", text=fill(_("候补成功：%(r)s %(t)s 已为您预约，签到码 %(c)s"), {
        "r": waiting.resource.name, "t": _when(waiting.starts_at), "c": waiting.code}), link=_link())
    return waiting


def can_manage(actor: Any, resource: Resource) -> bool:
    return bool(actor.has_perm("booking.manage", resource))


@transaction.atomic
def cancel(*, actor: Any, reservation: Reservation, reason: str = "", now: dt.datetime | None = None) -> Reservation:
    res = _lock(reservation)
    now = now or timezone.now()
    staff = can_manage(actor, res.resource)
    if res.user_id != actor.pk and not staff:
        raise PermissionDenied("forbidden", _("您无权操作该预约"))
    if not LIFECYCLE.can(res.status, A.CANCEL):
        raise Conflict("not_live", _("该预约已是“%(s)s”，不能取消") % {"s": res.get_status_display()})
    if not staff and too_late_to_cancel(res, now):  # booking.cancel_reservation's deadline
        raise Conflict("too_late", _("开始前 %(h)s 小时内不能在线取消，请联系服务方") % {"h": res.resource.cancel_before_hours})
    reason = clean_text(reason, limit=200)
    if staff and res.user_id != actor.pk and not reason:
        raise DomainError("invalid", _("请填写取消原因"), field="reason")
    held = res.status in HOLDS_SEAT
    LIFECYCLE.apply(res, A.CANCEL, actor=actor, lock=False, changes={"reason": reason})  # locked by _lock
    res.cancelled_by, res.cancel_reason = actor, reason
    res.sequence += 1  # calendar clients take the cancellation only with a raised SEQUENCE
    res.save(update_fields=["status", "cancelled_by", "cancel_reason", "sequence", "updated_at"])
    if held:
        _free_seat_and_promote(res.slot_id, actor)
    if res.user_id != actor.pk:
        send([res.user], "booking.reservation", text=fill(_("您在 %(t)s 的 %(r)s 预约已被取消：%(why)s"), {
            "t": _when(res.starts_at), "r": res.resource.name, "why": reason}), link=_link())
    return res


@transaction.atomic
def decide(*, actor: Any, reservation: Reservation, approve: bool, reason: str = "") -> Reservation:
    res = _lock(reservation)
    if not can_manage(actor, res.resource):
        raise PermissionDenied("forbidden", _("您无权操作该预约"))
    if not LIFECYCLE.can(res.status, A.APPROVE if approve else A.REJECT):
        raise Conflict("not_requested", _("该预约不在待审核状态"))
    if approve:
        LIFECYCLE.apply(res, A.APPROVE, actor=actor, lock=False)
        res.sequence += 1
        res.save(update_fields=["status", "sequence", "updated_at"])
        send([res.user], "booking.reservation", text=fill(_("%(r)s %(t)s 的预约已通过，签到码 %(c)s"), {
            "r": res.resource.name, "t": _when(res.starts_at), "c": res.code}), link=_link())
        return res
    reason = clean_text(reason, limit=200)
    if not reason:
        raise DomainError("invalid", _("请填写不通过的原因"), field="reason")
    LIFECYCLE.apply(res, A.REJECT, actor=actor, lock=False, changes={"reason": reason})
    res.cancel_reason, res.cancelled_by = reason, actor
    res.sequence += 1
    res.save(update_fields=["status", "cancel_reason", "cancelled_by", "sequence", "updated_at"])
    _free_seat_and_promote(res.slot_id, actor)
    send([res.user], "booking.reservation", text=fill(_("%(r)s %(t)s 的预约未通过：%(why)s"), {
        "r": res.resource.name, "t": _when(res.starts_at), "why": reason}), link=_link())
    return res


@transaction.atomic
def check_in(*, actor: Any, code: str, resource: Resource | None = None, now: dt.datetime | None = None) -> Reservation:
    """The resource's staff scan (or type) the code on the resident's booking."""
    now = now or timezone.now()
    code = scanned_code(code)
    res = Reservation.objects.select_for_update(of=("self",)).select_related("resource", "slot", "user").filter(code=code).first()
    if res is None or not can_manage(actor, res.resource) or (resource is not None and res.resource_id != resource.pk):
        raise DomainError("unknown_code", _("签到码无效"), field="code")
    if res.status == S.ATTENDED:
        raise Conflict("already_checked_in", _("已经签到过了"))
    if not LIFECYCLE.can(res.status, A.CHECK_IN):
        raise Conflict("not_confirmed", _("该预约为“%(s)s”，不能签到") % {"s": res.get_status_display()})
    if not check_in_open(res, now):
        raise Conflict("not_now", _("只能在开始前30分钟至结束前签到"))
    LIFECYCLE.apply(res, A.CHECK_IN, actor=actor, lock=False)  # locked above
    res.attended_at = now
    res.save(update_fields=["status", "attended_at", "updated_at"])
    return res


@transaction.atomic
def mark_no_show(*, actor: Any, reservation: Reservation, now: dt.datetime | None = None) -> Reservation:
    """After the slot has started. Repeated no-shows suspend booking for the resource's set time."""
    res = _lock(reservation)
    now = now or timezone.now()
    if not can_manage(actor, res.resource):
        raise PermissionDenied("forbidden", _("您无权操作该预约"))
    if not LIFECYCLE.can(res.status, A.NO_SHOW):
        raise Conflict("not_confirmed", _("该预约为“%(s)s”，不能记爽约") % {"s": res.get_status_display()})
    if not started(res, now):
        raise Conflict("not_started", _("时段开始后才能记爽约"))
    LIFECYCLE.apply(res, A.NO_SHOW, actor=actor, lock=False)
    res.save(update_fields=["status", "updated_at"])
    count = Reservation.objects.filter(user=res.user, status=S.NO_SHOW, starts_at__gte=now - NO_SHOW_WINDOW).count()
    if res.resource.no_show_limit and count >= res.resource.no_show_limit:
        until = now + dt.timedelta(days=res.resource.suspend_days)
        Suspension.objects.create(user=res.user, until=until, reason=_("30天内爽约 %(n)s 次") % {"n": count})
        selectors.forget_suspensions()
        send([res.user], "booking.reservation", text=fill(_("您30天内爽约 %(n)s 次，预约暂停至 %(d)s"), {
            "n": count, "d": timezone.localtime(until).strftime("%Y-%m-%d")}), link=_link())
    return res


@transaction.atomic
def cancel_for_resource(*, actor: Any, resource: Resource, reason: str, now: dt.datetime | None = None) -> int:
    """A resource closed for good (``resources.close_resource``): every live future booking is cancelled
    (the waiting list too) and each person is told why.

    Row by row through the lifecycle, not one bulk UPDATE: each row is saved and its person
    notified anyway, so ``LIFECYCLE.apply`` (on rows the one SELECT … FOR UPDATE below already
    locked, hence ``lock=False``: no query of its own) adds only the row's own audit entry
    (booking.cancel), next to the one booking.cancel_all entry for the resource."""
    reason = clean_text(reason, limit=200)
    if not reason:
        raise DomainError("invalid", _("请填写取消原因"), field="reason")
    now = now or timezone.now()
    live = list(Reservation.objects.select_for_update(of=("self",)).select_related("user")
                .filter(resource=resource, status__in=LIVE, starts_at__gt=now))
    for res in live:
        LIFECYCLE.apply(res, A.CANCEL, actor=actor, lock=False, changes={"reason": reason})
        res.cancelled_by, res.cancel_reason = actor, reason
        res.sequence += 1
        res.save(update_fields=["status", "cancelled_by", "cancel_reason", "sequence", "updated_at"])
        send([res.user], "booking.reservation", text=fill(_("您在 %(t)s 的 %(r)s 预约已被取消：%(why)s"), {
            "t": _when(res.starts_at), "r": resource.name, "why": reason}), link=_link())
    Slot.objects.filter(resource=resource, starts_at__gt=now).update(booked=0)
    if live:
        record_audit(actor=actor, action="booking.cancel_all", target=resource, region_path=resource.region_path,
                     changes={"reason": reason, "count": len(live)})
    return len(live)


def close_past(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Hourly: requests never decided and places on a waiting list never reached end when their
    slot begins; each person is told. Idempotent. Row by row through the lifecycle (the rows are
    locked by the select, ``lock=False``), as each is saved and notified anyway."""
    now = now or timezone.now()
    done = {"requested": 0, "waiting": 0}
    with transaction.atomic():
        stale = list(Reservation.objects.select_for_update(of=("self",), skip_locked=True).select_related("user", "resource")
                     .filter(status__in=(S.REQUESTED, S.WAITING), starts_at__lte=now)[:5000])
        for res in stale:
            was = LIFECYCLE.apply(res, A.EXPIRE, actor=None, lock=False)
            res.cancel_reason = str(_("时段开始前未获审核") if was == S.REQUESTED else _("时段已开始，候补未能排上"))
            res.sequence += 1
            res.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
            done[str(was)] += 1
            send([res.user], "booking.reservation", text=fill(_("%(r)s %(t)s：%(why)s"), {
                "r": res.resource.name, "t": _when(res.starts_at), "why": res.cancel_reason}), link=_link())
    return done


def apply_capacity(resource: Resource, *, now: dt.datetime | None = None) -> int:
    """After staff change a resource's seats: its future slots show the new number (never fewer
    than the seats already taken)."""
    from django.db.models.functions import Greatest

    return Slot.objects.filter(resource=resource, starts_at__gt=now or timezone.now()).update(
        capacity=Greatest(F("booked"), resource.capacity))

