"""Another street's staff (石牌社区's admin, 石牌街's admin) and another street's resident see nothing of
猎德街's small public projects (微实事) beyond what is public (a call, its projects, a project's page):
every staff endpoint and page answers 404, their lists hold none of it, a write on a public object
is refused (403; a paper ballot for a resident not theirs 400 ``not_resident``), nothing is written
and nothing answers 500. Signed out, the API answers 401 and the desk sends to the login page.

Every route of ``projects/api.py`` is here: the staff ones in ``_not_found``, the writes on public
objects in ``_forbidden`` / ``_paper``, the lists in ``test_outsiders_lists_hold_only_their_own``,
the public reads in ``test_public_reads_answer_everyone``; ``test_every_route_is_covered`` keeps
the tally. The pages are ``projects/urls.py``'s ``desk/…`` and ``design``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.accounts.roles import Role
from linli.consultation.tests.conftest import PDF
from linli.core.models import AuditEvent, Escalation, FollowUp
from linli.projects import services
from linli.projects.models import Ballot, Call, Designer, Event, Follower, Photo, Project, Rating, Review

from .conftest import png

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}
API = "/api/v1/consultation"
PRIVATE_NOTE = "督办意见只给工作人员看"
IDEA = {"title": "越权提出的创意", "kind": "services", "description": "替别的街道居民提出的创意内容说明。"}


class Here:
    """猎德街's 微实事 at every stage, and 石牌街's own call next door."""

    def __init__(self, world: Any, make_user: Any) -> None:
        tree, w = world.tree, world
        self.world = w
        # 猎德社区's call collecting ideas: the proposer's idea, its designer at work
        self.ideas_call = w.call(region=tree.liede_sq, title="2027年猎德社区微实事")
        self.idea = w.idea(self.ideas_call)
        services.assign_designer(actor=w.admin, project=self.idea, designer_id=w.designer.pk)
        # 猎德街's call in its vote (the body's votes recorded, one ballot cast)
        self.voting_call = w.call(title="猎德街长者友好微改造征集")  # (the new-call form's placeholder is “2027年猎德街微实事”)
        (self.shortlisted,) = w.voting(self.voting_call, costs=("80000",))
        services.vote(actor=w.r1, call=self.voting_call, project_ids=[self.shortlisted.pk])
        # last year's call of 猎德社区, published: one project under way (urged), one done and rated badly
        self.chosen_call = w.call(region=tree.liede_sq, title="2026年猎德社区微实事", vote_mode="none")
        a = w.idea(self.chosen_call, title="楼道加装扶手方便老人")
        b = w.idea(self.chosen_call, actor=w.r2, title="小区门口加装遮阳棚")
        w.designed(self.chosen_call, a, cost="80000")
        w.designed(self.chosen_call, b, cost="60000")
        services.close_ideas(actor=w.admin, call=self.chosen_call)
        self.chosen_call.refresh_from_db()
        services.start_review(actor=w.admin, call=self.chosen_call)
        w.review(a)
        w.review(b)
        services.choose(actor=w.admin, call=self.chosen_call)
        services.progress(actor=w.clerk, project=a, percent=40, note="扶手已安装一半")
        services.urge(actor=w.street, obj=Project.objects.get(pk=a.pk), note=PRIVATE_NOTE)  # on the staff's timeline only
        services.add_photo(actor=w.clerk, project=b, phase="before", data=png("gray"))
        services.add_photo(actor=w.clerk, project=b, phase="after", data=png("green"))
        services.finish(actor=w.clerk, project=b, note="遮阳棚已安装验收")
        services.rate(actor=w.r1, project=Project.objects.get(pk=b.pk), rating=1, comment="遮阳棚漏雨")  # a follow-up opens
        self.running, self.done = Project.objects.get(pk=a.pk), Project.objects.get(pk=b.pk)
        self.photo = Photo.objects.filter(project=self.done).first()
        # next door: 石牌街 and its community, its own call
        self.shipai_street = make_user(Role.STREET_ADMIN, tree.shipai, username="shipai_admin")
        self.shipai_admin = make_user(Role.COMMUNITY_ADMIN, tree.shipai_sq, username="shipai_sq_admin")
        self.other_call = w.call(actor=self.shipai_street, region=tree.shipai, title="2027年石牌街微实事")
        self.outsiders = [self.shipai_admin, self.shipai_street, w.shipai_resident]
        self.staff_outsiders = [self.shipai_admin, self.shipai_street]
        self.calls = [self.ideas_call, self.voting_call, self.chosen_call]
        self.projects = [self.idea, self.shortlisted, self.running, self.done]

    def snapshot(self) -> tuple[Any, ...]:
        counts = tuple(m.objects.count() for m in (Call, Project, Event, Review, Ballot, Photo, Follower, Rating, Designer,
                                                    FollowUp, Escalation, AuditEvent))
        return (*counts, *(Call.objects.filter(pk=c.pk).values_list("status", "ballots").get() for c in self.calls),
                *(Project.objects.filter(pk=p.pk).values_list("status", "progress", "votes", "designer_id").get()
                  for p in self.projects),
                tuple(Designer.objects.order_by("pk").values_list("active", flat=True)))


@pytest.fixture
def here(world: Any, make_user: Any) -> Here:
    return Here(world, make_user)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("图纸.pdf", PDF, content_type="application/pdf")


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.png", png(), content_type="image/png")


def _not_found(h: Here) -> list[tuple[str, str, Any]]:
    """Staff endpoints of 猎德街's objects: 404 for whoever is not over the area. (A body that is a
    callable is a multipart form, built afresh for each request.)"""
    w, today = h.world, timezone.localdate().isoformat()
    now = timezone.now()
    ic, vc, idea, run, done = h.ideas_call, h.voting_call, h.idea, h.running, h.done
    return [
        ("post", f"{API}/designers/{w.designer.pk}/active", {"active": False}),
        ("post", f"{API}/calls/{ic.pk}/design", {}),
        ("post", f"{API}/calls/{ic.pk}/review", {}),
        ("post", f"{API}/calls/{vc.pk}/vote", {"opens": (now + dt.timedelta(hours=1)).isoformat(),
                                              "closes": (now + dt.timedelta(days=7)).isoformat()}),
        ("post", f"{API}/calls/{vc.pk}/choose", {}),
        ("post", f"{API}/calls/{ic.pk}/cancel", {"reason": "越权取消征集"}),
        ("post", f"{API}/calls/{ic.pk}/ideas/from-resolution", {"resolution_id": 1, "kind": "works"}),
        ("get", f"{API}/calls/{vc.pk}/ballots/mine", {}),
        ("post", f"{API}/projects/{idea.pk}/designer", {"designer_id": w.designer.pk}),
        ("multipart", f"{API}/projects/{idea.pk}/design",
         lambda: {"design": "越权提交的设计方案内容，木质座椅六组，透水砖铺装。", "cost": "80000", "schedule_days": "30", "drawings": _pdf()}),
        ("post", f"{API}/projects/{h.shortlisted.pk}/review", {"decision": "reject", "opinion": "越权记录的评审意见", "meeting_on": today}),
        ("post", f"{API}/projects/{run.pk}/progress", {"percent": 60, "note": "越权更新进度"}),
        ("multipart", f"{API}/projects/{run.pk}/photos", lambda: {"phase": "during", "photo": _png()}),
        ("post", f"{API}/projects/{run.pk}/finish", {"note": "越权完成项目"}),
        ("post", f"{API}/projects/{run.pk}/infeasible", {"reason": "越权说明无法实施的原因内容"}),
        ("post", f"{API}/projects/{done.pk}/follow-up", {"answer": "越权回访", "reopen": True}),
        ("post", f"{API}/projects/{run.pk}/urge", {"note": "越权督办"}),
    ]


def _forbidden(h: Here) -> list[tuple[str, str, Any]]:
    """Writes on a public object (or in 猎德街 by name) the service refuses: 403."""
    tree = h.world.tree
    until = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    return [
        ("post", f"{API}/designers", {"region_code": tree.tianhe.code, "name": "越权设计", "profession": "规划",
                                      "organisation": "某院", "streets": [tree.liede.code]}),
        ("post", f"{API}/calls", {"region_code": tree.liede.code, "title": "越权发起的征集", "budget": "100000",
                                  "description": "替别的街道发起的微实事征集。", "ideas_until": until}),
        ("post", f"{API}/calls/{h.ideas_call.pk}/ideas", IDEA),
        ("post", f"{API}/calls/{h.ideas_call.pk}/ideas", IDEA | {"community_code": tree.liede_sq.code, "on_behalf_of": "王阿婆"}),
        ("post", f"{API}/calls/{h.voting_call.pk}/ideas", IDEA | {"community_code": tree.shipai_sq.code}),
        ("post", f"{API}/calls/{h.voting_call.pk}/ballots", {"projects": [h.shortlisted.pk]}),
        ("post", f"{API}/projects/{h.idea.pk}/follow", {}),
        ("post", f"{API}/projects/{h.idea.pk}/withdraw", {}),
        ("post", f"{API}/projects/{h.done.pk}/rating", {"rating": 1, "comment": "越权评价"}),
    ]


def _paper(h: Here) -> tuple[str, str, dict[str, Any]]:
    """A paper ballot of a resident of 猎德社区 entered from another street's desk."""
    return ("post", f"{API}/calls/{h.voting_call.pk}/ballots/paper",
            {"id_number": h.world.r3.resident.id_number, "slip": "ZP-9001", "projects": [h.shortlisted.pk]})


