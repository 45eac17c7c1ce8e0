"""Schedules edited by the people who run a resource (booking.schedule and its page): weekly
hours, closures that cancel the bookings they cover with the reason, extra openings, terms."""

import datetime as dt

import pytest

from linli.accounts.roles import Role
from linli.booking import schedule, selectors, services
from linli.booking.models import Closure, ExtraOpening, OpeningRule, Reservation, Resource, TermPeriod
from linli.booking.tests.conftest import DAY, NOW, at
from linli.core.errors import DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db
T = dt.time


def book(venue, who, hour=11, **kw):
    return services.book(actor=who, resource=venue.meal, starts_at=at(hour), now=NOW, **kw)


def hours_on(resource, day=DAY):
    return [s.starts_at.hour for s in selectors.day_view(resource, day, now=NOW)]


@pytest.fixture
def room(venue, tree):
    """A community room (a shared space) of 猎德社区."""
    res = Resource.objects.create(name="活动室", kind=Resource.Kind.SPACE, region=tree.liede_sq, region_path=tree.liede_sq.path,
                                  slot_minutes=60, capacity=1)
    OpeningRule.objects.create(resource=res, weekday=DAY.weekday(), opens=T(9), closes=T(12))
    return res


def test_who_may_edit_a_schedule(venue, room, tree, make_user):
    community_admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    far_admin = make_user(Role.COMMUNITY_ADMIN, tree.pantang)
    caseworker = make_user(Role.CASEWORKER, tree.liede_sq)
    assert schedule.can_edit(venue.staff, venue.meal)  # the provider's staff, named on its resource
    assert not schedule.can_edit(community_admin, venue.meal)  # admins do not run a provider's diary
    assert schedule.can_edit(community_admin, room)  # but do run their community's rooms
    assert not schedule.can_edit(far_admin, room) and not schedule.can_edit(caseworker, room)
    assert not schedule.can_edit(venue.other_staff, venue.meal) and not schedule.can_edit(venue.people[0], venue.meal)
    with pytest.raises(PermissionDenied):
        schedule.set_weekly_hours(actor=far_admin, resource=room, hours=[(0, T(9), T(10), "all")])
    with pytest.raises(PermissionDenied):
        schedule.add_closure(actor=community_admin, resource=venue.meal, starts_at=at(11), ends_at=at(12), reason="x", now=NOW)
    assert OpeningRule.objects.filter(resource=room).count() == 1


def test_weekly_hours_replace_the_old_and_refuse_overlaps(venue):
    a = venue.people[0]
    r = book(venue, a, hour=12)
    with pytest.raises(DomainError) as e:
        schedule.set_weekly_hours(actor=venue.staff, resource=venue.meal,
                                  hours=[(2, T(9), T(12), "all"), (2, T(11), T(13), "term")])
    assert e.value.code == "overlap"
    with pytest.raises(DomainError):
        schedule.set_weekly_hours(actor=venue.staff, resource=venue.meal, hours=[(2, T(9), T(9, 30), "all")])  # < one slot
    with pytest.raises(DomainError):
        schedule.set_weekly_hours(actor=venue.staff, resource=venue.meal, hours=[(7, T(9), T(10), "all")])
    # term and holiday hours never apply on the same day, so they may overlap
    schedule.set_weekly_hours(actor=venue.staff, resource=venue.meal,
                              hours=[(2, T(18), T(20), "term"), (2, T(8), T(20), "holiday")])
    out = schedule.set_weekly_hours(actor=venue.staff, resource=venue.meal,
                                    hours=[(d, T(11), T(12), "all") for d in range(7)], now=NOW)
    assert hours_on(venue.meal) == [11]  # at once, though the schedule is cached
    assert [x.pk for x in out.outside] == [r.pk]  # the 12:00 booking stays valid and is shown to staff
    assert Reservation.objects.get(pk=r.pk).status == "confirmed"
    assert AuditEvent.objects.filter(action="booking.hours").count() == 2


