"""Pages of the reservation engine: a resource's free slots and booking, a person's bookings with
check-in code and calendar feed, and the staff day sheet with check-in by code."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from linli.core.bounds import page_date
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_date, form_int, form_moment, form_time
from linli.core.idempotency import scoped_key

from . import ical, selectors, services
from .hooks import reservation_extras
from .models import Feed, Reservation, Resource


def _day(request: HttpRequest) -> dt.date:
    """The ?date= asked for, or today (an impossible date such as 2026-02-30 also means today)."""
    try:
        day = parse_date(request.GET.get("date", "")[:10]) if request.GET.get("date") else None
    except ValueError:
        day = None
    return page_date(day, schedule=True) or timezone.localdate()


def resource_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: free seats per slot for a day; logged-in residents book or join the waiting list."""
    try:
        res = selectors.resource(pk)
    except NotFound as exc:
        raise Http404 from exc
    day = _day(request)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            wait_at = request.POST.get("wait_at", "")  # the 候补 button of a form that asks for details
            starts_at = parse_datetime(wait_at or request.POST.get("starts_at", ""))
            if starts_at is None:
                raise DomainError("invalid", _("请选择时段"), field="starts_at")
            details = services.Details(purpose=request.POST.get("purpose", ""), contact=request.POST.get("contact", ""),
                                       headcount=form_int(request.POST.get("headcount")) if request.POST.get("headcount") else None,
                                       address=request.POST.get("address", ""))
            r = services.book(actor=request.user, resource=res, starts_at=starts_at, wait=request.POST.get("wait") == "1" or bool(wait_at),
                              note=request.POST.get("note", ""), details=details,
                              idempotency_key=scoped_key("web", request.user, request.POST.get("token")))
            done = {"confirmed": _("预约成功，签到码 %(c)s"), "requested": _("已提交，等待审核"),
                    "waiting": _("已加入候补，有空位会自动为您预约")}
            messages.success(request, done.get(str(r.status), _("已提交")) % {"c": r.code})
            return redirect("booking:reservation", pk=r.pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误")))
            return redirect(f"{request.path}?date={day.isoformat()}")
    days = [timezone.localdate() + dt.timedelta(days=i) for i in range(min(res.book_ahead_days, 14) + 1)]
    now = timezone.now()
    slots = selectors.day_view(res, day, viewer=request.user, now=now)
    for s in slots:
        s.over = s.ends_at <= now  # type: ignore[attr-defined]
    nothing_left = not any(s.bookable for s in slots)
    # the 预约/候补 buttons come from the resource's actions; signed out, they lead to sign-in
    may_book = "book" in selectors.available_actions(request.user, res, only=("book",))
    book_buttons = may_book or (not request.user.is_authenticated and bool(res.active))
    return render(request, "booking/resource.html", {
        "res": res, "day": day, "days": days, "slots": slots, "now": now,
        "book_buttons": book_buttons, "not_eligible": request.user.is_authenticated and not may_book and bool(res.active),
        "next_day": selectors.next_open_day(res, after=day, now=now) if nothing_left else None,
        "token": uuid.uuid4().hex, "rules": res.rules.all()})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    feed, _created = Feed.objects.get_or_create(user=request.user)
    return render(request, "booking/mine.html", {
        "rows": selectors.mine(request.user), "past": selectors.mine(request.user, past=True).order_by("-starts_at")[:20],
        "feed_url": request.build_absolute_uri(reverse("booking:user_feed", args=[feed.token]))})


@login_required
def reservation_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        r = selectors.reservation_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    # staff of the resource (not the person who booked) cancel with a reason the person is told
    staff_view = r.user_id != request.user.pk and services.can_manage(request.user, r.resource)
    ctx: dict[str, Any] = {"r": r, "staff_view": staff_view, "base": "staff_base.html" if staff_view else "base.html"}
    if request.method == "POST":
        try:
            services.cancel(actor=request.user, reservation=r, reason=request.POST.get("reason", ""))
            messages.success(request, _("已取消"))
            return redirect("booking:reservation", pk=pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["reason"] = request.POST.get("reason", "")[:200]
    ctx["actions"] = selectors.available_actions(request.user, r)
    ctx["leaves_queue"] = r.status == Reservation.Status.WAITING  # the cancel button's words
    ctx["qr"] = qr_code(r.code) if r.status == Reservation.Status.CONFIRMED else ""
    ctx["extras"] = reservation_extras(r, request.user, staff_view=staff_view)  # what its owner adds (a review link)
    return render(request, "booking/reservation.html", ctx, status=400 if ctx.get("error") else 200)


def qr_code(code: str) -> str:
    """The check-in code as the kernel's full QR code: 29 modules of 8 px, 232 px wide."""
    from linli.core.documents import qr_svg

    return qr_svg(code, scale=8, title=code, css_class="qr-code")


# a check-in code in whatever a handheld scanner types: the code alone, or inside a URL or a
# prefixed payload (the scanner's symbology prefix, a trailing Enter)
@login_required
def staff(request: HttpRequest) -> HttpResponse:
    listed = selectors.staff_resources(request.user)  # each with its actions (booking.edit_schedule …)
    if not listed:
        return render(request, "403.html", {"message": _("此页面仅限服务方和场地管理人员使用")}, status=403)
    return render(request, "booking/staff.html", {"rows": listed})


@login_required
def staff_resource(request: HttpRequest, pk: int) -> HttpResponse:
    res = Resource.objects.filter(pk=pk).first()
    if res is None or not services.can_manage(request.user, res):
        raise Http404
    day = _day(request)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "check_in":
                code = request.POST.get("code", "")  # the service reads what a scanner sends
                if not code:
                    raise DomainError("invalid", _("请输入签到码"), field="code")
                r = services.check_in(actor=request.user, code=code, resource=res)
                messages.success(request, _("%(n)s 已签到") % {"n": r.user.display_name or r.user.username})
            else:
                target = selectors.resource_day(request.user, res, day).filter(pk=form_int(request.POST.get("reservation"))).first()
                if target is None:
                    raise DomainError("invalid", _("预约不存在"))
                if action == "no_show":
                    services.mark_no_show(actor=request.user, reservation=target)
                elif action in ("approve", "reject"):
                    services.decide(actor=request.user, reservation=target, approve=action == "approve",
                                    reason=request.POST.get("reason", ""))
                elif action == "cancel":
                    services.cancel(actor=request.user, reservation=target, reason=request.POST.get("reason", ""))
                messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?date={day.isoformat()}")
    named = res.managers.filter(pk=request.user.pk).exists()
    selectors.note_named(request.user, [res], {res.pk} if named else set())
    rows = list(selectors.resource_day(request.user, res, day))
    for r in rows:
        r.resource = res  # one resource object for the rows: its manager check is asked once
        r.actions = selectors.available_actions(request.user, r)  # type: ignore[attr-defined]
    return render(request, "booking/staff_resource.html", {
        # a home visit's address is for those who make it (the provider's staff named on the resource)
        "sees_address": res.asks == Resource.Asks.ADDRESS and named,
        "res": res, "day": day, "rows": rows, "now": timezone.now(),
        "slots": selectors.day_view(res, day),
        "actions": selectors.available_actions(request.user, res, only=selectors.STAFF_ACTIONS),
        "feed_url": request.build_absolute_uri(reverse("booking:resource_feed", args=[res.feed_token]))})


def _ics(body: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'inline; filename="{name}.ics"'
    resp["Cache-Control"] = "private, max-age=300"
    return resp


FEED_DAYS = 28  # a resource's feed: its slots for the coming four weeks
CANCELLED_KEPT_DAYS = 30  # a cancelled booking stays in a person's feed this long after cancelling


def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Private feed address (the token is the secret); calendar apps fetch it without a login."""
    feed = Feed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404
    now = timezone.now()
    since = now - dt.timedelta(days=30)
    # a cancelled or rejected booking stays 30 days after the change, marked cancelled, so that
    # calendars that already hold it take it away
    kept = Q(status__in=("requested", "confirmed", "waiting", "attended")) | Q(
        status__in=("cancelled", "rejected"), updated_at__gte=now - dt.timedelta(days=CANCELLED_KEPT_DAYS))
    rows = (Reservation.objects.filter(kept, user=feed.user, starts_at__gte=since)
            .select_related("resource", "slot").order_by("starts_at")[:500])
    return _ics(ical.personal(_("我的预约"), rows), "linli")


@dataclass
class _FeedSlot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def resource_slots(res: Resource, first: dt.date, days: int) -> list[_FeedSlot]:
    """The resource's offered slots over ``days`` days from ``first`` with their seats taken:
    the schedule from the engine, the seats in one statement."""
    from .models import Slot

    periods = [p for i in range(days) for p in selectors.slot_periods(res, first + dt.timedelta(days=i))]
    if not periods:
        return []
    rows = {start: (cap, booked) for start, cap, booked in Slot.objects.filter(
        resource=res, starts_at__gte=periods[0].start, starts_at__lte=periods[-1].start).values_list("starts_at", "capacity", "booked")}
    return [_FeedSlot(p.start, p.end, *rows.get(p.start, (res.capacity, 0))) for p in periods]


def resource_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A resource's schedule: every slot of the coming weeks with its free seats, and closures."""
    res = Resource.objects.filter(feed_token=token).first()
    if res is None:
        raise Http404
    today = timezone.localdate()
    closures = res.closures.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:200]
    return _ics(ical.resource_schedule(res, resource_slots(res, today, FEED_DAYS), closures), f"resource-{res.pk}")


# ---------------------------------------------------------------- schedule (opening hours, closures, openings, terms)

def _weekly_rows(post: Any) -> list[tuple[int, dt.time, dt.time, str]]:
    days, opens, closes, seasons = (post.getlist(k) for k in ("weekday", "opens", "closes", "season"))
    rows = []
    for i, day in enumerate(days[:100]):
        a = opens[i] if i < len(opens) else ""
        b = closes[i] if i < len(closes) else ""
        if not a.strip() and not b.strip():
            continue  # an empty row, or a row cleared to remove it
        if not day.isdigit():
            raise DomainError("invalid", _("星期不正确"), field="hours")
        rows.append((int(day), form_time(a, _("开始")), form_time(b, _("结束")), seasons[i] if i < len(seasons) else "all"))
    return rows


@login_required
def schedule_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Weekly hours, closures (cancelling the bookings they cover, with the reason), extra
    openings and term dates of one resource, for the people who run it."""
    from . import schedule
    from .models import Closure, ExtraOpening, OpeningRule, TermPeriod

    res = Resource.objects.filter(pk=pk).first()
    if res is None or not schedule.can_edit(request.user, res):
        raise Http404
    errors: dict[str, str] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            if action == "hours":
                out = schedule.set_weekly_hours(actor=request.user, resource=res, hours=_weekly_rows(request.POST))
                messages.success(request, _("每周开放时间已保存"))
                if out.outside:
                    messages.warning(request, _("有 %(n)s 个已有预约不在新的开放时间内，预约仍然有效，请在下方逐个处理") % {
                        "n": len(out.outside)})
            elif action == "closure_add":
                _closure, out = schedule.add_closure(
                    actor=request.user, resource=res, starts_at=form_moment(request.POST.get("starts_at", ""), _("开始")),
                    ends_at=form_moment(request.POST.get("ends_at", ""), _("结束")), reason=request.POST.get("reason", ""))
                messages.success(request, _("已临时关闭，取消了 %(n)s 个预约并通知了预约人") % {"n": out.cancelled})
            elif action == "closure_remove":
                found = Closure.objects.filter(pk=form_int(request.POST.get("id")), resource=res).first()
                if found is None:
                    raise DomainError("not_found", _("该关闭记录不存在"))
                schedule.remove_closure(actor=request.user, closure=found)
                messages.success(request, _("已取消临时关闭，时段重新开放"))
            elif action == "extra_add":
                schedule.add_extra_opening(actor=request.user, resource=res, date=form_date(request.POST.get("date", ""), _("加开")),
                                           opens=form_time(request.POST.get("opens", ""), _("开始")),
                                           closes=form_time(request.POST.get("closes", ""), _("结束")),
                                           note=request.POST.get("note", ""))
                messages.success(request, _("已加开"))
            elif action == "extra_remove":
                found_extra = ExtraOpening.objects.filter(pk=form_int(request.POST.get("id")), resource=res).first()
                if found_extra is None:
                    raise DomainError("not_found", _("该加开记录不存在"))
                schedule.remove_extra_opening(actor=request.user, opening=found_extra)
                messages.success(request, _("已撤销加开"))
            elif action == "term_add":
                _term, out = schedule.add_term(actor=request.user, resource=res, name=request.POST.get("name", ""),
                                               start=form_date(request.POST.get("start", ""), _("开始")),
                                               end=form_date(request.POST.get("end", ""), _("结束")))
                messages.success(request, _("学期已添加"))
            elif action == "term_remove":
                found_term = TermPeriod.objects.filter(pk=form_int(request.POST.get("id")), resource=res).first()
                if found_term is None:
                    raise DomainError("not_found", _("该学期不存在"))
                schedule.remove_term(actor=request.user, term=found_term)
                messages.success(request, _("学期已删除"))
            else:
                raise DomainError("invalid", _("未知操作"))
            return redirect("booking:schedule", pk=res.pk)
        except DomainError as exc:
            group = action.split("_")[0]
            errors[group if group in ("hours", "closure", "extra", "term") else "hours"] = str(exc.message)
    rules = list(OpeningRule.objects.filter(resource=res).order_by("weekday", "opens"))
    now = timezone.now()
    return render(request, "booking/schedule.html", {
        "res": res, "rules": rules, "blank_rows": range(3), "errors": errors, "data": request.POST,
        "weekdays": OpeningRule.WEEKDAYS, "seasons": OpeningRule.Season.choices,
        "closures": res.closures.filter(ends_at__gt=now).order_by("starts_at")[:100],
        "extras": res.extra_openings.filter(date__gte=timezone.localdate()).order_by("date", "opens")[:100],
        "terms": res.terms.order_by("start")[:50],
        "outside": schedule.bookings_outside_schedule(res, now=now),
        "uses_terms": any(r.season != OpeningRule.Season.ALL for r in rules),
    }, status=400 if errors else 200)
