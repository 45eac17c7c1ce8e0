"""Pages of notices: senders (list, draft, publish, correct, withdraw, coverage, export), building
leaders (a phone-first list of their unreached households, one tap per delivery), residents (my
notices, confirm reading) and the public notice page. Thin: the same services as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.documents import Document, qr_svg, wrap
from linli.core.errors import DomainError, NotFound
from linli.regions import selectors as regions

from . import selectors, services
from .models import How, Notice, Urgency
from .rules import SENDER_ROLES
from .states import Status

SHOWN_BUILDINGS = 60
SHOWN_UNREACHED = 100


def _get(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _staff(request: HttpRequest) -> None:
    from linli.accounts.selectors import has_role

    from .rules import FOLLOW_ROLES

    if not has_role(request.user, FOLLOW_ROLES):
        raise Http404(_("页面不存在"))


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    q = request.GET.get("q", "")[:50]
    page = Paginator(selectors.notices_for(request.user, status=status, q=q), 30).get_page(request.GET.get("page"))
    from linli.accounts.selectors import has_role

    return render(request, "notices/list.html", {"page": page, "status": status, "q": q, "statuses": Status.choices,
                                                 "can_send": has_role(request.user, SENDER_ROLES)})


def _targets(user: Any) -> dict[str, list[Any]]:
    from linli.accounts.selectors import scope_paths

    paths = scope_paths(user, SENDER_ROLES)
    nodes = list(regions.regions_for(user, level=None).filter(level__in=("street", "community", "grid")).order_by("path")[:300]) \
        if paths else []
    nodes = [n for n in nodes if any(n.path.startswith(p) for p in paths)]
    return {"nodes": nodes, "compounds": regions.compounds_under(paths) if paths else [],
            "buildings": regions.buildings_under(paths) if paths else []}


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError("invalid", _("日期格式不正确"), field=field) from exc


def _int(value: str, field: str, default: int | None = None) -> int | None:
    if value in ("", None):
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError("invalid", _("应为整数"), field=field) from exc


@login_required
def draft(request: HttpRequest, pk: int | None = None) -> HttpResponseBase:
    """New draft (or edit one): text, urgency, must-reach, valid until, the area, attachments."""
    notice = _get(selectors.staff_notice, request.user, pk) if pk else None
    if notice is not None and "edit" not in selectors.available_actions(request.user, notice):
        raise Http404(_("页面不存在"))
    from linli.accounts.selectors import has_role

    if not has_role(request.user, SENDER_ROLES):
        raise Http404(_("页面不存在"))
    targets = _targets(request.user)
    data: Any = request.POST or ({"title": notice.title, "body": notice.body, "urgency": notice.urgency,
                                  "must_reach": "1" if notice.must_reach else "", "reminder_after": notice.reminder_after,
                                  "valid_until": notice.valid_until.isoformat() if notice.valid_until else ""}
                                 if notice else {"reminder_after": 24})
    error = None
    shown = dict(data.items()) if request.method == "POST" else dict(data)
    try:
        shown["valid_until"] = _date(str(shown.get("valid_until") or ""), "valid_until")
    except DomainError:
        shown["valid_until"] = None
    if request.method == "POST":
        try:
            fields = {"title": data.get("title", ""), "body": data.get("body", ""), "urgency": data.get("urgency", "normal"),
                      "must_reach": bool(data.get("must_reach")), "valid_until": _date(data.get("valid_until", ""), "valid_until"),
                      "reminder_after": _int(data.get("reminder_after", ""), "reminder_after", 24)}
            if notice is None:
                kind, _sep, value = data.get("target", "").partition(":")
                where: dict[str, Any] = {}
                if kind == "node":
                    where["node"] = next((n for n in targets["nodes"] if n.code == value), None)
                elif kind == "compound":
                    where["compound_id"] = next((c.pk for c in targets["compounds"] if str(c.pk) == value), -1)
                elif kind == "building":
                    where["building_id"] = next((b.pk for b in targets["buildings"] if str(b.pk) == value), -1)
                notice = services.create_draft(actor=request.user, **fields, **where)
            else:
                services.update_draft(actor=request.user, notice=notice, **fields)
            upload = request.FILES.get("file")
            if upload is not None:
                services.add_attachment(actor=request.user, notice=notice, name=upload.name or "", data=upload.read())
            messages.success(request, _("草稿已保存"))
            return redirect("notices:detail", notice.pk)
        except DomainError as exc:
            error = exc
    return render(request, "notices/form.html", {"notice": notice, "data": shown, "error": error, **targets,
                                                 "urgencies": Urgency.choices,
                                                 "attachments": selectors.attachments(notice) if notice else []},
                  status=400 if error else 200)


@login_required
@require_POST
def remove_attachment(request: HttpRequest, pk: int, att: int) -> HttpResponseBase:
    """Take an attachment off a draft (the draft's page, for its senders)."""
    notice = _get(selectors.staff_notice, request.user, pk)
    if "edit" not in selectors.available_actions(request.user, notice):
        raise Http404(_("页面不存在"))
    try:
        services.remove_attachment(actor=request.user, notice=notice, attachment_id=att)
        messages.success(request, _("附件已删除"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("notices:edit", notice.pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _get(selectors.notice_for, request.user, pk)
    actions = selectors.available_actions(request.user, notice)
    if not actions and not request.user.has_perm("notices.view", notice):
        return redirect("notices:public", notice.pk)
    cov = selectors.coverage(notice, request.user) if "coverage" in actions else None
    from linli.accounts.selectors import has_role

    from .rules import FOLLOW_ROLES

    return render(request, "notices/detail.html", {
        "base_template": "staff_base.html" if has_role(request.user, FOLLOW_ROLES) else "base.html", "notice": notice, "actions": actions, "versions": selectors.versions(notice), "coverage": cov,
        "attachments": selectors.attachments(notice), "read": selectors.has_read(request.user, notice),
        "public_url": request.build_absolute_uri(reverse("notices:public", args=[notice.pk]))})


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponseBase:
    notice = _get(selectors.notice_for, request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action not in selectors.available_actions(request.user, notice):
            raise DomainError("forbidden", _("您无权处理该通知"))
        if action == "publish":
            services.publish(actor=request.user, notice=notice)
            messages.success(request, _("已发布"))
        elif action == "correct":
            services.correct(actor=request.user, notice=notice, title=request.POST.get("title", ""),
                             body=request.POST.get("body", ""), note=request.POST.get("note", ""),
                             valid_until=_date(request.POST.get("valid_until", ""), "valid_until"))
            messages.success(request, _("已发布更正"))
        elif action == "withdraw":
            services.withdraw(actor=request.user, notice=notice, reason=request.POST.get("reason", ""))
            messages.success(request, _("已撤回"))
        else:
            raise DomainError("invalid", _("操作无效"), field="action")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("notices:detail", notice.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponseBase:
    notice = _get(selectors.notice_for, request.user, pk)
    try:
        services.confirm(actor=request.user, notice=notice)
        messages.success(request, _("已确认阅读"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("notices:detail", notice.pk)


def _coverage_notice(request: HttpRequest, pk: int) -> Notice:
    notice = _get(selectors.staff_notice, request.user, pk)
    if "coverage" not in selectors.available_actions(request.user, notice):
        raise Http404(_("页面不存在"))
    return notice


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _coverage_notice(request, pk)
    cov = selectors.coverage(notice, request.user)
    grid = request.GET.get("grid", "")
    grid = grid if any(g.key == grid for g in cov.grids) else ""
    buildings = [b for b in cov.buildings if b.path == grid] if grid else cov.buildings
    lowest = not grid and len(buildings) > SHOWN_BUILDINGS
    if lowest:  # a street: the buildings furthest behind, the rest per grid
        buildings = sorted(buildings, key=lambda b: (b.percent, -b.total))[:SHOWN_BUILDINGS]
    selectors.name_buildings(buildings)
    partial = bool(request.headers.get("HX-Request"))
    template = "notices/_coverage.html" if partial else "notices/coverage.html"
    actions = selectors.available_actions(request.user, notice)
    return render(request, template, {"notice": notice, "coverage": cov, "buildings": buildings, "grid": grid,
                                      "lowest": lowest, "shown": SHOWN_BUILDINGS, "can_urge": "urge" in actions,
                                      "urges": [] if partial else selectors.urges(notice),
                                      "unreached": selectors.unreached_for(request.user, notice, limit=SHOWN_UNREACHED)})


@login_required
@require_POST
def urge(request: HttpRequest, pk: int) -> HttpResponseBase:
    """督办 from the coverage page: the note goes to those responsible for the unreached households."""
    notice = _coverage_notice(request, pk)
    try:
        services.urge(actor=request.user, notice=notice, note=request.POST.get("note", ""))
        messages.success(request, _("已督办，未送达住户的负责人已收到通知"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("notices:coverage", notice.pk)


@login_required
def export_unreached(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _coverage_notice(request, pk)
    try:
        data = services.export_unreached(actor=request.user, notice=notice)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="unreached-{notice.pk}.xlsx"'
    return resp


def printable(request: HttpRequest, pk: int) -> HttpResponse:
    """公告栏: the notice as a paper with a QR code to its online text."""
    notice = _get(selectors.public_notice, pk)
    url = request.build_absolute_uri(reverse("notices:public", args=[notice.pk]))
    doc = Document(title=_("通知"), number=f"{notice.pk}-{notice.version}", top_gap_mm=58)
    for text in wrap(notice.title, 30, first_indent=False):
        doc.line(text, gap=11)
    for para in notice.body.splitlines():
        for text in wrap(para, 32):
            doc.line(text)
    if notice.valid_until:
        doc.line(_("有效期至 %(d)s") % {"d": notice.valid_until.isoformat()}, gap=10)
    resp = HttpResponse(doc.finish(signer=notice.sender_name, when=notice.published_at, url=url,
                                   caption=_("扫码查看通知全文及更正")), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return resp


def attachment(request: HttpRequest, pk: int, att: int) -> HttpResponseBase:
    notice = _get(selectors.notice_for, request.user, pk)
    found = next((a for a in selectors.attachments(notice) if a.pk == att), None)
    if found is None:
        raise Http404(_("附件不存在"))
    resp = FileResponse(found.file.open("rb"), content_type=found.content_type)
    resp["Content-Disposition"] = "inline"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def public(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of a notice (no login): its text, versions, attachments; no personal data."""
    notice = _get(selectors.public_notice, pk)
    url = request.build_absolute_uri(reverse("notices:public", args=[notice.pk]))
    return render(request, "notices/public.html", {"notice": notice, "versions": selectors.versions(notice),
                                                   "attachments": selectors.attachments(notice),
                                                   "qr": qr_svg(url, title=_("通知网址"))})


def public_area(request: HttpRequest, path: str) -> HttpResponse:
    if not path.isdigit() or len(path) not in (4, 6, 9, 12, 15):
        raise Http404(_("页面不存在"))
    names = regions.names_of([path])
    if path not in names:
        raise Http404(_("页面不存在"))
    page = Paginator(selectors.public_list(path), 30).get_page(request.GET.get("page"))
    return render(request, "notices/public_area.html", {"page": page, "area": names[path]})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_notices(request.user), 20).get_page(request.GET.get("page"))
    from linli.core import registry

    return render(request, "notices/mine.html", {"page": page, "leads": registry.user_flags(request.user).get("leads_building")})


@login_required
def leader(request: HttpRequest) -> HttpResponse:
    """The building leader's phone page: per must-reach notice, his households not reached yet."""
    found = selectors.leader_list(request.user)
    return render(request, "notices/leader.html", {"lists": found.notices, "hows": [
        (v, label) for v, label in How.choices if v != How.READ_CONFIRMED]})


@login_required
@require_POST
def leader_record(request: HttpRequest, pk: int, household_id: int) -> HttpResponseBase:
    notice = _get(selectors.notice_for, request.user, pk)
    try:
        _row, done = services.record_delivery(actor=request.user, notice=notice, household_id=household_id,
                                              how=request.POST.get("how", How.DOOR_TO_DOOR), note=request.POST.get("note", ""))
        if done:
            messages.success(request, _("已登记送达"))
        else:
            messages.info(request, _("该户此前已送达，未重复登记"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    nxt = request.POST.get("next", "")
    if nxt == "coverage":
        return redirect("notices:coverage", notice.pk)
    return redirect(reverse("notices:leader") + f"#n{notice.pk}")

