"""The election count: a table of worked cases (the boundaries the law draws: turnout exactly half,
exactly half of the ballots, exactly one third in a further round), then properties by
hypothesis (a yes more never unelects; never more elected than seats)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.elections.count import Mark, Outcome, Post, PostMarks, Round, ballot, count, reaches, turnout_valid

Y, N, A = Mark.YES, Mark.NO, Mark.ABSTAIN


def ballots(*groups: tuple[int, dict[str, Any]]) -> list[dict[str, PostMarks]]:
    """``(how many, ballot(...))`` groups, expanded."""
    out: list[dict[str, PostMarks]] = []
    for n, b in groups:
        out += [b] * n
    return out


# ---------------------------------------------------------------- worked cases

def test_turnout_exactly_half_is_invalid_one_more_is_valid() -> None:
    assert turnout_valid(100, 50) is False
    assert turnout_valid(100, 51) is True
    assert turnout_valid(101, 51) is True and turnout_valid(101, 50) is False
    post = Post("member", 1, ("a",))
    r = count(registered=100, posts=[post], ballots=ballots((50, ballot(member={"a": Y}))))
    assert not r.valid and r.posts[0].outcome == Outcome.INVALID and r.posts[0].elected == ()
    with pytest.raises(ValueError):
        turnout_valid(10, 11)


def test_exactly_half_of_the_ballots_is_not_elected() -> None:
    post = Post("member", 1, ("a", "b"))
    r = count(registered=120, posts=[post], ballots=ballots((50, ballot(member={"a": Y, "b": N})),
                                                            (50, ballot(member={"a": N, "b": Y}))))
    assert r.valid and r.cast == 100
    assert r.posts[0].votes == {"a": 50, "b": 50}
    assert r.posts[0].elected == () and r.posts[0].outcome == Outcome.FURTHER and r.posts[0].seats_left == 1
    r = count(registered=120, posts=[post], ballots=ballots((51, ballot(member={"a": Y})), (50, ballot(member={"b": Y}))))
    assert r.posts[0].elected == ("a",) and r.posts[0].outcome == Outcome.COMPLETE


def test_a_blank_ballot_counts_among_the_ballots_cast() -> None:
    post = Post("member", 1, ("a",))
    r = count(registered=150, posts=[post], ballots=ballots((50, ballot(member={"a": Y})), (50, {})))
    assert r.cast == 100 and r.posts[0].votes == {"a": 50} and r.posts[0].elected == ()  # 50 of 100: not more than half


def test_too_many_yes_marks_make_the_ballot_invalid_for_that_post_only() -> None:
    director = Post("director", 1, ("d1", "d2"))
    members = Post("member", 2, ("m1", "m2", "m3"))
    bad = ballot(director={"d1": Y, "d2": Y}, member={"m1": Y, "m2": Y})  # two yes for one seat
    written = ballot(director=({}, ["x"]), member=({"m1": Y, "m2": Y}, ["y"]))  # 2 yes + a write-in for 2 seats
    good = ballot(director={"d1": Y}, member={"m1": Y, "m3": Y})
    r = count(registered=9, posts=[director, members], ballots=[bad, written, good, good, good])
    d, m = r.posts
    assert d.invalid == 1 and d.votes == {"d1": 3, "d2": 0, "x": 1} and d.elected == ("d1",)
    assert m.invalid == 1 and m.votes == {"m1": 4, "m2": 1, "m3": 3} and m.elected == ("m1", "m3")


def test_more_majority_winners_than_seats_the_most_votes_win() -> None:
    post = Post("member", 2, ("a", "b", "c"))
    r = count(registered=12, posts=[post], ballots=ballots((4, ballot(member={"a": Y, "b": Y})), (3, ballot(member={"a": Y, "c": Y})),
                                                          (3, ballot(member={"b": Y, "c": Y}))))
    assert r.posts[0].votes == {"a": 7, "b": 7, "c": 6}  # all three have more than half of 10
    assert r.posts[0].elected == ("a", "b") and r.posts[0].outcome == Outcome.COMPLETE


def test_a_tie_at_the_last_seat_goes_to_a_runoff_among_the_tied() -> None:
    post = Post("member", 2, ("a", "b", "c"))
    r = count(registered=12, posts=[post], ballots=ballots((5, ballot(member={"a": Y, "b": Y})), (5, ballot(member={"a": Y, "c": Y}))))
    p = r.posts[0]
    assert p.votes == {"a": 10, "b": 5, "c": 5}
    assert p.elected == ("a",) and p.outcome == Outcome.FURTHER  # b and c have exactly half: neither reaches
    # 13 ballots, b and c both with more than half and tied for the one seat left
    r = count(registered=14, posts=[post], ballots=ballots((6, ballot(member={"a": Y, "b": Y})), (6, ballot(member={"a": Y, "c": Y})),
                                                          (1, ballot(member={"b": Y, "c": Y}))))
    p = r.posts[0]
    assert p.votes == {"a": 12, "b": 7, "c": 7}
    assert p.elected == ("a",) and p.outcome == Outcome.RUNOFF and p.runoff == ("b", "c") and p.seats_left == 1
    runoff = count(registered=14, posts=[Post("member", 1, ("b", "c"))], round_=Round.RUNOFF,
                   ballots=ballots((8, ballot(member={"b": Y})), (5, ballot(member={"c": Y}))), elected_before=["a"])
    assert runoff.posts[0].elected == ("b",)


def test_a_shortfall_names_the_next_candidates_for_a_further_round() -> None:
    post = Post("member", 3, ("a", "b", "c", "d", "e"))
    cast = ballots((6, ballot(member={"a": Y, "b": Y, "c": Y})), (4, ballot(member={"a": Y, "d": Y, "e": Y})),
                   (2, ballot(member={"a": Y, "c": Y, "d": Y})))
    p = count(registered=20, posts=[post], ballots=cast).posts[0]
    assert p.votes == {"a": 12, "b": 6, "c": 8, "d": 6, "e": 4}  # 12 ballots: more than half is 7
    assert p.elected == ("a", "c") and p.seats_left == 1 and p.outcome == Outcome.FURTHER
    assert p.further == ("b", "d")  # one seat + one more candidate; b and d tie at 6: both go
    assert count(registered=20, posts=[post], ballots=cast, extra=3).posts[0].further == ("b", "d", "e")


def test_a_further_round_needs_at_least_one_third_exactly_a_third_is_enough() -> None:
    assert reaches(4, 12, Round.FURTHER) and not reaches(3, 12, Round.FURTHER)
    assert reaches(7, 12, Round.FIRST) and not reaches(6, 12, Round.FIRST)
    post = Post("member", 1, ("b", "d"))
    r = count(registered=20, round_=Round.FURTHER, posts=[post],
              ballots=ballots((4, ballot(member={"b": Y})), (3, ballot(member={"d": Y})), (5, {})))
    assert r.posts[0].votes == {"b": 4, "d": 3} and r.posts[0].elected == ("b",)  # 4 of 12 = one third
    r = count(registered=20, round_=Round.FURTHER, posts=[post],
              ballots=ballots((3, ballot(member={"b": Y})), (2, ballot(member={"d": Y})), (7, {})))
    assert r.posts[0].elected == () and r.posts[0].outcome == Outcome.FURTHER  # 3 of 12: under a third


def test_a_person_elected_director_is_not_counted_again_for_member() -> None:
    director = Post("director", 1, ("a", "b"))
    member = Post("member", 2, ("a", "c", "d"))
    r = count(registered=10, posts=[director, member], ballots=ballots((8, ballot(director={"a": Y}, member={"a": Y, "c": Y})),
                                                                       (1, ballot(member={"d": Y}))))
    d, m = r.posts
    assert d.elected == ("a",)
    assert m.set_aside == ("a",) and m.elected == ("c",) and m.outcome == Outcome.FURTHER
    both = count(registered=10, posts=[director, member], one_post_each=False,
                 ballots=ballots((8, ballot(director={"a": Y}, member={"a": Y, "c": Y}))))
    assert both.posts[1].elected == ("a", "c")


def test_a_write_in_can_be_elected() -> None:
    post = Post("member", 1, ("a",))
    r = count(registered=10, posts=[post], ballots=ballots((6, ballot(member=({"a": N}, ["w:张三"]))), (1, ballot(member={"a": Y}))))
    assert r.posts[0].votes == {"a": 1, "w:张三": 6} and r.posts[0].elected == ("w:张三",)


def test_bad_input_is_refused() -> None:
    post = Post("member", 1, ("a",))
    for kw in ({"registered": -1}, {"registered": True}, {"extra": 0}, {"extra": 4}):
        with pytest.raises(ValueError):
            count(**({"registered": 10, "posts": [post], "ballots": []} | kw))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        count(registered=10, posts=[post], ballots=[ballot(member={"zz": Y})])  # not a candidate
    with pytest.raises(ValueError):
        count(registered=10, posts=[post], ballots=[ballot(director={"a": Y})])  # not a post
    with pytest.raises(ValueError):
        count(registered=10, posts=[post, post], ballots=[])
    with pytest.raises(ValueError):
        count(registered=10, posts=[Post("member", 0, ("a",))], ballots=[])
    with pytest.raises(ValueError):
        count(registered=10, posts=[post], ballots=[ballot(member={"a": "maybe"})])
    same_twice = count(registered=3, posts=[Post("member", 2, ("a",))], ballots=[ballot(member=({}, ["x", "x"])), {}])
    assert same_twice.posts[0].invalid == 1


# ---------------------------------------------------------------- properties

CANDIDATES = ("a", "b", "c", "d", "e")


@st.composite
def elections(draw: Any) -> tuple[int, Post, list[dict[str, PostMarks]], str]:
    seats = draw(st.integers(1, 3))
    cands = CANDIDATES[: draw(st.integers(seats, len(CANDIDATES)))]
    rows = draw(st.lists(st.lists(st.sampled_from(cands), max_size=seats, unique=True), min_size=1, max_size=40))
    registered = draw(st.integers(len(rows), 2 * len(rows) + 1))
    ranked = [ballot(member=dict.fromkeys(row, Y)) for row in rows]
    return registered, Post("member", seats, cands), ranked, draw(st.sampled_from(cands))


@settings(max_examples=300, deadline=None)
@given(elections(), st.sampled_from([Round.FIRST, Round.FURTHER]))
def test_never_more_elected_than_seats(case: Any, round_: Round) -> None:
    registered, post, cast, _c = case
    r = count(registered=registered, posts=[post], ballots=cast, round_=round_)
    p = r.posts[0]
    assert len(p.elected) + p.seats_left == post.seats
    assert len(set(p.elected)) == len(p.elected)
    assert not set(p.runoff) & set(p.elected) and not set(p.further) & set(p.elected)
    for c in p.elected:
        assert reaches(p.votes[c], r.cast, round_)
    if not r.valid:
        assert p.elected == ()


@settings(max_examples=300, deadline=None)
@given(elections(), st.sampled_from([Round.FIRST, Round.FURTHER]), st.data())
def test_one_more_yes_never_unelects(case: Any, round_: Round, data: Any) -> None:
    registered, post, cast, cand = case
    before = count(registered=registered, posts=[post], ballots=cast, round_=round_).posts[0]
    # a ballot that did not vote yes for cand and has room for one more yes gets one
    room = [i for i, b in enumerate(cast) if cand not in {k for k, v in b["member"].marks.items() if v == Y}
            and len(b["member"].marks) < post.seats]
    if not room:
        return
    i = data.draw(st.sampled_from(room))
    changed = list(cast)
    changed[i] = ballot(member={**changed[i]["member"].marks, cand: Y})
    after = count(registered=registered, posts=[post], ballots=changed, round_=round_).posts[0]
    assert after.votes[cand] == before.votes[cand] + 1
    if cand in before.elected:
        assert cand in after.elected
    if cand in before.runoff:  # tied before: now elected, or still in the runoff
        assert cand in after.elected or cand in after.runoff