def _call(client: Any, method: str, url: str, body: Any) -> Any:
    if method == "get":
        return client.get(url)
    if method == "multipart":
        return client.post(url, body())
    return getattr(client, method)(url, body, **J)


def _ids(r: Any) -> set[int]:
    assert r.status_code == 200, r.content[:300]
    body = r.json()
    return {x["id"] for x in (body["items"] if isinstance(body, dict) else body)}


def _error(r: Any, status: int, code: str, who: str, url: str) -> None:
    assert r.status_code == status, (who, url, r.status_code, r.content[:300])
    assert r.json()["error"]["code"] == code, (who, url, r.content[:300])


def test_every_route_is_covered(here: Here) -> None:
    from linli.projects.api import router

    routes = {(m.lower(), path) for path, view in router.path_operations.items() for op in view.operations
              for m in op.methods}
    reads = {("get", "/designers"), ("get", "/calls"), ("get", "/projects"), ("get", "/calls/{call_id}"),
             ("get", "/calls/{call_id}/projects"), ("get", "/projects/{project_id}"), ("delete", "/projects/{project_id}/follow")}
    seen = {("post" if m == "multipart" else m, url) for m, url, _b in [*_not_found(here), *_forbidden(here), _paper(here)]}

    def shape(url: str) -> str:
        parts = url.removeprefix(API).split("/")
        names = {"calls": "{call_id}", "projects": "{project_id}", "designers": "{designer_id}"}
        return "/".join(names[parts[i - 1]] if p.isdigit() else p for i, p in enumerate(parts))

    assert {(m, shape(u)) for m, u in seen} | reads == routes


