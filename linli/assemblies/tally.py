"""The tally of an owners' assembly: Civil Code art. 278 with the Supreme People's Court
interpretation on building ownership (arts. 8–9). Pure: no Django, no database, no clock.

- Participation (quorum): the owners taking part in a matter hold **at least 2/3** of the total
  exclusive area **and** are **at least 2/3** of the total owner count (heads) of the roll.
- Threshold: items (6) raising maintenance funds, (7) rebuilding, (8) changing the use of common
  parts or running business on them need **at least 3/4** of the participating area **and** of the
  participating heads in favour; every other item needs **more than half** of both.
- "At least" includes the boundary (exactly 2/3 or 3/4 is enough); "more than half" excludes it
  (exactly half is not enough). Abstaining owners took part and did not agree.
- A matter passes only if the quorum is met and the threshold is met.

Heads follow the counting rules: one exclusive unit is one head; all units the developer still
holds (unsold, or sold and not delivered) are one head together; a buyer of several units is one
head with the units' areas summed. :func:`group_heads` applies these rules to a list of units; the
tally itself takes the heads already grouped.

Arithmetic is exact: areas are :class:`decimal.Decimal` (never ``float``), shares are
:class:`fractions.Fraction`, sums of areas are checked to be exact.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Choice(StrEnum):
    AGREE = "agree"  # 同意
    OPPOSE = "oppose"  # 反对
    ABSTAIN = "abstain"  # 弃权


class Rule(StrEnum):
    MAJORITY = "majority"  # more than half of the participating area and heads (过半数)
    SPECIAL = "special"  # at least 3/4 of the participating area and heads (四分之三以上)


ITEMS = range(1, 10)

#: Art. 278 para. 1, items (1)–(9) → the threshold para. 2 fixes for each.
ITEM_RULE: dict[int, Rule] = {
    1: Rule.MAJORITY,
    2: Rule.MAJORITY,
    3: Rule.MAJORITY,
    4: Rule.MAJORITY,
    5: Rule.MAJORITY,
    6: Rule.SPECIAL,
    7: Rule.SPECIAL,
    8: Rule.SPECIAL,
    9: Rule.MAJORITY,
}

#: Short zh-hans names of the nine items (plain strings; pages translate them with gettext).
ITEM_LABELS: dict[int, str] = {
    1: "制定和修改业主大会议事规则",
    2: "制定和修改管理规约",
    3: "选举或者更换业主委员会成员",
    4: "选聘和解聘物业服务企业或者其他管理人",
    5: "使用维修资金",
    6: "筹集维修资金",
    7: "改建、重建建筑物及其附属设施",
    8: "改变共有部分的用途或者利用共有部分从事经营活动",
    9: "有关共有和共同管理权利的其他重大事项",
}

QUORUM = Fraction(2, 3)  # participation: at least, of the total area and of the total heads
THRESHOLD: dict[Rule, Fraction] = {Rule.MAJORITY: Fraction(1, 2), Rule.SPECIAL: Fraction(3, 4)}
#: True where the threshold must be exceeded ("more than half"), False where reaching it is enough.
STRICT: dict[Rule, bool] = {Rule.MAJORITY: True, Rule.SPECIAL: False}

DEVELOPER_HEAD = "developer"

# Sums of areas: wide enough for any roll, and any rounding raises instead of passing silently.
_EXACT = decimal.Context(prec=80, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])


def area_value(value: object, *, what: str = "area") -> Decimal:
    """A finite :class:`Decimal` from a Decimal, an int or a decimal string; never a float."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool | float):
        raise ValueError(f"{what}: {value!r} is not an exact decimal (no floats)")
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except decimal.InvalidOperation:
            raise ValueError(f"{what}: {value!r} is not a decimal number") from None
    else:
        raise ValueError(f"{what}: {value!r} is not a decimal number")
    if not result.is_finite():
        raise ValueError(f"{what}: {value!r} is not a finite number")
    return result


