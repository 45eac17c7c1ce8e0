"""Pages of the needs-and-problems loop: residents report and follow; staff dispatch, handle,
verify and supervise; anyone sees a community's public list. Thin: the same services as the API."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.roles import REGISTRY_ROLES, Role
from linli.accounts.selectors import has_role
from linli.core.bounds import check_date
from linli.core.errors import DomainError, NotFound, PermissionDenied
from linli.core.idempotency import scoped_key
from linli.core.ratings import RATING_LABELS
from linli.regions.selectors import Level, node, region_for, regions_for

from . import selectors, services
from .models import HandlingUnit, WorkOrder
from .states import Status

if TYPE_CHECKING:
    from linli.regions.models import RegionNode

STAFF = (*REGISTRY_ROLES, Role.HANDLER)


def _order(request: HttpRequest, pk: int) -> WorkOrder:
    try:
        return selectors.order_for(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _grids_for_report(user: Any) -> list[RegionNode]:
    resident = getattr(user, "resident", None)
    grids = list(regions_for(user, level=Level.GRID).order_by("path")[:500])
    if resident is not None and resident.grid not in grids:
        grids.insert(0, resident.grid)
    return grids


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """Report a problem (residents) or record one found on patrol / by the hotline (staff)."""
    is_staff = has_role(request.user, REGISTRY_ROLES)
    grids = _grids_for_report(request.user)
    cats = list(selectors.leaf_categories().order_by("parent__sort", "sort"))
    ctx: dict[str, Any] = {"grids": grids, "categories": cats, "is_staff": is_staff, "data": request.POST or {},
                           "channels": [("patrol", _("网格巡查")), ("hotline", _("热线"))] if is_staff else []}
    if request.method == "POST":
        try:
            code = request.POST.get("region", "")
            region = next((g for g in grids if g.code == code), None)
            if region is None:
                raise DomainError("invalid", _("请选择所在网格"), field="region")
            category = next((c for c in cats if c.code == request.POST.get("category")), None)
            if category is None:
                raise DomainError("invalid", _("请选择诉求分类"), field="category")
            channel = request.POST.get("channel", "web") if is_staff else "web"
            if channel not in ("web", "patrol", "hotline"):
                channel = "web"
            order = services.submit_order(
                actor=request.user, channel=channel, category=category, description=request.POST.get("description", ""),
                region=region, address=request.POST.get("address", ""), urgency=request.POST.get("urgency", "normal"),
                contact_name=request.POST.get("contact_name", ""), contact_phone=request.POST.get("contact_phone", ""),
                anonymous=request.POST.get("public_name") != "1",
                idempotency_key=scoped_key(channel, request.user, request.POST.get("token")),
                reporter=request.user if channel == "web" else None,
                photos=[f.read() for f in request.FILES.getlist("photos")[: services.MAX_PHOTOS + 1]],
            )
            messages.success(request, _("已提交，工单号 %(n)s") % {"n": order.number})
            return redirect("workorders:detail", pk=order.pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["error_field"] = exc.details.get("field")
    import uuid

    ctx["token"] = uuid.uuid4().hex
    ctx["base_template"] = "staff_base.html" if is_staff else "base.html"
    return render(request, "workorders/report.html", ctx, status=400 if ctx.get("error") else 200)


PATROL_DEFAULT = ["0101", "0102", "0103", "0201", "0202", "0203", "0204", "0302"]


@login_required
def patrol(request: HttpRequest) -> HttpResponse:
    """Grid patrol (巡查上报): on a phone, one tap for the kind of problem, a photo, a word on the
    place; the grid is the worker's own. The categories the worker reported most lately come first."""
    if not has_role(request.user, (Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.CASEWORKER)):
        return render(request, "403.html", {"message": _("此页面仅限网格员使用")}, status=403)
    grids = _grids_for_report(request.user)[:50]
    by_code = {c.code: c for c in selectors.leaf_categories()}
    recent = selectors.patrol_category_codes(request.user)
    tiles = [by_code[c] for c in dict.fromkeys([*recent, *PATROL_DEFAULT]) if c in by_code][:8]
    ctx: dict[str, Any] = {"grids": grids, "tiles": tiles, "categories": sorted(by_code.values(), key=lambda c: c.code),
                           "tiles_codes": [c.code for c in tiles], "data": request.POST or {},
                           "today": selectors.patrol_today(request.user)}
    if request.method == "POST":
        try:
            region = next((g for g in grids if g.code == request.POST.get("region", "")), None)
            if region is None:
                raise DomainError("invalid", _("请选择所在网格"), field="region")
            category = by_code.get(request.POST.get("category", ""))
            if category is None or category.parent_id is None:
                raise DomainError("invalid", _("请选择问题分类"), field="category")
            note = request.POST.get("description", "").strip()
            description = _("巡查发现：%(c)s") % {"c": category.name} + (f"。{note}" if note else "")
            order = services.submit_order(
                actor=request.user, channel="patrol", category=category, description=description, region=region,
                address=request.POST.get("address", ""), urgency="urgent" if request.POST.get("urgent") == "1" else "normal",
                idempotency_key=scoped_key("patrol", request.user, request.POST.get("token")),
                photos=[f.read() for f in request.FILES.getlist("photos")[: services.MAX_PHOTOS + 1]],
            )
            messages.success(request, _("已上报，工单号 %(n)s") % {"n": order.number})
            return redirect("workorders:patrol")
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["error_field"] = exc.details.get("field")
    import uuid

    ctx["token"] = uuid.uuid4().hex
    return render(request, "workorders/patrol.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """htmx: open orders of the same kind in the same community, shown before submitting."""
    grid = next((g for g in _grids_for_report(request.user) if g.code == request.GET.get("region")), None)
    cat = selectors.leaf_categories().filter(code=request.GET.get("category", "")).first()
    # descriptions only for staff of the area; residents see where, what kind and how far along
    orders = selectors.similar_open(request.user, region=grid, category=cat) if grid and cat else []
    return render(request, "workorders/_similar.html", {"orders": orders})


@login_required
@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a similar open order instead of reporting the same problem again (or stop)."""
    try:
        order = selectors.followable(request.user, pk)
        if request.POST.get("stop") == "1":
            services.unfollow(actor=request.user, order=order)
            messages.success(request, _("已取消关注"))
            return redirect("workorders:mine")
        services.follow(actor=request.user, order=order)
        messages.success(request, _("已关注工单 %(n)s，办理进展和结果会通知您") % {"n": order.number})
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workorders:mine")
    return redirect("workorders:detail", pk=pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.orders_for(request.user, mine=True), 20).get_page(request.GET.get("page"))
    return render(request, "workorders/mine.html", {"page": page, "followed": selectors.followed_by(request.user)})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, STAFF):
        return render(request, "403.html", {"message": _("此页面仅限工作人员使用")}, status=403)
    status = request.GET.get("status", "open")
    flt = request.GET.get("flt", "")
    if status not in ("open", "all", *Status.values):
        status = "open"
    qs = selectors.orders_for(request.user, status="" if status == "all" else status,
                              overdue=flt == "overdue", near_limit=flt == "near", q=request.GET.get("q", "")[:50])
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "workorders/queue.html", {
        "page": page, "status": status, "flt": flt, "q": request.GET.get("q", ""), "now": timezone.now(),
        "statuses": Status.choices,
    })


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    view = selectors.order_view(request.user, order)  # what the API's GET /orders/{id} shows too
    staff = view.staff
    return render(request, "workorders/detail.html", {
        "o": view.order, "staff": staff, "full": view.full, "events": view.events,
        "following": not view.full and order.followers.filter(user_id=getattr(request.user, "pk", 0)).exists(),
        "actions": selectors.available_actions(request.user, order),
        "units": HandlingUnit.objects.filter(active=True).order_by("region_path", "name") if staff else [],
        "ratings": sorted(RATING_LABELS.items(), reverse=True), "now": timezone.now(),
        "follow_up": order.follow_up if staff else None,
        "photos": view.photos, "today": timezone.localdate(),
        "base_template": "staff_base.html" if staff else "base.html",
    })


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    a, p, user = request.POST.get("action", ""), request.POST, request.user
    try:
        if a == "follow_up" and (task := order.follow_up) is not None:
            services.complete_follow_up(actor=user, follow_up=task, answer=p.get("answer", ""),
                                        reopen=p.get("reopen") == "1")
        else:
            into = selectors.orders_for(user).filter(number=p.get("into", "").strip()).first() if p.get("into") else None
            if p.get("into") and into is None:
                raise DomainError("invalid", _("未找到要合并到的工单"), field="into")
            services.perform(actor=user, order=order, action=a, reason=p.get("reason", ""), result=p.get("result", ""),
                             unit=selectors.active_unit(p.get("unit")), into=into,
                             rating=int(p["rating"]) if p.get("rating") else None, comment=p.get("comment", ""),
                             due_date=dt.date.fromisoformat(p["due_date"]) if p.get("due_date") else None)
        messages.success(request, _("已完成：%(a)s") % {"a": dict(_action_labels()).get(a, a)})
    except PermissionDenied:
        raise  # the 403 page (core.handlers.refusal), as the API answers 403
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, _("输入有误"))
    if p.get("back") == "supervise":  # acted from the supervision page: back to its list
        return redirect("workorders:supervise")
    return redirect("workorders:detail", pk=order.pk)