def test_the_api_refuses_every_staff_endpoint_to_outsiders(client: Any, here: Here) -> None:
    before = here.snapshot()
    for user in here.outsiders:
        client.force_login(user)
        for method, url, body in _not_found(here):
            _error(_call(client, method, url, body), 404, "not_found", user.username, url)
        for method, url, body in _forbidden(here):
            _error(_call(client, method, url, body), 403, "forbidden", user.username, url)
        method, url, body = _paper(here)
        r = _call(client, method, url, body)
        if user in here.staff_outsiders:  # a desk, but not of the voter's area: the same answer as an unknown ID number
            _error(r, 400, "not_resident", user.username, url)
        else:
            _error(r, 403, "forbidden", user.username, url)
        # unfollowing what one never followed changes nothing and shows only the public project
        r = client.delete(f"{API}/projects/{here.idea.pk}/follow")
        assert r.status_code == 200 and r.json()["actions"] == [], (user.username, r.content[:300])
    assert here.snapshot() == before


def test_the_endpoints_answer_the_staff_of_the_area(client: Any, here: Here) -> None:
    """The control: 猎德社区's admin and 猎德街's admin find what the outsiders do not."""
    w = here.world
    client.force_login(w.admin)
    assert {c.pk for c in here.calls} <= _ids(client.get(f"{API}/calls"))
    assert {p.pk for p in here.projects} <= _ids(client.get(f"{API}/projects"))
    assert w.designer.pk in _ids(client.get(f"{API}/designers"))
    r = client.get(f"{API}/projects/{here.running.pk}")
    assert r.status_code == 200 and PRIVATE_NOTE in r.content.decode() and "infeasible" in r.json()["actions"]
    assert client.post(f"{API}/projects/{here.running.pk}/progress", {"percent": 60, "note": "扶手安装完成大半"},
                       **J).status_code == 200
    client.force_login(w.street)
    assert here.voting_call.pk in _ids(client.get(f"{API}/calls"))
    assert {r["id"]: r["votes"] for r in client.get(f"{API}/calls/{here.voting_call.pk}/projects").json()} == {
        here.shortlisted.pk: 1}  # the running tally, for the staff


