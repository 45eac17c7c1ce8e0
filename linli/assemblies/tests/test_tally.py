"""The art. 278 tally: worked cases a street office can check by hand, the boundaries, the
counting rules for heads, and properties over random rolls. No database."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from linli.assemblies.tally import (
    DEVELOPER_HEAD,
    ITEM_LABELS,
    ITEM_RULE,
    Choice,
    HeadVote,
    RollUnit,
    Rule,
    Turnout,
    group_heads,
    roll_totals,
    tally_matter,
    turnout,
)

CHOICE = {"同意": Choice.AGREE, "反对": Choice.OPPOSE, "弃权": Choice.ABSTAIN, "未投": None}


@dataclass(frozen=True)
class G:
    """``count`` heads of ``area`` m² each who chose ``choice`` (同意 / 反对 / 弃权 / 未投)."""

    count: int
    area: str
    choice: str
    who: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    item: int
    groups: tuple[G, ...]
    participating: tuple[int, str]  # (heads, m²)
    agree: tuple[int, str]  # (heads, m²)
    quorum: bool  # 参与人数和面积均达到总数的 2/3
    threshold: bool  # 同意人数和面积均达到表决比例
    passed: bool


# The roll of each case is exactly its groups: total heads = Σ count, total area = Σ count × area.
WORKED_CASES = [
    Case("选聘物业：100户各100㎡，70户参与，40户同意（40/70 过半）", 4,
         (G(40, "100", "同意"), G(20, "100", "反对"), G(10, "100", "弃权"), G(30, "100", "未投")),
         participating=(70, "7000"), agree=(40, "4000"), quorum=True, threshold=True, passed=True),
    Case("恰好一半同意不通过：35/70 不是过半", 4,
         (G(35, "100", "同意"), G(25, "100", "反对"), G(10, "100", "弃权"), G(30, "100", "未投")),
         participating=(70, "7000"), agree=(35, "3500"), quorum=True, threshold=False, passed=False),
    Case("弃权算参与、不算同意：同意34多于反对10，但34/70不过半", 3,
         (G(34, "100", "同意"), G(10, "100", "反对"), G(26, "100", "弃权"), G(30, "100", "未投")),
         participating=(70, "7000"), agree=(34, "3400"), quorum=True, threshold=False, passed=False),
    Case("参与不足三分之二：66/100户，同意再多也不通过", 4,
         (G(60, "100", "同意"), G(6, "100", "反对"), G(34, "100", "未投")),
         participating=(66, "6600"), agree=(60, "6000"), quorum=False, threshold=True, passed=False),
    Case("参与恰好三分之二：66/99户、6600/9900㎡ 达到", 4,
         (G(40, "100", "同意"), G(26, "100", "反对"), G(33, "100", "未投")),
         participating=(66, "6600"), agree=(40, "4000"), quorum=True, threshold=True, passed=True),
    Case("筹集维修资金（第6项）恰好四分之三通过：60/80", 6,
         (G(60, "100", "同意"), G(20, "100", "反对"), G(20, "100", "未投")),
         participating=(80, "8000"), agree=(60, "6000"), quorum=True, threshold=True, passed=True),
    Case("筹集维修资金差一户：59/80 不足四分之三", 6,
         (G(59, "100", "同意"), G(21, "100", "反对"), G(20, "100", "未投")),
         participating=(80, "8000"), agree=(59, "5900"), quorum=True, threshold=False, passed=False),
    Case("使用维修资金（第5项）只需过半：同样 59/80 通过", 5,
         (G(59, "100", "同意"), G(21, "100", "反对"), G(20, "100", "未投")),
         participating=(80, "8000"), agree=(59, "5900"), quorum=True, threshold=True, passed=True),
    Case("改建（第7项）：只有1户反对，但20户弃权，59/80 不足四分之三", 7,
         (G(59, "100", "同意"), G(1, "100", "反对"), G(20, "100", "弃权"), G(20, "100", "未投")),
         participating=(80, "8000"), agree=(59, "5900"), quorum=True, threshold=False, passed=False),
    Case("面积过半、人数不过半：4户大户同意800㎡，5户小户反对", 3,
         (G(4, "200", "同意"), G(5, "50", "反对")),
         participating=(9, "1050"), agree=(4, "800"), quorum=True, threshold=False, passed=False),
    Case("人数过半、面积不过半：5户小户同意250㎡，4户大户反对", 3,
         (G(5, "50", "同意"), G(4, "200", "反对")),
         participating=(9, "1050"), agree=(5, "250"), quorum=True, threshold=False, passed=False),
    Case("开发商未售30套（3000㎡）合计一人：面积5000/8000过半，人数21/51不过半", 4,
         (G(1, "3000", "同意", who="开发商"), G(20, "100", "同意"), G(30, "100", "反对"), G(20, "100", "未投")),
         participating=(51, "8000"), agree=(21, "5000"), quorum=True, threshold=False, passed=False),
    Case("一人买3套（300㎡）只算一人：人数3/6恰好一半不通过（按套数会是5/8）", 2,
         (G(1, "300", "同意", who="一人三套"), G(2, "100", "同意"), G(3, "100", "反对"), G(2, "100", "未投")),
         participating=(6, "800"), agree=(3, "500"), quorum=True, threshold=False, passed=False),
    Case("小数面积恰好三分之二：2/3户、200.02/300.03㎡", 1,
         (G(2, "100.01", "同意"), G(1, "100.01", "未投")),
         participating=(2, "200.02"), agree=(2, "200.02"), quorum=True, threshold=True, passed=True),
    Case("改变共有部分用途（第8项）：面积恰好四分之三，人数2/4不足", 8,
         (G(2, "150", "同意"), G(2, "50", "反对")),
         participating=(4, "400"), agree=(2, "300"), quorum=True, threshold=False, passed=False),
    Case("无人投票：不达参与比例，不通过", 9,
         (G(10, "80", "未投"),),
         participating=(0, "0"), agree=(0, "0"), quorum=False, threshold=False, passed=False),
]


def _votes(groups) -> list[HeadVote]:
    votes = []
    for g_index, g in enumerate(groups):
        for i in range(g.count):
            votes.append(HeadVote(f"{g.who or 'G'}{g_index}-{i}", Decimal(g.area), CHOICE[g.choice]))
    return votes


def _roll(votes) -> tuple[Decimal, int]:
    return sum((v.area for v in votes), Decimal(0)), len(votes)


@pytest.mark.parametrize("case", WORKED_CASES, ids=[c.name for c in WORKED_CASES])
def test_worked_case(case: Case):
    votes = _votes(case.groups)
    r = tally_matter(case.item, *_roll(votes), votes)
    assert (r.participating_heads, r.participating_area) == (case.participating[0], Decimal(case.participating[1]))
    assert (r.agree_heads, r.agree_area) == (case.agree[0], Decimal(case.agree[1]))
    assert (r.quorum_met, r.threshold_met, r.passed) == (case.quorum, case.threshold, case.passed)
    assert r.oppose_heads + r.abstain_heads + r.agree_heads == r.participating_heads
    assert r.oppose_area + r.abstain_area + r.agree_area == r.participating_area
    assert r.rule is ITEM_RULE[case.item]


def test_at_least_twelve_worked_cases_cover_every_rule_and_outcome():
    assert len(WORKED_CASES) >= 12
    assert {c.item for c in WORKED_CASES} >= {1, 2, 3, 4, 5, 6, 7, 8, 9}
    assert {(c.quorum, c.threshold, c.passed) for c in WORKED_CASES} >= {
        (True, True, True), (True, False, False), (False, True, False), (False, False, False)}


def test_items_and_labels():
    assert {i for i, rule in ITEM_RULE.items() if rule is Rule.SPECIAL} == {6, 7, 8}
    assert set(ITEM_RULE) == set(ITEM_LABELS) == set(range(1, 10))
    assert ITEM_LABELS[6] == "筹集维修资金" and ITEM_LABELS[5] == "使用维修资金"
    assert Choice("agree") is Choice.AGREE and Choice.ABSTAIN == "abstain"


def test_result_fractions_are_exact():
    votes = _votes(WORKED_CASES[0].groups)
    r = tally_matter(4, *_roll(votes), votes)
    assert r.participation_area_share == Fraction(7, 10) == r.participation_heads_share
    assert r.agree_heads_share == Fraction(4, 7) == r.agree_area_share
    assert r.threshold == Fraction(1, 2)
    assert isinstance(r.agree_area, Decimal)


# --- boundaries ---------------------------------------------------------------------------

def _uniform(item: int, agree: int, oppose: int, abstain: int, absent: int, area: str = "1") -> tuple:
    votes = _votes((G(agree, area, "同意"), G(oppose, area, "反对"), G(abstain, area, "弃权"), G(absent, area, "未投")))
    return tally_matter(item, *_roll(votes), votes)


@pytest.mark.parametrize("item", [i for i, r in ITEM_RULE.items() if r is Rule.MAJORITY])
def test_exactly_half_fails_one_more_passes(item):
    assert not _uniform(item, 40, 20, 20, 0).threshold_met  # 40/80
    assert _uniform(item, 41, 20, 19, 0).passed  # 41/80


@pytest.mark.parametrize("item", [6, 7, 8])
def test_exactly_three_quarters_passes_one_less_fails(item):
    assert _uniform(item, 60, 10, 10, 0).passed  # 60/80
    assert not _uniform(item, 59, 11, 10, 0).threshold_met
    assert _uniform(item, 3, 1, 0, 2).passed  # 3/4 of the 4 taking part; 4/6 = 2/3 take part


def test_exactly_two_thirds_participation_passes_one_less_fails():
    assert _uniform(4, 2, 0, 0, 1).quorum_met  # 2/3
    assert _uniform(4, 200, 0, 0, 100).quorum_met
    assert not _uniform(4, 199, 0, 0, 101).quorum_met


def test_area_boundaries_by_a_hundredth_of_a_square_metre():
    # heads well over every bound; only the area decides
    def run(item, agree_area, oppose_area, absent_area):
        votes = [HeadVote(f"A{i}", Decimal(agree_area) / 8, Choice.AGREE) for i in range(8)]
        votes += [HeadVote("O", Decimal(oppose_area), Choice.OPPOSE), HeadVote("N", Decimal(absent_area), None)]
        return tally_matter(item, sum((v.area for v in votes), Decimal(0)), len(votes), votes)

    assert not run(4, "100.00", "100.00", "1").threshold_met  # area exactly half
    assert run(4, "100.08", "100.00", "1").threshold_met
    assert run(6, "300.00", "100.00", "1").threshold_met  # area exactly 3/4
    assert not run(6, "299.92", "100.08", "1").threshold_met
    assert run(4, "150.00", "50.00", "100.00").quorum_met  # participating area exactly 2/3
    assert not run(4, "149.92", "50.00", "100.08").quorum_met


def test_heads_and_area_are_both_needed_for_the_quorum():
    # 3 of 4 heads take part but hold only 30 of 100 m²
    votes = [HeadVote(f"S{i}", Decimal(10), Choice.AGREE) for i in range(3)] + [HeadVote("big", Decimal(70), None)]
    r = tally_matter(1, Decimal(100), 4, votes)
    assert r.participation_heads_share == Fraction(3, 4) and not r.quorum_met and not r.passed
    # the big unit alone holds 70 m² but is one head of four
    votes = [HeadVote(f"S{i}", Decimal(10), None) for i in range(3)] + [HeadVote("big", Decimal(70), Choice.AGREE)]
    assert not tally_matter(1, Decimal(100), 4, votes).quorum_met


def test_the_roll_counts_heads_that_are_not_listed():
    """The votes may list only the heads who voted; the roll totals carry everyone else."""
    votes = [HeadVote(f"H{i}", Decimal(100), Choice.AGREE) for i in range(66)]
    assert tally_matter(4, Decimal(9900), 99, votes).passed
    assert not tally_matter(4, Decimal(10000), 100, votes).quorum_met


# --- the counting rules for heads ---------------------------------------------------------

def test_developer_units_count_as_one_head():
    units = [RollUnit(f"1-{n}", Decimal(100), developer=True) for n in range(30)]
    units += [RollUnit(f"2-{n}", Decimal("88.5"), owner=f"P{n}") for n in range(70)]
    heads = group_heads(units)
    assert roll_totals(heads) == (Decimal(3000) + 70 * Decimal("88.5"), 71)
    developer = next(h for h in heads if h.head == DEVELOPER_HEAD)
    assert developer.area == Decimal(3000) and len(developer.units) == 30


def test_a_buyer_of_several_units_is_one_head_with_the_areas_summed():
    units = [RollUnit("3-101", Decimal("90.12"), owner="王"), RollUnit("3-102", Decimal("110.5"), owner="李"),
             RollUnit("车位-7", Decimal("12.5"), owner="王"), RollUnit("3-201", Decimal("90.12"), owner="王")]
    heads = {h.head: h for h in group_heads(units)}
    assert heads["owner:王"].area == Decimal("192.74") and heads["owner:王"].units == ("3-101", "车位-7", "3-201")
    assert roll_totals(heads.values()) == (Decimal("303.24"), 2)


def test_grouping_refuses_a_unit_twice_or_without_owner():
    with pytest.raises(ValueError, match="twice"):
        group_heads([RollUnit("1", Decimal(1), owner="a"), RollUnit("1", Decimal(1), owner="b")])
    with pytest.raises(ValueError, match="owner"):
        group_heads([RollUnit("1", Decimal(1))])
    with pytest.raises(ValueError, match="positive"):
        group_heads([RollUnit("1", Decimal(0), owner="a")])


def test_developer_and_buyer_tally_through_the_grouped_roll():
    """Case 12 of the table, from the units: the developer's 30 unsold units are one head."""
    units = [RollUnit(f"D{n}", Decimal(100), developer=True) for n in range(30)]
    units += [RollUnit(f"U{n}", Decimal(100), owner=f"P{n}") for n in range(70)]
    heads = group_heads(units)
    total_area, total_heads = roll_totals(heads)
    choice = {DEVELOPER_HEAD: Choice.AGREE} | {f"owner:P{n}": Choice.AGREE for n in range(20)} | {
        f"owner:P{n}": Choice.OPPOSE for n in range(20, 50)}
    votes = [HeadVote(h.head, h.area, choice.get(h.head)) for h in heads]
    r = tally_matter(4, total_area, total_heads, votes)
    assert (r.agree_heads, r.participating_heads, r.agree_area) == (21, 51, Decimal(5000))
    assert r.quorum_met and not r.passed


