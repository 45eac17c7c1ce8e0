import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import FollowUp
from linli.messaging.models import Message
from linli.workorders import services, states
from linli.workorders.models import Category, WorkOrder
from linli.workorders.states import Action, Status
from linli.workorders.tests.conftest import escalations, sweep

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_full_loop_with_timeline_and_notifications(loop):
    order = loop.submit(contact_phone="13900001111")
    assert order.status == Status.SUBMITTED and len(order.number) == 16 and order.number.isdigit()
    assert order.reporter == loop.resident and order.contact_phone == "13900001111"
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED and order.unit == loop.street_unit  # street rule beats city fallback
    assert order.due_at is not None
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已更换灯泡")
    services.verify(actor=loop.dispatcher, order=order, passed=True, note="现场核实已亮")
    services.rate(actor=loop.resident, order=order, rating=5, comment="很快")
    order.refresh_from_db()
    assert order.status == Status.RATED and order.rating == 5 and order.closed_at
    actions = list(order.events.values_list("action", flat=True))
    assert actions == ["submit", "register", "dispatch", "accept", "report_done", "verify_pass", "rate"]
    texts = list(Message.objects.filter(user=loop.resident).values_list("text", flat=True))
    assert any("已立案" in t for t in texts) and any("已办结" in t for t in texts)
    assert Message.objects.filter(user=loop.handler, text__contains="新派工单").exists()


def test_routing_precedence(loop, tree):
    assert services.route(loop.lift, tree.g_liede1.path) == loop.property_unit  # category rule in the community
    assert services.route(loop.lamp, tree.g_liede1.path) == loop.street_unit  # street catch-all
    assert services.route(loop.lift, tree.g_huabiao.path) == loop.street_unit  # property rule is 猎德社区 only
    assert services.route(loop.lamp, tree.g_pantang.path) == loop.city_unit  # city fallback
    leaf_rule = loop.rule(loop.lift, tree.liede, loop.city_unit)
    # deeper region wins over a more specific category
    assert services.route(loop.lift, tree.g_liede1.path) == loop.property_unit
    assert services.route(loop.lift, tree.g_huabiao.path) == loop.city_unit  # category beats catch-all at the same depth
    leaf_rule.delete()


def test_illegal_transitions_are_refused_clearly(loop):
    order = loop.submit()
    with pytest.raises(PermissionDenied):
        services.report_done(actor=loop.handler, order=order, result="已处理")  # not dispatched to their unit
    with pytest.raises(PermissionDenied):
        services.register(actor=loop.resident, order=order)
    services.register(actor=loop.dispatcher, order=order)
    with pytest.raises(Conflict) as exc:
        services.report_done(actor=loop.handler, order=order, result="已处理")  # not accepted yet
    assert exc.value.code == "illegal_transition"
    assert "已派单" in str(exc.value.message) and "办结上报" in str(exc.value.message)
    with pytest.raises(Conflict):
        services.verify(actor=loop.dispatcher, order=order, passed=True)
    with pytest.raises(PermissionDenied):
        services.accept(actor=loop.property_handler, order=order)  # not their unit
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED
    assert list(order.events.values_list("action", flat=True)) == ["submit", "register", "dispatch"]


def test_withdraw_refuse_and_send_back(loop):
    a = loop.submit()
    services.withdraw(actor=loop.resident, order=a)
    assert WorkOrder.objects.get(pk=a.pk).status == Status.WITHDRAWN
    b = loop.submit()
    with pytest.raises(DomainError):
        services.refuse(actor=loop.dispatcher, order=b, reason=" ")
    services.refuse(actor=loop.dispatcher, order=b, reason="不属于政务服务范围")
    assert WorkOrder.objects.get(pk=b.pk).status == Status.NOT_REGISTERED
    c = loop.submit()
    services.register(actor=loop.dispatcher, order=c)
    services.send_back(actor=loop.handler, order=c, reason="属于物业管理范围")
    c.refresh_from_db()
    assert c.status == Status.REGISTERED and c.unit is None
    services.dispatch(actor=loop.dispatcher, order=c, unit=loop.property_unit)
    services.accept(actor=loop.property_handler, order=c)
    assert WorkOrder.objects.get(pk=c.pk).status == Status.IN_PROGRESS
    assert not c.events.get(action="send_back").public  # internal step, hidden from the reporter


def test_verification_fail_goes_back_to_work(loop):
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已处理")
    services.verify(actor=loop.dispatcher, order=order, passed=False, note="现场灯仍不亮")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_PROGRESS
    assert Message.objects.filter(user=loop.handler, text__contains="核查不通过").exists()


