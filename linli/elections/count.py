"""The count of a residents' committee election (居民委员会选举计票), pure: no Django, integers only.

The rules (each a setting of the election where provinces differ; see docs/elections.md):

- **Validity**: the election is valid only if more than half of the registered voters voted
  (``cast * 2 > registered``; exactly half is invalid).
- **A ballot, per post**: each candidate marked yes / no / abstain, plus write-ins (另选他人). A
  ballot with more yes marks and write-ins than the post has seats is invalid *for that post*
  (it still counts among the ballots cast, and for the other posts).
- **First round**: a candidate is elected with more than half of the ballots cast (exactly half
  is not enough). If more candidates reach that than there are seats, the most votes win; a tie
  at the last seat sends the tied candidates to a runoff (再次投票) for the seats left.
- **Further round** (另行选举) for the seats still empty: among the next candidates by the first
  round's votes (seats left plus ``extra``, 1 by default), the most votes win, but a winner needs at
  least one third of the ballots cast (``votes * 3 >= cast``; exactly one third is enough). A tie at
  the last seat again sends the tied to a runoff.
- Posts are counted in order (主任, 副主任, 委员); with ``one_post_each`` a person elected to an
  earlier post is not counted for a later one (their votes there are set aside).

Candidates and write-ins are plain keys (the service resolves a written name to a voter's key
before counting); a write-in is counted like a candidate of that post.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Mark(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Round(StrEnum):
    FIRST = "first"  # 正式选举: more than half of the ballots cast
    FURTHER = "further"  # 另行选举: the most votes, at least one third of the ballots cast
    RUNOFF = "runoff"  # 再次投票 among the tied: the most votes win, with at least a third of the ballots cast


class Outcome(StrEnum):
    COMPLETE = "complete"  # every seat filled
    RUNOFF = "runoff"  # a tie at the last seat: the tied vote again for the seats left
    FURTHER = "further"  # seats left empty: a further round among the next candidates
    INVALID = "invalid"  # turnout not more than half of the registered voters


@dataclass(frozen=True)
class Post:
    key: str  # "director", "deputy", "member"
    seats: int
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class PostMarks:
    """One ballot's marks for one post: candidate key → mark, and the write-ins' keys."""

    marks: Mapping[str, Mark | str] = field(default_factory=dict)
    write_ins: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostResult:
    post: str
    seats: int
    votes: dict[str, int]  # yes votes per candidate and per write-in
    invalid: int  # ballots invalid for this post (too many yes marks and write-ins)
    elected: tuple[str, ...]  # in order of votes
    outcome: Outcome
    runoff: tuple[str, ...] = ()  # the tied, for a runoff
    further: tuple[str, ...] = ()  # the next candidates, for a further round
    seats_left: int = 0
    set_aside: tuple[str, ...] = ()  # elected to an earlier post, not counted here


@dataclass(frozen=True)
class Result:
    registered: int
    cast: int
    valid: bool
    round: Round
    posts: tuple[PostResult, ...]

    @property
    def elected(self) -> dict[str, tuple[str, ...]]:
        return {p.post: p.elected for p in self.posts}

    @property
    def complete(self) -> bool:
        return self.valid and all(p.outcome == Outcome.COMPLETE for p in self.posts)


def turnout_valid(registered: int, cast: int) -> bool:
    """More than half of the registered voters voted (exactly half: not valid)."""
    _count_of(registered, "registered")
    _count_of(cast, "cast")
    if cast > registered:
        raise ValueError(f"{cast} ballots cast, more than the {registered} registered voters")
    return cast * 2 > registered


def reaches(votes: int, cast: int, round_: Round) -> bool:
    """Whether ``votes`` of ``cast`` ballots reach the round's threshold: more than half in the
    first round; at least one third in a further round and in a runoff after it."""
    if round_ == Round.FIRST:
        return votes * 2 > cast
    return votes * 3 >= cast and votes > 0


def _count_of(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what}: {value!r} is not a count")
    return value


def _post_votes(post: Post, ballots: Sequence[Mapping[str, PostMarks]]) -> tuple[Counter[str], int]:
    votes: Counter[str] = Counter(dict.fromkeys(post.candidates, 0))
    invalid = 0
    known = set(post.candidates)
    for ballot in ballots:
        marks = ballot.get(post.key)
        if marks is None:
            continue
        yes = []
        for cand, mark in marks.marks.items():
            if cand not in known:
                raise ValueError(f"post {post.key}: {cand!r} is not a candidate")
            if Mark(mark) == Mark.YES:
                yes.append(cand)
        written = [w for w in marks.write_ins if w]
        if len(set(written)) != len(written) or set(written) & known:
            invalid += 1  # the same person twice, or a candidate written in again: unclear, invalid
            continue
        if len(yes) + len(written) > post.seats:
            invalid += 1
            continue
        votes.update(yes)
        votes.update(written)
    return votes, invalid


def _ranked(votes: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))


def _decide(seats: int, votes: Mapping[str, int], cast: int, round_: Round,
            eligible: Iterable[str], extra: int) -> tuple[tuple[str, ...], Outcome, tuple[str, ...], tuple[str, ...], int]:
    """Elected, outcome, the tied (runoff), the next candidates (further round), seats left."""
    allowed = set(eligible)
    ranked = [(c, v) for c, v in _ranked(votes) if c in allowed]
    reaching = [(c, v) for c, v in ranked if reaches(v, cast, round_)]
    if len(reaching) <= seats:
        elected = tuple(c for c, _ in reaching)
    else:
        boundary = reaching[seats - 1][1]
        above = tuple(c for c, v in reaching if v > boundary)
        tied = tuple(c for c, v in reaching if v == boundary)
        if len(above) + len(tied) <= seats:  # the tied fill the last seats exactly
            return above + tied, Outcome.COMPLETE, (), (), 0
        return above, Outcome.RUNOFF, tied, (), seats - len(above)
    left = seats - len(elected)
    if left == 0:
        return elected, Outcome.COMPLETE, (), (), 0
    if round_ != Round.FIRST and not ranked[len(elected):]:
        return elected, Outcome.FURTHER, (), (), left
    rest = [(c, v) for c, v in ranked if c not in elected and v > 0]
    want = left + extra
    if len(rest) > want:
        cut = rest[want - 1][1]
        nxt = tuple(c for c, v in rest if v >= cut)  # a tie at the cut takes all the tied
    else:
        nxt = tuple(c for c, _ in rest)
    return elected, Outcome.FURTHER, (), nxt, left


def count(*, registered: int, posts: Sequence[Post], ballots: Sequence[Mapping[str, PostMarks]],
          round_: Round = Round.FIRST, one_post_each: bool = True, extra: int = 1,
          elected_before: Iterable[str] = ()) -> Result:
    """Count one round. ``ballots`` are all ballots cast (a blank one is an empty mapping);
    ``posts`` give each post's seats (for a further round or a runoff: the seats left) and its
    candidates; ``elected_before`` are those already elected to other posts (with
    ``one_post_each`` they are set aside)."""
    _count_of(registered, "registered")
    if not 1 <= extra <= 3:
        raise ValueError("extra: a further round has 1 to 3 more candidates than seats")
    keys = [p.key for p in posts]
    if len(set(keys)) != len(keys):
        raise ValueError("a post appears twice")
    for p in posts:
        if _count_of(p.seats, f"post {p.key}: seats") < 1:
            raise ValueError(f"post {p.key}: at least one seat")
        if len(set(p.candidates)) != len(p.candidates):
            raise ValueError(f"post {p.key}: a candidate appears twice")
    for b in ballots:
        unknown = set(b) - set(keys)
        if unknown:
            raise ValueError(f"a ballot marks posts not on it: {sorted(unknown)}")
    cast = len(ballots)
    valid = turnout_valid(registered, cast)
    taken: set[str] = set(elected_before) if one_post_each else set()
    out = []
    for p in posts:
        votes, invalid = _post_votes(p, ballots)
        set_aside = tuple(sorted(c for c in votes if c in taken))
        if not valid:
            out.append(PostResult(p.key, p.seats, dict(votes), invalid, (), Outcome.INVALID, seats_left=p.seats,
                                  set_aside=set_aside))
            continue
        eligible = [c for c in votes if c not in taken]
        elected, outcome, tied, nxt, left = _decide(p.seats, votes, cast, round_, eligible, extra)
        out.append(PostResult(p.key, p.seats, dict(votes), invalid, elected, outcome, tied, nxt, left, set_aside))
        if one_post_each:
            taken |= set(elected)
    return Result(registered, cast, valid, round_, tuple(out))


def ballot(**posts: Mapping[str, Mark | str] | tuple[Mapping[str, Mark | str], Sequence[str]]) -> dict[str, PostMarks]:
    """A ballot in short (for tests and demos): ``ballot(member={"a": "yes"}, director=({}, ["x"]))``."""
    out = {}
    for key, value in posts.items():
        if isinstance(value, tuple):
            marks, written = value
            out[key] = PostMarks(dict(marks), tuple(written))
        else:
            out[key] = PostMarks(dict(value))
    return out


# ---------------------------------------------------------------- recall (罢免)

@dataclass(frozen=True)
class RecallLine:
    member: str
    yes: int  # 同意罢免
    no: int
    abstain: int  # marked abstain, or left unmarked
    recalled: bool


@dataclass(frozen=True)
class RecallResult:
    registered: int
    cast: int
    valid: bool
    lines: tuple[RecallLine, ...]

    @property
    def recalled(self) -> tuple[str, ...]:
        return tuple(line.member for line in self.lines if line.recalled)


def recall(*, registered: int, members: Sequence[str], ballots: Sequence[Mapping[str, Mark | str]]) -> RecallResult:
    """罢免表决: each ballot marks each member on it yes (同意罢免) / no / abstain (unmarked:
    abstain). The vote is valid only if more than half of the registered voters voted; a member
    is recalled with the approval of more than half of the ballots cast (exactly half: not
    recalled)."""
    _count_of(registered, "registered")
    if not members or len(set(members)) != len(members):
        raise ValueError("a recall names each member once, at least one")
    known = set(members)
    tally = {m: Counter[str]() for m in members}
    for b in ballots:
        unknown = set(b) - known
        if unknown:
            raise ValueError(f"a ballot marks people not on it: {sorted(unknown)}")
        for m in members:
            tally[m][Mark(b.get(m, Mark.ABSTAIN))] += 1
    cast = len(ballots)
    valid = turnout_valid(registered, cast)
    lines = tuple(RecallLine(m, tally[m][Mark.YES], tally[m][Mark.NO], tally[m][Mark.ABSTAIN],
                             valid and tally[m][Mark.YES] * 2 > cast) for m in members)
    return RecallResult(registered, cast, valid, lines)
