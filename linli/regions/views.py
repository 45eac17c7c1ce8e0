"""Staff pages of the registry. Thin: the same selectors and services as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.roles import ADMIN_ROLES, REGISTRY_ROLES, REGISTRY_WRITE_ROLES
from linli.accounts.selectors import has_role, role_assignments
from linli.core.bounds import check_date
from linli.core.errors import DomainError, NotFound
from linli.core.errors import PermissionDenied as DomainPermissionDenied
from linli.core.forms import form_int
from linli.core.reasons import clean_reason

from . import importexport, selectors, services
from .models import HomeVisit, ImportBatch, Level


def staff_page(roles: tuple[str, ...] = REGISTRY_ROLES):  # type: ignore[no-untyped-def]
    """Login required, and one of ``roles`` somewhere; residents get 403, never data."""

    def deco(view):  # type: ignore[no-untyped-def]
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, roles):
                return render(request, "403.html", {"message": _("此页面仅限工作人员使用")}, status=403)
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(str(exc.message)) from exc
            except DomainPermissionDenied as exc:
                return render(request, "403.html", {"message": exc.message}, status=403)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return deco


def _region(request: HttpRequest):  # type: ignore[no-untyped-def]
    code = request.GET.get("region") or request.POST.get("region")
    return selectors.region_for(request.user, code) if code else None


def _page(request: HttpRequest, qs: Any, per_page: int = 20) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@staff_page()
def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/workbench.html", {
        "assignments": role_assignments(request.user),
        "counts": selectors.registry_counts(request.user),
        "can_write": has_role(request.user, REGISTRY_WRITE_ROLES),
        "is_admin": has_role(request.user, ADMIN_ROLES),
    })


SEARCH_KEY = "registry_search_lookup"
SEARCH_KEEP = ("address", "region", "moved_out")


@staff_page()
def resident_search(request: HttpRequest) -> HttpResponse:
    """Search. Names, pinyin and addresses travel in the query string; a whole ID number or phone
    never does (PIPL): the form sends it by POST, it is audited, kept in the session as its lookup
    hash and shown masked, and ``?by=lookup`` applies it. A number put in the URL is refused."""
    data = request.POST if request.method == "POST" else request.GET
    q = data.get("q", "").strip()[:50]
    keep = {k: data[k][:100] for k in SEARCH_KEEP if data.get(k)}
    htmx = bool(request.headers.get("HX-Request"))
    lookup = None
    error = hint = None
    if request.method == "POST":
        if selectors.private_in_query(q):
            if htmx and request.headers.get("HX-Trigger") == "q":
                hint = _("输入完整的身份证号或手机号后，请按回车或点“检索”查找(将记录在案)")
            else:
                try:
                    lookup = services.search_lookup(actor=request.user, q=q)
                    request.session[SEARCH_KEY] = lookup
                    keep["by"] = "lookup"
                except DomainError as exc:
                    error = exc.message
            q = ""
        elif q:
            keep["q"] = q
        if not htmx:
            if error:
                messages.error(request, error)
            return redirect(f"{reverse('regions:residents')}?{urlencode(keep)}")
    elif selectors.private_in_query(q):
        messages.error(request, _("为保护个人信息，身份证号、手机号不能放在网址中，请在检索框中输入后点“检索”"))
        return redirect(f"{reverse('regions:residents')}?{urlencode(keep)}")
    elif request.GET.get("by") == "lookup":
        lookup = request.session.get(SEARCH_KEY)
        if lookup:
            keep["by"] = "lookup"
    address = keep.get("address", "")
    region = selectors.region_for(request.user, keep["region"]) if keep.get("region") else None
    qs = selectors.residents_for(request.user, q=q, address=address, region=region, lookup=lookup,
                                 include_moved_out=keep.get("moved_out") == "1")
    page = _page(request, qs.none() if error or hint else qs)
    ctx = {"page": page, "q": q, "address": address, "region": region, "lookup": lookup, "error": error, "hint": hint,
           "kind": lookup["kind"] if lookup else selectors.classify_query(q).kind,
           "query": urlencode({**keep, **({"q": q} if q else {})}),
           "regions": selectors.regions_for(request.user).exclude(level=Level.GRID).order_by("path")[:300]}
    template = "regions/_resident_results.html" if htmx else "regions/resident_search.html"
    return render(request, template, ctx)


@staff_page()
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = selectors.resident_for(request.user, pk)
    return render(request, "regions/resident_detail.html", {
        "r": resident,
        "members": selectors.household_members(resident.household),
        "history": selectors.resident_history(request.user, resident),
        "can_reveal": request.user.has_perm("regions.reveal_personal", resident),
        "can_edit": request.user.has_perm("regions.change_registry", resident),
    })


@staff_page()
@require_POST
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    resident = selectors.resident_for(request.user, pk)
    ctx: dict[str, Any] = {"r": resident, "can_reveal": True}
    try:
        ctx["revealed"] = services.reveal_resident(actor=request.user, resident=resident,
                                                   reason=request.POST.get("reason", ""), purpose=request.POST.get("purpose", ""),
                                                   fields=("id_number", "phone", "sensitive_tags"))
        ctx["reason"] = clean_reason(request.POST.get("purpose", ""), request.POST.get("reason", ""))  # as recorded
    except DomainError as exc:
        ctx.update(error=exc.message, purpose=request.POST.get("purpose", ""), reason_text=request.POST.get("reason", "")[:180])
    if request.headers.get("HX-Request"):
        return render(request, "regions/_reveal.html", ctx)
    ctx.update({"members": selectors.household_members(resident.household),
                "history": selectors.resident_history(request.user, resident)})
    return render(request, "regions/resident_detail.html", ctx)


@staff_page()
def room_search(request: HttpRequest) -> HttpResponse:
    address = request.GET.get("address", "")[:100]
    region = _region(request)
    page = _page(request, selectors.rooms_for(request.user, region=region, address=address))
    return render(request, "regions/room_search.html", {"page": page, "address": address, "region": region})


@staff_page()
def room_detail(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.room_for(request.user, pk)
    return render(request, "regions/room_detail.html", {
        "room": room,
        "owners": room.ownerships.filter(until__isnull=True),
        "households": selectors.room_households(room),
        "history": selectors.history_for(request.user, room)[:50],
        "can_write": request.user.has_perm("regions.change_registry", room),
    })


@staff_page(REGISTRY_WRITE_ROLES)
def import_upload(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要上传的 Excel 文件")
        else:
            try:
                batch = importexport.validate_upload(actor=request.user, kind=request.POST.get("kind", ""),
                                                     filename=upload.name or "", data=upload.read())
                return redirect("regions:import_report", pk=batch.pk)
            except DomainError as exc:
                error = exc.message
    recent = ImportBatch.objects.filter(uploaded_by_id=request.user.pk)[:10]
    return render(request, "regions/import_upload.html", {"error": error, "recent": recent}, status=400 if error else 200)


@staff_page(REGISTRY_WRITE_ROLES)
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = ImportBatch.objects.filter(pk=pk, uploaded_by_id=request.user.pk).first()
    if batch is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "discard":
                importexport.discard_import(actor=request.user, batch=batch)
                messages.info(request, _("已放弃本次导入"))
                return redirect("regions:import")
            batch = importexport.confirm_import(actor=request.user, batch=batch, valid_only=request.POST.get("valid_only") == "1")
            messages.success(request, _("导入完成：写入 %(n)s 行") % {"n": batch.imported_rows})
            return redirect("regions:import_report", pk=batch.pk)
        except DomainError as exc:
            error = exc.message
            batch.refresh_from_db()
    return render(request, "regions/import_report.html", {"batch": batch, "error": error})


@staff_page(REGISTRY_WRITE_ROLES)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportBatch.Kind.values:
        raise Http404
    resp = HttpResponse(importexport.template_workbook(kind, request.user),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return resp


@staff_page()
def export(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    if request.method == "POST":
        unmasked = request.POST.get("unmasked") == "1"
        try:
            data = importexport.export_residents(
                actor=request.user, residents=selectors.residents_for(request.user, region=region),
                unmasked=unmasked, reason=request.POST.get("reason", ""), purpose=request.POST.get("purpose", ""), region=region)
        except DomainError as exc:
            return render(request, "regions/export.html", {"error": exc.message, "region": region,
                                                           "regions": selectors.regions_for(request.user).order_by("path")[:300]}, status=400)
        resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="residents-{timezone.localdate():%Y%m%d}.xlsx"'
        return resp
    return render(request, "regions/export.html", {"region": region,
                                                   "regions": selectors.regions_for(request.user).order_by("path")[:300]})


@staff_page()
def visits(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    today = timezone.localdate()
    try:
        start = check_date(dt.date.fromisoformat(request.GET.get("start") or today.replace(day=1).isoformat()))
        end = check_date(dt.date.fromisoformat(request.GET.get("end") or today.isoformat()))
    except (ValueError, DomainError):
        start, end = today.replace(day=1), today
    error = None
    if request.method == "POST":
        try:
            household = selectors.household_for(request.user, form_int(request.POST.get("household")))
            services.record_visit(
                actor=request.user, household=household,
                visited_on=dt.date.fromisoformat(request.POST.get("visited_on") or today.isoformat()),  # the service checks it
                purpose=request.POST.get("purpose", HomeVisit.Purpose.ROUTINE), met=request.POST.get("met") == "1",
                notes=request.POST.get("notes", ""), needs_follow_up=request.POST.get("needs_follow_up") == "1")
            messages.success(request, _("走访已记录"))
            return redirect(request.get_full_path())
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "message", _("输入有误"))
    households = selectors.households_for(request.user, region=region).order_by("region_path", "number")
    hh_query = request.GET.get("hh", "")
    if hh_query:
        households = households.filter(room__address__contains=hh_query)
    return render(request, "regions/visits.html", {
        "region": region, "start": start, "end": end, "error": error, "today": today,
        "coverage": selectors.visit_coverage(request.user, start=start, end=end, region=region),
        "recent": selectors.visits_for(request.user, region=region, start=start, end=end)[:30],
        "households": households[:50], "hh": hh_query,
        "purposes": HomeVisit.Purpose.choices,
        "can_record": has_role(request.user, REGISTRY_WRITE_ROLES),
    }, status=400 if error else 200)


@staff_page()
def four_none(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    return render(request, "regions/four_none.html", {
        "region": region, "report": selectors.four_none_report(request.user, region=region, limit=100),
    })


@staff_page(ADMIN_ROLES)
def audit_log(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    tab = request.GET.get("tab", "audit")
    if tab == "sensitive":
        page = _page(request, selectors.sensitive_access_for(request.user, region=region), 50)
    else:
        return _audit_events(request, region)
    return render(request, "regions/audit.html", {"page": page, "tab": tab, "region": region})


def _audit_events(request: HttpRequest, region: Any) -> HttpResponse:
    """The audit log filtered by who, what, on what and when (GET, so a filtered view can be
    bookmarked and paged)."""
    from urllib.parse import urlencode

    from linli.core.audit import ACTIONS, action_choices
    from linli.core.forms import form_date

    get = request.GET
    flt = {k: get.get(k, "").strip() for k in ("who", "action", "target", "since", "until")}
    error = ""
    days: dict[str, dt.date | None] = {"since": None, "until": None}
    for key, label in (("since", _("开始")), ("until", _("结束"))):
        if flt[key]:
            try:
                days[key] = form_date(flt[key], label, key)
            except DomainError as exc:
                error = str(exc.message)
    action = flt["action"] if flt["action"] in ACTIONS else ""
    qs = selectors.audit_for(request.user, region=region, who=flt["who"], action=action, target=flt["target"], **days)
    page = _page(request, qs, 50)
    query = urlencode({k: v for k, v in (flt | {"region": get.get("region", "")}).items() if v})
    return render(request, "regions/audit.html", {"page": page, "tab": "audit", "region": region, "flt": flt,
                                                  "actions": action_choices(), "error": error, "query": query})


def _resident_form_page(request: HttpRequest, *, resident: Any = None, household: Any = None) -> HttpResponse:
    from .forms import ResidentForm

    target = resident or household
    if not request.user.has_perm("regions.change_registry", target):
        return render(request, "403.html", {"message": _("您无权修改该区域的登记信息")}, status=403)
    show_sensitive = request.user.has_perm("regions.reveal_personal", target)
    error = None
    if request.method == "POST":
        form = ResidentForm(request.POST)
        if form.is_valid():
            data = form.changes(creating=resident is None, show_sensitive=show_sensitive and resident is None)
            try:
                if resident is None:
                    saved = services.create_resident(actor=request.user, household=household, **data)
                    messages.success(request, _("已登记居民 %(name)s") % {"name": saved.name})
                else:
                    saved = services.update_resident(actor=request.user, resident=resident, **data)
                    messages.success(request, _("已保存"))
                return redirect("regions:resident", pk=saved.pk)
            except DomainError as exc:
                error = exc.message
                field = exc.details.get("field")
                if field in form.fields:
                    form.add_error(field, str(exc.message))
    else:
        initial = {}
        if resident is not None:
            initial = {"name": resident.name, "relation": resident.relation, "moved_in": resident.moved_in,
                       "moved_out": resident.moved_out, "tags": resident.tags}
        form = ResidentForm(initial=initial)
    if not show_sensitive or resident is not None:
        # editing never shows the stored sensitive tags (that would be an unlogged reveal)
        form.fields.pop("sensitive_tags")
    if resident is not None:
        form.fields["id_number"].widget.attrs["placeholder"] = resident.masked_id
        form.fields["phone"].widget.attrs["placeholder"] = resident.masked_phone
    else:
        form.fields["id_number"].required = True
        form.fields["id_number"].help_text = ""
        form.fields["phone"].help_text = ""
        form.fields.pop("moved_out")
    return render(request, "regions/resident_form.html", {"form": form, "r": resident, "household": household,
                                                          "error": error}, status=400 if error or form.errors else 200)


@staff_page(REGISTRY_WRITE_ROLES)
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _resident_form_page(request, resident=selectors.resident_for(request.user, pk))


@staff_page(REGISTRY_WRITE_ROLES)
def resident_new(request: HttpRequest, household_pk: int) -> HttpResponse:
    return _resident_form_page(request, household=selectors.household_for(request.user, household_pk))


@staff_page(REGISTRY_WRITE_ROLES)
@require_POST
def household_representative(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_for(request.user, pk)
    try:
        member = selectors.resident_for(request.user, form_int(request.POST.get("resident")))
        services.set_household_representative(actor=request.user, household=household, resident=member)
        messages.success(request, _("已设定户代表"))
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("输入有误")))
    return redirect("regions:room", pk=household.room_id)


@staff_page(REGISTRY_WRITE_ROLES)
@require_POST
def household_new(request: HttpRequest, room_pk: int) -> HttpResponse:
    room = selectors.room_for(request.user, room_pk)
    try:
        hh = services.create_household(actor=request.user, room=room, number=request.POST.get("number", ""))
        messages.success(request, _("已立户 %(n)s") % {"n": hh.number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("regions:room", pk=room.pk)


@staff_page()
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = selectors.building_for(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("end"):
                duty = building.duties.get(pk=form_int(request.POST.get("end")))
                services.end_duty(actor=request.user, duty=duty)
                messages.success(request, _("已卸任"))
            else:
                resident = selectors.resident_for(request.user, form_int(request.POST.get("resident")))
                services.assign_duty(actor=request.user, kind=request.POST.get("kind", ""), resident=resident, building=building)
                messages.success(request, _("已任命"))
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误")))
        except building.duties.model.DoesNotExist:
            raise Http404 from None
        return redirect("regions:building", pk=building.pk)
    return render(request, "regions/building_detail.html", {
        "b": building,
        "duties": building.duties.filter(active=True).select_related("resident"),
        "candidates": selectors.building_residents(building),
        "rooms": building.rooms.select_related("unit").order_by("unit__name", "floor", "number"),
        "can_write": request.user.has_perm("regions.change_registry", building),
        "kinds": building.duties.model.Kind.choices,
    })