def _sum(areas: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for a in areas:
        total = _EXACT.add(total, a)
    return total


def _share(part: int | Decimal, whole: int | Decimal) -> Fraction:
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


def _reaches(share: Fraction, rule: Rule) -> bool:
    bound = THRESHOLD[rule]
    return share > bound if STRICT[rule] else share >= bound


@dataclass(frozen=True)
class HeadVote:
    """One voting owner (a head per the counting rules) and their choice on one matter;
    ``choice=None``: the head did not vote on that matter."""

    head: str
    area: Decimal
    choice: Choice | None = None


@dataclass(frozen=True)
class MatterResult:
    item: int
    rule: Rule
    total_area: Decimal
    total_heads: int
    participating_heads: int
    participating_area: Decimal
    agree_heads: int
    agree_area: Decimal
    oppose_heads: int
    oppose_area: Decimal
    abstain_heads: int
    abstain_area: Decimal
    participation_area_share: Fraction  # participating area / total area
    participation_heads_share: Fraction  # participating heads / total heads
    agree_area_share: Fraction  # agree area / participating area (0 when nobody took part)
    agree_heads_share: Fraction  # agree heads / participating heads (0 when nobody took part)
    quorum_met: bool
    threshold_met: bool
    passed: bool

    @property
    def threshold(self) -> Fraction:
        return THRESHOLD[self.rule]


@dataclass(frozen=True)
class Turnout:
    """Heads and area that have voted so far against the quorum (no results by option)."""

    total_area: Decimal
    total_heads: int
    heads: int
    area: Decimal
    heads_share: Fraction
    area_share: Fraction
    quorum_met: bool
    heads_needed: int  # more heads needed to reach 2/3 of the heads (0 once reached)
    area_needed: Fraction  # more area needed to reach 2/3 of the area (0 once reached)


def _roll(total_area: object, total_heads: object) -> tuple[Decimal, int]:
    area = area_value(total_area, what="total_area")
    if area <= 0:
        raise ValueError("total_area must be positive")
    if isinstance(total_heads, bool) or not isinstance(total_heads, int) or total_heads <= 0:
        raise ValueError("total_heads must be a positive integer")
    return area, total_heads


def _check_heads(pairs: list[tuple[str, Decimal]], total_area: Decimal, total_heads: int) -> None:
    seen: set[str] = set()
    for head, area in pairs:
        if not isinstance(head, str) or not head:
            raise ValueError(f"head {head!r}: a head needs a non-empty id")
        if head in seen:
            raise ValueError(f"head {head!r} appears twice")
        seen.add(head)
        if area <= 0:
            raise ValueError(f"head {head!r}: area must be positive, got {area}")
    if len(pairs) > total_heads:
        raise ValueError(f"{len(pairs)} heads, more than the roll's {total_heads}")
    if _sum(a for _, a in pairs) > total_area:
        raise ValueError(f"the heads' areas add up to more than the roll's total area {total_area}")


def tally_matter(item: int, total_area: Decimal, total_heads: int, votes: Iterable[HeadVote]) -> MatterResult:
    """The result of one matter of art. 278 item ``item`` from the heads' votes on it."""
    if isinstance(item, bool) or item not in ITEM_RULE:
        raise ValueError(f"item must be one of art. 278 items 1–9, got {item!r}")
    rule = ITEM_RULE[item]
    t_area, t_heads = _roll(total_area, total_heads)
    votes = list(votes)
    areas: list[tuple[str, Decimal]] = []
    by_choice: dict[Choice, list[Decimal]] = {c: [] for c in Choice}
    for v in votes:
        area = area_value(v.area, what=f"head {v.head!r}: area")
        areas.append((v.head, area))
        if v.choice is not None:
            try:
                choice = Choice(v.choice)
            except ValueError:
                raise ValueError(f"head {v.head!r}: unknown choice {v.choice!r}") from None
            by_choice[choice].append(area)
    _check_heads(areas, t_area, t_heads)

    agree, oppose, abstain = by_choice[Choice.AGREE], by_choice[Choice.OPPOSE], by_choice[Choice.ABSTAIN]
    p_heads = len(agree) + len(oppose) + len(abstain)
    p_area = _sum([*agree, *oppose, *abstain])
    a_area = _sum(agree)
    part_area_share = _share(p_area, t_area)
    part_heads_share = _share(p_heads, t_heads)
    agree_area_share = _share(a_area, p_area)
    agree_heads_share = _share(len(agree), p_heads)
    quorum_met = part_area_share >= QUORUM and part_heads_share >= QUORUM
    threshold_met = p_heads > 0 and _reaches(agree_area_share, rule) and _reaches(agree_heads_share, rule)
    return MatterResult(
        item=item,
        rule=rule,
        total_area=t_area,
        total_heads=t_heads,
        participating_heads=p_heads,
        participating_area=p_area,
        agree_heads=len(agree),
        agree_area=a_area,
        oppose_heads=len(oppose),
        oppose_area=_sum(oppose),
        abstain_heads=len(abstain),
        abstain_area=_sum(abstain),
        participation_area_share=part_area_share,
        participation_heads_share=part_heads_share,
        agree_area_share=agree_area_share,
        agree_heads_share=agree_heads_share,
        quorum_met=quorum_met,
        threshold_met=threshold_met,
        passed=quorum_met and threshold_met,
    )


def turnout(total_area: Decimal, total_heads: int, heads_voted: Iterable[tuple[str, Decimal]]) -> Turnout:
    """Live turnout: the heads that have voted (on any matter) with their areas, against the quorum."""
    t_area, t_heads = _roll(total_area, total_heads)
    pairs = [(head, area_value(area, what=f"head {head!r}: area")) for head, area in heads_voted]
    _check_heads(pairs, t_area, t_heads)
    return turnout_of(t_area, t_heads, len(pairs), _sum(a for _, a in pairs))


def turnout_of(total_area: Decimal, total_heads: int, heads: int, area: object) -> Turnout:
    """The same from counts already summed (the database adds the areas of the heads that voted,
    exactly, one ballot per head being its constraint)."""
    t_area, t_heads = _roll(total_area, total_heads)
    area = area_value(area, what="area voted")
    if not 0 <= heads <= t_heads:
        raise ValueError(f"{heads} heads voted, outside 0..{t_heads}")
    if area > t_area:
        raise ValueError(f"the area voted {area} is more than the roll's total area {t_area}")
    heads_share, area_share = _share(heads, t_heads), _share(area, t_area)
    return Turnout(
        total_area=t_area,
        total_heads=t_heads,
        heads=heads,
        area=area,
        heads_share=heads_share,
        area_share=area_share,
        quorum_met=heads_share >= QUORUM and area_share >= QUORUM,
        heads_needed=max(0, math.ceil(QUORUM * t_heads) - heads),
        area_needed=max(Fraction(0), QUORUM * Fraction(t_area) - Fraction(area)),
    )


@dataclass(frozen=True)
class RollUnit:
    """One exclusive unit of the roll. ``owner``: a key of the owner (one person, or the co-owners
    of the unit together, who vote through the one they designate); ignored for developer units."""

    label: str
    area: Decimal
    owner: str = ""
    developer: bool = False


@dataclass(frozen=True)
class RollHead:
    head: str
    area: Decimal
    units: tuple[str, ...]


def group_heads(units: Iterable[RollUnit]) -> list[RollHead]:
    """The counting rules: every unit the developer holds → one head :data:`DEVELOPER_HEAD`; the
    units of one owner → one head ``owner:<key>`` with their areas summed. In order of first unit."""
    groups: dict[str, list[RollUnit]] = {}
    labels: set[str] = set()
    for unit in units:
        if unit.label in labels:
            raise ValueError(f"unit {unit.label!r} appears twice")
        labels.add(unit.label)
        if area_value(unit.area, what=f"unit {unit.label!r}: area") <= 0:
            raise ValueError(f"unit {unit.label!r}: area must be positive")
        if unit.developer:
            key = DEVELOPER_HEAD
        elif unit.owner:
            key = f"owner:{unit.owner}"
        else:
            raise ValueError(f"unit {unit.label!r}: an owner or the developer is needed")
        groups.setdefault(key, []).append(unit)
    return [
        RollHead(head=key, area=_sum(area_value(u.area) for u in members), units=tuple(u.label for u in members))
        for key, members in groups.items()
    ]


def roll_totals(heads: Iterable[RollHead]) -> tuple[Decimal, int]:
    """Total area and total heads of a grouped roll."""
    heads = list(heads)
    return _sum(h.area for h in heads), len(heads)
