"""The supervision clock on its own (core.supervision): a registration on an existing model
(the kernel's follow-up tasks, ``core.FollowUp``), warnings and levels at working-day and
working-hour boundaries across the National Day holiday, a second sweep that raises nothing, a new
round after reopening, 督办 refused outside the supervisor's area, and two real concurrent sweeps
on PostgreSQL raising each item exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import rules
from django.db import connection
from django.utils import timezone

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over
from linli.core import supervision
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent, Escalation, FollowUp

SH = ZoneInfo("Asia/Shanghai")
D = dt.date

if not rules.perm_exists("core.test_supervise"):
    rules.add_perm("core.test_supervise", holds_over(*ADMIN_ROLES))


class Sent:
    """What the registration's callbacks were given, in call order."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.notices: list[tuple[str, int, int, list[int], str]] = []  # kind, level, item, user ids, note
        self.timeline: list[tuple[str, int, int, str]] = []

    def notify(self, pairs, *, kind, level, actor=None, note=""):  # type: ignore[no-untyped-def]
        with self.lock:
            self.notices += [(kind, level, item.pk, sorted(u.pk for u in users), note) for item, users in pairs]

    def write(self, items, *, kind, level, actor=None, note=""):  # type: ignore[no-untyped-def]
        with self.lock:
            self.timeline += [(kind, level, item.pk, note) for item in items]

    def of(self, kind: str, level: int | None = None) -> list[int]:
        return sorted(pk for k, lv, pk, _u, _n in self.notices if k == kind and (level is None or lv == level))


@pytest.fixture
def calendar_seeded(db):
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed
    from linli.core.models import CalendarDay

    seed(CalendarDay)  # a transactional test before this one may have flushed the migration's rows
    invalidate()


@pytest.fixture
def only_clock():
    """Registers one clock for the test, alone (the apps' clocks are put back afterwards)."""
    saved = dict(supervision._clocks)
    supervision._clocks.clear()

    def register(**options):  # type: ignore[no-untyped-def]
        return supervision.register("test.followup", running=FollowUp.objects.filter(status="open"), **options)

    yield register
    supervision._clocks.clear()
    supervision._clocks.update(saved)


@pytest.fixture
def office(tree, make_user):
    """Who is told at each level: the community's, the street's and the district's admin."""
    return {1: make_user(Role.COMMUNITY_ADMIN, tree.liede_sq), 2: make_user(Role.STREET_ADMIN, tree.liede),
            3: make_user(Role.DISTRICT_ADMIN, tree.tianhe), 0: make_user(Role.CASEWORKER, tree.liede_sq)}


def told_by(office):  # type: ignore[no-untyped-def]
    return lambda items, level: {i.pk: [office[level]] for i in items}


def task(tree, due, **kw) -> FollowUp:  # type: ignore[no-untyped-def]
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(FollowUp)
    n = FollowUp.objects.count() + 1000
    return FollowUp.objects.create(content_type=ct, object_id=n, region_path=kw.pop("path", tree.g_liede1.path), rating=1,
                                   due_date=due, **kw)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=SH)


def test_a_dated_deadline_warns_and_climbs_by_working_days_across_the_national_day_holiday(
        tree, office, only_clock, calendar_seeded):
    sent = Sent()
    only_clock(deadline="due_date", unit=supervision.DAYS, steps={1: 0, 2: 1, 3: 3}, warn_before=1,
               told=told_by(office), notify=sent.notify, timeline=sent.write)
    item = task(tree, D(2026, 9, 30))  # the Wednesday before 国庆 (10-01 … 10-07 off, Saturday 10-10 works)
    level = {}
    for day in (D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 1), D(2026, 10, 7), D(2026, 10, 8),
                D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 11)):
        supervision.sweep(now=noon(day))
        level[day] = max([r.level for r in supervision.records(item, kind="escalate")], default=0)
        if day == D(2026, 9, 28):
            assert sent.of("warn") == []  # two working days left: not yet near
        if day == D(2026, 9, 29):
            assert sent.of("warn") == [item.pk]  # one working day before the limit
    assert sent.of("warn") == [item.pk]  # once
    assert level == {D(2026, 9, 28): 0, D(2026, 9, 29): 0, D(2026, 9, 30): 0,  # due that day: not late yet
                     D(2026, 10, 1): 1, D(2026, 10, 7): 1,  # late from the next day; the holiday counts for nothing
                     D(2026, 10, 8): 1,  # the first working day after it is the first day late
                     D(2026, 10, 9): 2,  # one whole working day late
                     D(2026, 10, 10): 2, D(2026, 10, 11): 3}  # three: 10-08, 10-09 and the make-up Saturday
    assert [(k, lv) for k, lv, _pk, _n in sent.timeline] == [("warn", 0), ("escalate", 1), ("escalate", 2), ("escalate", 3)]
    assert [(k, lv, users) for k, lv, _pk, users, _n in sent.notices] == [
        ("warn", 0, [office[0].pk]), ("escalate", 1, [office[1].pk]), ("escalate", 2, [office[2].pk]),
        ("escalate", 3, [office[3].pk])]
    offices = dict(supervision.records(item, kind="escalate").values_list("level", "region_path"))
    assert offices == {1: tree.liede_sq.path, 2: tree.liede.path, 3: tree.tianhe.path}  # the office of each level


