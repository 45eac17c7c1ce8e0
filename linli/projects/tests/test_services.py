"""A call from ideas to rated projects, and every refusal on the way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.consultation import services as consultation
from linli.consultation.models import Resolution
from linli.consultation.states import ResolutionStatus
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.disclosures.models import Disclosure
from linli.messaging.models import Message
from linli.projects import services
from linli.projects.models import Ballot, Call, Project
from linli.projects.states import CallStatus, Status

from .conftest import png

pytestmark = pytest.mark.django_db(transaction=False)


def texts(user):
    return list(Message.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_a_call_from_ideas_to_a_rated_project(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call = world.call()
        a, b, c = world.voting(call, costs=("80000", "150000", "120000"))
    for p in (a, b, c):
        p.refresh_from_db()
        assert p.status == Status.SHORTLISTED
    # four residents vote; approval, any number of choices
    services.vote(actor=world.proposer, call=call, project_ids=[a.pk, c.pk])
    services.vote(actor=world.r1, call=call, project_ids=[b.pk])
    services.vote(actor=world.r2, call=call, project_ids=[b.pk, c.pk])
    services.record_paper(actor=world.clerk, call=call, id_number=world.r3.resident.id_number, project_ids=[b.pk], slip="ZP0001")
    with pytest.raises(Conflict) as exc:  # the same resident again, on his phone: one vote per resident
        services.vote(actor=world.r3, call=call, project_ids=[a.pk])
    assert exc.value.code == "already_voted"
    call.refresh_from_db()
    assert Ballot.objects.filter(call=call).count() == 4
    # the vote is still open: the list waits for it to close
    with pytest.raises(Conflict) as exc:
        services.choose(actor=world.street, call=call)
    assert exc.value.code == "not_voting"
    with django_capture_on_commit_callbacks(execute=True):
        d = services.choose(actor=world.street, call=call, now=timezone.now() + dt.timedelta(days=8))
    call.refresh_from_db()
    for p in (a, b, c):
        p.refresh_from_db()
    # b has 3 votes (150k), c 2 (120k), a 1 (80k): b and c fit 300k (270k), a does not (350k)
    assert (b.status, c.status, a.status) == (Status.CHOSEN, Status.CHOSEN, Status.NOT_CHOSEN)
    assert (b.votes, c.votes, a.votes) == (3, 2, 1)
    assert call.status == CallStatus.CHOSEN and call.chosen_total == Decimal("270000.00") and call.ballots == 4
    assert d.kind == "projects.chosen" and "微改造项目2号" in d.content and "未选定" in d.content
    assert b.due_on == timezone.localdate() + dt.timedelta(days=30)
    assert any("已选定实施" in t for t in texts(world.r1))  # b's proposer hears
    assert any("未选定" in t for t in texts(world.proposer))  # a's proposer hears
    # execution with photos before and after
    services.add_photo(actor=world.clerk, project=c, phase="before", data=png("gray"), caption="改造前空地")
    with django_capture_on_commit_callbacks(execute=True):
        services.progress(actor=world.clerk, project=c, percent=40, note="座椅基础已浇筑", owner="猎德街城建办")
    with pytest.raises(Conflict) as exc:
        services.finish(actor=world.clerk, project=c, note="已完工验收")
    assert exc.value.code == "no_photos"
    services.add_photo(actor=world.clerk, project=c, phase="after", data=png("green"))
    with django_capture_on_commit_callbacks(execute=True):
        services.finish(actor=world.clerk, project=c, note="已完工验收")
    c.refresh_from_db()
    assert c.status == Status.DONE and c.progress == 100
    assert any("进度 40%" in t for t in texts(world.r2)) and any("已完成" in t for t in texts(world.r2))
    # the call closes when its last chosen project is finished
    services.infeasible(actor=world.street, project=b, reason="场地规划调整，项目所在地块列入旧改范围，暂不实施")
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    # completion rated; a bad rating opens the follow-up, whose answer may reopen the works
    with pytest.raises(PermissionDenied):
        services.rate(actor=world.shipai_resident, project=c, rating=5)
    services.rate(actor=world.r1, project=c, rating=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate(actor=world.r2, project=c, rating=1, comment="遮阳棚漏雨")
    with pytest.raises(Conflict) as exc:
        services.rate(actor=world.r2, project=c, rating=3)
    assert exc.value.code == "already_rated"
    services.answer_follow_up(actor=world.street, project=c, answer="已联系施工方更换遮阳棚", reopen=True)
    c.refresh_from_db()
    assert c.status == Status.IN_PROGRESS and c.rating_round == 2
    actions = set(AuditEvent.objects.filter(target_type="projects.project", target_id=str(c.pk)).values_list("action", flat=True))
    assert {"project.assign", "project.design", "project.shortlist", "project.choose", "project.progress", "project.finish",
            "project.reopen"} <= actions


def test_caps_budget_and_designs(world):
    call = world.call(budget=Decimal("900000"))
    p = world.idea(call, kind="services")
    with pytest.raises(DomainError) as exc:  # the designer serves only 石牌街
        services.assign_designer(actor=world.street, project=p, designer_id=world.far_designer.pk)
    assert exc.value.code == "designer_area"
    services.assign_designer(actor=world.street, project=p, designer_id=world.designer.pk)
    p.refresh_from_db()
    with pytest.raises(DomainError) as exc:  # services and goods: 500,000 at most
        services.submit_design(actor=world.designer_user, project=p, cost="500001", schedule_days=10, design="采购为老服务" * 5)
    assert exc.value.code == "over_cap"
    with pytest.raises(PermissionDenied):  # a resident is not the designer
        services.submit_design(actor=world.r1, project=p, cost="1000", schedule_days=10, design="采购为老服务" * 5)
    w = world.idea(call, title="小区道路修补工程", kind="works")
    services.assign_designer(actor=world.street, project=w, designer_id=world.designer.pk)
    w.refresh_from_db()
    with pytest.raises(DomainError) as exc:  # works need drawings
        services.submit_design(actor=world.designer_user, project=w, cost="100000", schedule_days=30, design="修补道路" * 10)
    assert exc.value.code == "no_design"
    w.refresh_from_db()
    assert w.status == Status.DESIGNING and w.cost is None  # nothing half-written
    # the review waits for every idea to be designed or set aside
    services.submit_design(actor=world.designer_user, project=p, cost="30000", schedule_days=10, design="采购为老服务" * 5)
    services.close_ideas(actor=world.street, call=call)
    call.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        services.start_review(actor=world.street, call=call)
    assert exc.value.code == "pending_review"
    world.review(w, decision="reject", votes=(1, 5, 0))
    w.refresh_from_db()
    assert w.status == Status.REJECTED
    services.start_review(actor=world.street, call=call)
    with pytest.raises(DomainError):  # a shortlist needs more for than against
        world.review(p, votes=(2, 3, 0))
    world.review(p, decision="revise", votes=(3, 1, 1))
    p.refresh_from_db()
    assert p.status == Status.DESIGNING


def test_ideas_close_and_outsiders_are_refused(world):
    call = world.call(region=world.tree.liede_sq)
    with pytest.raises(PermissionDenied):  # 石牌 is another street
        world.idea(call, actor=world.shipai_resident)
    with pytest.raises(PermissionDenied):  # 华标 is the same street but this is 猎德社区's call
        world.idea(call, actor=world.outsider)
    with pytest.raises(PermissionDenied):  # another community's admin cannot run it
        services.close_ideas(actor=world.other_admin, call=call)
    staff_idea = services.propose(actor=world.clerk, call=call, title="长者饭堂送餐服务", kind="services",
                                  description="为行动不便的长者提供送餐上门服务一年。", community=world.tree.liede_sq, on_behalf_of="王大爷")
    assert staff_idea.source == "offline" and staff_idea.entered_by == world.clerk and staff_idea.proposer_name == "王*爷"
    Call.objects.filter(pk=call.pk).update(ideas_until=timezone.localdate() - dt.timedelta(days=1))
    call.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        world.idea(call)
    assert exc.value.code == "ideas_closed"


def test_knapsack_ballots_stay_within_the_budget(world):
    call = world.call(vote_mode="knapsack")
    a, b, c = world.voting(call, costs=("80000", "150000", "120000"))
    with pytest.raises(DomainError) as exc:
        services.vote(actor=world.r1, call=call, project_ids=[a.pk, b.pk, c.pk])  # 350k > 300k
    assert exc.value.code == "over_budget"
    assert not Ballot.objects.filter(call=call).exists()
    services.vote(actor=world.r1, call=call, project_ids=[a.pk, b.pk])
    with pytest.raises(DomainError) as exc:
        services.vote(actor=world.r2, call=call, project_ids=[a.pk, 999999])
    assert exc.value.code == "bad_choice"
    with pytest.raises(DomainError) as exc:  # a resident of another street
        services.record_paper(actor=world.street, call=call, id_number=world.shipai_resident.resident.id_number,
                              project_ids=[a.pk], slip="ZP0002")
    assert exc.value.code == "not_resident"


def test_a_consultation_resolution_follows_its_project(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        topic = world.decided(kinds=("project",))
    r = topic.resolutions.get()
    call = world.call(vote_mode="none")
    p = services.from_resolution(actor=world.street, call=call, resolution_id=r.pk, kind="works")
    assert p.source == "topic" and p.topic_number == topic.number and p.proposer == world.proposer
    with pytest.raises(Conflict) as exc:
        services.from_resolution(actor=world.street, call=call, resolution_id=r.pk, kind="works")
    assert exc.value.code == "already_linked"
    r.refresh_from_db()
    assert r.status == ResolutionStatus.IN_PROGRESS and r.progress == 5
    world.designed(call, p)
    services.close_ideas(actor=world.street, call=call)
    call.refresh_from_db()
    services.start_review(actor=world.street, call=call)
    world.review(p)
    services.choose(actor=world.street, call=call)  # no vote: the body's shortlist within the budget
    p.refresh_from_db()
    assert p.status == Status.CHOSEN
    services.add_photo(actor=world.clerk, project=p, phase="before", data=png())
    services.add_photo(actor=world.clerk, project=p, phase="after", data=png("blue"))
    with django_capture_on_commit_callbacks(execute=True):
        services.finish(actor=world.clerk, project=p, note="座椅安装完毕")
    r.refresh_from_db()
    topic.refresh_from_db()
    assert r.status == ResolutionStatus.DONE and topic.status == "completed"
    assert any("微实事项目" in t for t in texts(world.proposer))
    assert Resolution.objects.filter(pk=r.pk, events__action="finish").exists()
    assert consultation  # the consultation side is driven only through its service


def test_designer_registry_is_kept_by_district_and_city(world):
    with pytest.raises(PermissionDenied):
        services.add_designer(actor=world.street, region=world.tree.tianhe, name="某设计", profession="规划",
                              organisation="某院", streets=[world.tree.liede.code])
    with pytest.raises(DomainError):  # a street outside the district
        services.add_designer(actor=world.district, region=world.tree.tianhe, name="某设计", profession="规划",
                              organisation="某院", streets=[world.tree.changhua.code])
    assert world.designer.phone_tail == "1111"
    services.set_designer_active(actor=world.district, designer=world.designer, active=False)
    call = world.call()
    p = world.idea(call)
    with pytest.raises(DomainError):
        services.assign_designer(actor=world.street, project=p, designer_id=world.designer.pk)
    assert Project.objects.get(pk=p.pk).designer is None
    assert Disclosure.objects.count() == 0