def _action_labels() -> list[tuple[str, str]]:
    from .states import Action

    return [(a.value, str(a.label)) for a in Action] + [("follow_up", _("回访")), ("urge", _("督办")), ("extend", _("延期"))]


@login_required
def supervise(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, REGISTRY_ROLES):
        return render(request, "403.html", {"message": _("此页面仅限工作人员使用")}, status=403)
    today = timezone.localdate()
    try:
        start = check_date(dt.date.fromisoformat(request.GET.get("start") or today.replace(day=1).isoformat()))
        end = check_date(dt.date.fromisoformat(request.GET.get("end") or today.isoformat()))
    except (ValueError, DomainError):
        start, end = today.replace(day=1), today
    region = None
    if request.GET.get("region"):
        try:
            region = region_for(request.user, request.GET["region"])
        except NotFound as exc:
            raise Http404 from exc
    # each overdue order with what this supervisor may do to it: 督办, 延期, 改派
    overdue = [(o, selectors.supervisor_actions(request.user, o))
               for o in selectors.orders_for(request.user, overdue=True, region=region).order_by("due_at")[:50]]
    return render(request, "workorders/supervise.html", {
        "figures": selectors.figures(request.user, start=start, end=end, region=region), "start": start, "end": end,
        "overdue": overdue, "today": today,
        "units": HandlingUnit.objects.filter(active=True).order_by("region_path", "name") if any(
            "reroute" in acts for _o, acts in overdue) else [],
        "near": selectors.orders_for(request.user, near_limit=True, region=region).order_by("due_at")[:50],
        "follow_ups": selectors.follow_ups_for(request.user)[:50], "region": region, "now": timezone.now(),
    })


