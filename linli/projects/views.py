"""Pages of small public projects (微实事). Residents on the phone: the calls of their community
and street, a call with its budget and projects, an idea, the vote on the shortlist, a project
with its design, progress, photos and rating (follow, withdraw, rate). Designers: their tasks and
the design form. Staff: the desk (calls, overdue projects), a new call, a call's desk (designers,
the body's review, the steps of the call, paper ballots on the vote page, resolutions of the
consultation), a project's desk (progress, photos, finish, not feasible, follow-up, urging), the
registry of designers. Thin: the same selectors and services as the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.selectors import has_role, scope_paths
from linli.consultation import selectors as consultation
from linli.consultation.states import RUNNING as RESOLUTION_RUNNING
from linli.core import followups
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_date, form_int, form_moment
from linli.core.masking import mask_phone
from linli.core.ratings import RATING_LABELS
from linli.core.views import private_file
from linli.regions import selectors as regions

from . import selectors, services
from .models import Call, Kind, Photo, Project, Review, VoteMode
from .rules import MANAGER_ROLES, READ_ROLES, REGISTRY_ROLES
from .states import CallStatus, Status

DRAWINGS_MAX = 10 * 1024 * 1024  # core.images.DOCUMENT_MAX_BYTES: one byte more is refused by the service
PHOTO_MAX = 8 * 1024 * 1024  # core.images.MAX_BYTES
HIDDEN_DESIGN = (Status.IDEA, Status.DESIGNING, Status.WITHDRAWN)  # no design (or one sent back) to show
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _get(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _staff(request: HttpRequest) -> None:
    if not has_role(request.user, READ_ROLES):
        raise Http404(_("页面不存在"))


def _is_staff(request: HttpRequest) -> bool:
    return has_role(request.user, READ_ROLES)


def _base(request: HttpRequest) -> str:
    return "staff_base.html" if _is_staff(request) else "base.html"


def _failed(exc: DomainError) -> dict[str, Any]:
    return {"error": exc, "error_field": exc.details.get("field", "")}


def _reads_call(user: Any, call: Call) -> bool:
    """The staff of the call's area (or of a community of the street's call) read its desk."""
    if not has_role(user, READ_ROLES):
        return False
    try:
        selectors.staff_call(user, call.pk)
    except NotFound:
        return False
    return True


def _reads_project(user: Any, p: Project) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.has_perm("projects.read", p) or user.has_perm("projects.design", p))


def _desk_communities(user: Any, call: Call) -> list[Any]:
    return selectors.desk_communities(user, call)


def _call_actions(user: Any, call: Call) -> list[str]:
    return selectors.call_actions(user, call)


def _date_value(text: Any) -> dt.date | None:
    """A submitted date echoed back into its ``<input type=date>`` (ISO, through ``|date``)."""
    try:
        return parse_date(str(text or "").strip()[:10])
    except ValueError:
        return None


def _moment_value(text: Any) -> dt.datetime | None:
    try:
        return parse_datetime(str(text or "").strip()[:19])
    except ValueError:
        return None


# ---------------------------------------------------------------- residents and the public

def index(request: HttpRequest) -> HttpResponseBase:
    if _is_staff(request):
        return redirect("projects:desk")
    if not request.user.is_authenticated:
        return redirect("portal:choose")
    work = list(selectors.my_design_work(request.user)[:50])
    resident = getattr(request.user, "resident", None)
    community = regions.node_by_code_or_path((resident.region_path or "")[:12], level="community") if resident else None
    if community is None and not work:
        return redirect("portal:choose")
    calls = list(selectors.public_calls(community.path)[:50]) if community is not None else []
    return render(request, "projects/index.html", {"community": community, "calls": calls, "work": work})


def public(request: HttpRequest, path: str) -> HttpResponse:
    community = regions.node_by_code_or_path(path[:15], level="community")
    if community is None:
        raise Http404(_("社区不存在"))
    page = Paginator(selectors.public_calls(community.path), 20).get_page(request.GET.get("page"))
    return render(request, "projects/public.html", {"community": community, "page": page, "base": _base(request)})


def call_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = _get(selectors.call, pk)
    staff = _reads_call(request.user, call)
    return render(request, "projects/call.html", {
        "call": call, "summary": selectors.budget_summary(call), "projects": selectors.projects_of(call, public=True),
        "actions": _call_actions(request.user, call), "ballot": selectors.my_ballot(request.user, call),
        "show_votes": selectors.tally_public(call) or staff, "staff": staff, "base": _base(request),
        "ballots": selectors.ballot_count(call) if selectors.tally_public(call) or staff else None,
        "voting_open": selectors.voting_open(call)})


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponseBase:
    call = _get(selectors.call, pk)
    actions = _call_actions(request.user, call)
    desk = "propose_desk" in actions
    if not desk and "propose" not in actions:
        if request.user.has_perm("projects.propose", call) or _reads_call(request.user, call):
            messages.error(request, _("该征集已截止创意征集"))
            return redirect("projects:call", call.pk)
        raise Http404(_("页面不存在"))
    communities = _desk_communities(request.user, call) if desk else []
    failed: dict[str, Any] = {}
    if request.method == "POST":
        p = request.POST
        try:
            community = None
            if desk:
                community = next((c for c in communities if c.code == p.get("community")), None)
                if community is None:
                    raise DomainError("invalid", _("请选择本次征集范围内的社区"), field="community")
            project = services.propose(actor=request.user, call=call, title=p.get("title", ""), kind=p.get("kind", ""),
                                       description=p.get("description", ""), location=p.get("location", ""),
                                       community=community, on_behalf_of=p.get("on_behalf_of", "") if desk else "")
            messages.success(request, _("创意已提交，社区设计师将把它画成方案，进展会通知您"))
            return redirect("projects:staff_detail" if _is_staff(request) else "projects:detail", project.pk)
        except DomainError as exc:
            failed = _failed(exc)
    return render(request, "projects/propose.html", {
        "call": call, "desk": desk, "communities": communities, "kinds": Kind.choices, "post": request.POST,
        "base": _base(request), **failed}, status=400 if failed else 200)


def _shortlist(call: Call) -> list[Project]:
    return [p for p in selectors.projects_of(call, public=True) if p.status == Status.SHORTLISTED]


def _chosen_ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19}


@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponseBase:
    call = _get(selectors.call, pk)
    actions = _call_actions(request.user, call)
    may_vote, may_paper = "ballot" in actions, "paper" in actions
    if not (may_vote or may_paper):
        if call.status == CallStatus.VOTING and (request.user.has_perm("projects.vote", call) or _reads_call(request.user, call)):
            messages.error(request, _("当前不在投票时间内"))
            return redirect("projects:call", call.pk)
        raise Http404(_("页面不存在"))
    shortlist = _shortlist(call)
    failed: dict[str, Any] = {}
    what = request.POST.get("what", "")
    picked = _chosen_ids(request.POST.getlist("projects"))
    paper_picked = _chosen_ids(request.POST.getlist("paper_projects"))
    if request.method == "POST":
        p = request.POST
        try:
            if what == "preview" and may_vote:
                pass  # the running total of the choices, without a script: the page again, the boxes kept
            elif what == "ballot" and may_vote:
                services.vote(actor=request.user, call=call, project_ids=p.getlist("projects")[:100])
                messages.success(request, _("投票成功，感谢您的参与！投票截止后公布结果"))
                return redirect("projects:call", call.pk)
            elif what == "paper" and may_paper:
                services.record_paper(actor=request.user, call=call, id_number=p.get("id_number", ""),
                                      project_ids=p.getlist("paper_projects")[:100], slip=p.get("slip", ""))
                messages.success(request, _("纸质选票已登记"))
                return redirect("projects:vote", call.pk)
            else:
                raise DomainError("invalid", _("操作无效"), field="what")
        except DomainError as exc:
            failed = _failed(exc)
    ballot = selectors.my_ballot(request.user, call) if may_vote else None
    total = sum((x.cost or Decimal(0) for x in shortlist if x.pk in picked), Decimal(0))
    return render(request, "projects/vote.html", {
        "call": call, "shortlist": shortlist, "may_vote": may_vote and ballot is None, "may_paper": may_paper,
        "ballot": ballot, "picked": picked, "paper_picked": paper_picked, "what": what,
        "total": total, "knapsack": call.vote_mode == VoteMode.KNAPSACK, "base": _base(request),
        "post": request.POST if failed else {}, **failed}, status=400 if failed else 200)


def _phases(photos: dict[str, list[Photo]]) -> list[dict[str, Any]]:
    return [{"phase": value, "label": label, "photos": photos.get(value, [])} for value, label in Photo.Phase.choices]


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = _get(selectors.project, pk)
    view = selectors.project_view(request.user, p, staff=False)
    staff = _reads_project(request.user, p) and _is_staff(request)
    rated = (p.status == Status.DONE and request.user.is_authenticated and "rate" not in view.actions
             and request.user.has_perm("projects.rate", p))
    return render(request, "projects/detail.html", {
        "p": p, "call": p.call, "v": view, "phases": _phases(view.photos), "staff": staff,
        "show_votes": selectors.tally_public(p.call) or staff, "designed": p.status not in HIDDEN_DESIGN and p.cost is not None,
        "ratings": RATING_LABELS.items(), "rated": rated, "base": _base(request)})


@require_POST
@login_required
def act(request: HttpRequest, pk: int) -> HttpResponseBase:
    p = _get(selectors.project, pk)
    what = request.POST.get("what", "")
    try:
        if what == "follow":
            services.follow(actor=request.user, project=p)
            messages.success(request, _("已关注，项目的每一步都会通知您"))
        elif what == "unfollow":
            services.unfollow(actor=request.user, project=p)
            messages.success(request, _("已取消关注"))
        elif what == "withdraw":
            services.withdraw(actor=request.user, project=p)
            messages.success(request, _("创意已撤回"))
            return redirect("projects:call", p.call_id)
        elif what == "rate":
            services.rate(actor=request.user, project=p, rating=form_int(request.POST.get("rating"), 0),
                          comment=request.POST.get("comment", ""))
            messages.success(request, _("感谢您的评价"))
        else:
            raise DomainError("invalid", _("操作无效"), field="what")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("projects:detail", p.pk)


def photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    p = _get(selectors.project, pk)  # a withdrawn project is not found
    row = _get(selectors.photo, p, photo_pk)
    resp = private_file(row.file, on_view=lambda: None)  # site photos of a public project are public
    if not resp["Content-Type"].startswith("image/"):
        resp["Content-Type"] = _image_type(row.content_type)
    return resp


def _image_type(stored: str) -> str:
    """A photo's type from its row when its file name tells none (services.add_photo stores the
    extension where the type belongs, and the type as the file's extension)."""
    if stored.startswith("image/"):
        return stored
    return IMAGE_TYPES.get(stored.lower(), "application/octet-stream")


