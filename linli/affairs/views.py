"""Pages of the one-window services: the public catalogue (一次告知), online applications and the
applicant's own matters, the caseworker's workbench, receipts, certificates and verification.
Thin: the same services and selectors as the API."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import supervision
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_int
from linli.core.idempotency import scoped_key
from linli.core.ratings import RATING_LABELS
from linli.core.services import record_audit

from . import selectors, services
from .certificates import fields_of
from .documents import certificate_pdf, qr_svg, result_notice_pdf
from .models import Application, ApplicationMaterial, Certificate, ServiceItem
from .states import Action, Status


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", {"message": _("此页面仅限社区工作人员使用")}, status=403)


def _base(request: HttpRequest) -> str:
    return "staff_base.html" if selectors.is_caseworker(request.user) else "base.html"


def _app(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.application_for(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


# ---------------------------------------------------------------- area picker

PICKER_PREFIXES = ("", "home_")
CENTRES_PER_PAGE = 30


def _picker(data: Any, *, prefix: str = "", with_community: bool = False, default_district: str = "",
            auto_submit: bool = False) -> dict[str, Any]:
    """District → street (→ community) selects, filled from the submitted codes; a code that does
    not belong under the chosen parent is dropped."""
    key = f"{prefix}district"
    district = selectors.area_node(str(data.get(key, "")) if key in data else default_district, "district")
    streets = selectors.area_children(district)
    code = str(data.get(f"{prefix}street", ""))
    street = next((n for n in streets if code in (n.code, n.path)), None)
    communities = selectors.area_children(street) if with_community else []
    code = str(data.get(f"{prefix}community", ""))
    community = next((n for n in communities if code in (n.code, n.path)), None)
    return {"prefix": prefix, "districts": selectors.districts(), "district": district, "streets": streets, "street": street,
            "with_community": with_community, "communities": communities, "community": community, "auto_submit": auto_submit,
            "path": street.path if street is not None else (district.path if district is not None else "")}


def area_picker(request: HttpRequest) -> HttpResponse:
    """The picker again after a change (htmx): the streets of the district chosen, the communities of the street."""
    prefix = request.GET.get("prefix", "")
    return render(request, "affairs/_region_picker.html", {"picker": _picker(
        request.GET, prefix=prefix if prefix in PICKER_PREFIXES else "", with_community=request.GET.get("with_community") == "1")})


def _centres_near(request: HttpRequest) -> dict[str, Any]:
    """Service centres of the area picked (by default the signed-in resident's own district), a page at a time."""
    resident = getattr(request.user, "resident", None)
    picker = _picker(request.GET, default_district=resident.region_path[:6] if resident is not None else "", auto_submit=True)
    page = Paginator(selectors.centres(under=picker["path"]), CENTRES_PER_PAGE).get_page(request.GET.get("cpage"))
    query = request.GET.copy()
    query.pop("cpage", None)
    query[picker["prefix"] + "district"] = picker["district"].code if picker["district"] is not None else ""
    return {"picker": picker, "centres": page, "centre_query": query.urlencode()}


# ---------------------------------------------------------------- public

def catalogue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:30]
    category = request.GET.get("category", "")
    items = selectors.catalogue(q=q, category=category if category in ServiceItem.Category.values else "")
    return render(request, "affairs/catalogue.html", {
        "items": items, "q": q, "category": category, "categories": ServiceItem.Category.choices, **_centres_near(request)})


def item(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = selectors.item_by_code(code)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "affairs/item.html", {"item": found, **_centres_near(request)})


def status(request: HttpRequest, token: str) -> HttpResponse:
    """The QR on a receipt leads here: status only, nothing about the person."""
    try:
        app = selectors.by_token(token)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "affairs/status.html", {"app": app})


def certificate_kinds(request: HttpRequest) -> HttpResponse:
    return render(request, "affairs/certificate_kinds.html", {"kinds": selectors.certificate_kinds()})


def verify_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("affairs:verify", code=code[:12])
    return render(request, "affairs/verify.html", {"cert": None, "searched": False})


def verify(request: HttpRequest, code: str) -> HttpResponse:
    cert = selectors.verify(code)
    return render(request, "affairs/verify.html", {"cert": cert, "searched": True, "code": code},
                  status=200 if cert else 404)


# ---------------------------------------------------------------- applicant

