"""Pages of small public projects (微实事) through the test client: each page answers the right
person, the staff of another area get 404, a refused form comes back (400) with its message and
the values typed, junk input (letters for ids, huge numbers, empty forms) never gives a 500, and
votes are not shown while the vote is open."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.consultation.tests.conftest import PDF
from linli.projects import services
from linli.projects.models import Ballot, Call, Designer, Project
from linli.projects.states import CallStatus, Status

from .conftest import png

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    return resp.content.decode()


def error_of(resp) -> str:
    found = re.search(r'data-testid="error">([^<]*)<', text(resp))
    return found.group(1) if found else ""


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("图纸.pdf", PDF, content_type="application/pdf")


def image(color: str = "red") -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.png", png(color), content_type="image/png")


@pytest.fixture
def chosen(world):
    """A call whose list is published: a (80k, 1 vote) not chosen … c (120k) and b (150k) chosen."""
    call = world.call()
    a, b, c = world.voting(call)
    services.vote(actor=world.proposer, call=call, project_ids=[a.pk, c.pk])
    services.vote(actor=world.r1, call=call, project_ids=[b.pk])
    services.vote(actor=world.r2, call=call, project_ids=[b.pk, c.pk])
    services.choose(actor=world.street, call=call, now=timezone.now() + dt.timedelta(days=8))
    for p in (a, b, c):
        p.refresh_from_db()
    call.refresh_from_db()
    return call, a, b, c


# ---------------------------------------------------------------- residents and the public

def test_the_index_sends_each_person_to_his_page(client, world):
    call = world.call()
    assert client.get("/projects/").url == "/portal/choose/"
    client.force_login(world.street)
    assert client.get("/projects/").url == "/projects/desk/"
    client.force_login(world.proposer)
    resp = client.get("/projects/")
    assert resp.status_code == 200 and call.title in text(resp)
    client.force_login(world.shipai_resident)  # another street: not his call
    assert call.title not in text(client.get("/projects/"))
    # the designer (an account without a resident record) finds his tasks
    p = world.idea(call)
    services.assign_designer(actor=world.street, project=p, designer_id=world.designer.pk)
    client.force_login(world.designer_user)
    resp = client.get("/projects/")
    assert resp.status_code == 200 and "我的设计任务" in text(resp) and f"/projects/{p.pk}/design/" in text(resp)


def test_a_communitys_public_list_shows_its_and_its_streets_calls(client, world, tree):
    street = world.call()
    own = world.call(region=tree.liede_sq, title="猎德社区微实事")
    other = world.call(region=tree.huabiao, actor=world.street, title="华标社区微实事")
    page = text(client.get(f"/projects/c/{tree.liede_sq.path}/"))
    assert street.title in page and own.title in page and other.title not in page
    assert client.get(f"/projects/c/{tree.liede.path}/").status_code == 404  # a street is not a community
    assert client.get("/projects/c/abc/").status_code == 404
    assert client.get("/projects/c/" + "9" * 40 + "/").status_code == 404


def test_a_call_page_shows_budget_caps_and_buttons(client, world):
    call = world.call()
    resp = client.get(f"/projects/calls/{call.pk}/")
    page = text(resp)
    assert resp.status_code == 200
    assert "300,000" in page and "500,000" in page and "1,000,000" in page and "征集创意" in page
    assert "登录后提出创意" in page and 'data-testid="propose"' not in page
    client.force_login(world.proposer)
    assert 'data-testid="propose"' in text(client.get(f"/projects/calls/{call.pk}/"))
    client.force_login(world.shipai_resident)
    assert 'data-testid="propose"' not in text(client.get(f"/projects/calls/{call.pk}/"))
    client.force_login(world.clerk)  # a community's desk of its street's call records paper ideas
    assert 'data-testid="propose-desk"' in text(client.get(f"/projects/calls/{call.pk}/"))
    assert client.get("/projects/calls/0/").status_code == 404


def test_a_resident_proposes_an_idea(client, world):
    call = world.call()
    client.force_login(world.proposer)
    assert client.get(f"/projects/calls/{call.pk}/propose/").status_code == 200
    resp = client.post(f"/projects/calls/{call.pk}/propose/", {"title": "座椅", "kind": "works",
                                                              "description": "3号楼前空地没有座椅，老人无处可坐。"})
    assert resp.status_code == 400 and "项目名称" in error_of(resp)
    assert "3号楼前空地没有座椅" in text(resp)  # what was typed comes back
    assert 'aria-invalid="true"' in text(resp)
    resp = client.post(f"/projects/calls/{call.pk}/propose/", {"title": "3号楼前加装休闲座椅", "kind": "rocket",
                                                              "description": "3号楼前空地没有座椅，老人无处可坐。"})
    assert resp.status_code == 400 and "类别" in error_of(resp)
    resp = client.post(f"/projects/calls/{call.pk}/propose/", {"title": "3号楼前加装休闲座椅", "kind": "works",
                                                              "description": "3号楼前空地没有座椅，老人无处可坐。",
                                                              "location": "3号楼前"})
    p = Project.objects.get(call=call)
    assert resp.status_code == 302 and resp.url == f"/projects/{p.pk}/"
    assert p.proposer == world.proposer and p.source == "resident"
    client.force_login(world.shipai_resident)
    assert client.get(f"/projects/calls/{call.pk}/propose/").status_code == 404
    assert client.post(f"/projects/calls/{call.pk}/propose/", {"title": "x"}).status_code == 404
    client.logout()
    assert client.get(f"/projects/calls/{call.pk}/propose/").status_code == 302  # to the login


def test_ideas_closed_send_the_resident_back_with_the_reason(client, world):
    call = world.call()
    Call.objects.filter(pk=call.pk).update(ideas_until=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.proposer)
    resp = client.get(f"/projects/calls/{call.pk}/propose/", follow=True)
    assert "已截止创意征集" in text(resp)


def test_the_desk_records_a_paper_idea_for_its_community(client, world, tree):
    call = world.call()
    client.force_login(world.clerk)
    page = text(client.get(f"/projects/calls/{call.pk}/propose/"))
    assert tree.liede_sq.name in page and tree.huabiao.name not in page  # only his own community
    resp = client.post(f"/projects/calls/{call.pk}/propose/", {"community": tree.huabiao.code, "title": "长者饭堂送餐服务",
                                                              "kind": "services", "description": "为行动不便的长者送餐上门一年。"})
    assert resp.status_code == 400 and "社区" in error_of(resp)
    resp = client.post(f"/projects/calls/{call.pk}/propose/", {"community": tree.liede_sq.code, "title": "长者饭堂送餐服务",
                                                              "kind": "services", "description": "为行动不便的长者送餐上门一年。",
                                                              "on_behalf_of": "王大爷"})
    p = Project.objects.get(call=call)
    assert resp.status_code == 302 and resp.url == f"/projects/desk/projects/{p.pk}/"
    assert p.source == "offline" and p.proposer_name == "王*爷" and p.entered_by == world.clerk


def test_a_project_page_and_its_files(client, world):
    call = world.call()
    p = world.idea(call)
    resp = client.get(f"/projects/{p.pk}/")
    assert resp.status_code == 200 and p.title in text(resp) and "设计方案" not in text(resp)
    services.assign_designer(actor=world.street, project=p, designer_id=world.designer.pk)
    page = text(client.get(f"/projects/{p.pk}/"))
    assert "林设计" in page and "华南理工大学建筑设计研究院" in page and "13700001111" not in page and "1111" not in page
    world.designed(call, p)
    page = text(client.get(f"/projects/{p.pk}/"))
    assert "木质座椅六组" in page and "80,000" in page and 'data-testid="drawings-link"' in page
    resp = client.get(f"/projects/{p.pk}/drawings/")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and resp["Cache-Control"] == "private, no-store"
    # sent back for revision: the drawings are the designer's and the staff's again
    services.close_ideas(actor=world.street, call=call)
    call.refresh_from_db()
    services.start_review(actor=world.street, call=call)
    world.review(p, decision="revise", votes=(3, 1, 0))
    assert client.get(f"/projects/{p.pk}/drawings/").status_code == 404
    client.force_login(world.designer_user)
    assert client.get(f"/projects/{p.pk}/drawings/").status_code == 200
    client.logout()
    # a withdrawn idea is gone from the public pages
    q = world.idea(world.call(title="第二批微实事"), title="小区道路修补")
    services.withdraw(actor=world.proposer, project=q)
    assert client.get(f"/projects/{q.pk}/").status_code == 404
    assert client.get(f"/projects/{q.pk}/drawings/").status_code == 404
    assert client.get(f"/projects/{p.pk}/photos/1/").status_code == 404
    assert client.get(f"/projects/{p.pk}/photos/99999999999999999999999/").status_code == 404


def test_follow_withdraw_and_junk_actions(client, world):
    call = world.call()
    p = world.idea(call)
    client.force_login(world.r1)
    assert client.post(f"/projects/{p.pk}/act/", {"what": "follow"}).status_code == 302
    assert 'data-testid="unfollow"' in text(client.get(f"/projects/{p.pk}/"))
    client.post(f"/projects/{p.pk}/act/", {"what": "unfollow"})
    assert 'data-testid="follow"' in text(client.get(f"/projects/{p.pk}/"))
    resp = client.post(f"/projects/{p.pk}/act/", {"what": "withdraw"}, follow=True)  # not his idea
    assert "您无权办理该事项" in text(resp)
    resp = client.post(f"/projects/{p.pk}/act/", {"what": "rate", "rating": "99999999999999999999"}, follow=True)
    assert resp.status_code == 200 and "项目完成后方可评价" in text(resp)
    assert client.post(f"/projects/{p.pk}/act/", {}).status_code == 302
    assert client.get(f"/projects/{p.pk}/act/").status_code == 405
    client.force_login(world.proposer)
    resp = client.post(f"/projects/{p.pk}/act/", {"what": "withdraw"})
    assert resp.status_code == 302 and resp.url == f"/projects/calls/{call.pk}/"
    assert Project.objects.get(pk=p.pk).status == Status.WITHDRAWN


# ---------------------------------------------------------------- the vote

def test_no_running_tally_while_the_vote_is_open(client, world):
    call = world.call()
    a, b, c = world.voting(call)
    services.vote(actor=world.r1, call=call, project_ids=[b.pk])
    client.force_login(world.r2)
    page = text(client.get(f"/projects/calls/{call.pk}/"))
    assert 'data-testid="go-vote"' in page and 'data-testid="votes"' not in page and "投票期间不公布得票" in page
    assert 'data-testid="votes"' not in text(client.get(f"/projects/{b.pk}/"))
    assert 'data-testid="ballots"' not in page
    client.force_login(world.street)  # the staff see the counts, and the turnout so far
    page = text(client.get(f"/projects/calls/{call.pk}/"))
    assert 'data-testid="votes"' in page and 'data-testid="ballots">1<' in page
    assert 'data-testid="ballots">1<' in text(client.get(f"/projects/desk/calls/{call.pk}/"))


def test_a_resident_votes_once(client, world):
    call = world.call(max_choices=2)
    a, b, c = world.voting(call)
    client.force_login(world.r1)
    page = text(client.get(f"/projects/calls/{call.pk}/vote/"))
    assert a.title in page and "每人最多选 2 项" in page and "80,000" in page
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot"})
    assert resp.status_code == 400 and "请至少选择一个项目" in error_of(resp)
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": [a.pk, b.pk, c.pk]})
    assert resp.status_code == 400 and "每人最多选择2项" in error_of(resp)
    assert f'value="{a.pk}" checked' in text(resp)  # the choices come back
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": ["abc", "99999999999999999999999"]})
    assert resp.status_code == 400
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": [a.pk, c.pk]})
    assert resp.status_code == 302 and Ballot.objects.filter(call=call).count() == 1
    assert "您已投票" in text(client.get(f"/projects/calls/{call.pk}/"))
    page = text(client.get(f"/projects/calls/{call.pk}/vote/"))
    assert 'data-testid="voted"' in page and 'data-testid="ballot-form"' not in page
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": [b.pk]})
    assert resp.status_code == 400 and "已投票" in error_of(resp)
    client.force_login(world.shipai_resident)
    assert client.get(f"/projects/calls/{call.pk}/vote/").status_code == 404


def test_a_knapsack_ballot_shows_its_total_and_stays_within_the_budget(client, world):
    call = world.call(vote_mode="knapsack")
    a, b, c = world.voting(call)
    client.force_login(world.r1)
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "preview", "projects": [a.pk, b.pk, c.pk]})
    assert resp.status_code == 200 and "已选合计 350,000 元" in text(resp) and 'data-testid="over-budget"' in text(resp)
    assert not Ballot.objects.exists()
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": [a.pk, b.pk, c.pk]})
    assert resp.status_code == 400 and "超过预算" in error_of(resp)
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": [a.pk, b.pk]})
    assert resp.status_code == 302


def test_the_desk_enters_paper_ballots(client, world):
    call = world.call()
    a, b, c = world.voting(call)
    client.force_login(world.clerk)  # a community's caseworker, the street's call: his residents' slips
    page = text(client.get(f"/projects/calls/{call.pk}/vote/"))
    assert 'data-testid="paper-form"' in page and 'data-testid="ballot-form"' not in page
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "paper", "id_number": world.r3.resident.id_number,
                                                           "slip": "ZP", "paper_projects": [a.pk]})
    assert resp.status_code == 400 and "选票编号" in error_of(resp) and world.r3.resident.id_number not in text(resp)
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "paper", "id_number": world.r3.resident.id_number,
                                                           "slip": "ZP0001", "paper_projects": [a.pk]})
    assert resp.status_code == 302 and Ballot.objects.get().channel == "paper"
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "paper", "id_number": world.r3.resident.id_number,
                                                           "slip": "ZP0002", "paper_projects": [b.pk]})
    assert resp.status_code == 400 and "已投票" in error_of(resp)
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "paper", "id_number": world.shipai_resident.resident.id_number,
                                                           "slip": "ZP0003", "paper_projects": [b.pk]})
    assert resp.status_code == 400 and "未找到该身份证号的居民" in error_of(resp)
    client.force_login(world.r3)  # he voted on paper: not again on his phone
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "ballot", "projects": [b.pk]})
    assert resp.status_code == 400
    client.force_login(world.other_admin)  # 华标社区's admin enters his own residents' slips, not 猎德社区's
    resp = client.post(f"/projects/calls/{call.pk}/vote/", {"what": "paper", "id_number": world.r2.resident.id_number,
                                                           "slip": "ZP0004", "paper_projects": [b.pk]})
    assert resp.status_code == 400 and "未找到该身份证号的居民" in error_of(resp)
    client.force_login(world.street)
    assert client.post(f"/projects/calls/{call.pk}/vote/", {}).status_code == 400
    client.force_login(world.shipai_resident)
    assert client.post(f"/projects/calls/{call.pk}/vote/", {"what": "paper"}).status_code == 404


def test_the_vote_page_outside_the_vote(client, world):
    call = world.call()
    client.force_login(world.proposer)
    assert client.get(f"/projects/calls/{call.pk}/vote/").status_code == 404
    world.voting(call)
    Call.objects.filter(pk=call.pk).update(vote_opens=timezone.now() - dt.timedelta(days=2),
                                           vote_closes=timezone.now() - dt.timedelta(minutes=1))
    resp = client.get(f"/projects/calls/{call.pk}/vote/", follow=True)
    assert "当前不在投票时间内" in text(resp)


# ---------------------------------------------------------------- designs

def test_the_designer_submits_the_design(client, world):
    call = world.call()
    p = world.idea(call)
    client.force_login(world.designer_user)
    assert client.get(f"/projects/{p.pk}/design/").status_code == 404  # not his yet
    services.assign_designer(actor=world.street, project=p, designer_id=world.designer.pk)
    assert client.get(f"/projects/{p.pk}/design/").status_code == 200
    design = "木质座椅六组，透水砖铺装二十平方米，配遮阳棚一座，便于老人休息。"
    resp = client.post(f"/projects/{p.pk}/design/", {"design": design, "cost": "80000", "schedule_days": "30"})
    assert resp.status_code == 400 and "设计图纸" in error_of(resp) and design in text(resp)
    resp = client.post(f"/projects/{p.pk}/design/", {"design": design, "cost": "1000001", "schedule_days": "30", "drawings": pdf()})
    assert resp.status_code == 400 and "单项预算不超过" in error_of(resp)
    for junk in ({"cost": "abc", "schedule_days": "30"}, {"cost": "80000", "schedule_days": "99999999999999999999999"},
                 {"cost": "1e400", "schedule_days": "x"}, {}):
        assert client.post(f"/projects/{p.pk}/design/", {"design": design, **junk}).status_code == 400
    bad = SimpleUploadedFile("图纸.pdf", b"not a pdf at all", content_type="application/pdf")
    resp = client.post(f"/projects/{p.pk}/design/", {"design": design, "cost": "80000", "schedule_days": "30", "drawings": bad})
    assert resp.status_code == 400
    resp = client.post(f"/projects/{p.pk}/design/", {"design": design, "cost": "80,000", "schedule_days": "30", "drawings": pdf()})
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.DESIGNED and p.cost == Decimal("80000") and p.drawings
    client.force_login(world.r1)
    assert client.get(f"/projects/{p.pk}/design/").status_code == 404
    client.force_login(world.other_admin)
    assert client.get(f"/projects/{p.pk}/design/").status_code == 404


# ---------------------------------------------------------------- the desk

def test_the_desk_and_a_new_call(client, world, tree):
    client.force_login(world.street)
    assert client.get("/projects/desk/").status_code == 200
    page = text(client.get("/projects/desk/new/"))
    assert tree.liede.code in page and tree.liede_sq.code in page and tree.shipai.code not in page
    until = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    data = {"region": tree.liede.code, "title": "2027年猎德街微实事", "description": "征集社区公共空间微改造等小项目创意。",
            "budget": "abc", "ideas_until": until, "vote_mode": "approval", "max_choices": "0"}
    resp = client.post("/projects/desk/new/", data)
    assert resp.status_code == 400 and "总预算" in error_of(resp) and f'value="{until}"' in text(resp)
    for junk in ({"ideas_until": "2027-13-45"}, {"ideas_until": "99999-01-01"}, {"max_choices": "x"},
                 {"max_choices": "99999999999999999999999"}, {"budget": "1e30"}, {"region": "abc"}, {"body": "abc"},
                 {"vote_mode": "lottery"}, {"cap_services": "-1"}):
        resp = client.post("/projects/desk/new/", {**data, "budget": "300000", **junk})
        assert resp.status_code == 400, junk
    assert client.post("/projects/desk/new/", {}).status_code == 400
    resp = client.post("/projects/desk/new/", {**data, "budget": "300,000"})
    call = Call.objects.get()
    assert resp.status_code == 302 and resp.url == f"/projects/desk/calls/{call.pk}/" and call.budget == Decimal("300000")
    page = text(client.get("/projects/desk/"))
    assert call.title in page
    client.force_login(world.clerk)  # a caseworker keeps the desk; he opens no call
    assert client.get("/projects/desk/new/").status_code == 404
    client.force_login(world.proposer)
    assert client.get("/projects/desk/").status_code == 404


def test_a_call_desk_runs_the_call(client, world):
    call = world.call()
    p = world.idea(call)
    client.force_login(world.street)
    url = f"/projects/desk/calls/{call.pk}/"
    page = text(client.get(url))
    assert p.title in page and "林设计" in page and "石设计" not in page  # only the designers serving 猎德街
    resp = client.post(url, {"what": "assign", "project": p.pk, "designer": world.far_designer.pk})
    assert resp.status_code == 400 and "服务本街道" in error_of(resp)
    for junk in ({"what": "assign", "project": p.pk, "designer": "abc"}, {"what": "assign", "project": p.pk},
                 {"what": "rocket", "project": p.pk}, {"what": "rocket"}, {}):
        assert client.post(url, junk).status_code == 400, junk
    for junk in ({"what": "assign", "project": "abc"}, {"what": "assign", "project": "99999999999999999999999"}):
        assert client.post(url, junk).status_code == 404
    assert client.post(url, {"what": "assign", "project": p.pk, "designer": world.designer.pk}).status_code == 302
    world.designed(call, Project.objects.get(pk=p.pk))
    assert client.post(url, {"what": "review"}).status_code == 400  # still collecting ideas
    assert client.post(url, {"what": "design"}).status_code == 302
    assert client.post(url, {"what": "review"}).status_code == 302
    resp = client.post(url, {"what": "review", "project": p.pk, "decision": "shortlist", "votes_for": "2", "votes_against": "3",
                             "opinion": "方案可行", "meeting_on": timezone.localdate().isoformat()})
    assert resp.status_code == 400 and "赞成多于反对" in error_of(resp) and "方案可行" in text(resp)
    for junk in ({"meeting_on": "x"}, {"votes_for": "99999999999999999999999"}, {"decision": "maybe"}):
        resp = client.post(url, {"what": "review", "project": p.pk, "decision": "shortlist", "votes_for": "5", "votes_against": "1",
                                 "opinion": "方案可行", "meeting_on": timezone.localdate().isoformat(), **junk})
        assert resp.status_code == 400, junk
    resp = client.post(url, {"what": "review", "project": p.pk, "decision": "shortlist", "votes_for": "5", "votes_against": "1",
                             "opinion": "方案可行，造价合理。", "meeting_on": timezone.localdate().isoformat()})
    assert resp.status_code == 302 and Project.objects.get(pk=p.pk).status == Status.SHORTLISTED
    assert client.post(url, {"what": "vote", "vote_opens": "x", "vote_closes": ""}).status_code == 400
    now = timezone.localtime()
    resp = client.post(url, {"what": "vote", "vote_opens": now.strftime("%Y-%m-%dT%H:%M"),
                             "vote_closes": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    assert resp.status_code == 400 and "投票截止" in error_of(resp)
    assert 'name="vote_opens" required value="' + now.strftime("%Y-%m-%dT%H:%M") in text(resp)
    resp = client.post(url, {"what": "vote", "vote_opens": (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
                             "vote_closes": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")})
    assert resp.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.VOTING
    resp = client.post(url, {"what": "choose"})
    assert resp.status_code == 400 and "投票尚未截止" in error_of(resp)
    assert client.post(url, {"what": "cancel", "reason": "x"}).status_code == 400
    assert client.post(url, {"what": "cancel", "reason": "预算调整，本次征集取消"}).status_code == 302
    assert "预算调整，本次征集取消" in text(client.get(f"/projects/calls/{call.pk}/"))


def test_staff_of_another_area_get_404(client, world, tree):
    call = world.call(region=tree.liede_sq)
    p = world.idea(call)
    services.assign_designer(actor=world.admin, project=p, designer_id=world.designer.pk)
    client.force_login(world.admin)
    assert client.get(f"/projects/desk/calls/{call.pk}/").status_code == 200
    assert client.get(f"/projects/desk/projects/{p.pk}/").status_code == 200
    client.force_login(world.other_admin)  # 华标社区, the same street
    assert call.title not in text(client.get("/projects/desk/"))
    assert client.get(f"/projects/desk/calls/{call.pk}/").status_code == 404
    assert client.post(f"/projects/desk/calls/{call.pk}/", {"what": "design"}).status_code == 404
    assert client.get(f"/projects/desk/projects/{p.pk}/").status_code == 404
    assert client.post(f"/projects/desk/projects/{p.pk}/", {"what": "infeasible", "reason": "x" * 20}).status_code == 404
    assert client.get(f"/projects/{p.pk}/design/").status_code == 404
    assert Call.objects.get(pk=call.pk).status == CallStatus.IDEAS
    # the street's call: a community's staff read it (their residents' ideas) but run none of it
    street_call = world.call()
    q = world.idea(street_call)
    resp = client.get(f"/projects/desk/calls/{street_call.pk}/")
    assert resp.status_code == 200 and 'data-testid="close-ideas"' not in text(resp)
    assert client.post(f"/projects/desk/calls/{street_call.pk}/", {"what": "design"}).status_code == 400
    assert client.get(f"/projects/desk/projects/{q.pk}/").status_code == 404  # 猎德社区's idea
    for url in ("/projects/desk/calls/abc/", "/projects/desk/calls/99999999999999999999999/",
                "/projects/desk/projects/99999999999999999999999/"):
        assert client.get(url).status_code == 404


def test_a_project_desk_carries_it_out(client, world, chosen):
    call, a, b, c = chosen
    assert (b.status, c.status, a.status) == (Status.CHOSEN, Status.CHOSEN, Status.NOT_CHOSEN)
    client.force_login(world.clerk)
    url = f"/projects/desk/projects/{c.pk}/"
    page = text(client.get(url))
    assert 'data-testid="progress-form"' in page and 'data-testid="photo-form"' in page
    assert "木质座椅六组" in page and "120,000" in page and "赞成 5 · 反对 1 · 弃权 0" in page  # the design and the body's counts
    client.logout()
    assert "赞成 5" not in text(client.get(f"/projects/{c.pk}/"))  # the counts are the staff's
    client.force_login(world.clerk)
    for junk in ({"what": "progress", "percent": "abc", "note": "座椅基础已浇筑"}, {"what": "progress", "percent": "100", "note": "座椅基础已浇筑"},
                 {"what": "progress", "percent": "99999999999999999999999", "note": "座椅基础已浇筑"}, {"what": "progress"},
                 {"what": "photo"}, {"what": "photo", "phase": "before"}, {"what": "photo", "phase": "x", "photo": image()},
                 {"what": "photo", "phase": "before", "photo": SimpleUploadedFile("a.png", b"junk", content_type="image/png")},
                 {"what": "finish", "note": "已完工验收"}, {"what": "follow_up", "answer": "已整改"}, {"what": "urge", "note": "抓紧"},
                 {"what": "infeasible", "reason": "不行"}, {"what": "rocket"}, {}):
        resp = client.post(url, junk)
        assert resp.status_code in (400, 404), (junk, resp.status_code)
    resp = client.post(url, {"what": "progress", "percent": "40", "note": "座", "owner": "猎德街城建办"})
    assert resp.status_code == 400 and "进展情况" in error_of(resp) and "猎德街城建办" in text(resp)
    assert client.post(url, {"what": "progress", "percent": "40", "note": "座椅基础已浇筑", "owner": "猎德街城建办"}).status_code == 302
    assert client.post(url, {"what": "photo", "phase": "before", "photo": image("gray"), "caption": "改造前空地"}).status_code == 302
    resp = client.post(url, {"what": "finish", "note": "已完工验收"})
    assert resp.status_code == 400 and "完成后的现场照片" in error_of(resp)
    assert client.post(url, {"what": "photo", "phase": "after", "photo": image("green")}).status_code == 302
    assert client.post(url, {"what": "finish", "note": "已完工验收"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Status.DONE and c.progress == 100
    # the public page: photos by phase, progress, the rating form for a resident of the area
    client.force_login(world.r1)
    page = text(client.get(f"/projects/{c.pk}/"))
    assert "改造前空地" in page and 'data-testid="photos-before"' in page and 'data-testid="photos-after"' in page
    assert "100%" in page and "猎德街城建办" in page and 'data-testid="rate-form"' in page and 'data-testid="votes"' in page
    photo = c.photos.first()
    resp = client.get(f"/projects/{c.pk}/photos/{photo.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("image/") and resp["Cache-Control"] == "private, no-store"
    assert client.get(f"/projects/{a.pk}/photos/{photo.pk}/").status_code == 404  # another project's photo
    assert client.post(f"/projects/{c.pk}/act/", {"what": "rate", "rating": "2", "comment": "遮阳棚漏雨"}).status_code == 302
    page = text(client.get(f"/projects/{c.pk}/"))
    assert 'data-testid="rated"' in page and "1 人评价" in page
    # the bad rating's follow-up, answered by the manager, reopens the works
    client.force_login(world.street)
    page = text(client.get(url))
    assert 'data-testid="follow-up-form"' in page
    assert client.post(url, {"what": "follow_up", "answer": "已联系施工方更换遮阳棚", "reopen": "1"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Status.IN_PROGRESS and c.rating_round == 2
    resp = client.post(f"/projects/desk/projects/{b.pk}/", {"what": "infeasible", "reason": "太短"})
    assert resp.status_code == 400 and "原因" in error_of(resp)
    assert client.post(f"/projects/desk/projects/{b.pk}/", {"what": "infeasible",
                                                           "reason": "场地规划调整，项目所在地块列入旧改范围，暂不实施"}).status_code == 302
    assert "场地规划调整" in text(client.get(f"/projects/{b.pk}/"))


def test_the_registry_of_designers(client, world, tree):
    client.force_login(world.street)  # reads those serving his street, keeps none
    page = text(client.get("/projects/desk/designers/"))
    assert "林设计" in page and "137****1111" in page and "13700001111" not in page and "石设计" not in page
    assert 'data-testid="designer-form"' not in page
    assert client.post("/projects/desk/designers/", {"what": "add", "name": "某设计"}).status_code == 400
    assert client.post("/projects/desk/designers/", {"what": "toggle", "designer": world.designer.pk}).status_code == 400
    client.force_login(world.district)
    page = text(client.get("/projects/desk/designers/"))
    assert "石设计" in page and 'data-testid="designer-form"' in page and tree.changhua.code not in page
    data = {"what": "add", "region": tree.tianhe.code, "name": "陈设计", "profession": "景观设计", "organisation": "天河社区规划师工作室",
            "phone": "13800002222"}
    resp = client.post("/projects/desk/designers/", data)
    assert resp.status_code == 400 and "服务街道" in error_of(resp) and "天河社区规划师工作室" in text(resp)
    resp = client.post("/projects/desk/designers/", {**data, "streets": [tree.changhua.code]})
    assert resp.status_code == 400
    for junk in ({"region": "abc"}, {"username": "nobody"}, {"phone": "12"}, {"streets": ["abc", "9" * 40]}):
        assert client.post("/projects/desk/designers/", {**data, "streets": [tree.liede.code], **junk}).status_code == 400, junk
    resp = client.post("/projects/desk/designers/", {**data, "streets": [tree.liede.code, tree.shipai.code]})
    assert resp.status_code == 302 and Designer.objects.get(name="陈设计").streets.count() == 2
    assert client.post("/projects/desk/designers/", {"what": "toggle", "designer": world.designer.pk}).status_code == 302
    assert not Designer.objects.get(pk=world.designer.pk).active
    for junk in ({"what": "toggle", "designer": "abc"}, {"what": "toggle", "designer": "99999999999999999999999"}):
        assert client.post("/projects/desk/designers/", junk).status_code == 404
    client.force_login(world.proposer)
    assert client.get("/projects/desk/designers/").status_code == 404


def test_a_resolution_of_the_consultation_joins_a_call(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        topic = world.decided(kinds=("project",))
    r = topic.resolutions.get()
    call = world.call(vote_mode="none")
    client.force_login(world.street)
    url = f"/projects/desk/calls/{call.pk}/"
    page = text(client.get(url))
    assert 'data-testid="resolution-form"' in page and r.title in page
    assert client.post(url, {"what": "from_resolution", "resolution": r.pk, "kind": "x"}).status_code == 400
    assert client.post(url, {"what": "from_resolution", "resolution": "abc", "kind": "works"}).status_code == 400
    assert client.post(url, {"what": "from_resolution", "resolution": r.pk, "kind": "works"}).status_code == 302
    p = Project.objects.get(resolution_id=r.pk)
    assert p.topic_number == topic.number
    assert topic.number in text(client.get(f"/projects/{p.pk}/"))
    assert r.title not in text(client.get(url)).split('data-testid="projects"')[0]  # no longer offered


def test_the_chosen_list_shows_votes_and_the_disclosure(client, world, chosen):
    call, a, b, c = chosen
    page = text(client.get(f"/projects/calls/{call.pk}/"))
    assert 'data-testid="disclosure-link"' in page and 'data-testid="votes"' in page and "270,000" in page
    assert "已公布" in page and "未选定" in page
