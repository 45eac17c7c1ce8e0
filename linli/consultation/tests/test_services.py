"""The topic from proposal to a rated result, and every refusal on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.consultation import services
from linli.consultation.models import Attendance, Event, Resolution, ResolutionOrder, Support
from linli.consultation.states import MeetingStatus, ResolutionStatus, Status
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.messaging.models import Message
from linli.workorders import services as wo
from linli.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=False)


def texts(user):
    return list(Message.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_supports_reach_the_threshold_once_per_household(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        t = world.propose()
    assert t.status == Status.PROPOSED and t.supports == 1 and t.threshold == 3  # the proposer's household
    with pytest.raises(Conflict) as exc:
        services.support(actor=world.spouse, topic=t)  # same household
    assert exc.value.code == "already_supported"
    with pytest.raises(PermissionDenied):
        services.support(actor=world.outsider, topic=t)
    with django_capture_on_commit_callbacks(execute=True):
        services.support(actor=world.r1, topic=t)
        services.support(actor=world.r2, topic=t)
    t.refresh_from_db()
    assert t.status == Status.SUBMITTED and t.supports == 3 and Support.objects.filter(topic=t).count() == 3
    assert t.answer_due and t.due_on == t.answer_due and t.clock_round == 1
    services.support(actor=world.r3, topic=t)  # supports go on until the answer
    t.refresh_from_db()
    assert t.supports == 4 and t.status == Status.SUBMITTED
    services.decline(actor=world.admin, topic=t, answer="已列入明年改造计划")
    with pytest.raises(Conflict) as exc:
        services.support(actor=world.spouse, topic=t)
    assert exc.value.code == "not_supporting"
    for user in (world.proposer, world.r1, world.r2):
        assert any("附议已达 3 户" in x for x in texts(user))
    assert any("待答复" in x for x in texts(world.admin))


def test_off_list_topic_needs_a_reason(world):
    t = world.propose(matter_id=None)
    with pytest.raises(DomainError) as exc:
        services.take_up(actor=world.admin, topic=t, body_id=world.body.pk, form="meeting")
    assert exc.value.code == "off_list"
    t = services.take_up(actor=world.admin, topic=t, body_id=world.body.pk, form="meeting", off_list_reason="居民反映集中，确需协商")
    assert t.status == Status.TAKEN_UP and t.off_list_reason == "居民反映集中，确需协商"


def test_answers_carry_their_reason_and_tell_the_proposer(world, django_capture_on_commit_callbacks):
    a, b = world.propose(), world.propose(title="3号楼前空地加装照明")
    with pytest.raises(DomainError):
        services.decline(actor=world.admin, topic=a, answer="")
    with django_capture_on_commit_callbacks(execute=True):
        services.merge(actor=world.admin, topic=b, into=a, answer="与前一议题同一地块，合并协商")
    b.refresh_from_db()
    assert b.status == Status.MERGED and b.merged_into == a
    assert any("已并入议题" in x for x in texts(world.proposer))
    c = world.propose(title="小区外道路修缮")
    services.refer(actor=world.admin, topic=c, to="天河区住建局", answer="市政道路不属社区协商范围")
    c.refresh_from_db()
    assert c.status == Status.REFERRED and c.referred_to == "天河区住建局"
    with pytest.raises(PermissionDenied):
        services.decline(actor=world.other_admin, topic=a, answer="不是本社区")
    with pytest.raises(PermissionDenied):
        services.take_up(actor=world.clerk, topic=a, body_id=world.body.pk, form="meeting")


def test_offline_and_staff_topics(world):
    t = services.propose(actor=world.clerk, community=world.community, title="楼道灯长期不亮", content="老人晚上上下楼不方便，请协商更换。",
                         on_behalf_of="王阿婆")
    assert t.source == "offline" and t.proposer_name == "王阿婆" and t.entered_by == world.clerk and t.status == Status.PROPOSED
    s = services.propose(actor=world.admin, community=world.community, title="垃圾投放点调整", content="投放点离住户太近，夏天有异味。",
                         source="staff")
    assert s.status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.propose(actor=world.outsider, community=world.community, title="别的社区的人", content="不能在猎德社区提出议题。")


def test_meeting_notice_quorum_and_minutes(world, django_capture_on_commit_callbacks):
    t = world.taken_up()
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.schedule_meeting(actor=world.admin, topic=t, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                  place="社区", agenda="讨论改建方案和维护责任。")
    assert exc.value.code == "too_soon"
    with django_capture_on_commit_callbacks(execute=True):
        m = world.meeting(t)
    assert m.notice_id and m.members_total == 3
    assert any("请参加猎德社区议事会" in x for x in texts(world.r1))  # the member with an account is invited
    with pytest.raises(Conflict) as exc:
        services.record_attendance(actor=world.clerk, meeting=m, member_id=world.m2.pk)  # four days early
    assert exc.value.code == "not_meeting_time"
    at = m.starts_at + dt.timedelta(minutes=5)
    services.record_attendance(actor=world.clerk, meeting=m, member_id=world.m2.pk, now=at)
    with pytest.raises(Conflict):
        services.record_attendance(actor=world.clerk, meeting=m, member_id=world.m2.pk, now=at)
    with pytest.raises(Conflict) as exc:
        services.close_meeting(actor=world.admin, meeting=m, minutes="同意清理空地，安装座椅和健身器材。", scan=("a.pdf", b"x"))
    assert exc.value.code == "no_quorum"  # 1 of 3
    services.check_in(actor=world.r1, meeting=m, token=m.checkin_token, now=at)  # the member, by the QR code
    services.check_in(actor=world.r3, meeting=m, token=m.checkin_token, now=at)  # a resident attending
    m.refresh_from_db()
    assert (m.members_present, m.others_present) == (2, 1)
    with pytest.raises(DomainError) as exc:
        services.close_meeting(actor=world.admin, meeting=m, minutes="同意清理空地，安装座椅和健身器材。")
    assert exc.value.code == "no_scan"
    from linli.consultation.tests.conftest import PDF

    m = services.close_meeting(actor=world.admin, meeting=m, minutes="同意清理空地，安装座椅和健身器材。", dissent="一户反对", scan=("纪要.pdf", PDF))
    assert m.status == MeetingStatus.CLOSED and m.minutes_scan.name.endswith(".pdf") and Attendance.objects.filter(meeting=m).count() == 3


def test_resolution_by_work_order_closes_the_topic(world, django_capture_on_commit_callbacks):
    t = world.decided()
    assert t.status == Status.IMPLEMENTING and t.due_on == t.disclosure_due and t.clock_round == 2
    r = t.resolutions.get()
    with pytest.raises(Conflict) as exc:
        services.finish(actor=world.admin, resolution=r, note="已完成")
    assert exc.value.code == "orders_open"
    with django_capture_on_commit_callbacks(execute=True):
        order = services.create_work_order(actor=world.admin, resolution=r, category_code="0201", description="清理空地并安装座椅")
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.channel == "consult" and order.status == "dispatched" and t.number in order.description
    r.refresh_from_db()
    assert r.status == ResolutionStatus.IN_PROGRESS and ResolutionOrder.objects.get(resolution=r).order_id == order.pk
    handler = world.loop.handler
    with django_capture_on_commit_callbacks(execute=True):
        wo.accept(actor=handler, order=order)
        wo.report_done(actor=handler, order=order, result="已清理并安装座椅")
        wo.verify(actor=world.admin, order=order, passed=True, note="现场核实")
    r.refresh_from_db()
    t.refresh_from_db()
    assert r.status == ResolutionStatus.DONE and r.progress == 100
    assert t.status == Status.COMPLETED and t.completed_at
    actions = list(Event.objects.filter(topic=t).values_list("action", flat=True))
    assert actions[-3:] == ["work_order_closed", "finish", "complete"]
    mine = texts(world.proposer)
    assert any("转诉求工单" in x for x in mine) and any("已完成" in x for x in mine) and any("请您对协商成效作出评价" in x for x in mine)
    assert any("请您对协商成效作出评价" in x for x in texts(world.r2))  # a supporter


def test_a_request_to_a_department_goes_by_work_order_to_the_handling_department(world, django_capture_on_commit_callbacks):
    t = world.decided(kinds=("department",))
    r = t.resolutions.get()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.create_work_order(actor=world.admin, resolution=r, category_code="0201", description="请城管科清理空地")
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == "dispatched" and "提请部门办理" in order.description and t.number in order.description
    with pytest.raises(Conflict) as exc:  # the department's answer finishes it, not the desk
        services.finish(actor=world.admin, resolution=r, note="已完成")
    assert exc.value.code == "orders_open"
    handler = world.loop.handler
    with django_capture_on_commit_callbacks(execute=True):
        wo.accept(actor=handler, order=order)
        wo.report_done(actor=handler, order=order, result="城管科已清理")
        wo.verify(actor=world.admin, order=order, passed=True, note="现场核实")
    r.refresh_from_db()
    assert r.status == ResolutionStatus.DONE
    with pytest.raises(DomainError) as exc2:  # a resolution the community carries out itself creates no order
        services.create_work_order(actor=world.admin, resolution=world.decided(kinds=("community",)).resolutions.get(),
                                   category_code="0201", description="清理")
    assert exc2.value.code == "not_work_order"


def test_progress_infeasible_and_disclosure(world, django_capture_on_commit_callbacks):
    t = world.decided(kinds=("community", "department"))
    a, b = t.resolutions.order_by("position")
    with django_capture_on_commit_callbacks(execute=True):
        services.progress(actor=world.clerk, resolution=a, percent=40, note="已完成清理，正在采购座椅")
    assert any("进度 40%" in x for x in texts(world.r1))
    with pytest.raises(DomainError):
        services.progress(actor=world.clerk, resolution=a, percent=100, note="满了")
    with pytest.raises(PermissionDenied):
        services.infeasible(actor=world.clerk, resolution=b, reason="部门答复暂无资金安排，明年再议。")
    services.infeasible(actor=world.admin, resolution=b, reason="部门答复暂无资金安排，明年再议。")
    services.finish(actor=world.clerk, resolution=a, note="座椅已安装到位")
    t.refresh_from_db()
    assert t.status == Status.COMPLETED
    d = services.disclose(actor=world.admin, topic=t)
    assert "无法落实" in d.content and "部门答复暂无资金安排" in d.content and d.kind == "consultation.result"
    with pytest.raises(Conflict):
        services.disclose(actor=world.admin, topic=t)


def test_bad_rating_follow_up_reopens(world):
    t = world.decided(kinds=("community",))
    r = t.resolutions.get()
    with pytest.raises(Conflict):
        services.rate(actor=world.proposer, topic=t, rating=5)  # not completed
    services.finish(actor=world.admin, resolution=r, note="已完成")
    t.refresh_from_db()
    services.rate(actor=world.proposer, topic=t, rating=1, comment="座椅质量差")
    with pytest.raises(Conflict):
        services.rate(actor=world.proposer, topic=t, rating=2)
    with pytest.raises(PermissionDenied):
        services.rate(actor=world.outsider, topic=t, rating=5)
    services.answer_follow_up(actor=world.admin, topic=t, answer="已联系厂家更换座椅", reopen=True)
    t.refresh_from_db()
    assert t.status == Status.IMPLEMENTING and t.rating_round == 2
    services.reopen_resolution(actor=world.admin, resolution=r, note="更换座椅")
    services.finish(actor=world.admin, resolution=Resolution.objects.get(pk=r.pk), note="已更换")
    t.refresh_from_db()
    assert t.status == Status.COMPLETED
    services.rate(actor=world.proposer, topic=t, rating=5)  # a new round
    # a bad rating in the second round opens a second follow-up, answered on its own
    services.rate(actor=world.r1, topic=t, rating=2, comment="还是有问题")
    from linli.core.models import FollowUp

    tasks = list(FollowUp.objects.for_target(t).values_list("round", "status"))
    assert tasks == [(2, "open"), (1, "done")]
    services.answer_follow_up(actor=world.admin, topic=t, answer="已再次上门查看并修复", reopen=False)
    assert list(FollowUp.objects.for_target(t).values_list("status", flat=True)) == ["done", "done"]


def test_decide_needs_confirmed_minutes_and_valid_resolutions(world):
    t = world.taken_up()
    due = timezone.localdate() + dt.timedelta(days=10)
    with pytest.raises(Conflict) as exc:
        services.decide(actor=world.admin, topic=t, outcome="清理空地，安装座椅和健身器材。", resolutions=[
            {"title": "清理", "kind": "community", "owner": "社区", "due_on": due}])
    assert exc.value.code == "no_minutes"
    world.held(t)
    with pytest.raises(DomainError):
        services.decide(actor=world.admin, topic=t, outcome="清理空地，安装座椅和健身器材。", resolutions=[])
    with pytest.raises(DomainError):
        services.decide(actor=world.admin, topic=t, outcome="清理空地，安装座椅和健身器材。", resolutions=[
            {"title": "清理", "kind": "community", "owner": "社区", "due_on": timezone.localdate() - dt.timedelta(days=1)}])
    t.refresh_from_db()
    assert t.status == Status.TAKEN_UP and not Resolution.objects.filter(topic=t).exists()  # nothing half-written


def test_opinions_online_wait_for_the_desk(world, django_capture_on_commit_callbacks):
    from linli.consultation import selectors
    from linli.consultation.models import Comment

    t = world.propose()
    with pytest.raises(Conflict) as exc:
        services.comment(actor=world.r3, topic=t, text="我支持改建休闲区")  # not taken up yet
    assert exc.value.code == "not_commenting"
    t = services.take_up(actor=world.admin, topic=t, body_id=world.body.pk, form="online", off_list_reason="")
    with pytest.raises(PermissionDenied):
        services.comment(actor=world.outsider, topic=t, text="别的社区的意见")
    c = services.comment(actor=world.r3, topic=t, text="建议保留一块空地给孩子踢球")
    bad = services.comment(actor=world.r2, topic=t, text="广告：低价装修请联系")
    assert [x.pk for x in selectors.comments_of(t, world.r1, staff=False)] == []  # nothing public before moderation
    assert c.pk in [x.pk for x in selectors.comments_of(t, world.r3, staff=False)]  # his own, pending
    services.moderate(actor=world.clerk, comment=c, publish=True)
    with pytest.raises(DomainError):
        services.moderate(actor=world.clerk, comment=bad, publish=False)  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(actor=world.clerk, comment=bad, publish=False, reason="与议题无关的广告")
    with pytest.raises(Conflict):
        services.moderate(actor=world.clerk, comment=c, publish=False, reason="改主意")
    assert [x.pk for x in selectors.comments_of(t, world.r1, staff=False)] == [c.pk]
    assert Comment.objects.get(pk=bad.pk).status == "rejected"
    assert any("未发布：与议题无关的广告" in x for x in texts(world.r2))