def drawings(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The drawings are public once the design is in (before that, and after it is sent back for
    revision, only its designer and the staff of the area see them)."""
    p = _get(selectors.project, pk)
    if p.status in HIDDEN_DESIGN and not _reads_project(request.user, p):
        raise Http404(_("文件不存在"))
    return private_file(p.drawings, on_view=lambda: None)


@login_required
def design(request: HttpRequest, pk: int) -> HttpResponseBase:
    p = _get(selectors.staff_project, request.user, pk)
    if p.status == Status.WITHDRAWN:
        raise Http404(_("项目不存在"))
    if "design" not in selectors.project_actions(request.user, p):
        messages.error(request, _("该项目当前不能提交设计方案"))
        return redirect("projects:staff_detail" if _is_staff(request) else "projects:detail", p.pk)
    failed: dict[str, Any] = {}
    if request.method == "POST":
        f = request.FILES.get("drawings")
        try:
            services.submit_design(actor=request.user, project=p, design=request.POST.get("design", ""),
                                   cost=request.POST.get("cost", "").replace(",", "").strip()[:20],
                                   schedule_days=form_int(request.POST.get("schedule_days"), 0),
                                   drawings=(f.name or "", f.read(DRAWINGS_MAX + 1)) if f else None)
            messages.success(request, _("设计方案已提交，待协商评审"))
            return redirect("projects:design", p.pk)
        except DomainError as exc:
            failed = _failed(exc)
        p = _get(selectors.staff_project, request.user, pk)
    return render(request, "projects/design.html", {
        "p": p, "call": p.call, "cap": p.call.cap_for(p.kind), "post": request.POST if failed else {},
        "base": _base(request), "staff": _is_staff(request), **failed}, status=400 if failed else 200)


# ---------------------------------------------------------------- the desk

@login_required
def desk(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")[:12]
    status = status if status in CallStatus.values else ""
    page = Paginator(selectors.calls_for(request.user, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "projects/desk.html", {
        "page": page, "status": status, "statuses": CallStatus.choices,
        "overdue": list(selectors.projects_for(request.user, overdue=True)[:30]),
        "overdue_count": selectors.overdue_count(request.user), "today": timezone.localdate(),
        "may_open": has_role(request.user, MANAGER_ROLES)})


def _call_regions(user: Any) -> list[Any]:
    """The streets and communities where the user may open a call."""
    paths = scope_paths(user, MANAGER_ROLES)
    if not paths:
        return []
    return list(regions.nodes(level=["street", "community"], within=paths).order_by("path")[:500])


@login_required
def new_call(request: HttpRequest) -> HttpResponseBase:
    _staff(request)
    areas = _call_regions(request.user)
    if not areas:
        raise Http404(_("页面不存在"))
    failed: dict[str, Any] = {}
    p = request.POST
    if request.method == "POST":
        try:
            region = next((a for a in areas if a.code == p.get("region")), None)
            if region is None:
                raise DomainError("invalid", _("请选择发起征集的街道或社区"), field="region")
            call = services.open_call(
                actor=request.user, region=region, title=p.get("title", ""), description=p.get("description", ""),
                budget=p.get("budget", "").replace(",", "").strip()[:20],
                ideas_until=form_date(p.get("ideas_until"), _("创意征集截止"), "ideas_until"),
                vote_mode=p.get("vote_mode", ""), max_choices=form_int(p.get("max_choices") or "0", -1),
                body_id=form_int(p.get("body"), -1) if p.get("body") else None,
                cap_services=p.get("cap_services", "").replace(",", "").strip()[:20],
                cap_works=p.get("cap_works", "").replace(",", "").strip()[:20])
            messages.success(request, _("征集已发起，居民可以提出创意了"))
            return redirect("projects:staff_call", call.pk)
        except DomainError as exc:
            failed = _failed(exc)
    return render(request, "projects/new_call.html", {
        "areas": areas, "bodies": list(consultation.bodies_for(request.user).filter(active=True)[:200]),
        "modes": VoteMode.choices, "post": p, "ideas_until": _date_value(p.get("ideas_until")),
        "default_until": timezone.localdate() + dt.timedelta(days=30), **failed}, status=400 if failed else 200)


def _open_resolutions(user: Any, call: Call, rows: list[dict[str, Any]]) -> list[Any]:
    """The consultation's resolutions of the call's area to be carried out as a micro-project
    (落实方式“列入微实事项目”, still running) and not yet in this call."""
    if not user.has_perm("projects.manage", call):
        return []
    linked = {r["p"].resolution_id for r in rows if r["p"].resolution_id}
    return [r for r in consultation.resolutions_for(user, region=call.region)[:300]
            if r.kind == "project" and r.status in RESOLUTION_RUNNING and r.pk not in linked]


def _staff_call(request: HttpRequest, pk: int) -> Call:
    _staff(request)
    return _get(selectors.staff_call, request.user, pk)


def _call_project(request: HttpRequest, call: Call) -> Project:
    p = _get(selectors.staff_project, request.user, form_int(request.POST.get("project"), 0))
    if p.call_id != call.pk:
        raise Http404(_("项目不存在"))
    return p


def _project_act(request: HttpRequest, p: Project, what: str) -> bool:
    """A project's step from either desk page; False when ``what`` is none of them."""
    post, user = request.POST, request.user
    if what == "assign":
        services.assign_designer(actor=user, project=p, designer_id=form_int(post.get("designer"), 0))
        messages.success(request, _("已指派设计师"))
    elif what == "review":
        services.record_review(actor=user, project=p, decision=post.get("decision", ""), opinion=post.get("opinion", ""),
                               meeting_on=form_date(post.get("meeting_on"), _("评审日期"), "meeting_on"),
                               votes_for=form_int(post.get("votes_for"), 0), votes_against=form_int(post.get("votes_against"), 0),
                               votes_abstain=form_int(post.get("votes_abstain"), 0))
        messages.success(request, _("评审结论已记录"))
    elif what == "progress":
        services.progress(actor=user, project=p, percent=form_int(post.get("percent"), -1), note=post.get("note", ""),
                          owner=post.get("owner", ""))
        messages.success(request, _("进度已更新"))
    elif what == "photo":
        f = request.FILES.get("photo")
        if f is None:
            raise DomainError("invalid", _("请选择照片"), field="photo")
        services.add_photo(actor=user, project=p, phase=post.get("phase", ""), data=f.read(PHOTO_MAX + 1),
                           caption=post.get("caption", ""))
        messages.success(request, _("照片已上传"))
    elif what == "finish":
        services.finish(actor=user, project=p, note=post.get("note", ""))
        messages.success(request, _("项目已完成，已请居民评价"))
    elif what == "infeasible":
        services.infeasible(actor=user, project=p, reason=post.get("reason", ""))
        messages.success(request, _("已公开无法实施的原因"))
    elif what == "follow_up":
        services.answer_follow_up(actor=user, project=p, answer=post.get("answer", ""), reopen=post.get("reopen") == "1")
        messages.success(request, _("回访已记录"))
    elif what == "urge":
        services.urge(actor=user, obj=p, note=post.get("note", ""))
        messages.success(request, _("已督办"))
    else:
        return False
    return True


def _call_act(request: HttpRequest, call: Call, what: str) -> None:
    post, user = request.POST, request.user
    if what == "design":
        services.close_ideas(actor=user, call=call)
        messages.success(request, _("已截止征集，进入方案设计"))
    elif what == "review":
        services.start_review(actor=user, call=call)
        messages.success(request, _("已进入协商评审"))
    elif what == "vote":
        services.start_vote(actor=user, call=call, opens=form_moment(post.get("vote_opens"), _("投票开始"), "vote_opens"),
                            closes=form_moment(post.get("vote_closes"), _("投票截止"), "vote_closes"))
        messages.success(request, _("居民投票已开始"))
    elif what == "choose":
        d = services.choose(actor=user, call=call)
        messages.success(request, _("选定项目已公布：%(t)s") % {"t": d.title})
    elif what == "cancel":
        services.cancel_call(actor=user, call=call, reason=post.get("reason", ""))
        messages.success(request, _("征集已取消"))
    elif what == "from_resolution":
        p = services.from_resolution(actor=user, call=call, resolution_id=form_int(post.get("resolution"), 0),
                                     kind=post.get("kind", ""), description=post.get("description", ""))
        messages.success(request, _("协商事项已列入本次征集：%(t)s") % {"t": p.title})
    else:
        raise DomainError("invalid", _("操作无效"), field="what")


@login_required
def staff_call(request: HttpRequest, pk: int) -> HttpResponseBase:
    call = _staff_call(request, pk)
    failed: dict[str, Any] = {}
    error_project = None
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if request.POST.get("project"):
                p = _call_project(request, call)
                error_project = p.pk
                if what not in ("assign", "review") or not _project_act(request, p, what):
                    raise DomainError("invalid", _("操作无效"), field="what")
            else:
                _call_act(request, call, what)
            return redirect("projects:staff_call", call.pk)
        except DomainError as exc:
            failed = _failed(exc)
        call = _get(selectors.staff_call, request.user, pk)
    rows = [{"p": p, "actions": selectors.project_actions(request.user, p)} for p in selectors.projects_of(call, public=False)]
    actions = _call_actions(request.user, call)
    now = timezone.localtime().replace(second=0, microsecond=0)
    post = request.POST if failed else {}
    return render(request, "projects/staff_call.html", {
        "call": call, "rows": rows, "actions": actions, "summary": selectors.budget_summary(call),
        "ballots": selectors.ballot_count(call),
        "designers": selectors.designers_serving(call.region_path[:9]) if len(call.region_path) >= 9 else [],
        "decisions": Review.Decision.choices, "kinds": Kind.choices, "post": post, "error_project": error_project,
        "resolutions": _open_resolutions(request.user, call, rows) if "from_resolution" in actions else [],
        "vote_opens": _moment_value(post.get("vote_opens")) if post else now,
        "vote_closes": _moment_value(post.get("vote_closes")) if post else now + dt.timedelta(days=7),
        "meeting_on": (_date_value(post.get("meeting_on")) if post else None) or timezone.localdate(),
        **failed}, status=400 if failed else 200)


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff(request)
    p = _get(selectors.staff_project, request.user, pk)
    failed: dict[str, Any] = {}
    if request.method == "POST":
        try:
            if not _project_act(request, p, request.POST.get("what", "")):
                raise DomainError("invalid", _("操作无效"), field="what")
            return redirect("projects:staff_detail", p.pk)
        except DomainError as exc:
            failed = _failed(exc)
        p = _get(selectors.staff_project, request.user, pk)
    view = selectors.project_view(request.user, p, staff=True)
    task = followups.task_of(p)
    post = request.POST if failed else {}
    return render(request, "projects/staff_detail.html", {
        "p": p, "call": p.call, "v": view, "phases": _phases(view.photos), "phase_choices": Photo.Phase.choices,
        "designed": bool(p.design) and p.cost is not None,  # the desk sees a design sent back for revision too
        "may_photo": "photo" in view.actions or (p.status == Status.DONE and request.user.has_perm("projects.desk", p)),
        "follow_up": task if task is not None and task.status == "open" and request.user.has_perm("projects.manage", p) else None,
        "designers": selectors.designers_serving(p.region_path) if "assign" in view.actions else [],
        "decisions": Review.Decision.choices, "post": post, "today": timezone.localdate(),
        "meeting_on": (_date_value(post.get("meeting_on")) if post else None) or timezone.localdate(),
        **failed}, status=400 if failed else 200)


def _registry_regions(user: Any) -> tuple[list[Any], list[Any]]:
    """The district and city nodes whose registry the user keeps, and the streets under them."""
    paths = scope_paths(user, REGISTRY_ROLES)
    if not paths:
        return [], []
    nodes = list(regions.nodes(level=["city", "district"], within=paths).order_by("path")[:100])
    streets = list(regions.nodes(level="street", within=paths).order_by("path")[:500])
    return nodes, streets


@login_required
def designers(request: HttpRequest) -> HttpResponseBase:
    _staff(request)
    nodes, streets = _registry_regions(request.user)
    failed: dict[str, Any] = {}
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("what") == "toggle":
                d = _get(selectors.designer_for, request.user, form_int(p.get("designer"), 0))
                services.set_designer_active(actor=request.user, designer=d, active=not d.active)
                messages.success(request, _("已保存"))
            elif p.get("what") == "add" and nodes:
                region = next((n for n in nodes if n.code == p.get("region")), None)
                if region is None:
                    raise DomainError("invalid", _("请选择登记单位"), field="region")
                d = services.add_designer(actor=request.user, region=region, name=p.get("name", ""),
                                          profession=p.get("profession", ""), organisation=p.get("organisation", ""),
                                          streets=p.getlist("streets")[:100], phone=p.get("phone", ""),
                                          username=p.get("username", ""))
                messages.success(request, _("设计师已登记：%(n)s") % {"n": d.name})
            else:
                raise DomainError("invalid", _("操作无效"), field="what")
            return redirect("projects:designers")
        except DomainError as exc:
            failed = _failed(exc)
    rows = [{"d": d, "phone": mask_phone(d.phone), "streets": list(d.streets.all()),
             "keep": request.user.has_perm("projects.designers", d)} for d in selectors.designers_for(request.user)[:500]]
    return render(request, "projects/designers.html", {
        "rows": rows, "nodes": nodes, "streets": streets, "post": request.POST if failed else {},
        "picked_streets": request.POST.getlist("streets") if failed else [], **failed}, status=400 if failed else 200)
