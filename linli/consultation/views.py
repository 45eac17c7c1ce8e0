"""Pages of community consultation. Residents on the phone: my community's topics, propose, a
topic with its supports, answer, meetings, outcome, resolutions and their progress (support,
follow, withdraw, rate), signing in at a meeting by its QR code. Staff: the desk (topics and their
limits), a topic's steps, the meeting desk (attendance, minutes), the resolution tracker, bodies and
members, the list of matters. Public: a community's topics and each topic's page. Thin: the same
selectors and services as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.selectors import has_role
from linli.core.documents import qr_svg
from linli.core.errors import DomainError, NotFound
from linli.core.forms import form_date, form_int, form_moment
from linli.core.ratings import RATING_LABELS
from linli.core.views import private_file
from linli.regions import selectors as regions
from linli.workorders import selectors as workorders

from . import selectors, services
from .models import BodyKind, Category, Form, ResolutionKind, Sector, Source
from .rules import FOLLOW_ROLES
from .states import ResolutionStatus, Status

RESOLUTION_ROWS = 5


def _get(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _staff(request: HttpRequest) -> None:
    if not has_role(request.user, FOLLOW_ROLES):
        raise Http404(_("页面不存在"))


def _base(request: HttpRequest) -> str:
    return "staff_base.html" if has_role(request.user, FOLLOW_ROLES) else "base.html"


def _opt_int(value: Any) -> int | None:
    n = form_int(value, -1)
    return None if n < 0 else n


# ---------------------------------------------------------------- residents and the public

def index(request: HttpRequest) -> HttpResponseBase:
    if has_role(request.user, FOLLOW_ROLES):
        return redirect("consultation:desk")
    resident = getattr(request.user, "resident", None) if request.user.is_authenticated else None
    if resident is None or not resident.region_path:
        return redirect("portal:choose")
    community = regions.node_by_code_or_path(resident.region_path[:12], level="community")
    if community is None:
        raise Http404(_("页面不存在"))
    page = Paginator(selectors.public_topics(community.path), 20).get_page(request.GET.get("page"))
    return render(request, "consultation/index.html", {
        "community": community, "page": page, "mine": list(selectors.my_topics(request.user)[:20]),
        "may_propose": request.user.has_perm("consultation.propose", community)})


def public(request: HttpRequest, code: str) -> HttpResponse:
    community = regions.node_by_code_or_path(code[:15], level="community")
    if community is None:
        raise Http404(_("社区不存在"))
    status = request.GET.get("status", "")[:12]
    status = status if status in Status.values else ""
    page = Paginator(selectors.public_topics(community.path, status=status), 20).get_page(request.GET.get("page"))
    return render(request, "consultation/public.html", {
        "community": community, "page": page, "status": status, "statuses": Status.choices, "base": _base(request),
        "may_propose": request.user.has_perm("consultation.propose", community)})


@login_required
def propose(request: HttpRequest) -> HttpResponseBase:
    resident = getattr(request.user, "resident", None)
    community = regions.node_by_code_or_path((resident.region_path or "")[:12], level="community") if resident else None
    if community is None or not request.user.has_perm("consultation.propose", community):
        raise Http404(_("页面不存在"))
    error = None
    if request.method == "POST":
        try:
            topic = services.propose(actor=request.user, community=community, title=request.POST.get("title", ""),
                                     content=request.POST.get("content", ""), matter_id=_opt_int(request.POST.get("matter")))
            messages.success(request, _("议题已提出，邀请邻居附议吧"))
            return redirect("consultation:detail", topic.pk)
        except DomainError as exc:
            error = exc
    cfg = selectors.community_settings(community)
    return render(request, "consultation/propose.html", {
        "community": community, "matters": selectors.community_matters(community), "error": error, "post": request.POST,
        "threshold": cfg.support_threshold}, status=400 if error else 200)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get(selectors.topic, pk)
    view = selectors.topic_view(request.user, topic)
    return render(request, "consultation/detail.html", {
        "v": view, "t": topic, "base": _base(request), "ratings": RATING_LABELS.items(),
        "summary": selectors.ratings_summary(topic) if topic.status == Status.COMPLETED else None,
        "staff": request.user.has_perm("consultation.read", topic)})


@require_POST
@login_required
def act(request: HttpRequest, pk: int) -> HttpResponseBase:
    topic = _get(selectors.topic, pk)
    what = request.POST.get("what", "")
    try:
        if what == "support":
            services.support(actor=request.user, topic=topic)
            messages.success(request, _("已附议"))
        elif what == "follow":
            services.follow(actor=request.user, topic=topic)
            messages.success(request, _("已关注，议题的每一步都会通知您"))
        elif what == "unfollow":
            services.unfollow(actor=request.user, topic=topic)
            messages.success(request, _("已取消关注"))
        elif what == "withdraw":
            services.withdraw(actor=request.user, topic=topic)
            messages.success(request, _("议题已撤回"))
        elif what == "comment":
            services.comment(actor=request.user, topic=topic, text=request.POST.get("text", ""))
            messages.success(request, _("意见已提交，审核后公开"))
        elif what == "rate":
            services.rate(actor=request.user, topic=topic, rating=form_int(request.POST.get("rating"), 0),
                          comment=request.POST.get("comment", ""))
            messages.success(request, _("感谢您的评价"))
        else:
            raise DomainError("invalid", _("操作无效"), field="what")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("consultation:detail", topic.pk)


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get(selectors.meeting, pk)
    return render(request, "consultation/meeting.html", {"m": m, "base": _base(request),
                                                         "staff": request.user.has_perm("consultation.read", m)})


@login_required
def check_in(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    m = _get(selectors.meeting, pk)
    done, error = None, None
    if request.method == "POST":
        try:
            done = services.check_in(actor=request.user, meeting=m, token=token)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            error = exc
    elif token != m.checkin_token:
        raise Http404(_("签到码无效"))
    return render(request, "consultation/check_in.html", {"m": m, "done": done, "error": error, "token": token,
                                                          "base": _base(request)}, status=400 if error else 200)


# ---------------------------------------------------------------- the desk

@login_required
def desk(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")[:12]
    status = status if status in Status.values else ""
    overdue = request.GET.get("overdue") == "1"
    q = request.GET.get("q", "")[:40]
    page = Paginator(selectors.topics_for(request.user, status=status, overdue=overdue, q=q), 30).get_page(request.GET.get("page"))
    return render(request, "consultation/desk.html", {
        "page": page, "status": status, "statuses": Status.choices, "overdue": overdue, "q": q,
        "counts": selectors.overdue_counts(request.user), "today": timezone.localdate(),
        "may_enter": has_role(request.user, services_desk_roles())})


def services_desk_roles() -> tuple[str, ...]:
    from .rules import DESK_ROLES

    return tuple(DESK_ROLES)


@login_required
def staff_propose(request: HttpRequest) -> HttpResponseBase:
    _staff(request)
    communities = selectors.communities_for(request.user)
    if not communities:
        raise Http404(_("页面不存在"))
    error = None
    if request.method == "POST":
        try:
            community = next((c for c in communities if c.code == request.POST.get("community")), None)
            source = request.POST.get("source", Source.OFFLINE)
            if source not in (Source.OFFLINE, Source.STAFF, Source.WORKORDER):
                raise DomainError("invalid", _("来源无效"), field="source")
            numbers = request.POST.get("work_orders", "").replace("，", ",").replace("\n", ",").split(",")
            topic = services.propose(actor=request.user, community=community, title=request.POST.get("title", ""),
                                     content=request.POST.get("content", ""), matter_id=_opt_int(request.POST.get("matter")),
                                     on_behalf_of=request.POST.get("on_behalf_of", "") if source == Source.OFFLINE else "",
                                     source=source, work_order_numbers=numbers)
            messages.success(request, _("议题已登记"))
            return redirect("consultation:staff_detail", topic.pk)
        except DomainError as exc:
            error = exc
    return render(request, "consultation/staff_propose.html", {
        "communities": communities, "matters": selectors.community_matters(communities[0]) if len(communities) == 1 else [],
        "error": error, "post": request.POST, "sources": [(s, Source(s).label) for s in (Source.OFFLINE, Source.STAFF, Source.WORKORDER)]},
        status=400 if error else 200)


def _staff_topic(request: HttpRequest, pk: int) -> Any:
    _staff(request)
    return _get(selectors.staff_topic, request.user, pk)


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    topic = _staff_topic(request, pk)
    error = None
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            _staff_act(request, topic, what)
            return redirect("consultation:staff_detail", topic.pk)
        except DomainError as exc:
            error = exc
        topic = _get(selectors.staff_topic, request.user, pk)
    view = selectors.topic_view(request.user, topic, staff=True)
    return render(request, "consultation/staff_detail.html", {
        "v": view, "t": topic, "error": error, "post": request.POST if error else {},
        "bodies": selectors.bodies_of(topic.community_id), "forms": Form.choices,
        "matters": selectors.community_matters(topic.community), "kinds": ResolutionKind.choices,
        "categories": list(workorders.leaf_categories()[:300]), "may_urge": selectors.may_urge(request.user, topic),
        "compounds": regions.compounds_under([topic.region_path], limit=200) if any(
            "assembly" in x["actions"] for x in view.resolutions) else [],
        "summary": selectors.ratings_summary(topic)}, status=400 if error else 200)


def _staff_act(request: HttpRequest, topic: Any, what: str) -> None:
    p, user = request.POST, request.user
    if what == "take_up":
        services.take_up(actor=user, topic=topic, body_id=form_int(p.get("body"), 0), form=p.get("form", ""),
                         answer=p.get("answer", ""), off_list_reason=p.get("off_list_reason", ""),
                         matter_id=_opt_int(p.get("matter")))
        messages.success(request, _("议题已受理"))
    elif what in ("refer", "decline"):
        if what == "refer":
            services.refer(actor=user, topic=topic, to=p.get("to", ""), answer=p.get("answer", ""))
        else:
            services.decline(actor=user, topic=topic, answer=p.get("answer", ""))
        messages.success(request, _("已答复"))
    elif what == "merge":
        into = selectors.topics_for(user).filter(number=p.get("into", "").strip()[:20]).first()
        if into is None:
            raise DomainError("merge_target", _("请填写本社区另一个议题的编号"), field="into")
        services.merge(actor=user, topic=topic, into=into, answer=p.get("answer", ""))
        messages.success(request, _("议题已合并"))
    elif what == "support_paper":
        services.record_support(actor=user, topic=topic, household_number=p.get("household_number", ""))
        messages.success(request, _("已登记附议"))
    elif what == "disclose":
        services.disclose(actor=user, topic=topic)
        messages.success(request, _("协商结果已公示"))
    elif what == "add_resolution":
        services.add_resolution(actor=user, topic=topic, title=p.get("title", ""), kind=p.get("kind", ""),
                                owner=p.get("owner", ""), due_on=form_date(p.get("due_on"), _("完成期限"), "due_on"))
        messages.success(request, _("已增加落实事项"))
    elif what == "follow_up":
        services.answer_follow_up(actor=user, topic=topic, answer=p.get("answer", ""), reopen=p.get("reopen") == "1")
        messages.success(request, _("回访已记录"))
    elif what == "urge":
        services.urge(actor=user, obj=topic, note=p.get("note", ""))
        messages.success(request, _("已督办"))
    elif what == "moderate":
        c = selectors.comment_for(user, form_int(p.get("comment"), 0))
        services.moderate(actor=user, comment=c, publish=p.get("publish") == "1", reason=p.get("reason", ""))
        messages.success(request, _("已审核"))
    else:
        raise DomainError("invalid", _("操作无效"), field="what")


@login_required
def schedule(request: HttpRequest, pk: int) -> HttpResponseBase:
    topic = _staff_topic(request, pk)
    if "schedule" not in selectors.available_actions(request.user, topic):
        raise Http404(_("页面不存在"))
    error = None
    if request.method == "POST":
        try:
            m = services.schedule_meeting(
                actor=request.user, topic=topic, starts_at=form_moment(request.POST.get("starts_at"), _("开始"), "starts_at"),
                ends_at=form_moment(request.POST.get("ends_at"), _("结束"), "ends_at"), place=request.POST.get("place", ""),
                agenda=request.POST.get("agenda", ""), body_id=_opt_int(request.POST.get("body")))
            messages.success(request, _("会议已安排，通知已发布"))
            return redirect("consultation:meeting_desk", m.pk)
        except DomainError as exc:
            error = exc
    cfg = selectors.community_settings(topic.community)
    first = timezone.localdate() + dt.timedelta(days=cfg.notice_days)
    return render(request, "consultation/schedule.html", {
        "t": topic, "error": error, "post": request.POST, "bodies": selectors.bodies_of(topic.community_id),
        "first": first, "notice_days": cfg.notice_days}, status=400 if error else 200)


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponseBase:
    topic = _staff_topic(request, pk)
    if "decide" not in selectors.available_actions(request.user, topic):
        raise Http404(_("页面不存在"))
    error = None
    rows = [{"title": request.POST.get(f"title_{i}", ""), "kind": request.POST.get(f"kind_{i}", ""),
             "owner": request.POST.get(f"owner_{i}", ""), "due_on": request.POST.get(f"due_{i}", "")} for i in range(RESOLUTION_ROWS)]
    if request.method == "POST":
        try:
            items = []
            for i, row in enumerate(rows):
                if not (row["title"].strip() or row["owner"].strip()):
                    continue
                items.append(row | {"due_on": form_date(row["due_on"], _("完成期限"), f"due_{i}")})
            services.decide(actor=request.user, topic=topic, outcome=request.POST.get("outcome", ""), resolutions=items)
            messages.success(request, _("协商意见已形成，请在期限内公示结果"))
            return redirect("consultation:staff_detail", topic.pk)
        except DomainError as exc:
            error = exc
    return render(request, "consultation/decide.html", {"t": topic, "error": error, "post": request.POST, "rows": rows,
                                                        "kinds": ResolutionKind.choices}, status=400 if error else 200)


@login_required
def meeting_desk(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff(request)
    m = _get(selectors.staff_meeting, request.user, pk)
    error = None
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "attend":
                services.record_attendance(actor=request.user, meeting=m, member_id=_opt_int(request.POST.get("member")),
                                           name=request.POST.get("name", ""))
                messages.success(request, _("已签到"))
            elif what == "close":
                f = request.FILES.get("scan")
                services.close_meeting(actor=request.user, meeting=m, minutes=request.POST.get("minutes", ""),
                                       dissent=request.POST.get("dissent", ""), scan=(f.name or "", f.read(10 * 1024 * 1024 + 1)) if f else None)
                messages.success(request, _("纪要已确认"))
                return redirect("consultation:staff_detail", m.topic_id)
            elif what == "cancel":
                services.cancel_meeting(actor=request.user, meeting=m, reason=request.POST.get("reason", ""))
                messages.success(request, _("会议已取消"))
                return redirect("consultation:staff_detail", m.topic_id)
            else:
                raise DomainError("invalid", _("操作无效"), field="what")
            return redirect("consultation:meeting_desk", m.pk)
        except DomainError as exc:
            error = exc
        m = _get(selectors.staff_meeting, request.user, pk)
    url = request.build_absolute_uri(reverse("consultation:check_in", args=[m.pk, m.checkin_token]))
    return render(request, "consultation/meeting_desk.html", {
        "m": m, "desk": selectors.meeting_desk(m), "error": error, "post": request.POST if error else {},
        "qr": qr_svg(url, title=_("扫码签到")), "checkin_url": url,
        "manage": request.user.has_perm("consultation.manage", m)}, status=400 if error else 200)


@login_required
def minutes_scan(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff(request)
    m = _get(selectors.staff_meeting, request.user, pk)

    return private_file(m.minutes_scan, on_view=lambda: services.log_scan_view(actor=request.user, meeting=m))


@login_required
def resolutions(request: HttpRequest) -> HttpResponse:
    _staff(request)
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "")[:12]
    status = status if status in ResolutionStatus.values else ""
    page = Paginator(selectors.resolutions_for(request.user, overdue=overdue, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "consultation/resolutions.html", {
        "page": page, "overdue": overdue, "status": status, "statuses": ResolutionStatus.choices, "today": timezone.localdate()})


@require_POST
@login_required
def resolution(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff(request)
    r = _get(selectors.resolution_for, request.user, pk)
    p, user, what = request.POST, request.user, request.POST.get("what", "")
    try:
        if what == "progress":
            services.progress(actor=user, resolution=r, percent=form_int(p.get("percent"), -1), note=p.get("note", ""))
        elif what == "finish":
            services.finish(actor=user, resolution=r, note=p.get("note", ""))
        elif what == "infeasible":
            services.infeasible(actor=user, resolution=r, reason=p.get("reason", ""))
        elif what == "work_order":
            order = services.create_work_order(actor=user, resolution=r, category_code=p.get("category", ""),
                                               description=p.get("description", ""), address=p.get("address", ""))
            messages.success(request, _("已转诉求工单 %(n)s") % {"n": order.number})
        elif what == "assembly":
            a = services.submit_to_assembly(actor=user, resolution=r, compound_id=form_int(p.get("compound"), 0),
                                            item=form_int(p.get("item"), 0), convener=p.get("convener", "")[:20],
                                            convener_name=p.get("convener_name", ""),
                                            opens_at=form_moment(p.get("opens_at"), _("投票开始"), "opens_at"),
                                            closes_at=form_moment(p.get("closes_at"), _("投票截止"), "closes_at"),
                                            body=p.get("body", ""))
            messages.success(request, _("已召集业主大会草案“%(t)s”，请在业主大会中完成名册、公告和表决") % {"t": a.title})
        elif what == "reopen":
            services.reopen_resolution(actor=user, resolution=r, note=p.get("note", ""))
        elif what == "urge":
            services.urge(actor=user, obj=r, note=p.get("note", ""))
        else:
            raise DomainError("invalid", _("操作无效"), field="what")
        if what not in ("work_order", "assembly"):
            messages.success(request, _("已保存"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("consultation:staff_detail", args=[r.topic_id]) + f"#r{r.pk}")


@login_required
def bodies(request: HttpRequest) -> HttpResponseBase:
    _staff(request)
    communities = selectors.communities_for(request.user)
    error = None
    if request.method == "POST":
        try:
            community = next((c for c in communities if c.code == request.POST.get("community")), None)
            b = services.create_body(actor=request.user, community=community, kind=request.POST.get("kind", ""),
                                     name=request.POST.get("name", ""), quorum_percent=form_int(request.POST.get("quorum"), 50))
            messages.success(request, _("机构已建立，请登记成员"))
            return redirect("consultation:body", b.pk)
        except DomainError as exc:
            error = exc
    return render(request, "consultation/bodies.html", {
        "bodies": list(selectors.bodies_for(request.user)[:300]), "communities": communities, "kinds": BodyKind.choices,
        "error": error, "post": request.POST if error else {}}, status=400 if error else 200)


@login_required
def body(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff(request)
    b = _get(selectors.body_for, request.user, pk)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("what") == "remove":
                services.remove_member(actor=request.user, member=_get(selectors.member_for, request.user,
                                                                       form_int(request.POST.get("member"), 0)))
                messages.success(request, _("成员已卸任"))
            else:
                services.add_member(actor=request.user, body=b, name=request.POST.get("name", ""),
                                    sector=request.POST.get("sector", ""), organisation=request.POST.get("organisation", ""),
                                    username=request.POST.get("username", ""))
                messages.success(request, _("成员已登记"))
            return redirect("consultation:body", b.pk)
        except DomainError as exc:
            error = exc
    return render(request, "consultation/body.html", {
        "b": b, "members": selectors.members_of(b), "sectors": Sector.choices, "error": error,
        "post": request.POST if error else {}, "manage": request.user.has_perm("consultation.manage", b)},
        status=400 if error else 200)


@login_required
def matters(request: HttpRequest) -> HttpResponseBase:
    _staff(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("what") == "toggle":
                m = _get(selectors.matter_for, request.user, form_int(request.POST.get("matter"), 0))
                services.set_matter_active(actor=request.user, matter=m, active=not m.active)
            else:
                node = regions.node_by_code_or_path(request.POST.get("region", "")[:15])
                services.add_matter(actor=request.user, region=node, name=request.POST.get("name", ""),
                                    category=request.POST.get("category", ""), description=request.POST.get("description", ""))
            messages.success(request, _("已保存"))
            return redirect("consultation:matters")
        except DomainError as exc:
            error = exc
    rows = list(selectors.matters_of(request.user)[:500])
    return render(request, "consultation/matters.html", {
        "rows": [{"m": m, "mine": request.user.has_perm("consultation.matters", m)} for m in rows],
        "categories": Category.choices, "error": error, "post": request.POST if error else {},
        "areas": selectors.communities_for(request.user)[:50]}, status=400 if error else 200)
