"""The plan's checks: 5–9 seats with one 主任; 差额 on every post within the bounds; nominations by
enough voters (or household representatives); at least one woman among those elected."""

from __future__ import annotations

from linli.elections.plan import candidate_problems, composition_problems, nomination_problems, seat_problems


def codes(problems):  # type: ignore[no-untyped-def]
    return [p.code for p in problems]


def test_the_committee_has_five_to_nine_seats_and_one_director() -> None:
    assert seat_problems({"director": 1, "deputy": 1, "member": 3}) == []
    assert seat_problems({"director": 1, "deputy": 2, "member": 6}) == []
    assert codes(seat_problems({"director": 1, "deputy": 1, "member": 2})) == ["committee_size"]
    assert codes(seat_problems({"director": 1, "deputy": 2, "member": 7})) == ["committee_size"]
    assert codes(seat_problems({"director": 2, "member": 4})) == ["one_director"]
    assert codes(seat_problems({"director": 1, "member": 4, "chair": 1})) == ["unknown_post"]
    assert "bad_seats" in codes(seat_problems({"director": 1, "member": -1, "deputy": 5}))
    assert seat_problems({"director": 1, "member": 6}, low=7, high=11) == []  # a province's own bounds


def test_every_post_lists_more_candidates_than_seats_within_the_bounds() -> None:
    seats = {"director": 1, "deputy": 1, "member": 3}
    ok = {"director": ["a", "b"], "deputy": ["c", "d"], "member": ["e", "f", "g", "h"]}
    assert candidate_problems(seats, ok) == []
    equal = {**ok, "member": ["e", "f", "g"]}
    [p] = candidate_problems(seats, equal)
    assert p.code == "too_few_candidates" and p.post == "member" and p.fact("needed") == 4
    many = {**ok, "director": ["a", "b", "x"]}
    assert codes(candidate_problems(seats, many)) == ["too_many_candidates"]  # one seat: at most one more
    assert candidate_problems(seats, many, max_more={"director": 2}) == []
    twice = {**ok, "deputy": ["a", "d"]}
    assert codes(candidate_problems(seats, twice)) == ["two_posts"]
    assert codes(candidate_problems(seats, {**ok, "member": ["e", "e", "f", "g", "h"]})) == ["candidate_twice"]


def test_a_nomination_needs_enough_voters_or_representatives() -> None:
    voters = [f"v{i}" for i in range(20)]
    assert nomination_problems(by_committee=False, nominators=voters[:10], voters=voters, mode="all") == []
    [p] = nomination_problems(by_committee=False, nominators=[*voters[:9], "outsider"], voters=voters, mode="all")[1:]
    assert p.code == "too_few_nominators" and p.fact("valid") == 9
    assert codes(nomination_problems(by_committee=False, nominators=[*voters[:9], "outsider"], voters=voters, mode="all")) == [
        "nominator_not_voter", "too_few_nominators"]
    assert nomination_problems(by_committee=False, nominators=voters[:5], voters=voters, mode="household") == []
    assert nomination_problems(by_committee=True, nominators=[], voters=voters, mode="all") == []
    assert codes(nomination_problems(by_committee=False, nominators=["v1"] * 10, voters=voters, mode="all")) == ["too_few_nominators"]


def test_at_least_one_woman_among_those_elected() -> None:
    gender = {"a": "M", "b": "F", "c": "M"}
    assert composition_problems(["a", "b", "c"], gender) == []
    [p] = composition_problems(["a", "c"], gender)
    assert p.code == "no_woman" and p.fact("women") == 0
    assert composition_problems([], gender) == []  # nobody elected yet: nothing to check
    assert codes(composition_problems(["a", "b"], gender, women_at_least=2)) == ["no_woman"]