# --- validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("votes, total_area, total_heads, message", [
    ([HeadVote("a", Decimal(1), Choice.AGREE), HeadVote("a", Decimal(1), None)], Decimal(10), 5, "twice"),
    ([HeadVote("a", Decimal(0), Choice.AGREE)], Decimal(10), 5, "positive"),
    ([HeadVote("a", Decimal(-1), Choice.AGREE)], Decimal(10), 5, "positive"),
    ([HeadVote("a", Decimal(6)), HeadVote("b", Decimal(5))], Decimal(10), 5, "total area"),
    ([HeadVote("a", Decimal(1)), HeadVote("b", Decimal(1))], Decimal(10), 1, "more than the roll"),
    ([HeadVote("a", 1.5, Choice.AGREE)], Decimal(10), 5, "float"),  # type: ignore[arg-type]
    ([HeadVote("a", Decimal("NaN"), Choice.AGREE)], Decimal(10), 5, "finite"),
    ([HeadVote("a", Decimal(1), "yes")], Decimal(10), 5, "choice"),  # type: ignore[arg-type]
    ([HeadVote("", Decimal(1), None)], Decimal(10), 5, "id"),
    ([], Decimal(0), 5, "total_area"),
    ([], 10.0, 5, "float"),
    ([], Decimal(10), 0, "total_heads"),
])
def test_invalid_input_is_refused(votes, total_area, total_heads, message):
    with pytest.raises(ValueError, match=message):
        tally_matter(4, total_area, total_heads, votes)


