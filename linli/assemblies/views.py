"""Pages of owners' assemblies. Owners on the phone: my compound's assemblies, an assembly with its
matters and live turnout (never a figure by option while voting runs), the vote form confirmed by
an SMS code, the receipt shown once, checking a receipt on the board. Staff: draft an assembly,
the roll (correct a unit, designate a voter), the steps (freeze, lock, call, open, extend, close,
publish, announce), paper slips and their entry by two clerks, proxies, turnout, the archive.
Public (the community's residents, the roll's owners, staff): the roll of units and areas, the
board, the results, the record and the verifier. Thin: the same selectors and services as the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts.selectors import has_role, scope_paths
from linli.core.errors import DomainError, NotFound
from linli.core.masking import mask_phone
from linli.core.views import private_file
from linli.regions import selectors as regions

from . import selectors, services, tally
from .models import Assembly, Choice, Convener, HeadKind, RollEntry, RollUnit
from .rules import FOLLOW_ROLES, ORGANISER_ROLES
from .states import Status

RECEIPT_KEY = "assemblies_receipt"
SLIP_STATES = {"open": gettext_lazy("待录入"), "mismatch": gettext_lazy("两次录入不一致"), "counted": gettext_lazy("已计入"),
               "void": gettext_lazy("不计入")}
AREA_SOURCES = (("register", gettext_lazy("不动产登记")), ("survey", gettext_lazy("测绘")), ("contract", gettext_lazy("购房合同")))
MATTER_ROWS = 5
RESULT_STATES = (Status.PRELIMINARY, Status.ANNOUNCED)


def _get(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _base(request: HttpRequest) -> str:
    return "staff_base.html" if has_role(request.user, FOLLOW_ROLES) else "base.html"


def _assembly(request: HttpRequest, pk: int) -> Assembly:
    return _get(selectors.assembly_for, request.user, pk)  # type: ignore[no-any-return]


def _staff_assembly(request: HttpRequest, pk: int, perm: str = "assemblies.follow") -> Assembly:
    a = _assembly(request, pk)
    if not request.user.has_perm(perm, a):
        raise Http404(_("页面不存在"))
    return a


def _public(request: HttpRequest, pk: int) -> Assembly:
    return _get(selectors.public_assembly, request.user, pk)  # type: ignore[no-any-return]


def _when(value: str, field: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError("invalid", _("请填写日期和时间"), field=field) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _int(value: Any, field: str, default: int | None = None) -> int | None:
    if value in ("", None):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("应为整数"), field=field) from None


def _choices(post: Any, matters: list[Any]) -> dict[int, str]:
    return {m.no: post.get(f"choice_{m.no}", "") for m in matters if post.get(f"choice_{m.no}", "") in Choice.values}


def _matters(rows: list[Any]) -> list[Any]:
    """Matters with their art. 278 item's label and whether the 3/4 rule applies."""
    for m in rows:
        m.item_label = _(tally.ITEM_LABELS.get(m.item, ""))
        m.special = tally.ITEM_RULE.get(m.item) == tally.Rule.SPECIAL
    return rows


def _labels() -> list[tuple[int, str]]:
    return [(no, _(label)) for no, label in tally.ITEM_LABELS.items()]


def _turnout(a: Assembly) -> dict[str, Any] | None:
    """Turnout with its shares as percentages for the page (figures of heads and area only)."""
    if not a.roll_id:
        return None
    t = selectors.turnout(a)
    return {"t": t, "heads_pct": round(float(t.heads_share) * 100, 2), "area_pct": round(float(t.area_share) * 100, 2),
            "area_needed": Decimal(float(t.area_needed)).quantize(Decimal("0.01"))}


# ---------------------------------------------------------------- owners' and staff's lists

