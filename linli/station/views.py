"""Pages of the service station: browse and search, an offering with its free slots and reviews,
recommendations consent, reviews after attending, provider application and console, vetting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.booking import selectors as booking_selectors
from linli.booking.models import Reservation
from linli.core.errors import DomainError, NotFound
from linli.regions.models import Level, RegionNode

from . import selectors, services
from .models import Consent, Offering, Provider, Review


def browse(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:30]
    category = request.GET.get("category", "")
    price = request.GET.get("price", "")
    try:
        day = parse_date(request.GET.get("date", "")[:10]) if request.GET.get("date") else None
    except ValueError:
        day = None
    rows = selectors.search(q=q, category=category if category in Offering.Category.values else "",
                            price_type=price if price in Offering.Price.values else "",
                            community=request.GET.get("community", "")[:12], date=day)
    consent = Consent.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    return render(request, "station/browse.html", {
        "rows": rows, "q": q, "category": category, "price": price, "date": request.GET.get("date", ""),
        "categories": Offering.Category.choices, "prices": Offering.Price.choices,
        "recommended": selectors.recommendations(request.user) if request.user.is_authenticated else [],
        "consent": consent})


def offering(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.offering(pk)
    except NotFound as exc:
        raise Http404 from exc
    services.count_view(found)
    day = timezone.localdate()
    days = [(day + dt.timedelta(days=i), booking_selectors.day_view(found.resource, day + dt.timedelta(days=i),
                                                                       viewer=request.user)) for i in range(3)]
    return render(request, "station/offering.html", {"o": found, "days": days, "reviews": selectors.reviews_of(found)[:50],
                                                     "communities": found.communities.all()})


@login_required
@require_POST
def recommendations_toggle(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("on") == "1"
    services.set_recommendations(actor=request.user, on=on)
    messages.success(request, _("已开启精准推荐") if on else _("已关闭精准推荐，不再按您的情况推荐"))
    return redirect("station:browse")


@login_required
def review(request: HttpRequest, reservation_pk: int) -> HttpResponse:
    res = Reservation.objects.filter(pk=reservation_pk, user_id=request.user.pk or 0).select_related("resource").first()
    if res is None:
        raise Http404
    if request.method == "POST":
        try:
            services.review(actor=request.user, reservation=res, rating=int(request.POST.get("rating") or 0),
                            text=request.POST.get("text", ""))
            messages.success(request, _("感谢您的评价"))
            return redirect("booking:mine")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误")))
    return render(request, "station/review.html", {"res": res})


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    regions = RegionNode.objects.filter(level__in=(Level.STREET, Level.COMMUNITY)).order_by("path")[:2000]
    ctx: dict[str, Any] = {"kinds": Provider.Kind.choices, "regions": regions, "data": request.POST or {}}
    if request.method == "POST":
        try:
            region = RegionNode.objects.filter(code=request.POST.get("region", "")).first()
            upload = request.FILES.get("licence")
            services.apply_provider(actor=request.user, name=request.POST.get("name", ""), code=request.POST.get("uscc", ""),
                                    kind=request.POST.get("kind", ""), contact_name=request.POST.get("contact_name", ""),
                                    contact_phone=request.POST.get("contact_phone", ""), address=request.POST.get("address", ""),
                                    region=region, licence=upload.read() if upload else None)
            messages.success(request, _("已提交，街道或社区审核通过后即可发布服务"))
            return redirect("station:console")
        except DomainError as exc:
            ctx["error"] = exc.message
    return render(request, "station/apply.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def console(request: HttpRequest) -> HttpResponse:
    providers = list(selectors.my_providers(request.user))
    if not providers:
        return redirect("station:apply")
    if request.method == "POST" and request.POST.get("review"):
        rv = Review.objects.filter(pk=_int(request.POST.get("review")), offering__provider__in=providers).first()
        try:
            if rv is None:
                raise DomainError("invalid", _("评价不存在"))
            services.reply(actor=request.user, review_obj=rv, text=request.POST.get("text", ""))
            messages.success(request, _("已回复"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("station:console")
    today = timezone.localdate()
    blocks = []
    for p in providers:
        offerings = list(p.offerings.select_related("resource"))
        todays = [(o, booking_selectors.resource_day(request.user, o.resource, today)) for o in offerings]
        blocks.append({"p": p, "offerings": offerings, "today": todays, "figures": selectors.provider_figures(p),
                       "reviews": Review.objects.filter(offering__provider=p).select_related("offering", "user")[:30]})
    return render(request, "station/console.html", {"blocks": blocks, "today": today})


def _int(value: Any) -> int:
    return int(value) if str(value or "").isdigit() else 0


@login_required
def new_offering(request: HttpRequest) -> HttpResponse:
    providers = list(selectors.my_providers(request.user).filter(state=Provider.State.APPROVED))
    if not providers:
        return redirect("station:console")
    communities = RegionNode.objects.filter(level=Level.COMMUNITY, path__startswith=providers[0].region_path[:9]).order_by("path")
    from linli.booking.models import OpeningRule

    ctx: dict[str, Any] = {"providers": providers, "categories": Offering.Category.choices, "prices": Offering.Price.choices,
                           "communities": communities, "data": request.POST or {}, "weekdays": OpeningRule.WEEKDAYS}
    if request.method == "POST":
        try:
            provider = next((p for p in providers if str(p.pk) == request.POST.get("provider")), None)
            if provider is None:
                raise DomainError("invalid", _("请选择服务商"), field="provider")
            opens = dt.time.fromisoformat(request.POST.get("opens") or "09:00")
            closes = dt.time.fromisoformat(request.POST.get("closes") or "17:00")
            chosen = list(RegionNode.objects.filter(code__in=request.POST.getlist("communities"), level=Level.COMMUNITY))
            photo = request.FILES.get("photo")
            o = services.add_offering(
                actor=request.user, provider=provider, title=request.POST.get("title", ""), category=request.POST.get("category", ""),
                price_type=request.POST.get("price_type", ""), price=request.POST.get("price", ""),
                description=request.POST.get("description", ""), communities=chosen,
                weekdays=[int(d) for d in request.POST.getlist("weekdays") if d.isdigit()], opens=opens, closes=closes,
                slot_minutes=int(request.POST.get("slot_minutes") or 60), capacity=int(request.POST.get("capacity") or 1),
                tags=[t.strip() for t in request.POST.get("tags", "").split(",") if t.strip()],
                photo=photo.read() if photo else None, approval_required=request.POST.get("approval") == "1")
            messages.success(request, _("已发布"))
            return redirect("station:offering", pk=o.pk)
        except (DomainError, ValueError) as exc:
            ctx["error"] = getattr(exc, "message", _("时间格式不正确"))
    return render(request, "station/new_offering.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def vetting(request: HttpRequest) -> HttpResponse:
    from linli.accounts.selectors import has_role

    if not has_role(request.user, services.VET_ROLES):
        return render(request, "403.html", {"message": _("此页面仅限街道、社区管理员使用")}, status=403)
    if request.method == "POST":
        try:
            if request.POST.get("review"):
                rv = Review.objects.filter(pk=_int(request.POST.get("review"))).first()
                if rv is None:
                    raise DomainError("invalid", _("评价不存在"))
                services.hide_review(actor=request.user, review_obj=rv, reason=request.POST.get("reason", ""))
            else:
                provider = selectors.providers_to_vet(request.user).filter(pk=_int(request.POST.get("provider"))).first()
                if provider is None:
                    raise DomainError("invalid", _("服务商不存在"))
                services.vet(actor=request.user, provider=provider, decision=request.POST.get("decision", ""),
                             reason=request.POST.get("reason", ""))
            messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("station:vetting")
    providers = selectors.providers_to_vet(request.user)
    recent = Review.objects.filter(offering__provider__in=providers, hidden=False).select_related("offering", "user")[:50]
    return render(request, "station/vetting.html", {"providers": providers[:200], "reviews": recent,
                                                    "figures": selectors.area_figures(request.user),
                                                    "places": selectors.figures_by_place(request.user)})
