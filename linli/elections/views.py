"""Pages of elections: the staff (list, new election with its plan, the election's page with the
committee and the list's steps, the voter list with corrections) and residents (my entries on
the published lists, phone-first). Thin: the same services as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.selectors import has_role, scope_paths
from linli.core.errors import DomainError, NotFound
from linli.core.text import fill
from linli.regions import selectors as regions

from . import selectors, services
from .models import CommitteeRole, Mode
from .rules import FOLLOW_ROLES, ORGANISER_ROLES
from .states import Status

WHICH = (("votes", "选民"), ("refused", "未列入"), ("household", "本户非户代表"), ("corrected", "已更正"), ("all", "全部"))


def _get(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _staff(request: HttpRequest) -> None:
    if not has_role(request.user, FOLLOW_ROLES):
        raise Http404(_("页面不存在"))


def _communities(user: Any) -> list[Any]:
    paths = scope_paths(user, ORGANISER_ROLES)
    if not paths:
        return []
    nodes = regions.regions_for(user, level="community").order_by("path")[:300]
    return [n for n in nodes if any(n.path.startswith(p) for p in paths)]


@login_required
def election_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    page = Paginator(selectors.elections_for(request.user, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "elections/list.html", {"page": page, "status": status, "statuses": Status.choices,
                                                   "can_create": has_role(request.user, ORGANISER_ROLES)})


def _int(value: Any, field: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise DomainError("invalid", _("请填写整数"), field=field) from exc


def _sheet_no(value: Any) -> int:
    n = _int(str(value or "").strip()[:10], "no", 0)
    if not 0 <= n < 2**31:
        raise DomainError("invalid", _("票号无效"), field="no")
    return n


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _plan(data: Any) -> dict[str, Any]:
    return {"title": data.get("title", ""), "election_day": _day(data.get("election_day")), "mode": data.get("mode", Mode.ALL),
            "seats": {"director": _int(data.get("director"), "seats", 1), "deputy": _int(data.get("deputy"), "seats", 1),
                      "member": _int(data.get("member"), "seats", 3)},
            "min_age": _int(data.get("min_age"), "min_age", 18), "months": _int(data.get("months"), "months", 12),
            "registered_only": bool(data.get("registered_only")), "women_at_least": _int(data.get("women_at_least"), "women_at_least", 1),
            "list_days": _int(data.get("list_days"), "list_days", 20), "proxy_max": _int(data.get("proxy_max"), "proxy_max", 3),
            "group_min": _int(data.get("group_min"), "group_min", 2), "group_max": _int(data.get("group_max"), "group_max", 3),
            "recall_one_in": _int(data.get("recall_one_in"), "recall_one_in", 5),
            "recall_reps_one_in": _int(data.get("recall_reps_one_in"), "recall_reps_one_in", 3)}


@login_required
def form(request: HttpRequest, pk: int | None = None) -> HttpResponseBase:
    """A new election, or its plan while it is being prepared."""
    election = _get(selectors.staff_election, request.user, pk) if pk else None
    if election is not None and "edit" not in selectors.available_actions(request.user, election):
        raise Http404(_("页面不存在"))
    communities = _communities(request.user)
    if not communities:
        raise Http404(_("页面不存在"))
    if election is not None:
        initial: dict[str, Any] = {"title": election.title, "election_day": election.election_day.isoformat(), "mode": election.mode,
                                   **{k: election.seats.get(k, 0) for k in ("director", "deputy", "member")},
                                   "min_age": election.min_age, "months": election.months, "women_at_least": election.women_at_least,
                                   "list_days": election.list_days, "registered_only": "1" if election.registered_only else "",
                                   "proxy_max": election.proxy_max, "group_min": election.group_min, "group_max": election.group_max,
                                   "recall_one_in": election.recall_one_in, "recall_reps_one_in": election.recall_reps_one_in}
    else:
        initial = {"director": 1, "deputy": 1, "member": 3, "min_age": 18, "months": 12, "women_at_least": 1, "list_days": 20,
                   "proxy_max": 3, "group_min": 2, "group_max": 3, "recall_one_in": 5, "recall_reps_one_in": 3}
    data: Any = request.POST if request.method == "POST" else initial
    error = None
    if request.method == "POST":
        try:
            fields = _plan(data)
            if election is None:
                community = next((c for c in communities if c.code == data.get("community")), None)
                election = services.create(actor=request.user, community=community, **fields)
                messages.success(request, _("选举已创建，请组建选举委员会并生成选民名单"))
            else:
                services.update_plan(actor=request.user, election=election, **fields)
                messages.success(request, _("选举方案已保存"))
            return redirect("elections:detail", election.pk)
        except DomainError as exc:
            error = exc
    return render(request, "elections/form.html", {"election": election, "data": data, "error": error, "communities": communities,
                                                   "modes": Mode.choices}, status=400 if error else 200)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    return render(request, "elections/detail.html", {
        "election": election, "actions": selectors.available_actions(request.user, election),
        "committee": selectors.committee(election), "counts": services.voter_counts(election), "roles": CommitteeRole.choices,
        "household_gaps": selectors.household_problems(election), "changes": selectors.changes(election, 20),
        "group_gaps": services.group_problems(election) if election.mode == Mode.GROUP and election.voters_built_at else [],
        "latest": election.election_day - dt.timedelta(days=election.list_days),
        "manage": request.user.has_perm("elections.manage", election)})  # the reasons of corrections: organisers only


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The election page's buttons: add or remove a committee member, build the list, publish it, cancel."""
    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    what = request.POST.get("do", "")
    try:
        if what == "add_member":
            resident = regions.resident_by_id_number(request.POST.get("id_number", "").strip())
            if resident is None or resident.moved_out is not None or not (resident.region_path or "").startswith(election.region_path):
                raise DomainError("invalid", _("本社区人口登记中没有该身份证号的居民"), field="id_number")
            services.add_member(actor=request.user, election=election, resident_id=resident.pk,
                                role=request.POST.get("role", CommitteeRole.MEMBER))
            messages.success(request, _("已加入选举委员会"))
        elif what == "remove_member":
            services.remove_member(actor=request.user, election=election, member_id=_int(request.POST.get("member"), "member", 0))
            messages.success(request, _("已移出选举委员会"))
        elif what == "build":
            counts = services.build_voters(actor=request.user, election=election)
            messages.success(request, _("选民名单已生成：选民 %(n)s 人，未列入 %(r)s 人") % {
                "n": counts["votes"], "r": counts["people"] - counts["eligible"]})
        elif what == "publish_voters":
            services.publish_voters(actor=request.user, election=election)
            messages.success(request, _("选民名单已公布，公示期内居民可提出异议"))
        elif what == "cancel":
            services.cancel(actor=request.user, election=election, reason=request.POST.get("reason", ""))
            messages.success(request, _("选举已取消"))
        else:
            raise Http404(_("页面不存在"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("elections:detail", election.pk)


@login_required
def voters(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    which = request.GET.get("which", "votes")
    which = which if which in dict(WHICH) else "votes"
    q = request.GET.get("q", "")[:20]
    page = Paginator(selectors.voters(election, which=which, q=q), 50).get_page(request.GET.get("page"))
    return render(request, "elections/voters.html", {
        "election": election, "page": page, "lines": selectors.lines(list(page.object_list), organiser=request.user.has_perm("elections.manage", election)), "which": which, "q": q,
        "choices": [(k, _(v)) for k, v in WHICH], "can_correct": "correct" in selectors.available_actions(request.user, election),
        "household": election.mode in (Mode.HOUSEHOLD, Mode.GROUP)})


@login_required
def voter(request: HttpRequest, pk: int, voter_id: int) -> HttpResponseBase:
    """One entry: its facts, its history, and the committee's correction form."""
    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    entry = selectors.voters(election, which="all").filter(pk=voter_id).first()
    if entry is None:
        raise Http404(_("页面不存在"))
    error = None
    can_correct = "correct" in selectors.available_actions(request.user, election)
    if request.method == "POST" and can_correct and request.POST.get("do") == "away":
        try:
            services.mark_away(actor=request.user, election=election, voter_id=entry.pk, away=request.POST.get("away") == "1",
                               note=request.POST.get("note", ""))
            messages.success(request, _("已登记并留痕"))
            return redirect("elections:voter", election.pk, entry.pk)
        except DomainError as exc:
            error = exc
    elif request.method == "POST" and can_correct:
        try:
            objection = request.POST.get("objection_id", "").strip()
            if objection and (not objection.isdigit() or not 0 < int(objection) < 2**31):
                raise DomainError("invalid", _("异议编号无效"), field="objection_id")
            services.correct_voter(actor=request.user, election=election, voter_id=entry.pk,
                                   eligible=request.POST.get("eligible") == "1", votes=request.POST.get("votes") == "1",
                                   deprived=bool(request.POST.get("deprived")), reason=request.POST.get("reason", ""),
                                   objection_id=_int(objection, "objection_id", 0) or None)
            messages.success(request, _("已更正并留痕"))
            return redirect("elections:voter", election.pk, entry.pk)
        except DomainError as exc:
            error = exc
    line = selectors.lines([entry], organiser=can_correct or request.user.has_perm("elections.manage", election))[0]
    return render(request, "elections/voter.html", {"election": election, "line": line, "error": error, "can_correct": can_correct,
                                                    "history": list(entry.changes.select_related("actor")),
                                                    "household": election.mode == Mode.HOUSEHOLD, "group": election.mode == Mode.GROUP},
                  status=400 if error else 200)


@login_required
def public_list(request: HttpRequest, pk: int) -> HttpResponse:
    """选民榜: the voters of a published list — number, masked name, building — for the community's
    residents (to check their neighbours' entries and object) and its staff."""
    election = _get(selectors.public_list, request.user, pk)
    page = Paginator(selectors.voters(election, which="votes").order_by("number"), 100).get_page(request.GET.get("page"))
    response = render(request, "elections/list_public.html", {"election": election, "page": page,
                                                               "lines": selectors.public_lines(list(page.object_list))})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    found = selectors.my_entries(request.user)
    mine = selectors.my_nominations(request.user, [e.pk for e, _v in found])
    return render(request, "elections/mine.html", {"entries": [
        {"election": e, "voter": v, "line": selectors.lines([v])[0] if v else None, "nominations": mine.get(e.pk, [])}
        for e, v in found]})


def _options(rnd: Any) -> list[tuple[str, str]]:
    """The marks on a ballot: 赞成 / 反对 / 弃权, or on a recall's 同意罢免 / 不同意罢免 / 弃权."""
    from .models import MarkValue

    if rnd is not None and rnd.kind == "recall":
        return [(MarkValue.YES.value, _("同意罢免")), (MarkValue.NO.value, _("不同意罢免")), (MarkValue.ABSTAIN.value, _("弃权"))]
    return [(v, str(label)) for v, label in MarkValue.choices]


def _numbers(text: str) -> list[int]:
    """Voter numbers as typed from a paper form: separated by spaces, commas or 、."""
    import re

    parts = [p for p in re.split(r"[\s,，、;；]+", text or "") if p]
    if not all(p.isdigit() and len(p) <= 9 for p in parts):
        raise DomainError("invalid", _("推荐人选民证号只能是数字，用逗号或空格分隔"), field="nominators")
    return [int(p) for p in parts]


def _nominee(election: Any, id_number: str) -> int:
    resident = regions.resident_by_id_number((id_number or "").strip())
    entry = selectors.voters(election, which="all").filter(resident_id=resident.pk).first() if resident is not None else None
    if entry is None:
        raise DomainError("not_eligible", _("本次选民名单中没有该身份证号的居民"), field="id_number")
    return int(entry.pk)


@login_required
def nominations(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The committee's nominations page: record a nomination from its paper form, record a
    nominee's answer on his behalf, withdraw one, decide each post's formal candidates in ballot
    order, and publish the candidate list."""
    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    actions = selectors.available_actions(request.user, election)
    if request.method == "POST":
        if not request.user.has_perm("elections.manage", election):
            raise Http404(_("页面不存在"))
        what = request.POST.get("do", "")
        try:
            if what == "nominate":
                services.nominate(actor=request.user, election=election, post=request.POST.get("post", ""),
                                  nominee_id=_nominee(election, request.POST.get("id_number", "")),
                                  by_committee=request.POST.get("by") == "committee",
                                  nominator_numbers=_numbers(request.POST.get("nominators", "")), note=request.POST.get("note", ""))
                messages.success(request, _("提名已登记，已通知被提名人确认"))
            elif what in ("accept", "decline"):
                services.answer_nomination(actor=request.user, election=election, nomination_id=_int(request.POST.get("nomination"), "nomination", 0),
                                           accept=what == "accept", note=request.POST.get("note", ""))
                messages.success(request, _("已登记被提名人意见"))
            elif what == "withdraw":
                services.withdraw_nomination(actor=request.user, election=election,
                                             nomination_id=_int(request.POST.get("nomination"), "nomination", 0),
                                             reason=request.POST.get("reason", ""))
                messages.success(request, _("提名已撤回"))
            elif what == "candidates":
                post = request.POST.get("post", "")
                chosen = [(_int(request.POST.get(f"order_{v}"), "order", 99), _int(v, "voter", 0)) for v in request.POST.getlist("voter")]
                services.set_candidates(actor=request.user, election=election, post=post, voter_ids=[v for _o, v in sorted(chosen)],
                                        how=request.POST.get("how", "nominations"), note=request.POST.get("note", ""))
                messages.success(request, _("正式候选人已确定"))
            elif what == "publish_candidates":
                services.publish_candidates(actor=request.user, election=election)
                messages.success(request, _("候选人名单已公布"))
            else:
                raise Http404(_("页面不存在"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("elections:nominations", election.pk)
    lines = selectors.nominations(election)
    posts = selectors.candidates(election)
    positions = {c["voter_id"]: c["position"] for p in posts for c in p["candidates"]}
    for p in posts:
        p["accepted"] = [x for x in lines if x.nomination.post == p["post"] and x.nomination.status == "accepted"]
        p["more"] = election.min_more
    return render(request, "elections/nominations.html", {
        "election": election, "actions": actions, "lines": lines, "posts": posts, "chosen": positions,
        "check": services.candidate_check(election) if election.status == Status.VOTERS_PUBLISHED else [],
        "how": [(k, str(v)) for k, v in services.HOW.items()], "post_choices": [(p["post"], p["label"]) for p in posts],
        "needed": election.representatives_needed if election.mode == Mode.HOUSEHOLD else election.nominators_needed,
        "latest": election.election_day - dt.timedelta(days=election.candidates_days)})


@login_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """The published candidate list (候选人名单) for the community's residents and its staff."""
    election = _get(selectors.public_candidates, request.user, pk)
    response = render(request, "elections/candidates.html", {"election": election, "posts": selectors.candidates(election)})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, nomination_id: int) -> HttpResponseBase:
    """The nominee's own answer, from his page."""
    election = _get(selectors.election_for, request.user, pk)
    try:
        services.answer_nomination(actor=request.user, election=election, nomination_id=nomination_id,
                                   accept=request.POST.get("accept") == "1")
        messages.success(request, _("您的意见已记录") if request.POST.get("accept") == "1" else _("已记录：您不接受提名"))
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("elections:mine")


# ---------------------------------------------------------------- voting

RECEIPT_KEY = "elections_receipt"


def _marks(post_data: Any, posts: list[dict[str, Any]]) -> dict[str, Any]:
    """The ballot form → the service's marks: ``mark_<post>_<voter id>`` and ``write_<post>``."""
    out: dict[str, Any] = {}
    for p in posts:
        marks = {str(c["voter_id"]): post_data.get(f"mark_{p['post']}_{c['voter_id']}")
                 for c in p["candidates"] if post_data.get(f"mark_{p['post']}_{c['voter_id']}")}
        written = [w.strip()[:8] for w in post_data.getlist(f"write_{p['post']}")[:20] if w.strip()]
        if marks or written:
            out[p["post"]] = {"marks": marks, "write_ins": written}
    return out


def _keep_marks(posts: list[dict[str, Any]], chosen: dict[str, Any]) -> None:
    """What was marked stays marked when the form comes back (a code asked for, an error)."""
    picked = {f"{post}_{k}": v for post, m in chosen.items() for k, v in m.get("marks", {}).items()}
    written = {post: m.get("write_ins", []) for post, m in chosen.items()}
    for p in posts:
        p["written"] = (written.get(p["post"], []) + [""] * p["seats"])[:p["seats"]]
        for c in p["candidates"]:
            c["picked"] = picked.get(f"{p['post']}_{c['voter_id']}", "")


@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The ballot on the voter's phone: per post each candidate yes / no / abstain and the
    write-ins by voter number; the SMS code asked for and typed; the receipt shown once after."""
    from linli.core.masking import mask_phone

    from . import proxies, voting
    from .models import RoundStatus

    election = _get(selectors.election_for, request.user, pk)
    rnd = voting.current_round(election)
    voter = voting.my_voter(request.user, election)
    open_ = rnd is not None and rnd.status == RoundStatus.VOTING and election.status == Status.VOTING
    posts = selectors.ballot_posts(election, rnd) if rnd is not None else []
    # a proxy holder chooses whose ballot he fills in: his own or a principal's (委托投票)
    held = proxies.held_by(request.user, election) if voter is not None and voter.votes else []
    voted = set(rnd.participations.values_list("voter_id", flat=True).filter(voter_id__in=[voter.pk, *[p.principal_id for p in held]])) \
        if open_ and voter is not None and rnd is not None else set()
    wanted = request.POST.get("for_voter") or request.GET.get("for") or ""
    principal = next((p.principal for p in held if str(p.principal_id) == wanted), None)
    delegated = voter is not None and proxies.standing(election).filter(principal=voter).exists()
    done = (principal.pk if principal else getattr(voter, "pk", None)) in voted
    error, sent, status = None, "", 200
    chosen: dict[str, Any] = _marks(request.POST, posts) if request.method == "POST" else {}
    if request.method == "POST":
        try:
            if request.POST.get("step") == "code":
                from linli.core.middleware import client_ip

                voting.send_vote_code(actor=request.user, election=election, client_ip=client_ip(request))
                sent = mask_phone(getattr(request.user, "phone", ""))
            else:
                taken, receipt = voting.cast(actor=request.user, election=election, marks=chosen,
                                             code=request.POST.get("code", "")[:12], for_voter=principal.pk if principal else None)
                request.session[RECEIPT_KEY] = {"election": election.pk, "receipt": receipt, "round": rnd.no if rnd else 1}
                return redirect("elections:receipt", election.pk)
        except DomainError as exc:
            error, status = exc, exc.status if exc.status in (400, 403, 409) else 400
    _keep_marks(posts, chosen)
    response = render(request, "elections/vote.html", {
        "election": election, "round": rnd, "posts": posts, "open": open_, "voter": voter, "done": done, "error": error,
        "sent": sent, "options": _options(rnd), "recall": rnd is not None and rnd.kind == "recall", "principal": principal, "delegated": delegated and principal is None,
        "ballots": [{"voter": voter, "principal": None, "voted": getattr(voter, "pk", None) in voted}]
        + [{"voter": p.principal, "principal": p, "voted": p.principal_id in voted} for p in held] if held else []}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt code, shown once (only its hash is kept); and a receipt checked against the
    ballots counted."""
    from . import voting

    election = _get(selectors.election_for, request.user, pk)
    shown = request.session.get(RECEIPT_KEY)
    if shown and shown.get("election") == election.pk:
        del request.session[RECEIPT_KEY]
    else:
        shown = None
    code = request.GET.get("receipt", "")[:40]
    found = voting.find_receipt(election, code) if code else None
    response = render(request, "elections/receipt.html", {"election": election, "shown": shown, "code": code, "found": found})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def voting_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The organisers' polling page: open the round, the turnout live, close, count; every
    round's result."""
    from . import voting

    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    manage = request.user.has_perm("elections.manage", election)
    if request.method == "POST":
        if not manage:
            raise Http404(_("页面不存在"))
        what = request.POST.get("what", "")
        try:
            if what == "open":
                voting.open_voting(actor=request.user, election=election)
                messages.success(request, _("投票已开始"))
            elif what == "close":
                voting.close_voting(actor=request.user, election=election)
                messages.success(request, _("投票已结束"))
            elif what == "count":
                voting.count_round(actor=request.user, election=election)
                messages.success(request, _("计票完成"))
            else:
                raise Http404(_("页面不存在"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("elections:voting", election.pk)
    rnd = voting.current_round(election)
    return render(request, "elections/voting.html", {
        "election": election, "manage": manage, "round": rnd, "turnout": voting.turnout(election),
        "rounds": selectors.rounds(election), "ballot": selectors.ballot_posts(election, rnd) if rnd else [],
        "can_open": election.status in (Status.CANDIDATES_PUBLISHED, Status.FURTHER), "can_close": election.status == Status.VOTING,
        "can_count": election.status == Status.CLOSED, "elected": selectors.elected(election)})


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The counted rounds' results, for the community's residents and its staff (当场公布)."""
    election = _get(selectors.election_for, request.user, pk)
    rid = getattr(request.user, "resident_id", None)
    mine = [x for x in selectors.elected(election) if rid and x["voter"].resident_id == rid]
    return render(request, "elections/results.html", {"election": election, "rounds": selectors.counted_rounds(election),
                                                      "mine": mine})


@login_required
def certificate(request: HttpRequest, pk: int, voter_id: int) -> HttpResponse:
    """当选证书 (PDF): for the organisers, and for the person elected himself."""
    from . import documents

    election = _get(selectors.election_for, request.user, pk)
    try:
        line = selectors.certificate_line(request.user, election, voter_id)
    except NotFound as exc:
        raise Http404(_("页面不存在")) from exc
    pdf = documents.certificate_pdf(election, line["voter"], name=line["name"], post_label=str(line["label"]),
                                    counted_at=line["counted_at"],
                                    verify_url=request.build_absolute_uri(documents.verify_path(election, line["voter"])))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{documents.certificate_number(election, line["voter"])}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The public check of a certificate of election (no sign-in): whose (masked), which post,
    which election; 404 for a token that was not issued or a person no longer elected."""
    from linli.core.masking import mask_name

    from . import documents
    from .models import Election

    found = documents.read_token(token)
    election = Election.objects.select_related("community").filter(pk=found[0]).first() if found else None
    line = next((x for x in selectors.elected(election) if x["voter"].pk == found[1]), None) if election and found else None
    return render(request, "elections/verify.html", {"election": election if line else None, "line": line,
                                                     "masked": mask_name(line["name"]) if line else "",
                                                     "number": documents.certificate_number(election, line["voter"]) if line else ""},
                  status=200 if line else 404)


@login_required
def paper(request: HttpRequest, pk: int) -> HttpResponseBase:
    """纸质选票 for the clerks: during voting, the check-off at the polling station or the mobile
    ballot box; after the close, each paper ballot entered twice by two clerks (the second with
    the sheet's number) and a difference decided by a third."""
    from . import voting
    from .models import RoundStatus

    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    clerk = request.user.has_perm("elections.clerk", election)
    state = voting.paper_state(election)
    rnd = state["round"]
    posts = selectors.ballot_posts(election, rnd) if rnd is not None else []
    error, status = None, 200
    chosen: dict[str, Any] = {}
    if request.method == "POST":
        if not clerk:
            raise Http404(_("页面不存在"))
        what = request.POST.get("what", "")
        chosen = _marks(request.POST, posts)
        try:
            if what == "check_off":
                voting.check_off(actor=request.user, election=election, number=request.POST.get("number", "")[:10],
                                 channel=request.POST.get("channel", ""), by_proxy=request.POST.get("by_proxy") == "1")
                messages.success(request, fill(_("选民证号%(n)s已领票"), {"n": request.POST.get("number", "")[:10]}))
            elif what == "enter":
                no = _sheet_no(request.POST.get("no", "")) or None
                sheet = voting.enter_paper(actor=request.user, election=election, channel=request.POST.get("channel", ""),
                                           marks=chosen, no=no)
                messages.success(request, fill(_("票号%(n)s：%(s)s"), {"n": sheet.no, "s": sheet.get_status_display()}))
            elif what == "decide":
                sheet = voting.decide_paper(actor=request.user, election=election,
                                            no=_sheet_no(request.POST.get("no", "")), marks=chosen)
                messages.success(request, fill(_("票号%(n)s已裁定并计入"), {"n": sheet.no}))
            else:
                raise Http404(_("页面不存在"))
            return redirect("elections:paper", election.pk)
        except DomainError as exc:
            error, status = exc, exc.status if exc.status in (400, 403, 404, 409) else 400
    _keep_marks(posts, chosen)
    decide = next((x for x in state["mismatched"] if str(x.no) == request.GET.get("decide", "")), None)
    return render(request, "elections/paper.html", {
        "election": election, "clerk": clerk, "state": state, "round": rnd, "posts": posts, "options": _options(rnd),
        "recall": rnd is not None and rnd.kind == "recall",
        "error": error, "voting": rnd is not None and rnd.status == RoundStatus.VOTING,
        "entering": rnd is not None and rnd.status == RoundStatus.CLOSED, "second": request.GET.get("no", "")[:8],
        "decide": decide}, status=status)


# ---------------------------------------------------------------- proxies and counting staff

@login_required
def proxies_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """委托投票: the committee records a written authorisation (uploaded), revokes one with a reason
    and publishes the list; the community's residents read the published list (numbers, masked
    names, the relation)."""
    from . import proxies
    from .models import NearRelation

    election = _get(selectors.election_for, request.user, pk)
    manage = request.user.has_perm("elections.manage", election)
    if not manage and not (election.proxies_published_at or request.user.has_perm("elections.follow", election)):
        raise Http404(_("委托投票名单尚未公布"))
    error, status = None, 200
    if request.method == "POST":
        if not manage:
            raise Http404(_("页面不存在"))
        what = request.POST.get("what", "")
        try:
            if what == "record":
                upload = request.FILES.get("document")
                if upload is None:
                    raise DomainError("invalid", _("请上传委托人签名的书面委托书(PDF或照片)"), field="document")
                proxies.record_proxy(actor=request.user, election=election, principal_number=request.POST.get("principal_number", "")[:10],
                                     holder_number=request.POST.get("holder_number", "")[:10], relation=request.POST.get("relation", ""),
                                     document_name=upload.name or "", document=upload.read(10 * 1024 * 1024 + 1))
                messages.success(request, _("委托已登记；公布委托投票名单后生效"))
            elif what == "revoke":
                proxies.revoke_proxy(actor=request.user, election=election, proxy_id=_int(request.POST.get("proxy"), "proxy", 0),
                                     reason=request.POST.get("reason", ""))
                messages.success(request, _("委托已撤销"))
            elif what == "publish":
                proxies.publish_proxies(actor=request.user, election=election)
                messages.success(request, _("委托投票名单已公布"))
            else:
                raise Http404(_("页面不存在"))
            return redirect("elections:proxies", election.pk)
        except DomainError as exc:
            error, status = exc, exc.status if exc.status in (400, 403, 404, 409) else 400
    staff = manage or request.user.has_perm("elections.follow", election)
    from .models import Proxy

    response = render(request, "elections/proxies.html", {
        "election": election, "manage": manage, "staff": staff, "lines": proxies.proxy_lines(election), "error": error,
        "relations": NearRelation.choices, "out_of_date": proxies.proxies_out_of_date(election),
        "open": election.status in proxies.OPEN_FOR_PROXIES, "post": request.POST if error else {},
        "revoked": Proxy.objects.filter(election=election, revoked_at__isnull=False).select_related("principal", "holder")
        if staff else []}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def proxy_document(request: HttpRequest, pk: int, proxy_id: int) -> HttpResponseBase:
    """The written authorisation behind a proxy, for the organisers (each view logged)."""
    from linli.core.views import private_file

    from . import proxies
    from .models import Proxy

    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    if not request.user.has_perm("elections.manage", election):
        raise Http404(_("页面不存在"))
    proxy = Proxy.objects.filter(election=election, pk=proxy_id).select_related("principal").first()
    if proxy is None:
        raise Http404(_("委托不存在"))
    return private_file(proxy.document, on_view=lambda: proxies.log_document_view(actor=request.user, election=election, proxy=proxy))


@login_required
def counting(request: HttpRequest, pk: int) -> HttpResponseBase:
    """监票、唱票、计票人员: recorded before the count (a resident by ID number, or a staff account
    by its user name); a candidate or his near relative is refused."""
    from linli.accounts.selectors import active_user_by_username

    from . import proxies
    from .models import CountingRole

    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    manage = request.user.has_perm("elections.manage", election)
    if request.method == "POST":
        if not manage:
            raise Http404(_("页面不存在"))
        what = request.POST.get("what", "")
        try:
            if what == "add":
                id_number = request.POST.get("id_number", "").strip()[:18]
                username = request.POST.get("username", "").strip()[:150]
                if id_number:
                    resident = regions.resident_by_id_number(id_number)
                    if resident is None:
                        raise DomainError("invalid", _("本社区人口登记中没有该身份证号的居民"), field="id_number")
                    proxies.add_staff(actor=request.user, election=election, role=request.POST.get("role", ""), resident_id=resident.pk,
                                      chosen=request.POST.get("chosen", ""))
                else:
                    user = active_user_by_username(username) if username else None
                    if user is None:
                        raise DomainError("invalid", _("请填写居民身份证号或工作人员账号"), field="id_number")
                    proxies.add_staff(actor=request.user, election=election, role=request.POST.get("role", ""), user=user,
                                      chosen=request.POST.get("chosen", ""))
                messages.success(request, _("已登记"))
            elif what == "remove":
                proxies.remove_staff(actor=request.user, election=election, staff_id=_int(request.POST.get("staff"), "staff", 0))
                messages.success(request, _("已删除"))
            else:
                raise Http404(_("页面不存在"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("elections:counting", election.pk)
    return render(request, "elections/counting.html", {"election": election, "manage": manage, "lines": proxies.staff_lines(election),
                                                       "roles": CountingRole.choices})


@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """选举档案 (ZIP: the workbook, the chained ballots, the manifest) for the organisers."""
    from . import archive as archives

    _staff(request)
    election = _get(selectors.staff_election, request.user, pk)
    if not request.user.has_perm("elections.manage", election):
        raise Http404(_("页面不存在"))
    data = archives.export(actor=request.user, election=election)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}-archive.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- recall (罢免)

def _signers(text: str) -> str:
    if len(text) > 600_000:
        raise DomainError("invalid", _("联名人太多，请通过接口分批核对后登记"), field="signers")
    return text


@login_required
def recalls(request: HttpRequest, pk: int) -> HttpResponseBase:
    """罢免: the organisers record a petition (the members named, the reason, the signers' voter
    numbers), the defence, open the vote or withdraw it; a member named answers on his phone; the
    community's residents read each recall, its defence and its result."""
    from . import recall as recalls_

    election = _get(selectors.election_for, request.user, pk)
    manage = request.user.has_perm("elections.manage", election)
    error, status = None, 200
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "defence":
                recalls_.record_defence(actor=request.user, election=election, recall_id=request.POST.get("recall"),
                                        text=request.POST.get("defence", ""), member_id=request.POST.get("member") or None)
                messages.success(request, _("申辩意见已登记"))
            elif not manage:
                raise Http404(_("页面不存在"))
            elif what == "lodge":
                recalls_.lodge_recall(actor=request.user, election=election, member_ids=request.POST.getlist("member")[:20],
                                      reason=request.POST.get("reason", ""), signer_numbers=_signers(request.POST.get("signers", "")))
                messages.success(request, _("罢免要求已登记，已通知被提出罢免的成员提出申辩意见"))
            elif what == "open":
                recalls_.open_recall(actor=request.user, election=election, recall_id=request.POST.get("recall"))
                messages.success(request, _("罢免表决已开始；投票结束后在“投票与计票”页面结束投票并计票"))
            elif what == "withdraw":
                recalls_.withdraw_recall(actor=request.user, election=election, recall_id=request.POST.get("recall"),
                                         reason=request.POST.get("reason", ""))
                messages.success(request, _("罢免要求已撤回"))
            else:
                raise Http404(_("页面不存在"))
            return redirect("elections:recalls", election.pk)
        except DomainError as exc:
            error, status = exc, exc.status if exc.status in (400, 403, 404, 409) else 400
    lines = recalls_.recall_lines(request.user, election)
    response = render(request, "elections/recalls.html", {
        "election": election, "manage": manage, "staff": manage or request.user.has_perm("elections.follow", election),
        "lines": lines, "error": error, "post": request.POST if error else {},
        "checked": request.POST.getlist("member") if error else [],
        "office": recalls_.in_office(election) if manage else [], "needed": recalls_.signatures_needed(election) if manage else 0,
        "may_lodge": recalls_.may_lodge(request.user, election)}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