@login_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    page = Paginator(selectors.assemblies_for(request.user, status=status), 20).get_page(request.GET.get("page"))
    return render(request, "assemblies/index.html", {
        "base_template": _base(request), "page": page, "status": status, "statuses": Status.choices,
        "staff": has_role(request.user, FOLLOW_ROLES), "can_create": has_role(request.user, ORGANISER_ROLES)})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, ORGANISER_ROLES):
        raise Http404(_("页面不存在"))
    paths = scope_paths(request.user, ORGANISER_ROLES)
    compounds = regions.compounds_under(paths)
    buildings = regions.buildings_under(paths)
    data: Any = request.POST if request.method == "POST" else {"max_principals": 1, "named": "1"}
    error = None
    if request.method == "POST":
        try:
            matters: list[Mapping[str, Any]] = [{"item": data.get(f"item_{i}", ""), "title": data.get(f"title_{i}", ""), "body": data.get(f"body_{i}", "")}
                       for i in range(1, MATTER_ROWS + 1) if data.get(f"title_{i}", "").strip() or data.get(f"item_{i}", "")]
            compound_id = _int(data.get("compound_id"), "compound_id", 0) or 0
            if not any(c.pk == compound_id for c in compounds):
                raise DomainError("invalid", _("请选择小区"), field="compound_id")
            a = services.create_assembly(
                actor=request.user, compound_id=compound_id, building_id=_int(data.get("building_id"), "building_id"),
                title=data.get("title", ""), convener=data.get("convener", ""), convener_name=data.get("convener_name", ""),
                opens_at=_when(data.get("opens_at", ""), "opens_at"), closes_at=_when(data.get("closes_at", ""), "closes_at"),
                named=bool(data.get("named")), allow_change=bool(data.get("allow_change")),
                max_principals=_int(data.get("max_principals"), "max_principals", 1) or 0, matters=matters)
            messages.success(request, _("业主大会草稿已保存，下一步：编制业主名册"))
            return redirect("assemblies:detail", a.pk)
        except DomainError as exc:
            error = exc
    return render(request, "assemblies/create.html", {
        "data": data, "error": error, "compounds": compounds, "buildings": buildings, "conveners": Convener.choices,
        "items": [(str(no), label) for no, label in _labels()],
        "rows": [{"i": i, "item": data.get(f"item_{i}", ""), "title": data.get(f"title_{i}", ""), "body": data.get(f"body_{i}", "")}
                 for i in range(1, MATTER_ROWS + 1)]}, status=400 if error else 200)


# ---------------------------------------------------------------- one assembly

@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        a = selectors.assembly_for(request.user, pk)
    except NotFound:
        _public(request, pk)  # a resident of the community: what its disclosures publish
        return redirect("assemblies:results", pk)
    actions = selectors.available_actions(request.user, a)
    follow = request.user.has_perm("assemblies.follow", a)
    heads = selectors.my_heads(request.user, a)
    return render(request, "assemblies/detail.html", {
        "base_template": _base(request), "a": a, "matters": _matters(selectors.matters(a)), "actions": actions, "follow": follow,
        "turnout": _turnout(a), "heads": heads, "can_vote": "vote" in actions and any(_votable(a, h) for h in heads),
        "published": a.status in RESULT_STATES})


def _votable(a: Assembly, head: dict[str, Any]) -> bool:
    return head["delegated"] is None and (not head["voted"] or a.allow_change)


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The assembly's steps, each a POST of its action; a refusal is shown on the page."""
    a = _staff_assembly(request, pk)
    action = request.POST.get("action", "")
    done = {"freeze_roll": _("业主名册已编制并公示"), "lock_roll": _("业主名册已锁定"), "call": _("召开公告已发布，已告知居委会"),
            "open": _("投票已开始"), "extend": _("投票期已延长，延期公告已发布"), "close": _("投票已结束"),
            "publish_result": _("表决结果已公示，表决公示板已发布"), "announce": _("决定公告已发布"), "cancel": _("已取消"),
            "slips": _("书面表决票已制作")}
    try:
        if action not in done or action not in selectors.available_actions(request.user, a):
            raise DomainError("invalid", _("当前不能执行该操作"), field="action")
        if action == "freeze_roll":
            services.freeze_roll(actor=request.user, assembly=a)
        elif action == "lock_roll":
            services.lock_roll(actor=request.user, assembly=a)
        elif action == "call":
            services.call(actor=request.user, assembly=a)
        elif action == "open":
            services.open_voting(actor=request.user, assembly=a)
        elif action == "extend":
            services.extend(actor=request.user, assembly=a, closes_at=_when(request.POST.get("closes_at", ""), "closes_at"))
        elif action == "close":
            services.close(actor=request.user, assembly=a)
        elif action == "publish_result":
            services.publish_result(actor=request.user, assembly=a)
        elif action == "announce":
            services.announce(actor=request.user, assembly=a)
        elif action == "cancel":
            services.cancel(actor=request.user, assembly=a, reason=request.POST.get("reason", ""))
        elif action == "slips":
            n = services.issue_slips(actor=request.user, assembly=a)
            messages.success(request, _("已制作%(n)s张书面表决票") % {"n": n})
            return redirect("assemblies:slips", a.pk)
        messages.success(request, done[action])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("assemblies:detail", a.pk)