def test_outsiders_lists_hold_only_their_own(client: Any, here: Here) -> None:
    ours_calls = {c.pk for c in here.calls}
    ours = set(Project.objects.filter(region_path__startswith=here.world.tree.liede.path).values_list("pk", flat=True))
    assert ours == {p.pk for p in here.projects}
    for user in here.outsiders:
        client.force_login(user)
        who = user.username
        for status in ("", "ideas", "voting", "chosen"):
            assert not _ids(client.get(f"{API}/calls?status={status}")) & ours_calls, (who, status)
        for query in ("", "?status=chosen", "?status=in_progress", "?status=done", "?overdue=true"):
            assert not _ids(client.get(f"{API}/projects{query}")) & ours, (who, query)
        designers = _ids(client.get(f"{API}/designers"))
        assert here.world.designer.pk not in designers, who
        if user in here.staff_outsiders:  # and the lists work: 石牌街's call and the designer serving 石牌街
            assert _ids(client.get(f"{API}/calls")) == {here.other_call.pk}, who
            assert designers == {here.world.far_designer.pk}, who
        else:
            assert _ids(client.get(f"{API}/calls")) == {here.other_call.pk}, who  # a resident: his street's calls
            assert designers == set(), who


def test_public_reads_answer_everyone(client: Any, here: Here) -> None:
    for user in [*here.outsiders, None]:
        client.logout()
        if user is not None:
            client.force_login(user)
        who = getattr(user, "username", "anonymous")
        for c in here.calls:
            r = client.get(f"{API}/calls/{c.pk}")
            assert r.status_code == 200 and r.json()["title"] == c.title and r.json()["actions"] == [], (who, c.pk)
            r = client.get(f"{API}/calls/{c.pk}/projects")
            assert r.status_code == 200, (who, c.pk)
        # the vote is open: no running tally for anyone outside
        assert client.get(f"{API}/calls/{here.voting_call.pk}").json()["ballots"] == 0, who
        assert all(row["votes"] is None for row in client.get(f"{API}/calls/{here.voting_call.pk}/projects").json()), who
        r = client.get(f"{API}/projects/{here.running.pk}")
        assert r.status_code == 200, (who, r.content[:200])
        body = r.json()
        assert body["title"] == here.running.title and body["progress"] == 40 and body["actions"] == [], who
        assert PRIVATE_NOTE not in r.content.decode() and "clock_urge" not in {e["action"] for e in body["timeline"]}, who
        assert "phone" not in body and here.world.designer.phone not in r.content.decode(), who
        assert client.get(f"{API}/projects/{here.done.pk}").json()["photos"], who
        # the pages of the public
        for url in (f"/projects/calls/{here.voting_call.pk}/", f"/projects/{here.running.pk}/"):
            r = client.get(url)
            page = r.content.decode()
            assert r.status_code == 200 and PRIVATE_NOTE not in page, (who, url)
            assert "赞成 5" not in page, (who, url)  # the body's counts are the staff's
        assert client.get(f"/projects/{here.done.pk}/photos/{here.photo.pk}/").status_code == 200, who