def test_bad_rating_opens_follow_up_and_can_reopen(loop):
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已处理")
    services.verify(actor=loop.dispatcher, order=order, passed=True)
    with pytest.raises(PermissionDenied):
        services.rate(actor=loop.handler, order=order, rating=5)
    services.rate(actor=loop.resident, order=order, rating=2, comment="没修好")
    with pytest.raises(Conflict):
        services.rate(actor=loop.resident, order=order, rating=5)
    fu = FollowUp.objects.for_target(order).get()
    assert fu.region_path == loop.tree.liede_sq.path and fu.status == "open"
    assert Message.objects.filter(user=loop.dispatcher, text__contains="差评").exists()
    services.complete_follow_up(actor=loop.dispatcher, follow_up=fu, answer="已电话回访，安排重新维修", reopen=True)
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.closed_at is None


def test_merge_duplicates_and_outcome_reaches_all_reporters(loop, make_user, tree):
    other = make_user("resident", tree.g_liede1, phone="13900002222")
    first = loop.submit()
    dup = loop.submit(actor=other)
    assert list(services_similar(loop, first)) == [dup, first]
    services.register(actor=loop.dispatcher, order=first)
    services.merge(actor=loop.dispatcher, order=dup, into=first)
    services.accept(actor=loop.handler, order=first)
    services.report_done(actor=loop.handler, order=first, result="已修复")
    services.verify(actor=loop.dispatcher, order=first, passed=True)
    assert Message.objects.filter(user=other, text__contains="已办结").exists()


def services_similar(loop, order):
    from linli.workorders.selectors import similar_open

    return similar_open(loop.dispatcher, region=loop.tree.g_liede1, category=order.category)


def test_bad_input(loop):
    with pytest.raises(DomainError) as exc:
        loop.submit(description="灯")
    assert exc.value.details["field"] == "description"
    with pytest.raises(DomainError):
        loop.submit(category=Category.objects.get(code="02"))  # a parent, not a leaf
    with pytest.raises(DomainError):
        loop.submit(lat="91", lng="113.3")
    with pytest.raises(DomainError):
        loop.submit(region=loop.tree.liede)  # a street, not a community
    assert not WorkOrder.objects.exists()


def test_idempotent_submission(loop):
    a = loop.submit(idempotency_key="req-1")
    b = loop.submit(idempotency_key="req-1")
    assert a.pk == b.pk and WorkOrder.objects.count() == 1


def test_deadlines_over_holidays_and_urgent_hours(loop):
    start = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SH)
    assert services.deadline(loop.lift, "normal", start) == dt.datetime(2025, 10, 10, 23, 59, 59, tzinfo=SH)  # 2 wd over 国庆
    assert services.deadline(loop.lift, "urgent", start) == start + dt.timedelta(hours=4)
    start = dt.datetime(2026, 2, 13, 16, 0, tzinfo=SH)  # Friday before 春节 2026; 2/14 is a make-up working day
    assert services.deadline(loop.lift, "normal", start) == dt.datetime(2026, 2, 24, 23, 59, 59, tzinfo=SH)
    hours = Category.objects.create(code="9901", name="测试小时", handle_limit=8, limit_unit="h")
    # working hours (09-12, 14-18): Friday 16:00 has 2 left, then 6 of the make-up Saturday
    assert services.deadline(hours, "normal", start) == dt.datetime(2026, 2, 14, 17, 0, tzinfo=SH)
    assert services.deadline(hours, "urgent", start) == start + dt.timedelta(hours=hours.urgent_limit_hours)  # the clock
    friday_evening = dt.datetime(2026, 11, 27, 19, 0, tzinfo=SH)
    assert services.deadline(hours, "normal", friday_evening) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH)  # Mon 7 + Tue 1


def test_escalation_sweep_is_idempotent_and_climbs_levels(loop):
    orders = [loop.submit() for _ in range(3)]
    for o in orders:
        services.register(actor=loop.dispatcher, order=o)
    base = dt.datetime(2026, 3, 2, 12, 0, tzinfo=SH)  # Monday
    WorkOrder.objects.filter(pk=orders[0].pk).update(due_at=base - dt.timedelta(hours=2))  # just overdue
    WorkOrder.objects.filter(pk=orders[1].pk).update(due_at=base - dt.timedelta(days=3))  # Fri: 1 wd late
    WorkOrder.objects.filter(pk=orders[2].pk).update(due_at=base - dt.timedelta(days=10))  # long overdue
    first = sweep(now=base)
    assert first == {3: 1, 2: 1, 1: 1}
    levels = dict(WorkOrder.objects.values_list("pk", "escalation_level"))
    assert [levels[o.pk] for o in orders] == [1, 2, 3]
    assert sorted(escalations().values_list("level", flat=True)) == [1, 2, 3]
    assert escalations(orders[1]).get().region_path == loop.tree.liede.path  # the street supervises
    assert escalations(orders[2]).get().region_path == loop.tree.tianhe.path  # the district
    again = sweep(now=base)
    assert again == {3: 0, 2: 0, 1: 0} and escalations().count() == 3
    assert Message.objects.filter(user=loop.handler, text__endswith="，区级督办").count() == 1
    assert Message.objects.filter(user=loop.street_admin, text__endswith="，街道督办").count() == 1  # the office is told
    assert Message.objects.filter(user=loop.dispatcher, text__endswith="，社区督办").count() == 1
    later = sweep(now=base + dt.timedelta(days=7))  # the level-1 and level-2 orders climb
    assert later == {3: 2, 2: 0, 1: 0} and escalations().count() == 5