@login_required
def turnout(request: HttpRequest, pk: int) -> HttpResponse:
    """Live turnout: the heads and area that voted against the quorum, by channel for staff; the
    fragment alone for htmx (owners' page refreshes it). Never a figure by option."""
    a = _assembly(request, pk)
    follow = request.user.has_perm("assemblies.follow", a)
    ctx: dict[str, Any] = {"a": a, "turnout": _turnout(a), "follow": follow}
    if request.headers.get("HX-Request") or not follow:
        return render(request, "assemblies/_turnout.html", ctx)
    ctx.update({"by_channel": selectors.turnout_counts(a), "slip_counts": selectors.slip_counts(a)})
    return render(request, "assemblies/turnout.html", ctx)


# ---------------------------------------------------------------- voting

@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The ballot: one choice per matter, the head (when the owner votes for several), the SMS
    code asked for and typed, then confirmed; the receipt is shown once after."""
    a = _assembly(request, pk)
    matters = selectors.matters(a)
    heads = [h for h in selectors.my_heads(request.user, a) if _votable(a, h)]
    error = None
    sent = ""
    chosen = _choices(request.POST, matters) if request.method == "POST" else {}
    entry_id = request.POST.get("entry_id", "") if request.method == "POST" else ""
    status = 200
    if request.method == "POST":
        try:
            if "vote" not in selectors.available_actions(request.user, a):
                raise DomainError("not_open", _("当前不在投票时间内"))
            if request.POST.get("step") == "code":
                from linli.core.middleware import client_ip

                services.send_vote_code(actor=request.user, assembly=a, client_ip=client_ip(request))
                sent = mask_phone(getattr(request.user, "phone", ""))
            else:
                eid = _int(entry_id, "entry_id")
                if eid is None and len(heads) == 1:
                    eid = heads[0]["entry"].pk
                ballot, receipt = services.cast(actor=request.user, assembly=a, choices={str(k): v for k, v in chosen.items()},
                                                code=request.POST.get("code", "")[:12], entry_id=eid)
                request.session[RECEIPT_KEY] = {"assembly": a.pk, "receipt": receipt, "head": ballot.entry.label,
                                                "channel": ballot.get_channel_display(),
                                                "at": timezone.localtime(ballot.cast_at).strftime("%Y-%m-%d %H:%M")}
                return redirect("assemblies:receipt", a.pk)
        except DomainError as exc:
            error, status = exc, 400
    return render(request, "assemblies/vote.html", {
        "a": a, "matters": matters, "heads": heads, "error": error, "sent": sent, "chosen": chosen,
        "entry_id": str(entry_id), "open": "vote" in selectors.available_actions(request.user, a),
        "options": Choice.choices}, status=status)


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt code, shown once (it is not stored: only its hash is)."""
    a = _assembly(request, pk)
    shown = request.session.get(RECEIPT_KEY)
    if shown and shown.get("assembly") == a.pk:
        del request.session[RECEIPT_KEY]
    else:
        shown = None
    return render(request, "assemblies/receipt.html", {"a": a, "shown": shown})


