"""Pages of the service station: browse and search, an offering with its free slots and reviews,
recommendations consent, reviews after attending, provider application and console, vetting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.booking import selectors as booking_selectors
from linli.core.bounds import page_date
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_int
from linli.core.reasons import clean_reason
from linli.regions import selectors as region_selectors
from linli.regions.selectors import Level

from . import selectors, services
from .models import Consent, Offering, Provider, Review


def _date_param(request: HttpRequest) -> dt.date | None:
    try:
        return page_date(parse_date(request.GET.get("date", "")[:10]), schedule=True) if request.GET.get("date") else None
    except ValueError:
        return None


def _area_param(request: HttpRequest) -> Any:
    """``?area=``: a street or district (its region path or 12-digit code), the portal's "more"
    link of a street or district; anything else is ignored (the whole list)."""
    value = request.GET.get("area", "").strip()[:12]
    if not (value.isascii() and value.isdigit()):
        return None
    return region_selectors.node_by_code_or_path(value, level=Level.STREET) or region_selectors.node_by_code_or_path(
        value, level=Level.DISTRICT)


def _home_path(user: Any) -> str:
    """Where the person lives (a resident) or works (staff): the search offers that street's communities."""
    resident = getattr(user, "resident", None) if user.is_authenticated else None
    if resident is not None:
        return str(resident.region_path)
    from linli.accounts.selectors import role_assignments

    paths = [a.region_path for a in role_assignments(user)] if user.is_authenticated else []
    return min(paths, key=len) if paths else ""


