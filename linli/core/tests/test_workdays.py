"""Working-day arithmetic against the State Council's published 2025 and 2026 holiday schedules
(国办发明电〔2024〕12号 and the 2026 notice), independently of the package the data is seeded from."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.core import calendar, workdays

D = dt.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025: 元旦 1/1; 春节 1/28–2/4, make-up Sun 1/26 and Sat 2/8; 清明 4/4–4/6; 劳动节 5/1–5/5, make-up Sun 4/27;
        # 端午 5/31–6/2; 国庆+中秋 10/1–10/8, make-up Sun 9/28 and Sat 10/11
        (D(2025, 1, 1), False), (D(2025, 1, 26), True), (D(2025, 1, 28), False), (D(2025, 2, 4), False),
        (D(2025, 2, 8), True), (D(2025, 4, 4), False), (D(2025, 4, 27), True), (D(2025, 5, 5), False),
        (D(2025, 6, 2), False), (D(2025, 9, 28), True), (D(2025, 10, 8), False), (D(2025, 10, 11), True),
        (D(2025, 10, 9), True),
        # 2026: 元旦 1/1–1/3, make-up Sun 1/4; 春节 2/15–2/23, make-up Sat 2/14 and Sat 2/28; 劳动节 5/1–5/5,
        # make-up Sat 5/9; 国庆 10/1–10/7, make-up Sun 9/20 and Sat 10/10
        (D(2026, 1, 2), False), (D(2026, 1, 4), True), (D(2026, 2, 14), True), (D(2026, 2, 16), False),
        (D(2026, 2, 23), False), (D(2026, 2, 24), True), (D(2026, 2, 28), True), (D(2026, 5, 5), False),
        (D(2026, 5, 9), True), (D(2026, 9, 20), True), (D(2026, 10, 7), False), (D(2026, 10, 10), True),
        (D(2026, 10, 8), True), (D(2026, 11, 21), False),
    ],
)
def test_official_calendar(day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.django_db
def test_deadlines_over_holidays():
    # A 2-working-day consultation received on the eve of National Day 2025 is due after the break.
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert calendar.add_working_days(D(2025, 9, 30), 2) == D(2025, 10, 10)
    # Friday before Spring Festival 2026: the make-up Saturday counts.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 15 working days from 2026-09-25 (make-up 9/20 already past; 10/1–7 off, 10/10 works)
    assert calendar.add_working_days(D(2026, 9, 25), 15) == D(2026, 10, 22)
    assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    # 2/14 (make-up) + 2/24–2/27 + 2/28 (make-up)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6


@pytest.mark.django_db
def test_calendar_is_editable_for_years_not_shipped():
    from linli.core.models import CalendarDay

    far = D(2031, 10, 1)  # a Wednesday
    assert calendar.is_working_day(far)
    CalendarDay.objects.create(date=far, is_workday=False, name="国庆节")
    calendar.invalidate()
    assert not calendar.is_working_day(far)
    assert calendar.add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 2)


overrides_st = st.dictionaries(st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 12, 31)), st.booleans(), max_size=40)


@given(start=st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 11, 30)), n=st.integers(0, 30), ov=overrides_st)
def test_add_and_count_agree(start, n, ov):
    end = workdays.add_working_days(start, n, ov)
    assert workdays.working_days_between(start, end, ov) == n
    if n:
        assert workdays.is_working_day(end, ov)


@given(a=st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 12, 31)), b=st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 12, 31)), ov=overrides_st)
def test_count_is_antisymmetric(a, b, ov):
    assert workdays.working_days_between(a, b, ov) == -workdays.working_days_between(b, a, ov)


# ---------------------------------------------------------------- working hours

OFFICE = workdays.parse_windows("09:00-12:00,14:00-18:00")
HOLIDAYS = {D(2026, 10, 1): False, D(2026, 10, 2): False, D(2026, 10, 5): False, D(2026, 10, 6): False,
            D(2026, 10, 7): False, D(2026, 10, 10): True}  # 国庆 2026 with its make-up Saturday


def T(*args):
    return dt.datetime(*args)


def test_working_hours_skip_lunch_nights_weekends_and_holidays():
    add = lambda start, h: workdays.add_working_hours(start, h, HOLIDAYS, OFFICE)  # noqa: E731
    assert add(T(2026, 11, 24, 10, 0), 1) == T(2026, 11, 24, 11, 0)
    assert add(T(2026, 11, 24, 11, 30), 1) == T(2026, 11, 24, 14, 30)  # across lunch
    assert add(T(2026, 11, 24, 20, 0), 2) == T(2026, 11, 25, 11, 0)  # evening report: from next morning
    assert add(T(2026, 11, 27, 17, 0), 4) == T(2026, 11, 30, 12, 0)  # Friday 17:00 → Monday
    assert add(T(2026, 9, 30, 17, 0), 2) == T(2026, 10, 8, 10, 0)  # eve of National Day → after the break
    assert add(T(2026, 10, 9, 18, 0), 1) == T(2026, 10, 10, 10, 0)  # the make-up Saturday works
    assert add(T(2026, 11, 24, 7, 0), 0) == T(2026, 11, 24, 7, 0)
    with pytest.raises(ValueError):
        workdays.parse_windows("14:00-18:00,09:00-12:00")


def _office_minutes(a: dt.datetime, b: dt.datetime) -> int:
    """Office minutes in [a, b), counted minute by minute (the slow, obvious way)."""
    n, t = 0, a
    while t < b:
        if workdays.is_working_day(t.date(), HOLIDAYS) and any(o <= t.time() < c for o, c in OFFICE):
            n += 1
        t += dt.timedelta(minutes=1)
    return n


starts = st.datetimes(min_value=T(2026, 9, 25), max_value=T(2026, 10, 15)).map(lambda d: d.replace(second=0, microsecond=0))


@given(start=starts, a=st.integers(0, 12 * 60), b=st.integers(0, 12 * 60))
def test_working_hours_add_up_and_count_only_office_time(start, a, b):
    add = lambda s, m: workdays.add_working_hours(s, m / 60, HOLIDAYS, OFFICE)  # noqa: E731
    end = add(start, a)
    assert end >= start
    assert add(end, b) == add(start, a + b)  # a limit can be split in two
    assert _office_minutes(start, end) == a  # exactly the office minutes asked for
    if a:
        assert workdays.is_working_day(end.date(), HOLIDAYS)
        assert any(o < end.time() <= c for o, c in OFFICE)  # it ends inside office hours


def test_counting_working_hours_back():
    sub = lambda end, h: workdays.subtract_working_hours(end, h, HOLIDAYS, OFFICE)  # noqa: E731
    assert sub(T(2026, 11, 24, 11, 0), 1) == T(2026, 11, 24, 10, 0)
    assert sub(T(2026, 11, 24, 14, 30), 1) == T(2026, 11, 24, 11, 30)  # across lunch
    assert sub(T(2026, 11, 30, 10, 0), 3) == T(2026, 11, 27, 16, 0)  # Monday 10:00 → Friday
    assert sub(T(2026, 10, 8, 10, 0), 2) == T(2026, 9, 30, 17, 0)  # after National Day → its eve
    assert sub(T(2026, 11, 24, 7, 0), 0) == T(2026, 11, 24, 7, 0)


@settings(deadline=None)
@given(end=starts, a=st.integers(1, 12 * 60))
def test_counting_back_is_the_inverse_of_counting_on(end, a):
    back = workdays.subtract_working_hours(end, a / 60, HOLIDAYS, OFFICE)
    assert back <= end and _office_minutes(back, end) == a  # exactly a office minutes lie between
    assert _office_minutes(back + dt.timedelta(minutes=1), end) == a - 1 or not any(
        o <= back.time() < c for o, c in OFFICE)  # and it is the latest such moment
