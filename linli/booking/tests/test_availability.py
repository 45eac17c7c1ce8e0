import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from linli.booking.availability import Period, Rule, season_of, slots_on

SH = ZoneInfo("Asia/Shanghai")
TERM = [(dt.date(2026, 9, 1), dt.date(2027, 1, 20))]


def t(h, m=0):
    return dt.time(h, m)


def test_school_ground_term_evenings_weekends_and_holidays():
    """A school pitch: term weekdays only 18:00-21:00; weekends and holidays all day."""
    rules = [Rule(wd, t(18), t(21), "term") for wd in range(5)] + [Rule(wd, t(8), t(12), "holiday") for wd in range(7)]
    common = {"rules": rules, "terms": TERM, "closures": [], "slot_minutes": 60, "buffer_minutes": 0, "tz": SH}
    wed = slots_on(dt.date(2026, 11, 25), working_day=True, **common)
    assert [p.start.hour for p in wed] == [18, 19, 20]
    sat = slots_on(dt.date(2026, 11, 28), working_day=False, **common)
    assert [p.start.hour for p in sat] == [8, 9, 10, 11]
    national_day = slots_on(dt.date(2026, 10, 1), working_day=False, **common)  # a Thursday, in term, a holiday
    assert [p.start.hour for p in national_day] == [8, 9, 10, 11]
    summer = slots_on(dt.date(2027, 7, 14), working_day=True, **common)  # a Wednesday outside term
    assert [p.start.hour for p in summer] == [8, 9, 10, 11]
    assert season_of(dt.date(2026, 10, 10), TERM, working_day=True) == "term"  # a make-up Saturday in term


def test_buffers_and_closures():
    rules = [Rule(2, t(9), t(12))]
    closure = Period(dt.datetime(2026, 11, 25, 10, 30, tzinfo=SH), dt.datetime(2026, 11, 25, 11, 0, tzinfo=SH))
    got = slots_on(dt.date(2026, 11, 25), rules=rules, terms=[], working_day=True, closures=[closure],
                   slot_minutes=45, buffer_minutes=15, tz=SH)
    assert [p.start.strftime("%H:%M") for p in got] == ["09:00", "11:00"]  # 10:00-10:45 overlaps the closure


@given(opens=st.integers(0, 20), length=st.integers(1, 6), slot=st.sampled_from([15, 30, 45, 60, 90, 120]),
       buffer=st.sampled_from([0, 5, 10, 15, 30]), c_start=st.integers(0, 23 * 60), c_len=st.integers(1, 240))
def test_slots_fit_the_window_never_overlap_and_avoid_closures(opens, length, slot, buffer, c_start, c_len):
    day = dt.date(2026, 11, 25)
    closes = min(opens + length, 23)
    if closes <= opens:
        return
    start = dt.datetime.combine(day, t(0), tzinfo=SH)
    closure = Period(start + dt.timedelta(minutes=c_start), start + dt.timedelta(minutes=c_start + c_len))
    got = slots_on(day, rules=[Rule(2, t(opens), t(closes))], terms=[], working_day=True, closures=[closure],
                   slot_minutes=slot, buffer_minutes=buffer, tz=SH)
    for p in got:
        assert p.end - p.start == dt.timedelta(minutes=slot)
        assert p.start.time() >= t(opens) and p.end <= dt.datetime.combine(day, t(closes), tzinfo=SH)
        assert not (closure.start < p.end and p.start < closure.end)
    for a, b in zip(got, got[1:], strict=False):
        assert b.start >= a.end + dt.timedelta(minutes=buffer)


def test_a_dated_extra_opening_adds_slots_on_that_day_only():
    rules = [Rule(wd, t(18), t(21), "term") for wd in range(5)]
    extra = [(dt.date(2026, 12, 2), t(9), t(11))]
    common = {"rules": rules, "terms": TERM, "closures": [], "slot_minutes": 60, "buffer_minutes": 0, "tz": SH, "extra": extra}
    assert [p.start.hour for p in slots_on(dt.date(2026, 12, 2), working_day=True, **common)] == [9, 10, 18, 19, 20]
    assert [p.start.hour for p in slots_on(dt.date(2026, 12, 3), working_day=True, **common)] == [18, 19, 20]
