"""Pages of public disclosure: the public list of an area and a disclosure's page (every version,
the answered objections, the objection form), its printable version, and the staff pages
(list, publish, correct, withdraw, close, answer objections). Thin: the same services and
selectors as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.accounts.selectors import role_assignments
from linli.core.documents import qr_svg
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_int
from linli.core.middleware import client_ip
from linli.core.reasons import clean_reason
from linli.core.registry import has_role

from . import kinds, selectors, services
from .documents import disclosure_pdf
from .models import Attachment
from .rules import STAFF_ROLES
from .states import Outcome, Status

PER_PAGE = 20


def _files(request: HttpRequest) -> list[tuple[str, bytes]]:
    return [(f.name or "", f.read()) for f in request.FILES.getlist("files")[:services.MAX_ATTACHMENTS + 1]]


# ---------------------------------------------------------------- public

def index(request: HttpRequest) -> HttpResponse:
    resident = getattr(request.user, "resident", None) if request.user.is_authenticated else None
    path = resident.region_path[:12] if resident is not None and resident.region_path else ""
    return area(request, path)


def area(request: HttpRequest, path: str) -> HttpResponse:
    if not (path == "" or (path.isascii() and path.isdigit() and len(path) <= 15)):
        raise Http404
    rows = selectors.public_disclosures_for(request.user, path)
    page = Paginator(rows, PER_PAGE).get_page(form_int(request.GET.get("page"), 1))
    return render(request, "disclosures/list.html", {"page": page, "path": path})


def _series(request: HttpRequest, pk: int) -> tuple[Any, list[Any]]:
    try:
        return selectors.public_series(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    current, versions = _series(request, pk)
    form: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:2000] for k in ("text", "name", "phone")}
        try:
            services.lodge_objection(actor=request.user, disclosure=current, text=form["text"], name=form["name"],
                                     phone=form["phone"], ip=client_ip(request) or "")
            messages.success(request, _("异议已提交，工作人员将在答复期限内答复"))
            return redirect("disclosures:detail", pk=pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    actions = selectors.available_actions(request.user, current)
    found = current.kind_info
    url = request.build_absolute_uri(reverse("disclosures:detail", args=[pk]))
    return render(request, "disclosures/detail.html", {
        "d": current, "versions": [(v, selectors.public_objections(v)) for v in versions], "actions": actions,
        "kind": found, "form": form, "signed_in": request.user.is_authenticated,
        "anonymous_allowed": found is not None and found.public,
        "staff": request.user.has_perm("disclosures.manage", current),
        "qr": qr_svg(url, scale=3, title=str(_("扫码查看公示"))), "url": url})


def printable(request: HttpRequest, pk: int) -> HttpResponse:
    current, versions = _series(request, pk)
    url = request.build_absolute_uri(reverse("disclosures:detail", args=[pk]))
    data = disclosure_pdf(current, selectors.public_objections(current), url=url)
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="disclosure-{current.series_pk}-v{current.version}.pdf"'
    return resp


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    att = Attachment.objects.select_related("disclosure").filter(pk=pk).first()
    if att is None or not request.user.has_perm("disclosures.view", att.disclosure):
        raise Http404
    return FileResponse(att.file.open("rb"), content_type=att.content_type, filename=att.name)


# ---------------------------------------------------------------- staff

def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not has_role(request.user, STAFF_ROLES):
        return render(request, "403.html", {"message": _("此页面仅限社区工作人员使用")}, status=403)
    return None


def _staff_disclosure(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.staff_disclosure(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _regions(user: Any) -> list[Any]:
    """The nodes a staff member publishes to: where they hold a staff role, and the communities below."""
    from linli.regions.selectors import communities_under

    out: dict[str, Any] = {}
    for a in role_assignments(user):
        if a.role in STAFF_ROLES and a.region is not None:
            out.setdefault(a.region_path, a.region)
            if len(a.region_path) < 12:
                for node in communities_under(a.region_path)[:200]:
                    out.setdefault(node.path, node)
    return [out[p] for p in sorted(out)]


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    status = request.GET.get("status", "")
    rows = selectors.staff_disclosures(request.user, status=status, q=request.GET.get("q", "")[:60])
    page = Paginator(rows, PER_PAGE).get_page(form_int(request.GET.get("page"), 1))
    return render(request, "disclosures/staff.html", {
        "page": page, "status": status, "statuses": Status.choices, "q": request.GET.get("q", "")[:60],
        "waiting": selectors.open_objections(request.user)[:50]})


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    regions = _regions(request.user)
    form: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:20000] for k in ("kind", "region", "title", "content", "source_label", "source_url")}
        region = next((r for r in regions if r.path == form["region"]), None)
        try:
            d = services.publish(actor=request.user, kind=form["kind"], region=region, title=form["title"],
                                 content=form["content"], files=_files(request), source_label=form["source_label"],
                                 source_url=form["source_url"], draft=request.POST.get("draft") == "1")
            messages.success(request, _("已保存为草稿") if d.status == Status.DRAFT else _("公示已发布"))
            return redirect("disclosures:staff_detail", pk=d.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "disclosures/staff_form.html", {
        "form": form, "regions": regions, "kinds": kinds.all_kinds(), "correcting": None})


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    d = _staff_disclosure(request, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "answer":
                objection = d.objections.filter(pk=form_int(request.POST.get("objection"))).first()
                if objection is None:
                    raise DomainError("invalid", _("异议不属于该公示"), field="objection")
                services.answer_objection(actor=request.user, objection=objection, answer=request.POST.get("answer", ""),
                                          outcome=request.POST.get("outcome", ""))
                messages.success(request, _("已答复"))
            elif action == "withdraw":
                services.withdraw(actor=request.user, disclosure=d, reason=request.POST.get("reason", ""))
                messages.success(request, _("公示已撤回"))
            elif action == "close":
                services.close(actor=request.user, disclosure=d)
                messages.success(request, _("公示已结束"))
            elif action == "publish":
                services.publish_draft(actor=request.user, disclosure=d)
                messages.success(request, _("公示已发布"))
            else:
                raise DomainError("invalid", _("未知操作"), field="action")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("disclosures:staff_detail", pk=pk)
    return render(request, "disclosures/staff_detail.html", _staff_context(request, d))


def _staff_context(request: HttpRequest, d: Any, **extra: Any) -> dict[str, Any]:
    objections = selectors.objections_of(d)
    return {"d": d, "actions": selectors.available_actions(request.user, d), "outcomes": Outcome.choices,
            "objections": [(o, selectors.available_actions(request.user, o)) for o in objections],
            "versions": selectors.versions(d.series_pk), **extra}


@never_cache
@login_required
@require_POST
def staff_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff who answer the objection see the objector's whole contact, with a reason (a
    sensitive-access record). The contact is shown in this answer only, never put in a message."""
    if (denied := _staff_only(request)) is not None:
        return denied
    try:
        objection = services.objection_for_answer(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    purpose, reason = request.POST.get("purpose", "")[:20], request.POST.get("reason", "")[:200]
    reveal: dict[str, Any] = {"pk": objection.pk}
    try:
        reveal["revealed"] = services.reveal_contact(actor=request.user, objection=objection, reason=reason, purpose=purpose)
        reveal["reason"] = clean_reason(purpose, reason)  # as recorded
    except DomainError as exc:
        reveal.update(error=exc.message, purpose=purpose, reason_text=reason[:180])
    status = 400 if reveal.get("error") else 200
    if request.headers.get("HX-Request"):
        return render(request, "disclosures/_contact.html", {
            "o": objection, "o_actions": selectors.available_actions(request.user, objection), "reveal": reveal},
            status=status)
    return render(request, "disclosures/staff_detail.html", _staff_context(request, objection.disclosure, reveal=reveal),
                  status=status)


@login_required
def staff_correct(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    d = _staff_disclosure(request, pk)
    form = {"title": d.title, "content": d.content, "note": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:20000] for k in ("title", "content", "note")}
        try:
            new = services.correct(actor=request.user, disclosure=d, title=form["title"], content=form["content"],
                                   note=form["note"], files=_files(request))
            messages.success(request, _("已发布更正版本，公示期重新计算"))
            return redirect("disclosures:staff_detail", pk=new.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "disclosures/staff_form.html", {"form": form, "correcting": d, "regions": [], "kinds": []})
