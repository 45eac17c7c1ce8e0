"""Pages of the reservation engine: a resource's free slots and booking, a person's bookings with
check-in code and calendar feed, and the staff day sheet with check-in by code."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from linli.core.errors import DomainError, NotFound

from . import ical, selectors, services
from .models import Feed, Reservation, Resource


def _day(request: HttpRequest) -> dt.date:
    """The ?date= asked for, or today (an impossible date such as 2026-02-30 also means today)."""
    try:
        day = parse_date(request.GET.get("date", "")[:10]) if request.GET.get("date") else None
    except ValueError:
        day = None
    return day or timezone.localdate()


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
            starts_at = parse_datetime(request.POST.get("starts_at", ""))
            if starts_at is None:
                raise DomainError("invalid", _("请选择时段"), field="starts_at")
            r = services.book(actor=request.user, resource=res, starts_at=starts_at, wait=request.POST.get("wait") == "1",
                              note=request.POST.get("note", ""),
                              idempotency_key=f"web:{request.user.pk}:{request.POST.get('token', '')[:40]}"
                              if request.POST.get("token") else None)
            done = {"confirmed": _("预约成功，签到码 %(c)s"), "requested": _("已提交，等待审核"),
                    "waiting": _("已加入候补，有空位会自动为您预约")}
            messages.success(request, done.get(str(r.status), _("已提交")) % {"c": r.code})
            return redirect("booking:reservation", pk=r.pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误")))
            return redirect(f"{request.path}?date={day.isoformat()}")
    days = [timezone.localdate() + dt.timedelta(days=i) for i in range(min(res.book_ahead_days, 14) + 1)]
    return render(request, "booking/resource.html", {
        "res": res, "day": day, "days": days, "slots": selectors.day_view(res, day, viewer=request.user),
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
    if request.method == "POST":
        try:
            services.cancel(actor=request.user, reservation=r, reason=request.POST.get("reason", ""))
            messages.success(request, _("已取消"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("booking:reservation", pk=pk)
    from linli.affairs.documents import qr_svg

    return render(request, "booking/reservation.html", {"r": r, "qr": qr_svg(r.code) if r.status == "confirmed" else ""})


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    rows = selectors.managed_resources(request.user)
    if not rows.exists():
        return render(request, "403.html", {"message": _("此页面仅限服务方和场地管理人员使用")}, status=403)
    return render(request, "booking/staff.html", {"rows": rows})


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
                r = services.check_in(actor=request.user, code=request.POST.get("code", ""), resource=res)
                messages.success(request, _("%(n)s 已签到") % {"n": r.user.display_name or r.user.username})
            else:
                target = selectors.resource_day(request.user, res, day).filter(pk=_int(request.POST.get("reservation"))).first()
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
    return render(request, "booking/staff_resource.html", {
        "res": res, "day": day, "rows": selectors.resource_day(request.user, res, day),
        "slots": selectors.day_view(res, day),
        "feed_url": request.build_absolute_uri(reverse("booking:resource_feed", args=[res.feed_token]))})


def _int(value: Any) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _ics(body: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'inline; filename="{name}.ics"'
    resp["Cache-Control"] = "private, max-age=300"
    return resp


def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Private feed address (the token is the secret); calendar apps fetch it without a login."""
    feed = Feed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404
    since = timezone.now() - dt.timedelta(days=30)
    rows = (Reservation.objects.filter(user=feed.user, starts_at__gte=since, status__in=("requested", "confirmed", "waiting", "attended"))
            .select_related("resource", "slot").order_by("starts_at")[:500])
    return _ics(ical.calendar(_("我的预约"), rows, host=request.get_host(), private=True), "linli")


def resource_feed(request: HttpRequest, token: str) -> HttpResponse:
    res = Resource.objects.filter(feed_token=token).first()
    if res is None:
        raise Http404
    since = timezone.now() - dt.timedelta(days=7)
    rows = (Reservation.objects.filter(resource=res, starts_at__gte=since, status__in=("requested", "confirmed", "attended"))
            .select_related("resource", "slot").order_by("starts_at")[:2000])
    return _ics(ical.calendar(res.name, rows, host=request.get_host(), private=False), f"resource-{res.pk}")
