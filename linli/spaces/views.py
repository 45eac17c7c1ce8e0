"""Pages of the shared spaces: the public list and each venue with its free slots for a week;
for the admins of an area and a venue's own staff, their venues, opening a new one, editing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.booking import selectors as booking_selectors
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_date, form_int, form_time
from linli.regions import selectors as region_selectors
from linli.regions.selectors import Level

from . import selectors, services
from .models import Venue

PAGE_SIZE = 24


def _picker(request: HttpRequest) -> dict[str, Any]:
    """District → street selects (submitted on change), from the codes in the query string; a
    street not in the chosen district is dropped."""
    district = selectors.area(request.GET.get("district", ""), Level.DISTRICT)
    streets = list(selectors.streets_of(district))
    code = request.GET.get("street", "")
    street = next((n for n in streets if n.code == code), None)
    return {"prefix": "", "districts": list(selectors.districts()), "district": district, "streets": streets, "street": street,
            "auto_submit": True, "with_community": False}


def venues(request: HttpRequest) -> HttpResponse:
    """Every public venue of the city, a page at a time: by type, district and street, and words
    of the name, owner, address or facilities."""
    kind = request.GET.get("kind", "")
    picker = _picker(request)
    q = request.GET.get("q", "").strip()[:50]
    rows = selectors.public_venues(kind=kind, where=picker["street"] or picker["district"], q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "spaces/venues.html", {
        "page": page, "kind": kind, "kinds": Venue.Kind.choices, "q": q, "picker": picker, "query": query.urlencode()})


def day_state(slots: list[Any], now: dt.datetime) -> str:
    """How a day of the week view reads: ``open`` (a free slot one can book), ``full`` (every
    slot still bookable is taken: 约满), ``over`` (the day's slots have all begun), ``later``
    (beyond how far ahead one may book) or ``closed`` (no slot that day)."""
    if not slots:
        return "closed"
    bookable = [s for s in slots if s.bookable]
    if bookable:
        return "open" if any(s.free for s in bookable) else "full"
    return "over" if all(s.starts_at <= now for s in slots) else "later"


def venue(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        v = selectors.public_venue(pk)
    except NotFound as exc:
        raise Http404 from exc
    today, now = timezone.localdate(), timezone.now()
    week = []
    for i in range(7):
        day = today + dt.timedelta(days=i)
        slots = booking_selectors.day_view(v.resource, day, viewer=request.user)
        week.append((day, [s for s in slots if s.free and s.bookable], day_state(slots, now)))
    closures = v.resource.closures.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:10]
    served = list(v.resource.served.order_by("path")) if v.resource.audience == booking_selectors.Audience.RESIDENTS else []
    return render(request, "spaces/venue.html", {"v": v, "week": week, "closures": closures, "served": served,
                                                 "actions": selectors.available_actions(request.user, v)})


def _open_from_post(user: Any, post: Any) -> Venue:
    """The open form read into the service's arguments (the service checks them)."""
    code = post.get("community", "").strip()[:12]
    region = region_selectors.node(code, level=Level.COMMUNITY) if code else None
    if region is None:
        raise DomainError("invalid", _("请选择场地所在社区"), field="community")
    kind = post.get("kind", "")
    terms = hours = None
    if kind == Venue.Kind.SCHOOL_GROUND:
        terms = []
        for n in ("1", "2"):
            start, end = post.get(f"term{n}_start", ""), post.get(f"term{n}_end", "")
            if start or end or n == "1":
                terms.append((post.get(f"term{n}_name", "").strip() or _("学期"),
                              form_date(start, _("学期开始"), f"term{n}_start"), form_date(end, _("学期结束"), f"term{n}_end")))
    else:
        opens, closes = form_time(post.get("opens"), _("开始"), "opens"), form_time(post.get("closes"), _("结束"), "closes")
        hours = [(int(d), opens, closes) for d in sorted(set(post.getlist("weekdays"))) if d.isdigit()]
    return services.open_venue(
        actor=user, region=region, name=post.get("name", ""), kind=kind, owner=post.get("owner", ""),
        address=post.get("address", ""), capacity=form_int(post.get("capacity")),
        slot_minutes=form_int(post.get("slot_minutes"), 60), approval_required=post.get("approval") == "1",
        rules_text=post.get("rules_text", ""), facilities=post.get("facilities", ""), terms=terms, hours=hours,
        audience=post.get("audience") or booking_selectors.Audience.RESIDENTS)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The venues a person runs, with their state; admins open new ones here."""
    rows = selectors.managed_venues(request.user)
    is_admin = request.user.has_perm("spaces.open_venue")
    if not is_admin and not rows.exists():
        return render(request, "403.html", {"message": _("此页面仅限街道、社区管理员和场地管理人员使用")}, status=403)
    error, field = "", ""
    if request.method == "POST" and is_admin:
        try:
            v = _open_from_post(request.user, request.POST)
            messages.success(request, _("场地已开放，请核对开放时间"))
            return redirect("spaces:edit", pk=v.pk)
        except DomainError as exc:
            error, field = str(exc.message), str(exc.details.get("field", ""))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "spaces/manage.html", {
        "page": page, "is_admin": is_admin, "communities": selectors.communities_to_open(request.user) if is_admin else [],
        "kinds": Venue.Kind.choices, "weekdays": booking_selectors.WEEKDAYS, "audiences": _audiences(),
        "data": request.POST if error else {}, "error": error, "error_field": field,
    }, status=400 if error else 200)


def _audiences() -> list[tuple[str, str]]:
    return [(booking_selectors.Audience.RESIDENTS.value, str(booking_selectors.Audience.RESIDENTS.label)),
            (booking_selectors.Audience.EVERYONE.value, str(booking_selectors.Audience.EVERYONE.label))]


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A venue's text, rules of booking and who it is open to; closing it for good (every future
    booking cancelled with the reason) and opening it again. Hours: the schedule page."""
    try:
        v = selectors.managed_venue(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    error, field = "", ""
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            if action == "close":
                n = services.close_venue(actor=request.user, venue=v, reason=request.POST.get("reason", ""))
                messages.success(request, _("已停止开放，取消了 %(n)s 个预约并通知本人") % {"n": n})
            elif action == "reopen":
                services.reopen_venue(actor=request.user, venue=v)
                messages.success(request, _("已重新开放"))
            else:
                codes = request.POST.getlist("served")[:100]
                served = list(region_selectors.nodes(codes=codes, level=Level.COMMUNITY)) if codes else []
                services.update_venue(
                    actor=request.user, venue=v, name=request.POST.get("name", ""), owner=request.POST.get("owner", ""),
                    address=request.POST.get("address", ""), rules_text=request.POST.get("rules_text", ""),
                    facilities=request.POST.get("facilities", ""), capacity=form_int(request.POST.get("capacity")),
                    approval_required=request.POST.get("approval") == "1", public=request.POST.get("public") == "1",
                    audience=request.POST.get("audience", ""), served=served,
                    book_ahead_days=form_int(request.POST.get("book_ahead_days"), -1),
                    cancel_before_hours=form_int(request.POST.get("cancel_before_hours"), -1),
                    weekly_limit=form_int(request.POST.get("weekly_limit"), -1))
                messages.success(request, _("已保存"))
            return redirect("spaces:edit", pk=v.pk)
        except DomainError as exc:
            error, field = str(exc.message), str(exc.details.get("field", ""))
            v = selectors.managed_venue(request.user, pk)  # as stored, not half-edited
    return render(request, "spaces/edit.html", {
        "v": v, "r": v.resource, "error": error, "error_field": field, "action": action,
        "data": request.POST if error and action == "save" else None, "audiences": _audiences(),
        "communities": selectors.communities_for(v), "served": set(v.resource.served.values_list("code", flat=True)),
        "live": selectors.live_bookings(v), "actions": selectors.available_actions(request.user, v),
    }, status=400 if error else 200)