@login_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Is my receipt on the published board? The entry, if it is."""
    a = _public(request, pk)
    code = request.GET.get("receipt", "")[:40]
    found = selectors.receipt_on_board(a, code) if code else None
    return render(request, "assemblies/check.html", {
        "base_template": _base(request), "a": a, "code": code, "found": found, "published": a.status in RESULT_STATES,
        "matters": selectors.matters(a)})


# ---------------------------------------------------------------- the roll

@login_required
def public_roll(request: HttpRequest, pk: int) -> HttpResponse:
    a = _public(request, pk)
    page = Paginator(selectors.public_units(a), 200).get_page(request.GET.get("page"))
    return render(request, "assemblies/public_roll.html", {"base_template": _base(request), "a": a, "page": page})


def _roll_page(request: HttpRequest, a: Assembly, *, error: DomainError | None = None, unit: int = 0, entry: int = 0) -> HttpResponse:
    page = Paginator(selectors.roll_entries(request.user, a), 50).get_page(request.GET.get("page"))
    manage = request.user.has_perm("assemblies.manage", a)
    return render(request, "assemblies/roll.html", {
        "a": a, "page": page, "error": error, "error_unit": unit if error else 0, "error_entry": entry if error else 0, "sources": AREA_SOURCES,
        "can_correct": manage and a.roll is not None and a.roll.status != "locked",
        "can_designate": manage and a.status in (Status.DRAFT, Status.CALLED),
        "corrections": selectors.roll_corrections(request.user, a), "person": HeadKind.PERSON,
        "actions": selectors.available_actions(request.user, a)}, status=400 if error else 200)


@login_required
def roll(request: HttpRequest, pk: int) -> HttpResponse:
    return _roll_page(request, _staff_assembly(request, pk))


@login_required
@require_POST
def correct(request: HttpRequest, pk: int, unit_id: int) -> HttpResponseBase:
    a = _staff_assembly(request, pk)
    unit: RollUnit | None = None
    try:
        unit = selectors.unit_for(request.user, a, unit_id)
        raw = request.POST.get("area", "").strip()
        try:
            area = Decimal(raw) if raw else None
        except InvalidOperation:
            raise DomainError("invalid", _("面积格式不正确"), field="area") from None
        if area is not None and not area.is_finite():
            raise DomainError("invalid", _("面积格式不正确"), field="area")
        services.correct_unit(actor=request.user, unit=unit, reason=request.POST.get("reason", ""), area=area,
                              area_source=request.POST.get("area_source") or None)
        messages.success(request, _("已更正 %(u)s") % {"u": unit.label})
    except DomainError as exc:
        return _roll_page(request, a, error=exc, unit=unit_id)
    return redirect("assemblies:roll", a.pk)


@login_required
@require_POST
def designate(request: HttpRequest, pk: int, entry_id: int) -> HttpResponseBase:
    a = _staff_assembly(request, pk)
    try:
        entry: RollEntry = selectors.entry_for(request.user, a, entry_id)
        rid = _int(request.POST.get("resident_id"), "resident_id")
        phone = request.POST.get("phone", "").strip()
        if rid is None and phone:
            rid = _resident_by_phone(request, phone).pk
        if rid is None:
            raise DomainError("invalid", _("请选择投票人"), field="resident_id")
        services.designate_voter(actor=request.user, entry=entry, resident_id=rid, reason=request.POST.get("reason", ""))
        messages.success(request, _("已登记 %(h)s 的投票人") % {"h": entry.label})
    except DomainError as exc:
        return _roll_page(request, a, error=exc, entry=entry_id)
    return redirect("assemblies:roll", a.pk)


def _resident_by_phone(request: HttpRequest, phone: str) -> Any:
    found = list(regions.residents_for(request.user, q=phone.replace(" ", "")[:20])[:2]) if len(phone) >= 11 else []
    if len(found) != 1:
        raise DomainError("invalid", _("没有找到该手机号登记的居民(须填写完整手机号)"), field="phone")
    return found[0]


# ---------------------------------------------------------------- paper ballots

@login_required
def slips(request: HttpRequest, pk: int) -> HttpResponse:
    a = _staff_assembly(request, pk, "assemblies.clerk")
    status = request.GET.get("status", "")
    status = status if status in SLIP_STATES else ""
    page = Paginator(selectors.slips(request.user, a, status=status), 100).get_page(request.GET.get("page"))
    return render(request, "assemblies/slips.html", {"a": a, "page": page, "status": status, "states": SLIP_STATES,
                                                     "counts": selectors.slip_counts(a),
                                                     "actions": selectors.available_actions(request.user, a)})


def _private_file(request: HttpRequest, a: Assembly, field: Any, *, target: Any, label: str, reason: str) -> FileResponse:
    """A scan or an authorisation shown to staff (it carries an owner's name and signature)."""
    return private_file(field, on_view=lambda: services.log_document_view(actor=request.user, assembly=a, target=target,
                                                                          field=field.field.name, label=label, reason=reason))


@login_required
def slip_scan(request: HttpRequest, pk: int, slip_id: int) -> FileResponse:
    """The scanned paper ballot, for the clerks and the staff who check the count."""
    a = _staff_assembly(request, pk, "assemblies.clerk")
    slip = selectors.slips(request.user, a).filter(pk=slip_id).first()
    if slip is None:
        raise Http404(_("表决票不存在"))
    return _private_file(request, a, slip.scan, target=slip, label=f"{a.title} · {slip.code}", reason=_("核对书面表决票扫描件"))


@login_required
def proxy_document(request: HttpRequest, pk: int, proxy_id: int) -> FileResponse:
    """The written authorisation behind a proxy, for the staff over the assembly."""
    a = _staff_assembly(request, pk)
    proxy = selectors.proxies(request.user, a).filter(pk=proxy_id).first()
    if proxy is None:
        raise Http404(_("委托不存在"))
    return _private_file(request, a, proxy.document, target=proxy, label=f"{a.title} · {proxy.principal.label}",
                         reason=_("核对授权委托书"))


@login_required
def slips_print(request: HttpRequest, pk: int) -> HttpResponse:
    """书面表决票, one per head with its code, ready to print (a page of up to 200 at a time)."""
    a = _staff_assembly(request, pk, "assemblies.manage")
    page = Paginator(selectors.slips(request.user, a).prefetch_related("entry__roll_units"), 200).get_page(request.GET.get("page"))
    return render(request, "assemblies/slips_print.html", {"a": a, "page": page, "matters": selectors.matters(a),
                                                           "options": Choice.choices})


@login_required
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """A clerk enters a slip (code and choices); two clerks agree → counted; a mismatch waits for a
    third person, who decides below."""
    a = _staff_assembly(request, pk, "assemblies.clerk")
    matters = selectors.matters(a)
    error, done = None, None
    decide = request.POST.get("step") == "decide"
    if request.method == "POST":
        try:
            choices = {str(k): v for k, v in _choices(request.POST, matters).items()}
            code = request.POST.get("code", "")[:40]
            if decide:
                done = services.decide_paper(actor=request.user, assembly=a, code=code, choices=choices)
            else:
                upload = request.FILES.get("scan")
                scan = (upload.name or "", upload.read(10 * 1024 * 1024 + 1)) if upload is not None else None
                done = services.enter_paper(actor=request.user, assembly=a, code=code, choices=choices, scan=scan)
        except DomainError as exc:
            error = exc
    blocked = list(selectors.slips(request.user, a, status="mismatch")[:50])
    return render(request, "assemblies/paper.html", {
        "a": a, "matters": matters, "error": error, "decide": decide, "done": done, "states": SLIP_STATES,
        "options": Choice.choices, "blocked": blocked, "post": request.POST if error else {},
        "can_decide": request.user.has_perm("assemblies.manage", a), "open": "paper" in selectors.available_actions(request.user, a),
        "counts": selectors.slip_counts(a)}, status=400 if error else 200)


# ---------------------------------------------------------------- proxies

def _principal(request: HttpRequest, a: Assembly, text: str) -> RollEntry:
    text = (text or "").strip()[:200]
    entries = selectors.roll_entries(request.user, a)
    found = None
    if text[:1] in ("H", "h") and text[1:].isdigit():
        found = entries.filter(seq=int(text[1:])).first()
    if found is None and text:
        found = entries.filter(roll_units__label=text).first()
    if found is None:
        raise DomainError("invalid", _("名册上没有该业主(请填写计票主体编号如H00001，或房号)"), field="principal")
    return found


@login_required
def proxies(request: HttpRequest, pk: int) -> HttpResponse:
    a = _staff_assembly(request, pk)
    error = None
    if request.method == "POST":
        try:
            upload = request.FILES.get("document")
            if upload is None:
                raise DomainError("invalid", _("请上传授权委托书"), field="document")
            principal = _principal(request, a, request.POST.get("principal", ""))
            holder = _resident_by_phone(request, request.POST.get("phone", "").strip())
            services.record_proxy(actor=request.user, assembly=a, principal=principal, holder_id=holder.pk,
                                  document_name=upload.name or "", document=upload.read(10 * 1024 * 1024 + 1))
            messages.success(request, _("委托已登记：%(h)s") % {"h": principal.label})
            return redirect("assemblies:proxies", a.pk)
        except DomainError as exc:
            error = exc
    return render(request, "assemblies/proxies.html", {
        "a": a, "rows": selectors.proxies(request.user, a)[:500], "error": error, "post": request.POST if error else {},
        "can_record": "proxy" in selectors.available_actions(request.user, a),
        "can_revoke": request.user.has_perm("assemblies.manage", a) and a.status in (Status.DRAFT, Status.CALLED)},
        status=400 if error else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, proxy_id: int) -> HttpResponseBase:
    p = _get(selectors.proxy_for, request.user, proxy_id)
    try:
        services.revoke_proxy(actor=request.user, proxy=p)
        messages.success(request, _("委托已撤销"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    if request.user.has_perm("assemblies.follow", p.assembly):
        return redirect("assemblies:proxies", p.assembly_id)
    return redirect("assemblies:detail", p.assembly_id)


# ---------------------------------------------------------------- results, board, record, archive

@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    a = _public(request, pk)
    return render(request, "assemblies/results.html", {
        "base_template": _base(request), "a": a, "rows": _matters(selectors.results(a)),
        "court": services.COURT_PERIOD, "published": a.status in RESULT_STATES})


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    a = _public(request, pk)
    published = a.status in RESULT_STATES
    page = Paginator(selectors.board(a) if published else selectors.board(a).none(), 100).get_page(request.GET.get("page"))
    return render(request, "assemblies/board.html", {"base_template": _base(request), "a": a, "page": page,
                                                     "published": published, "matters": selectors.matters(a)})


@login_required
def record(request: HttpRequest, pk: int) -> FileResponse:
    a = _public(request, pk)
    if a.status not in RESULT_STATES or not a.record:
        raise Http404(_("表决记录尚未公布"))
    return FileResponse(a.record.open("rb"), as_attachment=True, filename=f"assembly-{a.pk}-record.json",
                        content_type="application/json")


def verifier(request: HttpRequest) -> FileResponse:
    """The standalone verifier (plain Python, no Django): anyone may download and run it."""
    path = settings.BASE_DIR / "verifier" / "verify_assembly.py"
    if not path.is_file():
        raise Http404(_("页面不存在"))
    return FileResponse(path.open("rb"), as_attachment=True, filename="verify_assembly.py", content_type="text/x-python")


@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything of one assembly, for the street office and the housing bureau."""
    a = _staff_assembly(request, pk)
    return render(request, "assemblies/archive.html", {
        "a": a, "matters": _matters(selectors.matters(a)), "turnout": _turnout(a),
        "by_channel": selectors.turnout_counts(a), "counts": selectors.slip_counts(a),
        "proxies": selectors.proxies(request.user, a).count(), "corrections": selectors.roll_corrections(request.user, a),
        "published": a.status in RESULT_STATES, "court": services.COURT_PERIOD})