@login_required
def photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    """Photos are private files: served only to those who may see the order."""
    from django.http import FileResponse

    order = _order(request, pk)
    item = order.photos.filter(pk=photo_pk).first() if selectors.sees_everything(request.user, order) else None
    if item is None:  # followers see the progress, not another person's photos
        raise Http404
    resp = FileResponse(item.file.open("rb"), content_type=item.content_type)
    resp["Cache-Control"] = "private, max-age=3600"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def public(request: HttpRequest, code: str) -> HttpResponse:
    """Transparency: a community's (or a street's, a district's) orders without personal data. No login."""
    community = node(code, level=(Level.COMMUNITY, Level.STREET, Level.DISTRICT))
    if community is None:
        raise Http404
    page = Paginator(selectors.public_orders(community=community), 30).get_page(request.GET.get("page"))
    return render(request, "workorders/public.html", {"community": community, "page": page})


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    """Hotline console: look the caller up by phone, then record the call in one keyboard pass."""
    if not has_role(request.user, REGISTRY_ROLES):
        return render(request, "403.html", {"message": _("此页面仅限工作人员使用")}, status=403)
    phone = "".join(ch for ch in request.GET.get("phone") or request.GET.get("contact_phone") or request.POST.get("contact_phone", "") if ch.isdigit())[:11]
    found = selectors.caller_lookup(request.user, phone)
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "workorders/_caller.html", {"found": found, "phone": phone})
    grids = _grids_for_report(request.user)
    ctx: dict[str, Any] = {"found": found, "phone": phone, "grids": grids, "data": request.POST or {},
                           "categories": list(selectors.leaf_categories().order_by("code"))}
    if request.method == "POST":
        try:
            region = next((g for g in grids if g.code == request.POST.get("region")), None)
            category = next((c for c in ctx["categories"] if c.code == request.POST.get("category", "").strip()), None)
            if region is None:
                raise DomainError("invalid", _("请选择所在网格"), field="region")
            if category is None:
                raise DomainError("invalid", _("分类编码不存在"), field="category")
            order = services.submit_order(
                actor=request.user, channel="hotline", category=category, description=request.POST.get("description", ""),
                region=region, address=request.POST.get("address", ""), urgency=request.POST.get("urgency", "normal"),
                contact_name=request.POST.get("contact_name", ""), contact_phone=phone,
                idempotency_key=scoped_key("hotline", request.user, request.POST.get("token")),
                reporter=found["residents"][0].user if found["residents"] and hasattr(found["residents"][0], "user") else None,
            )
            messages.success(request, _("已登记热线工单 %(n)s") % {"n": order.number})
            return redirect("workorders:hotline")
        except DomainError as exc:
            ctx["error"] = exc.message
    import uuid

    ctx["token"] = uuid.uuid4().hex
    return render(request, "workorders/hotline.html", ctx, status=400 if ctx.get("error") else 200)


def notifications(request: HttpRequest) -> HttpResponse:
    """The old address of the inbox (bookmarks, texts already sent): the messaging inbox."""
    return redirect("messaging:inbox", permanent=True)