def test_a_datetime_deadline_counts_working_hours_over_lunch_and_the_holiday(tree, office, only_clock, calendar_seeded):
    sent = Sent()
    only_clock(deadline="created_at", unit=supervision.HOURS, steps={1: 0, 2: 4}, warn_before=2,
               told=told_by(office), notify=sent.notify)  # any datetime field serves as the deadline
    item = task(tree, D(2026, 9, 30))
    FollowUp.objects.filter(pk=item.pk).update(created_at=dt.datetime(2026, 9, 30, 17, 0, tzinfo=SH))  # due 17:00
    at = lambda *a: dt.datetime(*a, tzinfo=SH)  # noqa: E731
    assert supervision.sweep(now=at(2026, 9, 30, 14, 59))["test.followup"] == {2: 0, 1: 0}
    assert sent.of("warn") == []  # 2 h 1 min of office time left
    supervision.sweep(now=at(2026, 9, 30, 15, 0))
    assert sent.of("warn") == [item.pk]
    assert supervision.sweep(now=at(2026, 9, 30, 17, 0))["test.followup"] == {2: 0, 1: 0}  # at the limit: not late
    assert supervision.sweep(now=at(2026, 9, 30, 17, 1))["test.followup"] == {2: 0, 1: 1}
    # 4 working hours late: 17:00–18:00 on 9-30, then 09:00–12:00 on 10-08; lunch does not count
    assert supervision.sweep(now=at(2026, 10, 7, 23, 0))["test.followup"] == {2: 0, 1: 0}
    assert supervision.sweep(now=at(2026, 10, 8, 13, 59))["test.followup"] == {2: 0, 1: 0}
    assert supervision.sweep(now=at(2026, 10, 8, 14, 1))["test.followup"] == {2: 1, 1: 0}
    assert sent.of("warn") == [item.pk] and sent.of("escalate") == [item.pk, item.pk]


def test_a_second_sweep_raises_nothing_and_a_closed_item_is_left_alone(tree, office, only_clock, calendar_seeded):
    sent = Sent()
    only_clock(deadline="due_date", steps={1: 0, 2: 3}, told=told_by(office), notify=sent.notify, timeline=sent.write)
    late = [task(tree, D(2026, 3, 2)) for _ in range(3)]
    done = task(tree, D(2026, 3, 2), status="done")
    first = supervision.sweep(now=noon(D(2026, 3, 10)))
    assert first == {"test.followup": {2: 3, 1: 0}}  # straight to the street: the level it skipped is not recorded
    records = Escalation.objects.count()
    for _ in range(3):
        assert supervision.sweep(now=noon(D(2026, 3, 10))) == {"test.followup": {2: 0, 1: 0}}
    assert Escalation.objects.count() == records == 3
    assert sent.of("escalate") == sorted(i.pk for i in late) and len(sent.timeline) == 3
    assert not supervision.records(done).exists()
    # the unique constraint itself refuses a second record of a level in a round
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(content_type=supervision._content_type(FollowUp), object_id=late[0].pk, round=0, level=2,
                                  kind="escalate", region_path=tree.liede.path)


def test_the_level_names_come_from_one_place():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [supervision.level_name(n) for n in (1, 2, 3)] == ["社区督办", "街道督办", "区级督办"]
    with translation.override("en"):
        assert supervision.level_name(3) == "District supervision"
    assert supervision.level_name(0) == ""


def test_registration_refuses_what_it_cannot_count(only_clock):
    with pytest.raises(ValueError):
        only_clock(deadline="due_date", unit=supervision.HOURS, steps={1: 0}, told=dict, notify=print)  # hours of a date
    with pytest.raises(ValueError):
        only_clock(deadline="due_date", steps={4: 0}, told=dict, notify=print)  # no such level


