"""Placeholder of the pure art. 278 tally (replaced by the full module)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Choice(StrEnum):
    AGREE = "agree"
    OPPOSE = "oppose"
    ABSTAIN = "abstain"


class Rule(StrEnum):
    MAJORITY = "majority"
    SPECIAL = "special"


ITEM_RULE = {i: (Rule.SPECIAL if i in (6, 7, 8) else Rule.MAJORITY) for i in range(1, 10)}
TWO_THIRDS = Fraction(2, 3)


@dataclass(frozen=True)
class HeadVote:
    head: str
    area: Decimal
    choice: Choice | None


@dataclass(frozen=True)
class Turnout:
    total_area: Decimal
    total_heads: int
    area: Decimal
    heads: int
    quorum_met: bool


def turnout(total_area: Decimal, total_heads: int, heads_voted: Iterable[tuple[str, Decimal]]) -> Turnout:
    heads, area = 0, Decimal(0)
    for _h, a in heads_voted:
        heads += 1
        area += a
    met = (total_area > 0 and Fraction(area) >= TWO_THIRDS * Fraction(total_area)
           and Fraction(heads) >= TWO_THIRDS * total_heads)
    return Turnout(total_area, total_heads, area, heads, bool(met))
