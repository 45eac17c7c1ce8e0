"""Who votes: 18 on election day (the birthday itself counts; 29 February comes of age on 1 March),
registered here or living here long enough, not moved out, not deprived; one eligible member per
household in a household-representative election."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.elections.eligibility import (
    Basis,
    Person,
    Refusal,
    Rule,
    add_months,
    age_on,
    comes_of_age,
    decide,
    representative_problems,
    voter_list,
)

DAY = dt.date(2026, 5, 10)
D = dt.date


def test_eighteen_on_the_day_itself_votes_one_day_short_does_not() -> None:
    assert decide(Person("a", D(2008, 5, 10), True), DAY).eligible
    short = decide(Person("b", D(2008, 5, 11), True), DAY)
    assert not short.eligible and short.refusals == (Refusal.UNDER_AGE,) and short.age == 17
    assert decide(Person("c", D(1950, 1, 1), True), DAY).age == 76


def test_born_on_the_29th_of_february() -> None:
    assert comes_of_age(D(2008, 2, 29), 18) == D(2026, 3, 1)
    assert comes_of_age(D(2008, 2, 29), 16) == D(2024, 2, 29)  # a leap year: the day itself
    assert not decide(Person("a", D(2008, 2, 29), True), D(2026, 2, 28)).eligible
    assert decide(Person("a", D(2008, 2, 29), True), D(2026, 3, 1)).eligible
    assert age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17 and age_on(D(2008, 2, 29), D(2026, 3, 1)) == 18


def test_living_here_long_enough_counts_without_registered_residence() -> None:
    rule = Rule(months=12)
    assert decide(Person("a", D(1980, 1, 1), False, living_since=D(2025, 5, 10)), DAY, rule).basis == Basis.LIVING
    late = decide(Person("b", D(1980, 1, 1), False, living_since=D(2025, 5, 11)), DAY, rule)
    assert not late.eligible and late.refusals == (Refusal.NOT_RESIDENT,)
    assert not decide(Person("c", D(1980, 1, 1), False), DAY).eligible  # moved in on an unknown day
    only = decide(Person("d", D(1980, 1, 1), False, living_since=D(2000, 1, 1)), DAY, Rule(registered_only=True))
    assert only.refusals == (Refusal.NOT_RESIDENT,)
    assert decide(Person("e", D(1980, 1, 1), True), DAY, Rule(registered_only=True)).basis == Basis.REGISTERED


def test_moved_out_or_deprived_does_not_vote_and_every_reason_is_named() -> None:
    gone = decide(Person("a", D(1980, 1, 1), True, moved_out=DAY), DAY)
    assert gone.refusals == (Refusal.MOVED_OUT,)
    assert decide(Person("b", D(1980, 1, 1), True, moved_out=DAY + dt.timedelta(days=1)), DAY).eligible  # moves out after
    everything = decide(Person("c", D(2010, 1, 1), False, moved_out=D(2026, 1, 1), deprived=True), DAY)
    assert set(everything.refusals) == {Refusal.UNDER_AGE, Refusal.MOVED_OUT, Refusal.NOT_RESIDENT, Refusal.DEPRIVED}


def test_month_arithmetic_clamps_to_the_month_end() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2025, 5, 10), 12) == D(2026, 5, 10)


def test_the_voter_list_refuses_a_person_twice_and_bad_rules() -> None:
    people = [Person("a", D(1980, 1, 1), True), Person("b", D(2012, 1, 1), True)]
    assert [d.eligible for d in voter_list(people, DAY)] == [True, False]
    with pytest.raises(ValueError):
        voter_list([*people, people[0]], DAY)
    with pytest.raises(ValueError):
        decide(people[0], DAY, Rule(months=-1))
    with pytest.raises(ValueError):
        age_on(D(2030, 1, 1), DAY)
    assert decide(Person("unborn", D(2030, 1, 1), True), DAY).refusals == (Refusal.UNDER_AGE,)


def test_one_eligible_member_represents_each_household() -> None:
    households = {"h1": ["a", "b"], "h2": ["c"], "h3": ["d"], "h4": ["e"]}
    chosen = {"h1": "a", "h2": "x", "h3": "d", "h9": "z"}
    assert representative_problems(households, chosen, eligible={"a", "c"}) == {
        "h2": "not_member", "h3": "not_eligible", "h4": "none", "h9": "unknown_household"}
    assert representative_problems({"h1": ["a"]}, {"h1": "a"}, {"a"}) == {}


@given(st.dates(D(1900, 1, 1), D(2026, 1, 1)), st.dates(D(2026, 1, 1), D(2100, 1, 1)), st.integers(0, 400))
def test_age_never_goes_down_and_matches_the_day_of_coming_of_age(birth: dt.date, day: dt.date, days: int) -> None:
    later = day + dt.timedelta(days=days)
    assert age_on(birth, later) >= age_on(birth, day)
    age = age_on(birth, day)
    assert comes_of_age(birth, age) <= day < comes_of_age(birth, age + 1)