def test_urge_by_a_supervisor_of_the_area_only(tree, make_user, only_clock):
    sent = Sent()
    handler = make_user(Role.CASEWORKER, tree.liede_sq)
    only_clock(deadline="due_date", steps={1: 0}, told=dict, notify=sent.notify, timeline=sent.write,
               supervise="core.test_supervise", handlers=lambda obj: [handler], audit="followup")
    item = task(tree, D(2026, 3, 2))
    street = make_user(Role.STREET_ADMIN, tree.liede)
    for outsider in (make_user(Role.STREET_ADMIN, tree.shipai), make_user(Role.DISTRICT_ADMIN, tree.liwan), handler):
        with pytest.raises(PermissionDenied):  # another street, another district, no supervisor
            supervision.urge(actor=outsider, obj=item, note="请尽快整改")
        assert not supervision.may_urge(outsider, item)
    with pytest.raises(DomainError) as empty:
        supervision.urge(actor=street, obj=item, note=" 。")
    assert empty.value.details["field"] == "note"
    assert supervision.may_urge(street, item)
    record = supervision.urge(actor=street, obj=item, note="请本周内答复居民")
    assert (record.kind, record.actor, record.note) == ("urge", street, "请本周内答复居民")
    assert sent.notices == [("urge", 0, item.pk, [handler.pk], "请本周内答复居民")]
    assert sent.timeline == [("urge", 0, item.pk, "请本周内答复居民")]
    assert AuditEvent.objects.filter(action="followup.urge", target_id=str(item.pk), actor=street).exists()
    supervision.urge(actor=street, obj=item, note="再次督办")  # a supervisor may urge again
    assert supervision.records(item, kind="urge").count() == 2
    FollowUp.objects.filter(pk=item.pk).update(status="done")
    with pytest.raises(Conflict):
        supervision.urge(actor=street, obj=item, note="已经办完了")


def test_reopening_starts_a_round_supervised_again_from_level_one(tree, make_user, registry):
    """The work orders' registration: late and raised, then closed, rated badly and reopened —
    the new round is raised again, from the community level."""
    from linli.workorders import services
    from linli.workorders.models import WorkOrder
    from linli.workorders.tests.conftest import Loop

    loop = Loop(tree, make_user, registry)
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(days=10))
    assert supervision.sweep(names=["workorders.order"])["workorders.order"][3] == 1  # long late: the district
    order = WorkOrder.objects.get(pk=order.pk)
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已修复")
    services.verify(actor=loop.dispatcher, order=order, passed=True)
    services.rate(actor=loop.resident, order=order, rating=1)
    order.refresh_from_db()
    services.complete_follow_up(actor=loop.dispatcher, follow_up=order.follow_up, answer="居民反映仍未修好", reopen=True)
    order.refresh_from_db()
    assert (order.clock_round, order.escalation_level) == (2, 0)
    later = order.due_at + dt.timedelta(minutes=1)
    assert supervision.sweep(now=later, names=["workorders.order"])["workorders.order"] == {3: 0, 2: 0, 1: 1}
    assert set(supervision.records(order, kind="escalate").values_list("round", "level")) == {(1, 3), (2, 1)}
    order.refresh_from_db()
    assert order.escalation_level == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_item_exactly_once(tree, office, only_clock, calendar_seeded):
    sent = Sent()
    only_clock(deadline="due_date", steps={1: 0, 2: 1, 3: 3}, warn_before=2, told=told_by(office), notify=sent.notify,
               timeline=sent.write)
    late = [task(tree, D(2026, 3, 2) - dt.timedelta(days=i % 9)) for i in range(120)]
    near = [task(tree, D(2026, 3, 11)) for _ in range(30)]
    now = noon(D(2026, 3, 10))
    supervision.BATCH, batch = 7, supervision.BATCH  # small batches: the two sweeps interleave
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker() -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            results.append(supervision.sweep(now=now))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        supervision.BATCH = batch
    assert not errors, errors
    raised = [pk for kind, _lv, pk, _u, _n in sent.notices if kind == "escalate"]
    assert sorted(raised) == sorted(i.pk for i in late)  # every late item once, by one sweep or the other
    assert sum(sum(r["test.followup"].values()) for r in results) == len(late)
    assert sorted(sent.of("warn")) == sorted(i.pk for i in near)
    assert Escalation.objects.filter(kind="escalate").count() == len(late)
    assert Escalation.objects.filter(kind="warn").count() == len(near)
    assert len(sent.timeline) == len(late) + len(near)
    assert supervision.sweep(now=now) == {"test.followup": {3: 0, 2: 0, 1: 0}}


def test_the_records_in_admin_are_scoped_to_the_area(client, tree, make_user):
    from django.contrib.auth.models import Permission

    for node, note in ((tree.liede_sq, "猎德督办意见"), (tree.pantang, "泮塘督办意见")):
        Escalation.objects.create(content_type=supervision._content_type(FollowUp), object_id=1, kind="urge",
                                  region_path=node.path, note=note)
    staff = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.all())
    client.force_login(staff)
    assert client.get("/admin/core/escalation/").status_code == 200
    ids = {e.pk for e in Escalation.objects.filter(region_path=tree.pantang.path)}
    for pk in ids:
        assert client.get(f"/admin/core/escalation/{pk}/change/").status_code == 302  # not in scope: back to the list
    mine = Escalation.objects.get(region_path=tree.liede_sq.path)
    assert client.get(f"/admin/core/escalation/{mine.pk}/change/").status_code == 200