ACTIONS = [a.value for a in Action]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.lists(st.sampled_from(ACTIONS), max_size=14))
def test_state_machine_never_skips_verification(seq):
    """Pure model of TRANSITIONS: every path to closed passes through done_reported → verify_pass,
    and unknown (state, action) pairs are refused."""
    status = Status.SUBMITTED
    history = [status]
    for action in seq:
        nxt = states.next_status(status, action)
        if nxt is None:
            assert not states.can(status, action)
            continue
        if nxt == Status.CLOSED:
            assert status == Status.DONE_REPORTED and action == Action.VERIFY_PASS
        if nxt == Status.RATED:
            assert status == Status.CLOSED
        status = nxt
        history.append(status)
    assert status in Status.values
    for a, b in zip(history, history[1:], strict=False):
        if b == Status.CLOSED:
            assert a == Status.DONE_REPORTED


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.lists(st.sampled_from(["register", "accept", "send_back", "dispatch", "report_done", "verify_pass",
                                     "verify_fail", "rate", "withdraw"]), max_size=10))
def test_services_follow_the_state_machine(loop, seq):
    """Driving the real services in random order: refusals are DomainErrors, never a broken row."""
    order = loop.submit()
    calls = {
        "register": lambda o: services.register(actor=loop.dispatcher, order=o),
        "accept": lambda o: services.accept(actor=loop.handler, order=o),
        "send_back": lambda o: services.send_back(actor=loop.handler, order=o, reason="不归我们"),
        "dispatch": lambda o: services.dispatch(actor=loop.dispatcher, order=o),
        "report_done": lambda o: services.report_done(actor=loop.handler, order=o, result="已处理"),
        "verify_pass": lambda o: services.verify(actor=loop.dispatcher, order=o, passed=True),
        "verify_fail": lambda o: services.verify(actor=loop.dispatcher, order=o, passed=False, note="未完成"),
        "rate": lambda o: services.rate(actor=loop.resident, order=o, rating=4),
        "withdraw": lambda o: services.withdraw(actor=loop.resident, order=o),
    }
    for name in seq:
        before = WorkOrder.objects.get(pk=order.pk).status
        try:
            calls[name](order)
        except DomainError:
            assert WorkOrder.objects.get(pk=order.pk).status == before
    final = WorkOrder.objects.get(pk=order.pk)
    steps = [e for e in final.events.values_list("from_status", "to_status") if e[1]]
    if final.status in (Status.CLOSED, Status.RATED):
        assert (Status.DONE_REPORTED, Status.CLOSED) in steps
    assert steps[-1][1] == final.status  # the timeline ends where the order is
    for a, b in zip(steps, steps[1:], strict=False):
        assert a[1] == b[0]  # no step skipped


def test_unregistered_orders_run_on_the_registration_clock(loop):
    """立案时限: a submitted order is due for registration within its category's hours; left
    unregistered past it, it is on the overdue list and the sweep supervises it."""
    from django.utils import timezone

    from linli.core import calendar
    from linli.workorders import selectors

    before = timezone.now()
    order = loop.submit()
    hours = loop.lamp.register_limit_hours  # working hours: office time of working days only
    assert calendar.add_working_hours(before, hours) <= order.due_at <= calendar.add_working_hours(timezone.now(), hours)
    assert order.warn_at < order.due_at
    assert order not in selectors.orders_for(loop.dispatcher, overdue=True)
    late = order.due_at + dt.timedelta(minutes=5)
    assert sweep(now=late)[1] == 1
    order.refresh_from_db()
    assert order.escalation_level == 1 and order.status == Status.SUBMITTED
    assert escalations(order).get().region_path == loop.tree.liede_sq.path
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert order in selectors.orders_for(loop.dispatcher, overdue=True)
    services.register(actor=loop.dispatcher, order=order)  # the handling clock replaces it
    order.refresh_from_db()
    assert order.due_at > timezone.now() + dt.timedelta(days=1)