def test_a_closure_cancels_the_bookings_it_covers_with_the_reason(venue):
    a, b, c, d = venue.people
    ra, rb = book(venue, a), book(venue, b)
    rc = book(venue, c, wait=True)
    rd = book(venue, d, hour=12)
    assert hours_on(venue.meal) == [11, 12]
    with pytest.raises(DomainError):
        schedule.add_closure(actor=venue.staff, resource=venue.meal, starts_at=at(11), ends_at=at(12), reason=" ", now=NOW)
    with pytest.raises(DomainError):
        schedule.add_closure(actor=venue.staff, resource=venue.meal, starts_at=at(12), ends_at=at(11), reason="x", now=NOW)
    closure, out = schedule.add_closure(actor=venue.staff, resource=venue.meal, starts_at=at(10, 30), ends_at=at(11, 30),
                                        reason="燃气管道检修", now=NOW)
    assert out.cancelled == 3 and hours_on(venue.meal) == [12]
    statuses = {r.pk: (r.status, r.cancel_reason) for r in Reservation.objects.all()}
    assert statuses[ra.pk] == statuses[rb.pk] == statuses[rc.pk] == ("cancelled", "燃气管道检修")
    assert statuses[rd.pk] == ("confirmed", "")
    for who in (a, b, c):
        assert Message.objects.filter(user=who, text__contains="燃气管道检修").exists()
    assert not Message.objects.filter(user=c, text__startswith="候补成功").exists()  # not moved into a closed slot
    assert AuditEvent.objects.filter(action="booking.closure_add", changes__cancelled=3).exists()
    schedule.remove_closure(actor=venue.staff, closure=closure)
    assert hours_on(venue.meal) == [11, 12] and not Closure.objects.exists()


def test_extra_openings_add_a_window_that_may_not_overlap(venue):
    sunday = DAY + dt.timedelta(days=4)
    assert sunday.weekday() == 6
    with pytest.raises(DomainError) as e:
        schedule.add_extra_opening(actor=venue.staff, resource=venue.meal, date=sunday, opens=T(12, 30), closes=T(14, 30), now=NOW)
    assert e.value.code == "overlap"
    with pytest.raises(DomainError):
        schedule.add_extra_opening(actor=venue.staff, resource=venue.meal, date=NOW.date() - dt.timedelta(days=1),
                                   opens=T(14), closes=T(15), now=NOW)
    extra = schedule.add_extra_opening(actor=venue.staff, resource=venue.meal, date=sunday, opens=T(14), closes=T(16),
                                       note="重阳节加餐", now=NOW)
    assert hours_on(venue.meal, sunday) == [11, 12, 14, 15]
    services.book(actor=venue.people[0], resource=venue.meal, starts_at=at(14, day=sunday), now=NOW)
    with pytest.raises(DomainError) as e:
        schedule.remove_extra_opening(actor=venue.staff, opening=extra)
    assert e.value.code == "has_bookings"
    Reservation.objects.update(status="cancelled")
    schedule.remove_extra_opening(actor=venue.staff, opening=extra)
    assert hours_on(venue.meal, sunday) == [11, 12]


def test_terms_switch_between_term_and_holiday_hours(venue):
    schedule.set_weekly_hours(actor=venue.staff, resource=venue.meal,
                              hours=[(DAY.weekday(), T(18), T(20), "term"), (DAY.weekday(), T(9), T(11), "holiday")])
    assert hours_on(venue.meal) == [9, 10]  # no term yet: a holiday day
    term, _out = schedule.add_term(actor=venue.staff, resource=venue.meal, name="秋季学期", start=DAY - dt.timedelta(days=30),
                                   end=DAY + dt.timedelta(days=60))
    assert hours_on(venue.meal) == [18, 19]
    with pytest.raises(DomainError) as e:
        schedule.add_term(actor=venue.staff, resource=venue.meal, name="重叠", start=DAY, end=DAY + dt.timedelta(days=1))
    assert e.value.code == "overlap"
    with pytest.raises(DomainError):
        schedule.add_term(actor=venue.staff, resource=venue.meal, name="倒置", start=DAY, end=DAY - dt.timedelta(days=1))
    schedule.remove_term(actor=venue.staff, term=term)
    assert hours_on(venue.meal) == [9, 10] and not TermPeriod.objects.exists()


