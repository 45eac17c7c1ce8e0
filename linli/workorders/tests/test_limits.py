"""Time limits of every step, supervision rounds, near-limit warnings, step reminders, the
routing fallback, and notifications on each change; properties of routing, deadlines and the sweep."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.core import calendar
from linli.messaging.models import Message
from linli.workorders import services
from linli.workorders.models import (
    Category,
    HandlingUnit,
    RoutingRule,
    WorkOrder,
    WorkOrderEvent,
)
from linli.workorders.tests.conftest import escalations, sweep

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
FIXTURE_OK = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_each_step_has_its_limit_and_a_late_step_is_chased_once(loop):
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    assert order.step_due_at is not None and order.step_due_at < order.due_at  # 接单时限 after the dispatch
    assert Message.objects.filter(user=loop.handler, text__contains="前接单").exists()
    late = order.step_due_at + dt.timedelta(minutes=1)
    sweep(now=late)
    sweep(now=late + dt.timedelta(minutes=5))  # twice: one reminder
    assert Message.objects.filter(user=loop.handler, text__contains="超过接单时限").count() == 1
    assert WorkOrderEvent.objects.filter(order=order, action="remind").count() == 1
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已修复")
    order.refresh_from_db()
    assert order.step_due_at is not None  # 核查时限
    assert Message.objects.filter(user=loop.dispatcher, text__contains="请于").filter(text__contains="核查").exists()
    sweep(now=order.step_due_at + dt.timedelta(minutes=1))
    assert Message.objects.filter(user=loop.dispatcher, text__contains="超过核查时限").count() == 1
    services.verify(actor=loop.dispatcher, order=order, passed=True)
    order.refresh_from_db()
    assert order.step_due_at is None


def test_urgent_steps_count_the_clock(loop):
    order = loop.submit(urgency="urgent")  # registration within the limit in clock hours, night or not
    assert abs(order.due_at - order.created_at - dt.timedelta(hours=loop.lamp.register_limit_hours)) < dt.timedelta(seconds=5)
    now = dt.datetime(2026, 11, 28, 22, 0, tzinfo=SH)  # a Saturday night
    assert services.step_deadline("urgent", now, 2) == now + dt.timedelta(hours=2)
    assert services.step_deadline("normal", now, 2) == dt.datetime(2026, 11, 30, 11, 0, tzinfo=SH)  # Monday office hours
    assert services.step_deadline("normal", now, 2) == calendar.add_working_hours(now, 2)


def test_registration_and_reopening_start_a_new_supervision_round(loop):
    order = loop.submit()
    sweep(now=order.due_at + dt.timedelta(minutes=1))  # late registration: level 1
    order.refresh_from_db()
    assert order.escalation_level == 1
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    assert (order.escalation_level, order.clock_round) == (0, 1)  # the handling clock is supervised afresh
    sweep(now=order.due_at + dt.timedelta(minutes=1))
    assert set(escalations(order).values_list("round", "level")) == {(0, 1), (1, 1)}
    # close, rate badly, reopen: a third round
    order.refresh_from_db()
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已处理")
    services.verify(actor=loop.dispatcher, order=order, passed=True)
    services.rate(actor=loop.resident, order=order, rating=1)
    order.refresh_from_db()
    services.complete_follow_up(actor=loop.dispatcher, follow_up=order.follow_up, answer="居民反映仍未修好", reopen=True)
    order.refresh_from_db()
    assert (order.escalation_level, order.clock_round, order.status) == (0, 2, "in_progress")
    assert sweep(now=order.due_at + dt.timedelta(minutes=1))[1] == 1  # supervised again


def test_near_limit_is_the_last_fifth_flagged_and_warned_once(client, loop):
    from linli.workorders import selectors

    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    services.accept(actor=loop.handler, order=order)
    span = order.due_at - order.registered_at
    assert abs((order.due_at - order.warn_at) - span * services.WARN_SHARE) < dt.timedelta(seconds=1)
    WorkOrder.objects.filter(pk=order.pk).update(warn_at=dt.datetime(2000, 1, 1, tzinfo=SH))  # now near its limit
    assert order in selectors.orders_for(loop.dispatcher, near_limit=True)
    client.force_login(loop.dispatcher)
    assert f'data-testid="near-{order.number}"' in client.get("/orders/?flt=near").content.decode()
    sweep()
    sweep()
    assert Message.objects.filter(user=loop.handler, text__contains="即将到期").count() == 1


def test_without_any_rule_the_nearest_office_handles_it(loop, tree):
    RoutingRule.objects.all().delete()
    office = HandlingUnit.objects.create(name="猎德社区居委会", kind="community", region=tree.liede_sq, region_path=tree.liede_sq.path)
    assert services.route(loop.lamp, tree.g_liede1.path) == office
    assert services.route(loop.lamp, tree.g_huabiao.path) == loop.street_unit  # the street office (kind street)
    from linli.core.errors import DomainError

    with pytest.raises(DomainError) as e:
        services.route(loop.lamp, tree.g_pantang.path)  # no office anywhere above it
    assert e.value.code == "no_route"


def test_every_change_reaches_those_concerned(loop):
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    assert Message.objects.filter(user=loop.resident, text__contains="已派至").exists()
    order.refresh_from_db()
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已修复")
    services.verify(actor=loop.dispatcher, order=order, passed=False, note="现场仍不亮")
    assert Message.objects.filter(user=loop.resident, text__contains="继续办理").exists()
    assert Message.objects.filter(user=loop.handler, text__contains="核查不通过").exists()
    withdrawn = loop.submit()
    services.withdraw(actor=loop.resident, order=withdrawn)
    assert Message.objects.filter(user=loop.resident, target_id=withdrawn.pk, text__contains="已撤回").exists()


def test_a_caller_without_an_account_is_texted_at_their_phone(loop, settings, django_capture_on_commit_callbacks):
    from linli.core.sms import ConsoleSms as ConsoleSender

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "ENQUEUE_ON_COMMIT": False}}
    ConsoleSender.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = loop.submit(actor=loop.dispatcher, channel="hotline", contact_phone="13912345678", contact_name="李")
        services.register(actor=loop.dispatcher, order=order)
    texts = [t for who, t in ConsoleSender.sent if who == "139****5678"]
    assert any("已立案" in t for t in texts), ConsoleSender.sent
    assert all("13912345678" not in who for who, _t in ConsoleSender.sent)  # the log shows it masked


# ---------------------------------------------------------------- properties

@FIXTURE_OK
@given(depths=st.lists(st.tuples(st.sampled_from([4, 6, 9, 12, 15]), st.sampled_from(["none", "parent", "leaf"])),
                       min_size=1, max_size=6, unique=True))
def test_routing_picks_the_deepest_region_then_the_most_specific_category(loop, tree, depths):
    """Whatever rules exist, the winner is the rule with the deepest region; among those, a leaf
    category beats its parent, which beats no category."""
    RoutingRule.objects.all().delete()
    nodes = {4: tree.city, 6: tree.tianhe, 9: tree.liede, 12: tree.liede_sq, 15: tree.g_liede1}
    cats = {"none": None, "parent": loop.lamp.parent, "leaf": loop.lamp}
    made = {}
    for depth, cat in depths:
        unit = HandlingUnit.objects.create(name=f"{depth}-{cat}", kind="department", region=nodes[depth], region_path=nodes[depth].path)
        RoutingRule.objects.create(category=cats[cat], region=nodes[depth], region_path=nodes[depth].path, unit=unit)
        made[(depth, cat)] = unit
    rank = {"none": 0, "parent": 1, "leaf": 2}
    best = max(made, key=lambda k: (k[0], rank[k[1]]))
    assert services.route(loop.lamp, tree.g_liede1.path) == made[best]


@settings(max_examples=40, deadline=None)
@given(start=st.datetimes(min_value=dt.datetime(2026, 9, 20), max_value=dt.datetime(2026, 10, 20)),
       later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=5)),
       limit=st.integers(1, 15), unit=st.sampled_from(["wd", "h"]))
def test_deadlines_never_come_before_the_start_and_never_move_earlier(start, later, limit, unit):
    category = Category(code="x", name="x", handle_limit=limit, limit_unit=unit, urgent_limit_hours=6)
    a = start.replace(tzinfo=SH)
    b = a + later
    for urgency in ("normal", "urgent"):
        assert services.deadline(category, urgency, a) > a
        assert services.deadline(category, urgency, b) >= services.deadline(category, urgency, a)
    if unit == "wd":  # the end of a working day
        end = services.deadline(category, "normal", a)
        assert calendar.is_working_day(end.date()) and end.time() == dt.time(23, 59, 59)


@FIXTURE_OK
@given(late_hours=st.lists(st.integers(-48, 24 * 12), min_size=1, max_size=6), runs=st.integers(2, 4))
def test_the_sweep_run_again_changes_nothing(loop, late_hours, runs):
    WorkOrder.objects.all().delete()
    now = dt.datetime(2026, 3, 4, 15, 0, tzinfo=SH)  # a Wednesday
    for h in late_hours:
        order = loop.submit()
        services.register(actor=loop.dispatcher, order=order)
        WorkOrder.objects.filter(pk=order.pk).update(due_at=now - dt.timedelta(hours=h))
    sweep(now=now)
    snapshot = (set(WorkOrder.objects.values_list("pk", "escalation_level")), escalations().count(),
                Message.objects.count(), WorkOrderEvent.objects.count())
    for _ in range(runs):
        assert sweep(now=now) == {3: 0, 2: 0, 1: 0}
    assert snapshot == (set(WorkOrder.objects.values_list("pk", "escalation_level")), escalations().count(),
                        Message.objects.count(), WorkOrderEvent.objects.count())