def browse(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:30]
    category = request.GET.get("category", "")
    price = request.GET.get("price", "")
    community = request.GET.get("community", "")[:12]
    area = _area_param(request)
    day = _date_param(request)
    rows = selectors.search(q=q, category=category if category in Offering.Category.values else "",
                            price_type=price if price in Offering.Price.values else "", community=community, date=day,
                            area=area.path if area is not None else "")
    consent = Consent.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    return render(request, "station/browse.html", {
        "rows": rows, "q": q, "category": category, "price": price, "date": day.isoformat() if day else "",
        "community": community, "area": area,
        "communities": selectors.communities_served(near=area.path if area is not None else _home_path(request.user),
                                                    chosen=community)[:60],
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
    return render(request, "station/offering.html", {
        "o": found, "days": days, "reviews": selectors.reviews_of(found)[:50], "communities": found.communities.all(),
        "photos": found.photos.all()[:services.MAX_PHOTOS], "serving": found.staff.all()[:20]})


@login_required
@require_POST
def recommendations_toggle(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("on") == "1"
    services.set_recommendations(actor=request.user, on=on)
    messages.success(request, _("已开启精准推荐") if on else _("已关闭精准推荐，不再按您的情况推荐"))
    return redirect("station:browse")


@login_required
def review(request: HttpRequest, reservation_pk: int) -> HttpResponse:
    res = booking_selectors.own_reservation(request.user.pk or 0, reservation_pk)
    if res is None:
        raise Http404
    if request.method == "POST":
        try:
            services.review(actor=request.user, reservation=res, rating=form_int(request.POST.get("rating")),
                            text=request.POST.get("text", ""))
            messages.success(request, _("感谢您的评价"))
            return redirect("booking:mine")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误")))
    return render(request, "station/review.html", {"res": res})


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    regions = region_selectors.nodes(level=(Level.STREET, Level.COMMUNITY))[:2000]
    ctx: dict[str, Any] = {"kinds": Provider.Kind.choices, "regions": regions, "data": request.POST or {}}
    if request.method == "POST":
        try:
            region = region_selectors.node(request.POST.get("region", ""))
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
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch

    providers = list(selectors.my_providers(request.user).prefetch_related(
        Prefetch("staff", queryset=get_user_model().objects.order_by("display_name", "username"))))
    if not providers:
        return redirect("station:apply")
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action") or ("reply" if request.POST.get("review") else "")
        provider = next((p for p in providers if str(p.pk) == request.POST.get("provider")), None)
        try:
            if action == "reply":
                rv = Review.objects.filter(pk=form_int(request.POST.get("review")), offering__provider__in=providers).first()
                if rv is None:
                    raise DomainError("invalid", _("评价不存在"))
                services.reply(actor=request.user, review_obj=rv, text=request.POST.get("text", ""))
                messages.success(request, _("已回复"))
            elif action in ("staff_add", "staff_remove"):
                if provider is None:
                    raise DomainError("invalid", _("请选择服务商"), field="provider")
                if action == "staff_add":
                    services.add_staff(actor=request.user, provider=provider,
                                       user=selectors.user_by_login(request.POST.get("login", "")))
                    messages.success(request, _("已添加工作人员"))
                else:
                    person = provider.staff.filter(pk=form_int(request.POST.get("user"))).first()
                    if person is None:
                        raise DomainError("not_found", _("该用户不是本服务商的工作人员"), field="user")
                    services.remove_staff(actor=request.user, provider=provider, user=person)
                    messages.success(request, _("已移除工作人员"))
            elif action in ("publish", "unpublish"):
                o = selectors.offering_of_provider(request.user, form_int(request.POST.get("offering")))
                live = services.set_published(actor=request.user, offering=o, published=action == "publish")
                if action == "publish":
                    messages.success(request, _("已重新上架"))
                else:
                    messages.success(request, _("已下架，不再接受新预约；已有的 %(n)s 个预约仍然有效") % {"n": live})
            else:
                raise DomainError("invalid", _("未知操作"))
            return redirect("station:console")
        except (DomainError, NotFound) as exc:
            if action.startswith("staff_") and provider is not None:
                errors[f"staff-{provider.pk}"] = str(exc.message)  # beside the staff form
            else:
                errors["any"] = str(exc.message)
    today = timezone.localdate()
    blocks = []
    for p in providers:
        offerings = list(p.offerings.select_related("resource").order_by("-active", "title"))
        figures = selectors.per_offering_figures(p)
        day = selectors.bookings_on(offerings, today)
        for o in offerings:
            o.provider = p  # the one already read (its state decides whether it may be published again)
        todays = [(o, day[o.resource_id], figures.get(o.pk), selectors.available_actions(request.user, o)) for o in offerings]
        reviews = list(Review.objects.filter(offering__provider=p).select_related("offering", "user")[:30])
        for r in reviews:
            r.offering.provider = p
            r.actions = selectors.available_actions(request.user, r)  # type: ignore[attr-defined]
        blocks.append({"p": p, "actions": selectors.available_actions(request.user, p), "offerings": offerings,
                       "today": todays, "figures": selectors.provider_figures(p),
                       "staff": list(p.staff.all()),  # prefetched in that order
                       "staff_error": errors.get(f"staff-{p.pk}", ""), "reviews": reviews})
    return render(request, "station/console.html", {"blocks": blocks, "today": today, "errors": errors},
                  status=400 if errors else 200)


@login_required
def new_offering(request: HttpRequest) -> HttpResponse:
    providers = list(selectors.my_providers(request.user).filter(state=Provider.State.APPROVED))
    if not providers:
        return redirect("station:console")
    communities = region_selectors.communities_under(providers[0].region_path[:9])

    ctx: dict[str, Any] = {"providers": providers, "categories": Offering.Category.choices, "prices": Offering.Price.choices,
                           "communities": communities, "data": request.POST or {}, "weekdays": booking_selectors.WEEKDAYS}
    if request.method == "POST":
        try:
            provider = next((p for p in providers if str(p.pk) == request.POST.get("provider")), None)
            if provider is None:
                raise DomainError("invalid", _("请选择服务商"), field="provider")
            opens = dt.time.fromisoformat(request.POST.get("opens") or "09:00")
            closes = dt.time.fromisoformat(request.POST.get("closes") or "17:00")
            chosen = list(region_selectors.nodes(codes=request.POST.getlist("communities"), level=Level.COMMUNITY))
            uploads = request.FILES.getlist("photos") or request.FILES.getlist("photo")
            o = services.add_offering(
                actor=request.user, provider=provider, title=request.POST.get("title", ""), category=request.POST.get("category", ""),
                price_type=request.POST.get("price_type", ""), price=request.POST.get("price", ""),
                description=request.POST.get("description", ""), communities=chosen,
                weekdays=[int(d) for d in request.POST.getlist("weekdays") if d.isdigit()], opens=opens, closes=closes,
                slot_minutes=form_int(request.POST.get("slot_minutes"), 60), capacity=form_int(request.POST.get("capacity"), 1),
                tags=[t.strip() for t in request.POST.get("tags", "").split(",") if t.strip()],
                photos=[f.read() for f in uploads[:services.MAX_PHOTOS + 1]], approval_required=request.POST.get("approval") == "1",
                at_home=request.POST.get("at_home") == "1")
            messages.success(request, _("已发布"))
            return redirect("station:offering", pk=o.pk)
        except (DomainError, ValueError) as exc:
            ctx["error"] = getattr(exc, "message", _("时间格式不正确"))
    return render(request, "station/new_offering.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def edit_offering(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider edits an offering it runs: text, price, communities, seats, approval, the
    staff who serve, photos. Hours and closures: the schedule page."""
    try:
        o = selectors.offering_of_provider(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    communities = region_selectors.communities_under(o.provider.region_path[:9])
    error = ""
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            if action == "photos":
                services.add_photos(actor=request.user, offering=o,
                                    photos=[f.read() for f in request.FILES.getlist("photos")[:services.MAX_PHOTOS + 1]])
                messages.success(request, _("照片已上传"))
            elif action == "photo_remove":
                photo = o.photos.filter(pk=form_int(request.POST.get("photo"))).first()
                if photo is None:
                    raise DomainError("not_found", _("照片不存在"))
                services.remove_photo(actor=request.user, photo=photo)
                messages.success(request, _("照片已删除"))
            else:
                chosen = list(region_selectors.nodes(codes=request.POST.getlist("communities")[:200], level=Level.COMMUNITY))
                staff_ids = [form_int(v) for v in request.POST.getlist("staff")[:100]]
                services.update_offering(
                    actor=request.user, offering=o, title=request.POST.get("title", ""),
                    category=request.POST.get("category", ""), price_type=request.POST.get("price_type", ""),
                    price=request.POST.get("price", ""), description=request.POST.get("description", ""),
                    communities=chosen, capacity=form_int(request.POST.get("capacity")),
                    tags=[t.strip() for t in request.POST.get("tags", "").split(",") if t.strip()],
                    approval_required=request.POST.get("approval") == "1", at_home=request.POST.get("at_home") == "1",
                    staff=list(o.provider.staff.filter(pk__in=staff_ids)) if staff_ids else [])
                messages.success(request, _("已保存"))
            return redirect("station:edit_offering", pk=o.pk)
        except DomainError as exc:
            error = str(exc.message)
            o = selectors.offering_of_provider(request.user, pk)  # as stored, not half-edited
    data = request.POST if request.method == "POST" and action == "save" else None
    return render(request, "station/edit_offering.html", {
        "o": o, "error": error, "error_photos": error if action in ("photos", "photo_remove") else "",
        "error_form": error if action == "save" else "", "data": data,
        "categories": Offering.Category.choices, "prices": Offering.Price.choices, "communities": communities,
        "chosen": set(o.communities.values_list("code", flat=True)), "staff": o.provider.staff.order_by("display_name"),
        "serving": set(o.staff.values_list("pk", flat=True)), "photos": o.photos.all(), "max_photos": services.MAX_PHOTOS,
    }, status=400 if error else 200)


def _vetter(request: HttpRequest) -> HttpResponse | None:
    from linli.accounts.selectors import has_role

    if not has_role(request.user, services.VET_ROLES):
        return render(request, "403.html", {"message": _("此页面仅限街道、社区管理员使用")}, status=403)
    return None


@login_required
def vetting(request: HttpRequest) -> HttpResponse:
    denied = _vetter(request)
    if denied is not None:
        return denied
    if request.method == "POST":
        try:
            if request.POST.get("review"):
                rv = Review.objects.filter(pk=form_int(request.POST.get("review"))).first()
                if rv is None:
                    raise DomainError("invalid", _("评价不存在"))
                services.hide_review(actor=request.user, review_obj=rv, reason=request.POST.get("reason", ""))
            else:
                provider = selectors.providers_to_vet(request.user).filter(pk=form_int(request.POST.get("provider"))).first()
                if provider is None:
                    raise DomainError("invalid", _("服务商不存在"))
                services.vet(actor=request.user, provider=provider, decision=request.POST.get("decision", ""),
                             reason=request.POST.get("reason", ""))
            messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("station:vetting")
    from linli.core.masking import mask_phone

    days = selectors.period_days(request.GET.get("days"))
    providers = list(selectors.providers_to_vet(request.user).prefetch_related("staff")[:200])
    by_pk = {p.pk: p for p in providers}
    for p in providers:
        p.masked_phone = mask_phone(p.contact_phone)  # type: ignore[attr-defined]
        p.actions = selectors.available_actions(request.user, p)  # type: ignore[attr-defined]
    recent = list(Review.objects.filter(offering__provider__in=[p.pk for p in providers], hidden=False)
                  .select_related("offering", "user")[:50])
    for r in recent:
        r.offering.provider = by_pk[r.offering.provider_id]  # with its staff already read
        r.actions = selectors.available_actions(request.user, r)  # type: ignore[attr-defined]
    return render(request, "station/vetting.html", {"providers": providers, "reviews": recent, "days": days,
                                                    "periods": selectors.PERIODS,
                                                    "figures": selectors.area_figures(request.user, days=days),
                                                    "places": selectors.figures_by_place(request.user, days=days)})


@login_required
@require_POST
def vetting_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A vetter sees the provider's whole contact phone, with a reason (a sensitive-access record)."""
    denied = _vetter(request)
    if denied is not None:
        return denied
    provider = selectors.providers_to_vet(request.user).filter(pk=pk).first()
    if provider is None:
        raise Http404
    from linli.core.masking import mask_phone

    provider.masked_phone = mask_phone(provider.contact_phone)  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {"p": provider}
    purpose, reason = request.POST.get("purpose", ""), request.POST.get("reason", "")
    try:
        ctx["revealed"] = services.reveal_contact(actor=request.user, provider=provider, reason=reason, purpose=purpose)
        ctx["reason"] = clean_reason(purpose, reason)  # as recorded
    except DomainError as exc:
        ctx.update(error=exc.message, purpose=purpose, reason_text=reason[:180])
    status = 400 if ctx.get("error") else 200
    # the number is shown in the answer itself, never carried in a (signed, unencrypted) message cookie
    if request.headers.get("HX-Request"):
        return render(request, "station/_contact.html", ctx, status=status)
    return render(request, "station/contact.html", ctx, status=status)


@login_required
def licence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The provider's licence (a private file) for the vetters of its area and its own staff."""
    provider = (selectors.providers_to_vet(request.user).filter(pk=pk).first()
                or selectors.my_providers(request.user).filter(pk=pk).first())
    if provider is None:
        raise Http404
    try:
        handle = services.open_licence(actor=request.user, provider=provider)
    except DomainError as exc:
        raise Http404 from exc
    resp = FileResponse(handle, content_type=provider.licence_type or "application/octet-stream")
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Disposition"] = f'inline; filename="licence-{provider.pk}.{provider.licence.name.rsplit(".", 1)[-1]}"'
    return resp


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """Open follow-ups of bad reviews: a provider's staff see their providers' (answered by the
    reply on the console), station admins those of their area; overdue ones first."""
    if not selectors.answers_review_follow_ups(request.user):
        return render(request, "403.html", {"message": _("此页面仅限服务商工作人员和街道、社区管理员使用")}, status=403)
    overdue = request.GET.get("flt") == "overdue"
    rows = list(selectors.review_follow_ups_for(request.user, overdue=overdue)[:200])
    staff_of = set(selectors.my_providers(request.user).values_list("pk", flat=True))
    return render(request, "station/follow_ups.html", {
        "rows": [(task, task.target, task.target is not None and task.target.offering.provider_id in staff_of) for task in rows],
        "overdue": overdue, "today": timezone.localdate(),
    })