@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = selectors.item_by_code(code)
    except NotFound as exc:
        raise Http404 from exc
    ctx: dict[str, Any] = {"item": found, "materials": list(found.materials.all()), "data": request.POST or {}}
    if request.method == "POST":
        try:
            files = {m.pk: f.read() for m in ctx["materials"] if (f := request.FILES.get(f"m{m.pk}")) is not None}
            app = services.apply_online(actor=request.user, item=found, note=request.POST.get("note", ""), files=files,
                                        idempotency_key=scoped_key("web", request.user, request.POST.get("token")),
                                        confirm_duplicate=request.POST.get("confirm_duplicate") == "1")
            messages.success(request, _("已提交，受理编号 %(n)s。社区受理后会通知您") % {"n": app.number})
            return redirect("affairs:my_detail", pk=app.pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["duplicate"] = exc.details if exc.code == "duplicate" else None
    ctx["token"] = uuid.uuid4().hex if not ctx.get("duplicate") else request.POST.get("token", "")
    return render(request, "affairs/apply.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def my(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.mine(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "affairs/my.html", {"page": page, "certificates": selectors.my_certificates(request.user)[:20]})


@login_required
def my_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app(request, pk)
    if app.applicant_user_id != request.user.pk:
        return redirect("affairs:desk_detail", pk=pk)
    if request.method == "POST":
        try:
            if "rating" in request.POST:
                services.rate(actor=request.user, app=app, rating=form_int(request.POST.get("rating")),
                              comment=request.POST.get("comment", ""))
                messages.success(request, _("感谢您的评价"))
            elif "material" in request.POST:
                material = app.materials.filter(pk=form_int(request.POST.get("material"))).first()
                upload = request.FILES.get("file")
                if material is None or upload is None:
                    raise DomainError("invalid", _("请选择要上传的文件"), field="file")
                services.supply(actor=request.user, app=app, material=material, data=upload.read())
                messages.success(request, _("已上传：%(m)s") % {"m": material.name})
            elif request.POST.get("action") == Action.WITHDRAW:
                services.withdraw(actor=request.user, app=app, reason=request.POST.get("reason", ""))
                messages.success(request, _("已撤回"))
            return redirect("affairs:my_detail", pk=pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误")))
            return redirect("affairs:my_detail", pk=pk)
    return render(request, "affairs/my_detail.html", {
        "app": app, "events": selectors.timeline(app, staff=False), "materials": app.materials.all(),
        "forwardings": selectors.forwardings(app), "ratings": sorted(RATING_LABELS.items(), reverse=True),
        "rectification": app.rectification, "actions": selectors.available_actions(request.user, app)})


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """受理回执: number, items received, the promised date, a QR code to the status page."""
    app = _app(request, pk)
    url = request.build_absolute_uri(reverse("affairs:status", args=[app.public_token]))
    return render(request, "affairs/receipt.html", {"app": app, "qr": qr_svg(url), "status_url": url,
                                                    "materials": app.materials.all(), "base_template": _base(request)})


@login_required
def result_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """办理结果告知书 of a completed matter (HTML to print, ``?format=pdf``): for the applicant and
    the handling window only."""
    app = _app(request, pk)
    if app.status != Status.COMPLETED:
        raise Http404
    url = request.build_absolute_uri(reverse("affairs:status", args=[app.public_token]))
    if request.GET.get("format") == "pdf":
        resp = HttpResponse(result_notice_pdf(app, url), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="{app.number}.pdf"'
        resp["Cache-Control"] = "private, no-store"
        return resp
    return render(request, "affairs/result_notice.html", {"app": app, "qr": qr_svg(url), "status_url": url,
                                                          "base_template": _base(request)})


@login_required
def result_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The result document the window uploaded at completion."""
    app = _app(request, pk)
    try:
        handle, content_type = services.open_result_document(actor=request.user, app=app)
    except NotFound as exc:
        raise Http404 from exc
    resp = FileResponse(handle, content_type=content_type)
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
def material_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    material = ApplicationMaterial.objects.select_related("application").filter(pk=pk).first()
    if material is None or not material.file or not request.user.has_perm("affairs.view", material.application):
        raise Http404
    if request.user.has_perm("affairs.handle", material.application):
        record_audit(actor=request.user, action="affairs.material_view", target=material.application,
                     region_path=material.application.region_path, changes={"material": material.name})
    resp = FileResponse(material.file.open("rb"), content_type=material.content_type or "application/octet-stream")
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
def certificate_request(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"kinds": selectors.certificate_kinds(), "data": request.POST or {}}
    if request.method == "POST":
        try:
            kind = request.POST.get("kind", "") or request.POST.get("other", "")
            services.request_certificate(actor=request.user, kind=kind, purpose=request.POST.get("purpose", ""),
                                         detail=request.POST.get("detail", ""))
            messages.success(request, _("已提交，社区核实后出具"))
            return redirect("affairs:my")
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["not_on_list"] = exc.code == "not_on_list"
    return render(request, "affairs/certificate_request.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def certificate_doc(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        cert = selectors.certificate_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    if cert.state not in (Certificate.State.ISSUED, Certificate.State.REVOKED):
        raise Http404
    url = request.build_absolute_uri(reverse("affairs:verify", args=[cert.verify_code]))
    if request.GET.get("format") == "pdf":
        resp = HttpResponse(certificate_pdf(cert, url), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="{cert.serial}.pdf"'
        return resp
    return render(request, "affairs/certificate.html", {"cert": cert, "qr": qr_svg(url), "verify_url": url,
                                                        "base_template": _base(request)})


# ---------------------------------------------------------------- caseworker

DESK_FILTERS = ("status", "flt", "item", "centre")
ID_SEARCH_KEY = "affairs_desk_id"


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The workbench. Filters travel in the query string; an ID number never does (PIPL): it is
    sent by POST, kept in the session as its lookup hash and shown masked, and ``?by=id`` applies it."""
    if not selectors.is_caseworker(request.user):
        return _forbidden(request)
    if request.method == "POST":
        keep = {k: request.POST[k][:20] for k in DESK_FILTERS if k in request.POST}
        try:
            request.session[ID_SEARCH_KEY] = services.id_search(actor=request.user, id_number=request.POST.get("id_number", "")[:30])
            keep["by"] = "id"
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('affairs:desk')}?{urlencode(keep)}")
    st = request.GET.get("status", "open")
    flt = request.GET.get("flt", "")
    centres = list(selectors.centres_for(request.user))
    centre = next((c for c in centres if str(c.pk) == request.GET.get("centre", "")), None)
    q = request.GET.get("q", "").strip()[:30]
    if selectors.looks_like_id_number(q):
        messages.error(request, _("为保护个人信息，身份证号不能放在网址中，请在“按身份证号查找”中输入"))
        query = request.GET.copy()
        query.pop("q")
        return redirect(f"{reverse('affairs:desk')}?{query.urlencode()}")
    by_id = request.session.get(ID_SEARCH_KEY) if request.GET.get("by") == "id" else None
    item_code = request.GET.get("item", "")[:20]
    qs = selectors.queue(request.user, status=st if st in (*Status.values, "open") else "", flt=flt, item=item_code, q=q,
                         centre=centre, id_hash=by_id["hash"] if by_id else "")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    clear = query.copy()
    clear.pop("by", None)
    return render(request, "affairs/desk.html", {
        "page": page, "today": timezone.localdate(), "status": st, "flt": flt, "q": q, "statuses": Status.choices,
        "items": selectors.item_choices(), "item_code": item_code, "centres": centres, "centre": centre,
        "by_id": by_id, "query": query.urlencode(), "clear_query": clear.urlencode(),
        "open_rect": selectors.rectifications_for(request.user).count(),
        "pending_certs": selectors.certificates_for(request.user, state="requested").count()})


@login_required
def desk_new(request: HttpRequest) -> HttpResponse:
    """Window intake (全市通办): the applicant is found by ID number anywhere in the city, or entered."""
    if not selectors.is_caseworker(request.user):
        return _forbidden(request)
    centres = list(selectors.centres_for(request.user))
    items = list(selectors.catalogue())
    ctx: dict[str, Any] = {"centres": centres, "items": items, "data": request.POST or request.GET}
    code = (request.POST or request.GET).get("item", "")
    chosen = next((i for i in items if i.code == code), None)
    ctx["chosen"] = chosen
    # The ID number is looked up by POST and never put in a URL or back into the page: the
    # resident found is kept in the session for the intake that follows.
    from linli.regions.selectors import resident_by_id_number, resident_by_pk

    resident = None
    if request.method == "POST" and request.POST.get("lookup") == "1":
        resident = resident_by_id_number(request.POST.get("id_number", ""))
        request.session["affairs_applicant"] = resident.pk if resident is not None else None
        ctx["looked_up"] = True
        if resident is not None:
            record_audit(actor=request.user, action="affairs.applicant_lookup", target=resident,
                         region_path=resident.region_path, label=resident.masked_id)
    elif request.method == "POST" and request.session.get("affairs_applicant"):
        resident = resident_by_pk(request.session["affairs_applicant"])
    else:
        request.session.pop("affairs_applicant", None)
    ctx["resident"] = resident
    ctx["picker"] = _picker(request.POST, prefix="home_", with_community=True)
    if request.method == "POST" and request.POST.get("submit") == "1":
        try:
            centre = next((c for c in centres if str(c.pk) == request.POST.get("centre")), None)
            if centre is None:
                raise DomainError("invalid", _("请选择受理窗口"), field="centre")
            if chosen is None:
                raise DomainError("invalid", _("请选择事项"), field="item")
            app = services.accept_at_window(
                actor=request.user, centre=centre, item=chosen, resident=resident,
                applicant_name=request.POST.get("applicant_name", ""),
                applicant_id_number=request.POST.get("applicant_id_number", "").strip().upper(),
                applicant_phone=request.POST.get("applicant_phone", ""),
                received=[int(x) for x in request.POST.getlist("received") if x.isdigit()],
                home_community=request.POST.get("home_community", "")[:15],
                deferral_reason=request.POST.get("deferral_reason", ""),
                confirm_duplicate=request.POST.get("confirm_duplicate") == "1",
                note=request.POST.get("note", ""), idempotency_key=scoped_key("win", request.user, request.POST.get("token")))
            request.session.pop("affairs_applicant", None)
            messages.success(request, _("已受理，受理编号 %(n)s") % {"n": app.number})
            return redirect("affairs:receipt", pk=app.pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["error_field"] = exc.details.get("field", "")
            ctx["duplicate"] = exc.details if exc.code == "duplicate" else None
    ctx["received"] = {int(x) for x in request.POST.getlist("received") if x.isdigit()}
    ctx["token"] = request.POST.get("token") or uuid.uuid4().hex
    return render(request, "affairs/desk_new.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app(request, pk)
    if not request.user.has_perm("affairs.handle", app):
        return redirect("affairs:my_detail", pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "received":
                material = app.materials.filter(pk=form_int(request.POST.get("material"))).first()
                if material is None:
                    raise DomainError("invalid", _("材料不属于该办件"), field="material")
                services.supply(actor=request.user, app=app, material=material,
                                data=upload.read() if (upload := request.FILES.get("file")) is not None else None)
            elif action == "rectify":
                if (rect := app.rectification) is None:
                    raise DomainError("invalid", _("未知操作"), field="action")
                services.reply_rectification(actor=request.user, rect=rect, reply=request.POST.get("reply", ""))
            else:
                data: dict[str, Any] = {k: request.POST.get(k, "") for k in ("reason", "to", "outcome", "note", "centre_id", "days")}
                data["received"] = request.POST.getlist("received")
                data["materials"] = request.POST.getlist("materials")
                data["extra"] = [x.strip() for x in request.POST.get("extra", "").splitlines()]
                if (document := request.FILES.get("document")) is not None:
                    data["document"] = document.read()
                services.perform(actor=request.user, app=app, action=action, data=data)
            messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        except (ValueError, KeyError):
            messages.error(request, _("输入有误"))
        return redirect("affairs:desk_detail", pk=pk)
    from .states import LIFECYCLE

    actions = selectors.available_actions(request.user, app)
    # 一次性告知: said why there is no second notice
    correction_used = app.correction_notified and LIFECYCLE.can(app.status, Action.REQUEST_CORRECTION)
    return render(request, "affairs/desk_detail.html", {
        "app": app, "events": selectors.timeline(app, staff=True), "materials": app.materials.all(),
        "history": selectors.history(request.user, app), "outcomes": Application.Outcome.choices,
        "forwardings": selectors.forwardings(app), "forward_days": services.FORWARD_DAYS,
        "max_forward_days": services.MAX_FORWARD_DAYS,
        "return_outcomes": [(o.value, o.label) for o in services.RETURN_OUTCOMES],
        "finish_office": services.finish_office(app), "decision": services.decision(app),
        "actions": actions, "correction_used": correction_used,
        "accept_centres": services.acceptance_centres(app) if Action.ACCEPT in actions else [],
        "rectification": app.rectification, "can_urge": supervision.may_urge(request.user, app),
        "rating_label": RATING_LABELS.get(app.rating or 0, "")})


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    if not selectors.is_caseworker(request.user):
        return _forbidden(request)
    return render(request, "affairs/rectifications.html", {"rows": selectors.rectifications_for(request.user, state="")[:100]})


@login_required
def certificates_desk(request: HttpRequest) -> HttpResponse:
    if not selectors.is_caseworker(request.user):
        return _forbidden(request)
    if request.method == "POST":
        raw = request.POST.get("cert", "")
        cert = selectors.certificates_for(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
        try:
            if cert is None:
                raise DomainError("invalid", _("证明不存在"))
            action = request.POST.get("action")
            if action == "refuse":
                services.refuse_certificate(actor=request.user, cert=cert, reason=request.POST.get("reason", ""))
            elif action == "revoke":
                services.revoke_certificate(actor=request.user, cert=cert, reason=request.POST.get("reason", ""))
            messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("affairs:certificates_desk")
    rows = list(selectors.certificates_for(request.user)[:100])
    return render(request, "affairs/certificates_desk.html", {
        "rows": [(c, selectors.available_actions(request.user, c)) for c in rows]})


def _facts(data: Any, fields: list[Any]) -> dict[str, str]:
    return {f.name: str(data.get(f"f_{f.name}", ""))[:400] for f in fields}


def _digest(body: str) -> str:
    import hashlib

    return hashlib.sha256(body.encode()).hexdigest()[:32]


@login_required
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issuing one requested certificate: the kind's own fields, then the exact text to check
    (preview: a button, and live through htmx as the fields change), then issue. What is issued
    is the text last previewed: a change after the preview asks for another look."""
    if not selectors.is_caseworker(request.user):
        return _forbidden(request)
    cert = selectors.certificates_for(request.user).filter(pk=pk, state=Certificate.State.REQUESTED).first()
    if cert is None:
        raise Http404
    fields = fields_of(cert.kind)
    centre = selectors.centres_for(request.user).first()
    ctx: dict[str, Any] = {"cert": cert, "fields": fields, "errors": {}, "preview": "",
                           "facts": services.initial_facts(cert), "issuer": f"{centre.region.name}居民委员会" if centre else ""}
    if request.method == "POST":
        ctx["facts"] = _facts(request.POST, fields)
        ctx["issuer"] = request.POST.get("issuer_name", "")
        try:
            ctx["preview"] = services.preview_certificate(actor=request.user, cert=cert, facts=ctx["facts"])
            ctx["digest"] = _digest(ctx["preview"])
            if request.POST.get("action") == "issue":
                if request.POST.get("previewed") != ctx["digest"]:
                    ctx["changed"] = True  # not what was looked at: show the new text first
                else:
                    done = services.issue_certificate(actor=request.user, cert=cert, facts=ctx["facts"],
                                                      issuer_name=ctx["issuer"])
                    messages.success(request, _("已出具，编号 %(s)s") % {"s": done.serial})
                    return redirect("affairs:certificate_doc", pk=done.pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["errors"] = exc.details.get("errors", {})
            ctx["preview"] = ""
        if request.headers.get("HX-Request"):
            return render(request, "affairs/_certificate_preview.html", ctx)
    ctx["rows"] = [{"field": f, "value": ctx["facts"].get(f.name, ""), "error": ctx["errors"].get(f.name, "")} for f in fields]
    return render(request, "affairs/certificate_issue.html", ctx, status=400 if ctx.get("error") else 200)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    if not selectors.is_caseworker(request.user):
        return _forbidden(request)
    area = None
    if request.GET.get("region"):
        try:
            area = selectors.figures_area(request.user, request.GET["region"][:15])
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
    path = area.path if area is not None else ""
    return render(request, "affairs/figures.html", {"area": area, "total": selectors.figures(request.user, path=path),
                                                    "by_region": selectors.figures_by_region(request.user, path=path),
                                                    "by_item": selectors.figures_by_item(request.user, path=path),
                                                    "by_centre": selectors.figures_by_centre(request.user, path=path)})

