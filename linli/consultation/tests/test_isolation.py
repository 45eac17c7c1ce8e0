"""Another community's admin, another street's admin and another community's resident see nothing
of 猎德社区's consultation beyond what is public (a topic's page, a meeting's page, the community's
list, its matters and rules): every staff endpoint and page answers 404 (403 where the service
refuses a write on a public object or in an area not theirs), their lists hold none of it, and
nothing is written. Signed out, the API answers 401 and the desk sends to the login page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.consultation import services
from linli.consultation.models import (
    Attendance,
    Body,
    BodyMember,
    Event,
    Follower,
    Matter,
    Meeting,
    Rating,
    Resolution,
    ResolutionOrder,
    Settings,
    Support,
    Topic,
)
from linli.consultation.tests.conftest import PDF
from linli.core.models import AuditEvent

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}
API = "/api/v1/consultation"
PRIVATE_NOTE = "督办意见只给工作人员看"


class Here:
    """猎德社区's consultation at every stage, and a topic and a body of 华标社区 next door."""

    def __init__(self, world: Any, make_user: Any) -> None:
        tree = world.tree
        self.world = world
        self.proposed = world.propose(title="楼道加装扶手方便老人", actor=world.r3)
        self.taken = world.taken_up()  # answered, no meeting yet
        self.held = world.propose(title="小区出入口加装门禁", actor=world.r2)
        services.support(actor=world.r1, topic=self.held)
        services.support(actor=world.r3, topic=self.held)
        self.held = services.take_up(actor=world.admin, topic=self.held, body_id=world.body.pk, form="meeting")
        world.held(self.held)  # minutes confirmed, the outcome to come
        self.decided = world.decided()  # implementing, a resolution carried out by work orders
        self.meeting = self.decided.meetings.get()
        self.resolution = self.decided.resolutions.get()
        services.urge(actor=world.street, obj=self.decided, note=PRIVATE_NOTE)  # on the timeline, not public
        self.matter = services.add_matter(actor=world.admin, region=tree.liede_sq, name="猎德社区专属事项", category="public")
        # next door: what the outsiders' own lists must show
        self.other_topic = services.propose(actor=world.outsider, community=tree.huabiao, title="华标社区健身路径维修",
                                            content="健身器材生锈损坏，建议维修更换。")
        self.other_body = services.create_body(actor=world.other_admin, community=tree.huabiao, kind="council", name="华标社区议事会")
        self.shipai_admin = make_user(Role.STREET_ADMIN, tree.shipai, username="shipai_admin")
        self.outsiders = [world.other_admin, self.shipai_admin, world.outsider]
        self.topics = [self.proposed, self.taken, self.held, self.decided]

    def snapshot(self) -> tuple[int, ...]:
        return tuple(m.objects.count() for m in (Topic, Support, Follower, Event, Meeting, Attendance, Resolution, ResolutionOrder,
                                                 Body, BodyMember, Matter, Settings, Rating, AuditEvent)) + (
            *(Topic.objects.filter(pk=t.pk).values_list("status", "supports").get() for t in self.topics),)


@pytest.fixture
def here(world: Any, make_user: Any) -> Here:
    return Here(world, make_user)