@pytest.fixture
def now_is(monkeypatch):
    from django.utils import timezone

    def set_now(value):
        monkeypatch.setattr(timezone, "now", lambda: value)
    return set_now


def test_the_schedule_page(client, venue, room, tree, make_user, now_is):
    now_is(NOW)
    url = f"/booking/staff/{venue.meal.pk}/schedule/"
    for outsider in (venue.other_staff, venue.people[0], make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "closure_add", "starts_at": f"{DAY}T11:00", "ends_at": f"{DAY}T12:00",
                                 "reason": "x"}).status_code == 404
    assert not Closure.objects.exists()
    r = book(venue, venue.people[0])
    client.force_login(venue.staff)
    assert client.get(f"/booking/staff/{venue.meal.pk}/?date={DAY}").content.decode().count(url) == 1
    assert url in client.get("/booking/staff/").content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "每周开放时间" in page.content.decode()
    # weekly hours: existing rows kept as posted, an emptied row removed, a new row added
    rows = {"action": "hours", "weekday": ["0", "1", "2", "3"], "opens": ["11:00", "", "08:00", "11:00"],
            "closes": ["13:00", "", "10:00", "13:00"], "season": ["all", "all", "all", "all"]}
    assert client.post(url, rows).status_code == 302
    assert sorted(OpeningRule.objects.filter(resource=venue.meal).values_list("weekday", "opens")) == [
        (0, T(11)), (2, T(8)), (3, T(11))]
    assert r.pk in [x.pk for x in schedule.bookings_outside_schedule(venue.meal, now=NOW)]
    assert "不在开放时间内的预约" in client.get(url).content.decode()
    # bad input: shown in place, never a server error
    for bad in ({"action": "hours", "weekday": ["2"], "opens": ["25:00"], "closes": ["26:00"], "season": ["all"]},
                {"action": "hours", "weekday": ["x"], "opens": ["09:00"], "closes": ["10:00"], "season": ["all"]},
                {"action": "hours", "weekday": ["2"], "opens": ["09:00"], "closes": ["10:00"], "season": ["winter"]},
                {"action": "closure_add", "starts_at": "soon", "ends_at": "", "reason": "x"},
                {"action": "extra_add", "date": "2026-02-30", "opens": "9", "closes": "10"},
                {"action": "term_add", "name": "秋", "start": "", "end": ""},
                {"action": "closure_remove", "id": "abc"}, {"action": "nonsense"}):
        resp = client.post(url, bad)
        assert resp.status_code == 400, bad
        assert 'class="error-box" role="alert"' in resp.content.decode()
    assert sorted(OpeningRule.objects.filter(resource=venue.meal).values_list("weekday", flat=True)) == [0, 2, 3]
    # a closure from the page cancels and tells
    client.post(url, rows | {"weekday": ["2"], "opens": ["11:00"], "closes": ["13:00"], "season": ["all"]})
    resp = client.post(url, {"action": "closure_add", "starts_at": f"{DAY}T11:00", "ends_at": f"{DAY}T12:00", "reason": "停电"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.cancel_reason) == ("cancelled", "停电")
    closure = Closure.objects.get()
    assert "停电" in client.get(url).content.decode()
    client.post(url, {"action": "closure_remove", "id": closure.pk})
    assert not Closure.objects.exists()
    client.post(url, {"action": "extra_add", "date": str(DAY + dt.timedelta(days=4)), "opens": "15:00", "closes": "16:00",
                      "note": "加开"})
    extra = ExtraOpening.objects.get()
    client.post(url, {"action": "extra_remove", "id": extra.pk})
    assert not ExtraOpening.objects.exists()
    client.post(url, {"action": "term_add", "name": "秋季学期", "start": str(DAY), "end": str(DAY + dt.timedelta(days=90))})
    term = TermPeriod.objects.get()
    client.post(url, {"action": "term_remove", "id": term.pk})
    assert not TermPeriod.objects.exists()
    # a community admin runs the room's schedule from the same page
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(admin)
    assert client.get(f"/booking/staff/{room.pk}/schedule/").status_code == 200
    assert f"/booking/staff/{room.pk}/schedule/" in client.get("/booking/staff/").content.decode()
