"""Every read of elections, narrowed to what the actor may see: the staff of the area, and a
community's residents their own community's elections and their own entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.regions import selectors as regions

from .eligibility import Refusal
from .models import CommitteeMember, Election, Voter, VoterChange
from .rules import FOLLOW_ROLES
from .services import BASIS_LABELS, REFUSAL_LABELS
from .states import BEFORE_VOTING, CANDIDATES_PUBLIC, LIFECYCLE, LIST_PUBLIC, Status

ACTIONS = Actions(
    {"edit": "elections.manage", "committee": "elections.manage", "build": "elections.manage",
     "publish_voters": "elections.manage", "correct": "elections.manage", "cancel": "elections.manage",
     "nominate": "elections.manage", "publish_candidates": "elections.manage"},
    lifecycle=LIFECYCLE,
    when={
        "edit": lambda e: e.status == Status.PREPARING,
        "committee": lambda e: e.status in (Status.PREPARING, Status.VOTERS_PUBLISHED),
        "build": lambda e: e.status == Status.PREPARING,
        "nominate": lambda e: e.status == Status.VOTERS_PUBLISHED,
        "correct": lambda e: e.status in BEFORE_VOTING and e.voters_built_at is not None,
    },
)
_NOT_FOUND = "选举不存在或不在您的范围内"
DEPRIVED = str(Refusal.DEPRIVED)


def available_actions(actor: Any, election: Election) -> list[str]:
    return ACTIONS.for_(actor, election)


def elections_for(actor: Any, *, status: str = "") -> QuerySet[Election]:
    """Staff: the elections of their area, newest election day first."""
    paths = scope_paths(actor, FOLLOW_ROLES)
    qs = Election.objects.filter(scope_q(paths)).select_related("community")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-election_day", "-id")


def election_for(actor: Any, pk: int) -> Election:
    election = Election.objects.select_related("community").filter(pk=pk).first()
    if election is None or not actor.has_perm("elections.view", election):
        raise NotFound("not_found", _(_NOT_FOUND))
    return election


def staff_election(actor: Any, pk: int) -> Election:
    election = elections_for(actor).filter(pk=pk).first()
    if election is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return election


def committee(election: Election) -> list[dict[str, Any]]:
    members = list(CommitteeMember.objects.filter(election=election).order_by("role", "id"))
    labels = regions.resident_labels(m.resident_id for m in members)
    order = {"chair": 0, "vice": 1, "member": 2}
    members.sort(key=lambda m: (order.get(m.role, 9), m.pk))
    return [{"member": m, "name": labels.get(m.resident_id, ("", "", ""))[0], "role": m.get_role_display()} for m in members]


@dataclass
class VoterLine:
    voter: Voter
    name: str
    masked: str
    address: str
    private: bool = False  # refused as deprived of political rights, read by someone who does not organise: the reason is withheld

    @property
    def basis_label(self) -> str:
        return str(BASIS_LABELS.get(self.voter.basis, "")) if self.voter.eligible else ""

    @property
    def refusals(self) -> list[str]:
        """The refusal codes as this reader may see them (``committee`` for a withheld one)."""
        return ["committee" if self.private and r == DEPRIVED else r for r in self.voter.refusal_list]

    @property
    def refusal_labels(self) -> list[str]:
        return [str(REFUSAL_LABELS.get(r, r)) for r in self.refusals]  # type: ignore[call-overload]

    @property
    def note(self) -> str:
        return "" if self.private else self.voter.note


def voters(election: Election, *, which: str = "votes", q: str = "") -> QuerySet[Voter]:
    """The list's entries: ``votes`` (the voters), ``refused`` (not on the list, with the
    reasons), ``corrected`` or ``all``; ``q`` a name."""
    qs = Voter.objects.filter(election=election)
    if which == "votes":
        qs = qs.filter(votes=True)
    elif which == "refused":
        qs = qs.filter(eligible=False)
    elif which == "corrected":
        qs = qs.filter(corrected=True)
    elif which == "household":
        qs = qs.filter(eligible=True, votes=False)
    if q:
        qs = qs.filter(resident_id__in=regions.residents_named(election.region_path, q))
    return qs.order_by("region_path", "number", "household_id", "pk")


def lines(entries: list[Voter], *, organiser: bool = True) -> list[VoterLine]:
    """The entries with names and addresses. For a reader who only follows the election
    (``organiser`` False), an entry refused as deprived of political rights (a court's sanction)
    shows as the committee's decision, without its reason."""
    labels = regions.resident_labels(v.resident_id for v in entries)
    return [VoterLine(v, *labels.get(v.resident_id, ("", "", "")), private=not organiser and DEPRIVED in v.refusal_list)
            for v in entries]


def public_list(actor: Any, pk: int) -> Election:
    """The published 选民榜 of an election, for the residents of its community and its staff."""
    election = election_for(actor, pk)
    if election.status not in LIST_PUBLIC:
        raise NotFound("not_found", _(_NOT_FOUND))
    return election


def public_lines(entries: list[Voter]) -> list[dict[str, Any]]:
    """Voter number, masked name and building of each entry (the list the neighbours read)."""
    labels = regions.resident_buildings(v.resident_id for v in entries)
    return [{"number": v.number, "name": labels.get(v.resident_id, ("", ""))[0], "building": labels.get(v.resident_id, ("", ""))[1]}
            for v in entries]


def changes(election: Election, limit: int = 50) -> list[VoterChange]:
    return list(VoterChange.objects.filter(election=election).select_related("actor", "voter")[:limit])


def my_entries(actor: Any) -> list[tuple[Election, Voter | None]]:
    """A resident's elections in his community (not cancelled), with his entry once the list is
    built (None: not on it, e.g. moved in after it was built)."""
    resident = getattr(actor, "resident", None)
    if resident is None or resident.moved_out is not None or not resident.region_path:
        return []
    found = list(Election.objects.filter(region_path=resident.region_path[:12]).exclude(status=Status.CANCELLED)
                 .filter(status__in=LIST_PUBLIC).select_related("community").order_by("-election_day"))
    entries = {v.election_id: v for v in Voter.objects.filter(election__in=found, resident_id=resident.pk)}
    return [(e, entries.get(e.pk)) for e in found]


def household_problems(election: Election) -> int:
    """In a household election: the households with an eligible member and nobody voting for it."""
    if election.mode != "household":
        return 0
    with_vote = Voter.objects.filter(election=election, votes=True).values("household_id")
    return (Voter.objects.filter(election=election, eligible=True).exclude(household_id__isnull=True)
            .exclude(household_id__in=with_vote).values("household_id").distinct().count())


# ---------------------------------------------------------------- nominations and candidates

@dataclass
class NominationLine:
    nomination: Any
    name: str
    gender: str
    numbers: list[int]

    @property
    def post_label(self) -> str:
        return str(self.nomination.get_post_display())


def nominations(election: Election) -> list[NominationLine]:
    """Every nomination of the election with the nominee's name and the nominators' voter numbers
    (three queries)."""
    from .models import Nomination, Nominator

    rows = list(Nomination.objects.filter(election=election).select_related("nominee").order_by("post", "id"))
    numbers: dict[int, list[int]] = {}
    for nid, number in Nominator.objects.filter(nomination__in=rows).values_list("nomination_id", "voter__number"):
        numbers.setdefault(nid, []).append(int(number or 0))
    labels = regions.resident_labels(n.nominee.resident_id for n in rows)
    genders = regions.resident_genders(n.nominee.resident_id for n in rows)
    order = {p: i for i, p in enumerate(("director", "deputy", "member"))}
    rows.sort(key=lambda n: (order.get(n.post, 9), n.pk))
    return [NominationLine(n, labels.get(n.nominee.resident_id, ("",))[0], genders.get(n.nominee.resident_id, ""),
                           sorted(numbers.get(n.pk, []))) for n in rows]


def candidates(election: Election) -> list[dict[str, Any]]:
    """The formal candidates per post of the plan, in ballot order, with name, sex and age, and how
    the committee determined them."""
    from .models import Candidate
    from .services import HOW, post_label

    rows = list(Candidate.objects.filter(election=election).select_related("voter").order_by("post", "position"))
    labels = regions.resident_labels(c.voter.resident_id for c in rows)
    genders = regions.resident_genders(c.voter.resident_id for c in rows)
    out = []
    for post in (p for p in ("director", "deputy", "member") if p in (election.seats or {})):
        basis = (election.candidate_basis or {}).get(post, {})
        out.append({"post": post, "label": post_label(post), "seats": int(election.seats[post]),
                    "how": basis.get("how", ""), "how_label": str(HOW.get(basis.get("how", ""), "")), "note": basis.get("note", ""),
                    "candidates": [{"voter_id": c.voter_id, "name": labels.get(c.voter.resident_id, ("",))[0],
                                    "gender": genders.get(c.voter.resident_id, ""), "age": c.voter.age, "position": c.position}
                                   for c in rows if c.post == post]})
    return out


def public_candidates(actor: Any, pk: int) -> Election:
    """The published candidate list, for the residents of the community and its staff."""
    election = election_for(actor, pk)
    if election.status not in CANDIDATES_PUBLIC:
        raise NotFound("not_found", _(_NOT_FOUND))
    return election


def my_nominations(actor: Any, election_ids: list[int]) -> dict[int, list[Any]]:
    """``{election id: [the resident's nominations]}``."""
    from .models import Nomination

    resident = getattr(actor, "resident", None)
    if resident is None:
        return {}
    out: dict[int, list[Any]] = {}
    for n in Nomination.objects.filter(election_id__in=election_ids, nominee__resident_id=resident.pk).order_by("id"):
        out.setdefault(n.election_id, []).append(n)
    return out


def ballot_posts(election: Election, rnd: Any) -> list[dict[str, Any]]:
    """The posts on a round's ballot, each with its seats and its candidates in ballot order
    (name, sex, age)."""
    from .models import Voter
    from .services import post_label

    ids = [int(v) for p in rnd.candidates.values() for v in p]
    voters = {v.pk: v for v in Voter.objects.filter(pk__in=ids)}
    labels = regions.resident_labels(v.resident_id for v in voters.values())
    genders = regions.resident_genders(v.resident_id for v in voters.values())
    out = []
    for post in (p for p in ("director", "deputy", "member") if p in rnd.seats):
        people = [voters[int(v)] for v in rnd.candidates.get(post, []) if int(v) in voters]
        out.append({"post": post, "label": post_label(post), "seats": int(rnd.seats[post]), "write_ins": range(int(rnd.seats[post])),
                    "candidates": [{"voter_id": v.pk, "name": labels.get(v.resident_id, ("",))[0],
                                    "gender": genders.get(v.resident_id, ""), "age": v.age} for v in people]})
    return out


def rounds(election: Election) -> list[dict[str, Any]]:
    """Every round with its count as people read it: per post the votes of each person (name,
    whether written in), who was elected, and what the count left (a runoff, a further round)."""
    from .models import Round, Voter
    from .services import post_label

    out = []
    for r in Round.objects.filter(election=election).order_by("no"):
        posts = []
        people: set[int] = set()
        for p in r.result.get("posts", []):
            people |= {int(k) for k in p["votes"]} | {int(k) for k in p["elected"]}
        voters = {v.pk: v for v in Voter.objects.filter(pk__in=people)}
        labels = regions.resident_labels(v.resident_id for v in voters.values())
        for p in r.result.get("posts", []):
            on_ballot = {int(v) for v in r.candidates.get(p["post"], [])}
            lines = [{"voter_id": int(k), "name": labels.get(voters[int(k)].resident_id, ("",))[0] if int(k) in voters else k,
                      "votes": n, "written": int(k) not in on_ballot, "elected": k in p["elected"]}
                     for k, n in sorted(p["votes"].items(), key=lambda kv: (-kv[1], kv[0]))]
            posts.append({**p, "label": post_label(p["post"]), "lines": lines})
        recall = r.result.get("recall", [])
        if recall:  # 罢免表决: per member the approvals, the rest and whether he is recalled
            ids = [int(x["member"]) for x in recall]
            people_ = {v.pk: v.resident_id for v in Voter.objects.filter(pk__in=ids)}
            named = regions.resident_labels(people_.values())
            recall = [{**x, "label": post_label(x["post"]), "name": named[people_[int(x["member"])]][0]
                       if people_.get(int(x["member"])) in named else ""} for x in recall]
        out.append({"round": r, "posts": posts, "recall": recall})
    return out


def counted_rounds(election: Election) -> list[dict[str, Any]]:
    """The rounds already counted, as :func:`rounds` gives them (what residents may read)."""
    from .models import RoundStatus

    return [r for r in rounds(election) if r["round"].status == RoundStatus.COUNTED]


def elected(election: Election) -> list[dict[str, Any]]:
    """Everyone elected once the election is counted and complete, by post (in the plan's order)
    then by votes: ``{"voter", "name", "post", "label", "round", "counted_at"}``. Empty until then."""
    from .models import Recall, RecallStatus, Round, RoundKind, RoundStatus, Voter
    from .services import post_label
    from .states import Status

    if election.status != Status.COUNTED and not Recall.objects.filter(election=election, status=RecallStatus.VOTING).exists():
        return []
    rows = list(Round.objects.filter(election=election, status=RoundStatus.COUNTED).exclude(kind=RoundKind.RECALL).order_by("no"))
    if not rows or not rows[-1].result.get("complete"):
        return []
    picked: list[tuple[str, int, Any]] = []
    for r in rows:
        for p in r.result.get("posts", []):
            picked += [(p["post"], int(k), r) for k in p["elected"]]
    voters = {v.pk: v for v in Voter.objects.filter(pk__in=[v for _p, v, _r in picked])}
    labels = regions.resident_labels(v.resident_id for v in voters.values())
    gone = {int(v) for vs in Recall.objects.filter(election=election, status=RecallStatus.DECIDED).values_list("recalled", flat=True)
            for v in vs}  # recalled (罢免)
    order = {p: i for i, p in enumerate(("director", "deputy", "member"))}
    out = [{"voter": voters[v], "name": labels.get(voters[v].resident_id, ("",))[0], "post": post, "label": post_label(post),
            "round": r.no, "counted_at": r.counted_at} for post, v, r in picked if v in voters and v not in gone]
    return sorted(out, key=lambda x: (order.get(x["post"], 9), x["round"]))


def certificate_line(actor: Any, election: Election, voter_id: int) -> dict[str, Any]:
    """One person elected, for his certificate: the organisers may print anyone's, the person
    elected his own; everyone else (and before the election is complete) gets 404."""
    line = next((x for x in elected(election) if x["voter"].pk == voter_id), None)
    own = line is not None and line["voter"].resident_id == getattr(actor, "resident_id", None)
    if line is None or not (own or actor.has_perm("elections.manage", election)):
        raise NotFound("not_found", _(_NOT_FOUND))
    return line