def test_the_bodys_counts_are_not_public(client: Any, here: Here) -> None:
    for user in [*here.outsiders, None]:
        client.logout()
        if user is not None:
            client.force_login(user)
        reviews = client.get(f"{API}/projects/{here.running.pk}").json()["reviews"]
        assert reviews, user
        assert all(not r.get("votes_for") and not r.get("votes_against") for r in reviews), (user, reviews)


def test_signed_out_gets_401(client: Any, here: Here) -> None:
    lists = [("get", f"{API}/designers", {}), ("get", f"{API}/calls", {}), ("get", f"{API}/projects", {}),
             ("delete", f"{API}/projects/{here.idea.pk}/follow", {})]
    before = here.snapshot()
    for method, url, body in [*_not_found(here), *_forbidden(here), _paper(here), *lists]:
        r = _call(client, method, url, body)
        assert r.status_code == 401, (method, url, r.status_code, r.content[:200])
        assert r.json()["error"]["code"] == "unauthenticated", url
    assert here.snapshot() == before


# ---------------------------------------------------------------- the pages

def _desk_details(h: Here) -> list[tuple[str, str, dict[str, Any]]]:
    """The staff pages of 猎德街's objects, read and written (``design`` is the designer's and the desk's)."""
    w = h.world
    return [
        ("get", f"/projects/desk/calls/{h.ideas_call.pk}/", {}),
        ("post", f"/projects/desk/calls/{h.ideas_call.pk}/", {"what": "design"}),
        ("post", f"/projects/desk/calls/{h.ideas_call.pk}/", {"what": "cancel", "reason": "越权取消征集"}),
        ("post", f"/projects/desk/calls/{h.ideas_call.pk}/", {"what": "assign", "project": str(h.idea.pk),
                                                               "designer": str(w.far_designer.pk)}),
        ("get", f"/projects/desk/calls/{h.voting_call.pk}/", {}),
        ("post", f"/projects/desk/calls/{h.voting_call.pk}/", {"what": "choose"}),
        ("get", f"/projects/desk/calls/{h.chosen_call.pk}/", {}),
        ("get", f"/projects/desk/projects/{h.running.pk}/", {}),
        ("post", f"/projects/desk/projects/{h.running.pk}/", {"what": "progress", "percent": "60", "note": "越权更新进度"}),
        ("post", f"/projects/desk/projects/{h.running.pk}/", {"what": "infeasible", "reason": "越权说明无法实施的原因内容"}),
        ("post", f"/projects/desk/projects/{h.running.pk}/", {"what": "urge", "note": "越权督办"}),
        ("get", f"/projects/desk/projects/{h.done.pk}/", {}),
        ("post", f"/projects/desk/projects/{h.done.pk}/", {"what": "follow_up", "answer": "越权回访", "reopen": "1"}),
        ("get", f"/projects/desk/projects/{h.idea.pk}/", {}),
        ("get", f"/projects/{h.idea.pk}/design/", {}),
        ("post", f"/projects/{h.idea.pk}/design/", {"design": "越权提交的设计方案内容，木质座椅六组，透水砖铺装。", "cost": "80000",
                                                    "schedule_days": "30"}),
        ("post", "/projects/desk/designers/", {"what": "toggle", "designer": str(w.designer.pk)}),
    ]


