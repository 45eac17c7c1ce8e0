"""Who may vote in a residents' committee election (选民资格), pure: no Django.

Computed for the election day from what the registry knows, then corrected by the election
committee with a logged reason (the services keep the correction; this module only decides):

- **Age**: 18 or older on election day (年满十八周岁): a person born on 2008-05-10 votes on
  2026-05-10. Someone born on 29 February comes of age on 1 March in a year without one.
- **Residence** (the plan's rule): registered residence in the community (户籍), or living there
  for at least ``months`` before election day (居住满一定期限, 12 by default) — each case recorded
  as the basis of the entry; with ``registered_only`` only the first counts.
- **Not**: someone who moved out before election day, or who is deprived of political rights
  (the committee records it; the registry does not hold it).
- **Household representatives** (户代表选举): exactly one per household, a member of it who is
  eligible, chosen by the household and recorded.
- **Group representatives** (居民小组代表选举): each residents' group (居民小组; a grid of the
  registry by default) sends ``low`` to ``high`` of its eligible voters (2 to 3 by default),
  chosen at the group's meeting and recorded.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Basis(StrEnum):
    REGISTERED = "registered"  # 户籍在本社区
    LIVING = "living"  # 在本社区居住满规定期限
    NONE = "none"


class Refusal(StrEnum):
    UNDER_AGE = "under_age"
    MOVED_OUT = "moved_out"
    NOT_RESIDENT = "not_resident"  # neither registered here nor living here long enough
    DEPRIVED = "deprived"  # 被剥夺政治权利


@dataclass(frozen=True)
class Rule:
    min_age: int = 18
    months: int = 12  # living here this long counts without registered residence
    registered_only: bool = False


@dataclass(frozen=True)
class Person:
    key: str
    birth_date: dt.date
    registered_here: bool
    living_since: dt.date | None = None  # moved in (the registry's 迁入日期)
    moved_out: dt.date | None = None
    deprived: bool = False


@dataclass(frozen=True)
class Decision:
    key: str
    eligible: bool
    basis: Basis
    refusals: tuple[Refusal, ...]
    age: int


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (01-31 + 1 → 02-28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def comes_of_age(birth: dt.date, age: int) -> dt.date:
    """The day a person born on ``birth`` reaches ``age`` (29 February: 1 March in a common year)."""
    year = birth.year + age
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return dt.date(year, birth.month, birth.day)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (0 before the first birthday)."""
    if day < birth:
        raise ValueError(f"{day} is before the birth date {birth}")
    years = day.year - birth.year
    return years if comes_of_age(birth, years) <= day else years - 1


def decide(person: Person, day: dt.date, rule: Rule = Rule()) -> Decision:
    """Whether ``person`` votes on ``day`` under ``rule``, on which basis, and why not."""
    if rule.min_age < 0 or rule.months < 0:
        raise ValueError("the rule's age and months cannot be negative")
    refusals: list[Refusal] = []
    age = age_on(person.birth_date, day) if person.birth_date <= day else 0
    if person.birth_date > day or comes_of_age(person.birth_date, rule.min_age) > day:
        refusals.append(Refusal.UNDER_AGE)
    if person.moved_out is not None and person.moved_out <= day:
        refusals.append(Refusal.MOVED_OUT)
    basis = Basis.NONE
    if person.registered_here:
        basis = Basis.REGISTERED
    elif not rule.registered_only and person.living_since is not None and add_months(person.living_since, rule.months) <= day:
        basis = Basis.LIVING
    if basis == Basis.NONE:
        refusals.append(Refusal.NOT_RESIDENT)
    if person.deprived:
        refusals.append(Refusal.DEPRIVED)
    return Decision(person.key, not refusals, basis, tuple(refusals), age)


def voter_list(people: Iterable[Person], day: dt.date, rule: Rule = Rule()) -> list[Decision]:
    """Every person's decision, in the order given (a person twice is refused: the list must be unique)."""
    out, seen = [], set()
    for p in people:
        if p.key in seen:
            raise ValueError(f"{p.key!r} appears twice")
        seen.add(p.key)
        out.append(decide(p, day, rule))
    return out


def representative_problems(households: Mapping[str, Iterable[str]], chosen: Mapping[str, str],
                            eligible: Iterable[str]) -> dict[str, str]:
    """For a household-representative election: ``{household: problem}`` where the household has
    no representative (``none``), one who is not its member (``not_member``) or not an eligible
    voter (``not_eligible``). ``households`` maps each household to its members; ``chosen`` to the
    one representative it recorded (one per household by construction)."""
    ok = set(eligible)
    out: dict[str, str] = {}
    for household, members in households.items():
        rep = chosen.get(household)
        if rep is None:
            out[household] = "none"
        elif rep not in set(members):
            out[household] = "not_member"
        elif rep not in ok:
            out[household] = "not_eligible"
    for household in chosen:
        if household not in households:
            out[household] = "unknown_household"
    return out


def group_problems(groups: Mapping[str, Iterable[str]], chosen: Mapping[str, Iterable[str]], *, low: int = 2,
                   high: int = 3) -> dict[str, tuple[str, int]]:
    """For a group-representative election: ``{group: (problem, representatives)}`` where a group
    with eligible voters (``groups``: group → its eligible voters) has fewer than ``low``
    representatives (``too_few``) or more than ``high`` (``too_many``), or a representative who
    is not one of its eligible voters (``not_member``)."""
    out: dict[str, tuple[str, int]] = {}
    for group, members in groups.items():
        reps = set(chosen.get(group, ()))
        if reps - set(members):
            out[group] = ("not_member", len(reps))
        elif len(reps) < low:
            out[group] = ("too_few", len(reps))
        elif len(reps) > high:
            out[group] = ("too_many", len(reps))
    for group, named in chosen.items():
        listed = list(named)
        if group not in groups and listed:
            out[group] = ("not_member", len(listed))
    return out