@pytest.mark.parametrize("item", [0, 10, True, "4"])
def test_unknown_item_is_refused(item):
    with pytest.raises(ValueError, match="item"):
        tally_matter(item, Decimal(1), 1, [])


def test_string_choices_and_areas_are_accepted_exactly():
    r = tally_matter(4, "3.3", 3, [HeadVote("a", "1.1", "agree"), HeadVote("b", "1.1", "agree")])  # type: ignore[arg-type]
    assert r.passed and r.agree_area == Decimal("2.2")


# --- turnout ------------------------------------------------------------------------------

def test_turnout_against_the_quorum_without_results_by_option():
    t = turnout(Decimal(1000), 10, [(f"H{i}", Decimal(100)) for i in range(5)])
    assert (t.heads, t.area, t.quorum_met) == (5, Decimal(500), False)
    assert t.heads_needed == 2 and t.area_needed == Fraction(500, 3)  # 7 heads and 666⅔ m² make 2/3
    assert t.heads_share == Fraction(1, 2)
    t = turnout(Decimal(999), 9, [(f"H{i}", Decimal(111)) for i in range(6)])
    assert t.quorum_met and t.heads_needed == 0 and t.area_needed == 0
    assert not [f.name for f in dataclasses.fields(Turnout) if any(w in f.name for w in ("agree", "oppose", "abstain"))]