DESK_LISTS = ("/projects/desk/", "/projects/desk/new/", "/projects/desk/designers/")


def _secrets(h: Here) -> list[str]:
    w = h.world
    return [*(c.title for c in h.calls), *(p.title for p in h.projects), *(f"/projects/desk/calls/{c.pk}/" for c in h.calls),
            *(f"/projects/desk/projects/{p.pk}/" for p in h.projects), w.designer.name, w.designer.organisation,
            f'value="{w.tree.liede.code}"', f'value="{w.tree.liede_sq.code}"']


def test_the_desk_pages_show_outsiders_nothing(client: Any, here: Here) -> None:
    before = here.snapshot()
    secrets = _secrets(here)
    for user in here.outsiders:
        client.force_login(user)
        for method, url, body in _desk_details(here):
            r = client.get(url) if method == "get" else client.post(url, body)
            assert r.status_code == 404, (user.username, method, url, r.status_code)
        for url in DESK_LISTS:
            r = client.get(url)
            if user not in here.staff_outsiders:
                assert r.status_code == 404, (user.username, url, r.status_code)
                continue
            assert r.status_code == 200, (user.username, url, r.status_code)
            page = r.content.decode()
            assert not [s for s in secrets if s in page], (user.username, url, [s for s in secrets if s in page])
        if user in here.staff_outsiders:  # a call opened for 猎德街 from another desk is refused
            r = client.post("/projects/desk/new/", {"region": here.world.tree.liede.code, "title": "越权发起的征集",
                                                    "description": "替别的街道发起的微实事征集。", "budget": "100000",
                                                    "ideas_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
                                                    "vote_mode": "approval"})
            assert r.status_code == 400, (user.username, r.status_code)
        # the residents' forms: an idea, a ballot, following or rating from outside change nothing
        for method, url, body in ((("get", f"/projects/calls/{here.ideas_call.pk}/propose/", {})),
                                  ("post", f"/projects/calls/{here.ideas_call.pk}/propose/", IDEA),
                                  ("get", f"/projects/calls/{here.voting_call.pk}/vote/", {}),
                                  ("post", f"/projects/calls/{here.voting_call.pk}/vote/",
                                   {"what": "ballot", "projects": [str(here.shortlisted.pk)]})):
            r = client.get(url) if method == "get" else client.post(url, body)
            assert r.status_code == 404, (user.username, method, url, r.status_code)
        for pk, what in ((here.idea.pk, "follow"), (here.idea.pk, "withdraw"), (here.done.pk, "rate")):
            r = client.post(f"/projects/{pk}/act/", {"what": what, "rating": "1"})
            assert r.status_code == 302, (user.username, what, r.status_code)
    assert here.snapshot() == before


def test_the_desk_pages_open_for_the_staff_of_the_area(client: Any, here: Here) -> None:
    """The control: each page refused above opens for the staff of the area and names what it is about."""
    w = here.world
    for user, pages in ((w.street, [(m, u) for m, u, _b in _desk_details(here) if m == "get" and "/design/" not in u]),
                        (w.designer_user, [("get", f"/projects/{here.idea.pk}/design/")])):
        client.force_login(user)
        for _m, url in pages:
            r = client.get(url)
            assert r.status_code == 200, (user.username, url, r.status_code)
    client.force_login(w.street)
    page = client.get("/projects/desk/").content.decode()
    assert all(c.title in page for c in here.calls)
    assert w.designer.name in client.get("/projects/desk/designers/").content.decode()


def test_signed_out_goes_to_the_login_page(client: Any, here: Here) -> None:
    before = here.snapshot()
    for method, url, body in _desk_details(here):
        r = client.get(url) if method == "get" else client.post(url, body)
        assert r.status_code == 302 and "/login" in r["Location"], (method, url, r.status_code)
    for url in (*DESK_LISTS, f"/projects/calls/{here.ideas_call.pk}/propose/", f"/projects/calls/{here.voting_call.pk}/vote/"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r["Location"], url
    assert here.snapshot() == before
