"""The checks of an election plan (选举方案), a candidate list and a result's composition, pure: no
Django. Each returns a list of problem codes with their facts (empty: fine), so the services can
refuse with every reason at once in the user's language.

- **Seats**: the committee has 5–9 members in all (主任, 副主任, 委员; Organic Law), exactly one
  主任; the bounds are settings.
- **Candidates (差额)**: each post lists more candidates than seats, by at least ``min_more`` (1)
  and at most ``max_more`` (a setting; by default up to as many more as seats, at least 1); a
  person is a candidate for one post only.
- **Nomination**: jointly by at least ``voters_needed`` voters (10), or by ``representatives_needed``
  household representatives (5) in that mode, or by the election committee.
- **Composition** of those elected (default: at least one woman), checked on the result; a
  shortfall is reported so the committee can act (a further round with a woman among the
  candidates), it does not unelect anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DIRECTOR, DEPUTY, MEMBER = "director", "deputy", "member"
POSTS = (DIRECTOR, DEPUTY, MEMBER)


@dataclass(frozen=True)
class Problem:
    code: str
    post: str = ""
    facts: tuple[tuple[str, object], ...] = ()

    def fact(self, name: str) -> object:
        return dict(self.facts).get(name)


def seat_problems(seats: Mapping[str, int], *, low: int = 5, high: int = 9) -> list[Problem]:
    """The seats per post of a plan: known posts, exactly one 主任, 5–9 in all."""
    out: list[Problem] = []
    unknown = sorted(set(seats) - set(POSTS))
    if unknown:
        out.append(Problem("unknown_post", facts=(("posts", tuple(unknown)),)))
    for post, n in seats.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            out.append(Problem("bad_seats", post, (("seats", n),)))
    if seats.get(DIRECTOR) != 1:
        out.append(Problem("one_director", DIRECTOR, (("seats", seats.get(DIRECTOR)),)))
    total = sum(n for n in seats.values() if isinstance(n, int) and not isinstance(n, bool) and n > 0)
    if not low <= total <= high:
        out.append(Problem("committee_size", facts=(("total", total), ("low", low), ("high", high))))
    return out


def candidate_problems(seats: Mapping[str, int], candidates: Mapping[str, Iterable[str]], *, min_more: int = 1,
                       max_more: Mapping[str, int] | None = None) -> list[Problem]:
    """The candidate list (差额): more candidates than seats on each post with seats, within the
    bounds; nobody on two posts."""
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for post, n in seats.items():
        if n <= 0:
            continue
        names = list(candidates.get(post, ()))
        if len(set(names)) != len(names):
            out.append(Problem("candidate_twice", post))
        more = len(set(names)) - n
        most = (max_more or {}).get(post, max(1, n))
        if more < min_more:
            out.append(Problem("too_few_candidates", post, (("seats", n), ("candidates", len(set(names))), ("needed", n + min_more))))
        elif more > most:
            out.append(Problem("too_many_candidates", post, (("seats", n), ("candidates", len(set(names))), ("most", n + most))))
        for c in set(names):
            if c in seen and seen[c] != post:
                out.append(Problem("two_posts", post, (("candidate", c), ("other", seen[c]))))
            seen.setdefault(c, post)
    return out


def nomination_problems(*, by_committee: bool, nominators: Iterable[str], voters: Iterable[str], mode: str,
                        voters_needed: int = 10, representatives_needed: int = 5) -> list[Problem]:
    """A nomination by voters jointly: enough distinct nominators, each an eligible voter of the
    election (in a household-representative election, ``voters`` are the representatives)."""
    if by_committee:
        return []
    names = set(nominators)
    electorate = set(voters)
    out: list[Problem] = []
    strangers = sorted(names - electorate)
    if strangers:
        out.append(Problem("nominator_not_voter", facts=(("nominators", tuple(strangers)),)))
    needed = representatives_needed if mode in ("household", "group") else voters_needed
    valid = len(names & electorate)
    if valid < needed:
        out.append(Problem("too_few_nominators", facts=(("valid", valid), ("needed", needed))))
    return out


def composition_problems(elected: Iterable[str], gender: Mapping[str, str], *, women_at_least: int = 1) -> list[Problem]:
    """The composition of those elected (default: at least one woman; ``gender`` is "F" or "M")."""
    chosen = list(elected)
    women = sum(1 for p in chosen if gender.get(p) == "F")
    if chosen and women < women_at_least:
        return [Problem("no_woman", facts=(("women", women), ("needed", women_at_least)))]
    return []