def test_turnout_validates_like_the_tally():
    with pytest.raises(ValueError, match="twice"):
        turnout(Decimal(10), 3, [("a", Decimal(1)), ("a", Decimal(1))])
    with pytest.raises(ValueError, match="total area"):
        turnout(Decimal(10), 3, [("a", Decimal(6)), ("b", Decimal(6))])


# --- properties ---------------------------------------------------------------------------

choices = st.sampled_from([None, Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN])
areas = st.integers(min_value=1, max_value=50_000).map(lambda cents: Decimal(cents).scaleb(-2))


@st.composite
def rolls(draw, min_heads: int = 1):
    n = draw(st.integers(min_value=min_heads, max_value=25))
    votes = [HeadVote(f"H{i:05d}", draw(areas), draw(choices)) for i in range(n)]
    extra_heads = draw(st.integers(min_value=0, max_value=5))
    extra_area = sum((draw(areas) for _ in range(extra_heads)), Decimal(0))
    total_area = sum((v.area for v in votes), Decimal(0)) + extra_area
    return draw(st.integers(min_value=1, max_value=9)), total_area, n + extra_heads, votes


@given(rolls(), st.data())
def test_one_more_agree_never_turns_a_pass_into_a_fail(roll, data):
    item, total_area, total_heads, votes = roll
    before = tally_matter(item, total_area, total_heads, votes)
    candidates = [i for i, v in enumerate(votes) if v.choice is not Choice.AGREE
                  and (v.choice is not None or before.quorum_met)]
    assume(candidates)
    i = data.draw(st.sampled_from(candidates))
    changed = [*votes[:i], dataclasses.replace(votes[i], choice=Choice.AGREE), *votes[i + 1:]]
    after = tally_matter(item, total_area, total_heads, changed)
    assert not (before.passed and not after.passed)
    assert after.agree_heads == before.agree_heads + 1
    assert after.quorum_met >= before.quorum_met