def _not_found(h: Here) -> list[tuple[str, str, dict[str, Any]]]:
    """Staff endpoints of 猎德社区's objects: 404 for whoever is not over the area."""
    w, t, m, r = h.world, h.decided, h.meeting, h.resolution
    start = (timezone.localtime() + dt.timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    return [
        ("post", f"{API}/matters/{h.matter.pk}/active", {"active": False}),
        ("get", f"{API}/bodies/{w.body.pk}", {}),
        ("post", f"{API}/bodies/{w.body.pk}/members", {"name": "外来成员", "sector": "resident"}),
        ("delete", f"{API}/bodies/{w.body.pk}/members/{w.m2.pk}", {}),
        ("post", f"{API}/topics/{h.proposed.pk}/supports/paper", {"household_number": "X1"}),
        ("post", f"{API}/topics/{h.proposed.pk}/answer", {"action": "decline", "answer": "不属本社区协商范围"}),
        ("post", f"{API}/topics/{h.taken.pk}/answer", {"action": "take_up", "body_id": w.body.pk, "form": "meeting"}),
        ("post", f"{API}/topics/{t.pk}/urge", {"note": "越权督办"}),
        ("post", f"{API}/topics/{h.taken.pk}/meetings", {"starts_at": start.isoformat(), "place": "别处", "agenda": "越权安排的会议议程。",
                                                        "ends_at": (start + dt.timedelta(hours=2)).isoformat()}),
        ("get", f"{API}/meetings/{m.pk}/attendance", {}),
        ("post", f"{API}/meetings/{m.pk}/attendance", {"name": "外来人员"}),
        ("post", f"{API}/meetings/{m.pk}/cancel", {"reason": "越权取消会议"}),
        ("post", f"{API}/meetings/{m.pk}/check-in", {"token": "not-the-token"}),
        ("post", f"{API}/topics/{h.held.pk}/outcome", {"outcome": "越权形成的协商意见内容。", "resolutions": [
            {"title": "越权事项", "kind": "community", "owner": "别处", "due_on": due}]}),
        ("post", f"{API}/topics/{t.pk}/resolutions", {"title": "越权事项", "kind": "community", "owner": "别处", "due_on": due}),
        ("post", f"{API}/resolutions/{r.pk}/progress", {"action": "progress", "percent": 50, "note": "越权更新进度"}),
        ("post", f"{API}/resolutions/{r.pk}/progress", {"action": "infeasible", "note": "越权说明无法落实的原因。"}),
        ("post", f"{API}/resolutions/{r.pk}/work-orders", {"category": "0201", "description": "越权转办"}),
        ("post", f"{API}/resolutions/{r.pk}/urge", {"note": "越权督办"}),
        ("post", f"{API}/topics/{t.pk}/disclose", {}),
        ("post", f"{API}/topics/{t.pk}/follow-up", {"answer": "越权回访"}),
    ]


def _forbidden(h: Here) -> list[tuple[str, str, dict[str, Any]]]:
    """Writes on a public object (or in 猎德社区 by name) the service refuses: 403."""
    code = h.world.community.code
    return [
        ("post", f"{API}/matters", {"region_code": code, "name": "越权事项", "category": "public"}),
        ("put", f"{API}/settings", {"community_code": code, "support_threshold": 1}),
        ("post", f"{API}/bodies", {"community_code": code, "kind": "council", "name": "越权议事会"}),
        ("post", f"{API}/topics", {"source": "offline", "community_code": code, "title": "代录别处议题",
                                   "content": "替别的社区居民代录的议题内容。", "on_behalf_of": "王阿婆"}),
        ("post", f"{API}/topics/{h.proposed.pk}/support", {}),
        ("post", f"{API}/topics/{h.proposed.pk}/follow", {}),
        ("post", f"{API}/topics/{h.proposed.pk}/withdraw", {}),
        ("post", f"{API}/topics/{h.decided.pk}/ratings", {"rating": 1}),
        ("post", f"{API}/meetings/{h.meeting.pk}/check-in", {"token": h.meeting.checkin_token}),  # the QR code seen on a wall
    ]


def _call(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.get(url) if method == "get" else getattr(client, method)(url, body, **J)


def _minutes(client: Any, h: Here) -> Any:
    return client.post(f"{API}/meetings/{h.meeting.pk}/minutes", {"minutes": "越权确认的协商纪要内容。", "scan": _pdf()})


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")


def _ids(r: Any) -> set[int]:
    assert r.status_code == 200, r.content[:300]
    return {x["id"] for x in r.json()["items"]}


def test_the_api_refuses_every_staff_endpoint_to_outsiders(client: Any, here: Here) -> None:
    before = here.snapshot()
    for user in here.outsiders:
        client.force_login(user)
        for method, url, body in _not_found(here):
            r = _call(client, method, url, body)
            assert r.status_code == 404, (user.username, method, url, r.status_code, r.content[:200])
            assert r.json()["error"]["code"] == "not_found", (user.username, url)
        r = _minutes(client, here)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", (user.username, r.content[:200])
        for method, url, body in _forbidden(here):
            r = _call(client, method, url, body)
            assert r.status_code == 403, (user.username, method, url, r.status_code, r.content[:200])
            assert r.json()["error"]["code"] == "forbidden", (user.username, url)
        # unfollowing what one never followed changes nothing and shows only the public topic
        r = client.delete(f"{API}/topics/{here.proposed.pk}/follow")
        assert r.status_code == 200 and r.json()["following"] is False and r.json()["actions"] == []
    assert here.snapshot() == before


def test_the_endpoints_answer_the_staff_of_the_area(client: Any, here: Here) -> None:
    """The control: the same reads answer 猎德社区's admin, so the 404s above are about the area."""
    client.force_login(here.world.admin)
    for url in (f"{API}/bodies/{here.world.body.pk}", f"{API}/meetings/{here.meeting.pk}/attendance"):
        assert client.get(url).status_code == 200, url
    assert here.decided.pk in _ids(client.get(f"{API}/topics"))
    assert here.resolution.pk in _ids(client.get(f"{API}/resolutions"))
    assert here.world.body.pk in _ids(client.get(f"{API}/bodies"))


def test_outsiders_lists_hold_only_their_own(client: Any, here: Here) -> None:
    ours = {t.pk for t in Topic.objects.filter(region_path=here.world.community.path)}
    assert len(ours) == 4
    for user in here.outsiders:
        client.force_login(user)
        topics = _ids(client.get(f"{API}/topics"))
        assert not topics & ours, user.username
        for status in ("proposed", "taken_up", "implementing"):
            assert not _ids(client.get(f"{API}/topics?status={status}")) & ours, (user.username, status)
        assert not _ids(client.get(f"{API}/topics?q=猎德")) & ours
        assert not _ids(client.get(f"{API}/topics/mine")) & ours
        assert here.resolution.pk not in _ids(client.get(f"{API}/resolutions"))
        assert here.resolution.pk not in _ids(client.get(f"{API}/resolutions?overdue=true"))
        assert here.world.body.pk not in _ids(client.get(f"{API}/bodies"))
    # and the lists work: next door's admin and resident find 华标社区's topic, its admin the body
    client.force_login(here.world.other_admin)
    assert _ids(client.get(f"{API}/topics")) == {here.other_topic.pk}
    assert _ids(client.get(f"{API}/bodies")) == {here.other_body.pk}
    client.force_login(here.world.outsider)
    assert _ids(client.get(f"{API}/topics")) == {here.other_topic.pk}
    assert _ids(client.get(f"{API}/topics/mine")) == {here.other_topic.pk}
    client.force_login(here.shipai_admin)
    assert _ids(client.get(f"{API}/topics")) == set()


def test_public_reads_answer_everyone(client: Any, here: Here) -> None:
    code = here.world.community.code
    for user in [*here.outsiders, None]:
        client.logout()
        if user is not None:
            client.force_login(user)
        who = getattr(user, "username", "anonymous")
        r = client.get(f"{API}/topics/{here.decided.pk}")
        assert r.status_code == 200, (who, r.content[:200])
        body = r.json()
        assert body["title"] == here.decided.title and body["outcome"] and body["resolutions"][0]["id"] == here.resolution.pk
        assert body["actions"] == [] and body["resolutions"][0]["actions"] == []
        assert PRIVATE_NOTE not in r.content.decode() and "clock_urge" not in {e["action"] for e in body["timeline"]}
        r = client.get(f"{API}/meetings/{here.meeting.pk}")
        assert r.status_code == 200 and r.json()["minutes"] and "checkin_token" not in r.json(), who
        assert here.meeting.checkin_token not in r.content.decode()
        r = client.get(f"{API}/matters?community_code={code}")
        assert r.status_code == 200 and "猎德社区专属事项" in {m["name"] for m in r.json()}, who
        r = client.get(f"{API}/settings?community_code={code}")
        assert r.status_code == 200 and r.json()["support_threshold"] == 3, who
        # the pages
        r = client.get(f"/consultation/{here.decided.pk}/")
        page = r.content.decode()
        assert r.status_code == 200 and here.decided.title in page and here.decided.outcome in page, who
        assert PRIVATE_NOTE not in page and 'data-testid="staff-view"' not in page, who
        r = client.get(f"/consultation/community/{code}/")
        page = r.content.decode()
        assert r.status_code == 200 and here.proposed.title in page and here.decided.title in page, who
        r = client.get(f"/consultation/meetings/{here.meeting.pk}/")
        page = r.content.decode()
        assert r.status_code == 200 and here.meeting.agenda[:6] in page and here.meeting.checkin_token not in page, who
        assert f"/consultation/desk/meetings/{here.meeting.pk}/" not in page, who
    # the staff of the area see the private step
    client.force_login(here.world.admin)
    assert PRIVATE_NOTE in client.get(f"{API}/topics/{here.decided.pk}").content.decode()


def test_the_portal_of_a_community_links_to_its_topics(client: Any, here: Here) -> None:
    from linli.consultation import selectors

    for node in (here.world.tree.liede_sq, here.world.tree.g_liede1):
        url = selectors.portal_more(node.path)
        r = client.get(url)
        assert r.status_code == 200 and here.decided.title in r.content.decode(), (node.name, url, r.status_code)


def test_the_portal_of_a_street_or_district_links_to_a_page_that_opens(client: Any, here: Here) -> None:
    from linli.consultation import selectors

    for node in (here.world.tree.liede, here.world.tree.tianhe):
        r = client.get(f"/portal/{node.code}/")
        assert r.status_code == 200, node.name  # the portal page exists for the area
        url = selectors.portal_more(node.path)
        assert client.get(url).status_code == 200, (node.name, url)


def _desk_details(h: Here) -> list[tuple[str, str, dict[str, Any]]]:
    """The desk's pages of 猎德社区's objects, read and written."""
    w = h.world
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    return [
        ("get", f"/consultation/desk/{h.proposed.pk}/", {}),
        ("post", f"/consultation/desk/{h.proposed.pk}/", {"what": "decline", "answer": "不属本社区协商范围"}),
        ("get", f"/consultation/desk/{h.taken.pk}/meeting/", {}),
        ("post", f"/consultation/desk/{h.taken.pk}/meeting/", {"starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
                                                               "place": "别处", "agenda": "越权安排的会议议程。"}),
        ("get", f"/consultation/desk/{h.held.pk}/decide/", {}),
        ("post", f"/consultation/desk/{h.held.pk}/decide/", {"outcome": "越权形成的协商意见内容。", "title_0": "越权事项",
                                                             "kind_0": "community", "owner_0": "别处", "due_0": day}),
        ("get", f"/consultation/desk/meetings/{h.meeting.pk}/", {}),
        ("post", f"/consultation/desk/meetings/{h.meeting.pk}/", {"what": "attend", "name": "外来人员"}),
        ("get", f"/consultation/desk/meetings/{h.meeting.pk}/scan/", {}),
        ("post", f"/consultation/desk/resolutions/{h.resolution.pk}/", {"what": "progress", "percent": "50", "note": "越权更新进度"}),
        ("get", f"/consultation/desk/bodies/{w.body.pk}/", {}),
        ("post", f"/consultation/desk/bodies/{w.body.pk}/", {"name": "外来成员", "sector": "resident"}),
    ]


DESK_LISTS = ("/consultation/desk/", "/consultation/desk/resolutions/", "/consultation/desk/bodies/", "/consultation/desk/matters/",
              "/consultation/desk/new/")


def test_the_desk_pages_show_outsiders_nothing(client: Any, here: Here) -> None:
    before = here.snapshot()
    secrets = [t.title for t in here.topics] + [f"/consultation/desk/{t.pk}/" for t in here.topics] + [
        "猎德社区议事会", "猎德社区专属事项", f'value="{here.world.community.code}"']
    for user in here.outsiders:
        client.force_login(user)
        for method, url, body in _desk_details(here):
            r = client.get(url) if method == "get" else client.post(url, body)
            assert r.status_code == 404, (user.username, method, url, r.status_code)
        for url in DESK_LISTS:
            r = client.get(url)
            if user == here.world.outsider:
                assert r.status_code == 404, (user.username, url, r.status_code)
                continue
            assert r.status_code == 200, (user.username, url, r.status_code)
            page = r.content.decode()
            assert not [s for s in secrets if s in page], (user.username, url, [s for s in secrets if s in page])
        if user != here.world.outsider:  # a topic entered for 猎德社区 from another desk is refused
            r = client.post("/consultation/desk/new/", {"community": here.world.community.code, "source": "offline",
                                                        "title": "代录别处议题", "content": "替别的社区居民代录的议题内容。",
                                                        "on_behalf_of": "王阿婆"})
            assert r.status_code == 400, (user.username, r.status_code)
        # the public forms: supporting, following or rating from outside changes nothing
        for what in ("support", "follow", "withdraw", "rate"):
            r = client.post(f"/consultation/{here.proposed.pk if what != 'rate' else here.decided.pk}/act/", {"what": what, "rating": "1"})
            assert r.status_code == 302, (user.username, what, r.status_code)
        r = client.post(f"/consultation/meetings/{here.meeting.pk}/checkin/{here.meeting.checkin_token}/")
        assert r.status_code == 400, (user.username, r.status_code)
    assert here.snapshot() == before


def test_the_desk_pages_open_for_the_staff_of_the_area(client: Any, here: Here) -> None:
    """The control: each page refused above opens for 猎德社区's admin and names what it is about."""
    client.force_login(here.world.admin)
    for method, url, _body in _desk_details(here):
        if method == "get":
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
    page = client.get("/consultation/desk/").content.decode()
    assert all(t.title in page for t in here.topics)
    assert "猎德社区议事会" in client.get("/consultation/desk/bodies/").content.decode()
    assert "猎德社区专属事项" in client.get("/consultation/desk/matters/").content.decode()


def test_signed_out_gets_401_and_the_login_page(client: Any, here: Here) -> None:
    for method, url, body in [*_not_found(here), *_forbidden(here), ("get", f"{API}/topics", {}), ("get", f"{API}/topics/mine", {}),
                              ("get", f"{API}/bodies", {}), ("get", f"{API}/resolutions", {})]:
        r = _call(client, method, url, body)
        assert r.status_code == 401, (method, url, r.status_code, r.content[:200])
        assert r.json()["error"]["code"] == "unauthenticated"
    for method, url, body in _desk_details(here):
        r = client.get(url) if method == "get" else client.post(url, body)
        assert r.status_code == 302 and "/login" in r["Location"], (method, url, r.status_code)
    for url in DESK_LISTS:
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r["Location"], url