@given(rolls())
def test_order_of_votes_does_not_matter(roll):
    item, total_area, total_heads, votes = roll
    shuffled = list(votes)
    random.Random(7).shuffle(shuffled)
    assert tally_matter(item, total_area, total_heads, votes) == tally_matter(item, total_area, total_heads, shuffled)


@given(rolls())
def test_result_is_the_definition(roll):
    """The rules restated in integers of hundredths of a square metre, cross-multiplied."""
    item, total_area, total_heads, votes = roll
    r = tally_matter(item, total_area, total_heads, votes)
    cents = {v.head: int(v.area * 100) for v in votes}
    part = [v for v in votes if v.choice is not None]
    agree = [v for v in part if v.choice is Choice.AGREE]
    p_area, a_area, t_area = sum(cents[v.head] for v in part), sum(cents[v.head] for v in agree), int(total_area * 100)
    quorum = 3 * p_area >= 2 * t_area and 3 * len(part) >= 2 * total_heads
    if item in (6, 7, 8):
        threshold = bool(part) and 4 * a_area >= 3 * p_area and 4 * len(agree) >= 3 * len(part)
    else:
        threshold = 2 * a_area > p_area and 2 * len(agree) > len(part)
    assert (r.quorum_met, r.threshold_met, r.passed) == (quorum, threshold, quorum and threshold)
    assert turnout(total_area, total_heads, [(v.head, v.area) for v in part]).quorum_met == quorum


exact_areas = st.lists(st.integers(min_value=1, max_value=99_999).map(lambda c: Decimal(c).scaleb(-2)),
                       min_size=1, max_size=12)


@given(exact_areas, st.sampled_from([n for n, r in ITEM_RULE.items() if r is Rule.MAJORITY]))
def test_exactly_two_thirds_taking_part_and_exactly_half_agreeing(xs, item):
    """Heads with areas x1…xm: each area twice among those taking part (once 同意, once 反对),
    once more among those who did not vote — participation exactly 2/3, 同意 exactly half, by
    heads and by area: the quorum is met, the threshold is not; one 反对 turned 同意 passes."""
    agree = [HeadVote(f"A{i}", x, Choice.AGREE) for i, x in enumerate(xs)]
    oppose = [HeadVote(f"O{i}", x, Choice.OPPOSE) for i, x in enumerate(xs)]
    absent = [HeadVote(f"N{i}", x, None) for i, x in enumerate(xs)]
    total = 3 * sum(xs, Decimal(0))
    r = tally_matter(item, total, 3 * len(xs), agree + oppose + absent)
    assert r.participation_area_share == r.participation_heads_share == Fraction(2, 3)
    assert r.agree_area_share == r.agree_heads_share == Fraction(1, 2)
    assert r.quorum_met and not r.threshold_met and not r.passed
    turned = [dataclasses.replace(oppose[0], choice=Choice.AGREE), *oppose[1:]]
    assert tally_matter(item, total, 3 * len(xs), agree + turned + absent).passed
    assert not tally_matter(item, total + Decimal("0.01"), 3 * len(xs), agree + turned + absent).quorum_met


@given(exact_areas, st.sampled_from([6, 7, 8]))
def test_exactly_three_quarters_agreeing_passes_a_special_item(xs, item):
    """Each area thrice 同意 and once 反对 among those taking part: exactly 3/4 passes; one 同意
    turned 弃权 fails."""
    agree = [HeadVote(f"A{k}-{i}", x, Choice.AGREE) for k in range(3) for i, x in enumerate(xs)]
    oppose = [HeadVote(f"O{i}", x, Choice.OPPOSE) for i, x in enumerate(xs)]
    total, heads = 4 * sum(xs, Decimal(0)), 4 * len(xs)
    r = tally_matter(item, total, heads, agree + oppose)
    assert r.agree_area_share == r.agree_heads_share == Fraction(3, 4) and r.passed
    turned = [dataclasses.replace(agree[0], choice=Choice.ABSTAIN), *agree[1:]]
    assert not tally_matter(item, total, heads, turned + oppose).passed
