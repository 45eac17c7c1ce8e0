"""The rules grid of small public projects (微实事), in the style of the consultation grid.

First the rules: every permission of ``projects.rules`` for every role on a call of 猎德街, a call
of 猎德社区 and a project (an idea of 猎德社区 in the street's call, its designer assigned) — the
expected answer written down.

Then the states: ``selectors.call_actions`` for a call of the street and one of the community in
each state of the call, and ``selectors.project_actions`` for a project in each state, for the
staff, the designer and residents; and for every cell the service is tried (in a savepoint that
is rolled back): where an action is listed the service accepts it, where it is not the service
refuses it. The states are built through the services; the data the services ask for (a design
to review, a shortlist to vote on, photos before and after) is in place, so a refusal is about who
and when. The data rules themselves (finishing without photos, a review with ideas not designed)
are shown apart: the button is there, the service names what is missing.

Where the buttons and the services would disagree the cell goes to ``CALL_GAPS`` /
``PROJECT_GAPS`` (skipped by the grid) with a test that shows the disagreement; there are none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from linli.consultation.tests.conftest import PDF
from linli.core.errors import DomainError
from linli.core.tests.rules_grid import (
    ADMIN_ELSEWHERE,
    ADMIN_HERE,
    ADMIN_NEIGHBOUR,
    ANONYMOUS,
    BUILDING_LEADER,
    CASEWORKER,
    CITY,
    DISTRICT,
    GRID,
    HANDLER,
    OWNER,
    PROVIDER,
    RESIDENT,
    ROLES,
    STREET_ABOVE,
    STREET_OTHER,
    make_actor,
    perms_of,
    words,
)
from linli.projects import selectors, services
from linli.projects.models import Call, Photo, Project
from linli.projects.states import CallStatus, Status

from .conftest import png

pytestmark = pytest.mark.django_db

# the projects' own people beside the shared vocabulary (OWNER is the proposer, RESIDENT another
# resident of 猎德社区 第1网格, both with a household)
NEIGHBOUR = "resident_neighbour"  # a resident of 华标社区, the next community of 猎德街
FAR = "resident_elsewhere"  # a resident of 石牌社区, in 石牌街
DESIGNER = "designer"  # the account of 林设计, the designer assigned to the project (no resident record)
P_ROLES = (*ROLES, NEIGHBOUR, FAR, DESIGNER)


@pytest.fixture
def people(world: Any, tree: Any, make_user: Any) -> dict[str, Any]:
    """One person per role: the world's own where it has one, the shared grid's otherwise."""
    known = {OWNER: world.proposer, RESIDENT: world.r1, NEIGHBOUR: world.outsider, FAR: world.shipai_resident,
             DESIGNER: world.designer_user, CASEWORKER: world.clerk, ADMIN_HERE: world.admin,
             ADMIN_NEIGHBOUR: world.other_admin, STREET_ABOVE: world.street, DISTRICT: world.district}
    return {role: known[role] if role in known else make_actor(role, tree, make_user) for role in P_ROLES}


# ---------------------------------------------------------------- the rules

PERMS = ("propose", "vote", "follow", "rate", "withdraw", "design", "manage", "desk", "read", "supervise", "designers")
OBJECTS = ("street_call", "community_call", "project")
NONE = dict.fromkeys(OBJECTS, "")
LIVING = "propose vote follow rate"  # a current resident of the object's area
RUNS = "design manage desk read"  # the admins of the area (``design``: the desk may upload a design)
ABOVE = "read supervise designers"  # the district and the city: read, urge, keep the registry
PERM_TABLE: dict[str, dict[str, str]] = {
    OWNER: dict.fromkeys(OBJECTS, LIVING) | {"project": f"{LIVING} withdraw"},
    RESIDENT: dict.fromkeys(OBJECTS, LIVING),
    # 华标社区 is in the street's call, not in 猎德社区's call, and the project is built in 猎德社区
    NEIGHBOUR: NONE | {"street_call": LIVING},
    FAR: NONE,
    DESIGNER: NONE | {"project": "design"},
    GRID: NONE, BUILDING_LEADER: NONE,
    # a community's staff hold nothing on their street's call by the rules (the selectors let them
    # read it, and its desk accepts their own residents' ideas and ballots)
    CASEWORKER: NONE | {"community_call": "design desk read", "project": "design desk read"},
    ADMIN_HERE: NONE | {"community_call": RUNS, "project": RUNS},
    ADMIN_NEIGHBOUR: NONE, ADMIN_ELSEWHERE: NONE,
    STREET_ABOVE: dict.fromkeys(OBJECTS, f"{RUNS} supervise"),
    STREET_OTHER: NONE,
    DISTRICT: dict.fromkeys(OBJECTS, ABOVE), CITY: dict.fromkeys(OBJECTS, ABOVE),
    HANDLER: NONE, PROVIDER: NONE, ANONYMOUS: NONE,
}


@pytest.fixture
def objects(world: Any, tree: Any) -> dict[str, Any]:
    street_call = world.call()
    community_call = world.call(region=tree.liede_sq, title="2027年猎德社区微实事")
    p = world.idea(street_call)
    services.assign_designer(actor=world.street, project=p, designer_id=world.designer.pk)
    return {"street_call": street_call, "community_call": community_call, "project": Project.objects.get(pk=p.pk)}


def test_the_grid_names_every_permission_and_role() -> None:
    from rules.permissions import permissions

    assert {p for p in permissions if p.startswith("projects.")} == {f"projects.{p}" for p in PERMS}
    assert set(PERM_TABLE) == set(P_ROLES)
    assert all(set(row) == set(OBJECTS) for row in PERM_TABLE.values())
    assert {p for row in PERM_TABLE.values() for cell in row.values() for p in words(cell)} == set(PERMS)


@pytest.mark.parametrize("role", P_ROLES)
def test_permission_grid(role: str, people: dict[str, Any], objects: dict[str, Any]) -> None:
    actor = people[role]
    for name, obj in objects.items():
        held = {p.removeprefix("projects.") for p in perms_of(actor, [f"projects.{p}" for p in PERMS], obj)}
        assert held == words(PERM_TABLE[role][name]), (role, name)


def test_a_resident_who_moved_out_holds_nothing(people: dict[str, Any], objects: dict[str, Any]) -> None:
    owner = people[OWNER]
    resident = owner.resident
    resident.moved_out = timezone.localdate()
    resident.save(update_fields=["moved_out"])
    owner.refresh_from_db()
    for name, obj in objects.items():
        assert perms_of(owner, [f"projects.{p}" for p in PERMS], obj) == set(), name
    assert selectors.project_actions(owner, objects["project"]) == []
    assert selectors.call_actions(owner, objects["street_call"]) == []


def test_a_designer_replaced_on_the_project_no_longer_designs(world: Any, tree: Any, make_user: Any,
                                                              objects: dict[str, Any]) -> None:
    p = objects["project"]
    other_user = make_user("resident", tree.g_liede2, username="designer2")
    other = services.add_designer(actor=world.district, region=tree.tianhe, name="黄设计", profession="景观设计",
                                  organisation="天河景观所", streets=[tree.liede.code], username="designer2")
    services.assign_designer(actor=world.street, project=p, designer_id=other.pk)
    p = Project.objects.get(pk=p.pk)
    assert not world.designer_user.has_perm("projects.design", p) and other_user.has_perm("projects.design", p)
    assert selectors.project_actions(world.designer_user, p) == [] and selectors.project_actions(other_user, p) == ["design"]


# ---------------------------------------------------------------- trying a service

class _Undo(Exception):
    """Raised inside the savepoint to roll back a step the service accepted."""


def refusal(step: Callable[[], Any]) -> str | None:
    """None if the service accepts the step (rolled back at once), else the refusal's code."""
    try:
        with transaction.atomic():
            step()
            raise _Undo
    except _Undo:
        return None
    except DomainError as exc:
        return exc.code


# refusals that are about who or when (a refusal for bad input would hide a wrong cell)
WHO_OR_WHEN = {"forbidden", "illegal_transition", "ideas_closed", "not_voting", "not_completed", "not_running",
               "not_resident"}

IDEA = {"title": "楼道加装感应灯", "kind": "services", "description": "楼道夜间太暗，建议加装感应灯方便老人上下楼。"}
DESIGN = "木质座椅六组，透水砖铺装二十平方米，配遮阳棚一座，便于老人休息。"


# ---------------------------------------------------------------- the calls' states

CALL_STATES = ("ideas", "ideas_late", "design", "review", "review_no_vote", "voting", "voting_closed", "chosen", "closed",
               "cancelled")
CALL_ACTIONS = ("design", "review", "vote", "choose", "cancel", "from_resolution", "propose_desk", "propose", "paper",
                "ballot")
C_NOTHING = dict.fromkeys(CALL_STATES, "")
# the admins of the call's area: each step of the call in its state; an idea entered at the desk
# while ideas are collected; a paper ballot while the vote is open; a consultation's resolution
# (列入微实事项目) becomes an idea while ideas are collected (the service's rule); the list is
# published after the vote closes (or after the review when there is no vote)
C_MANAGER = C_NOTHING | {
    "ideas": "design cancel from_resolution propose_desk", "ideas_late": "design cancel", "design": "review cancel",
    "review": "vote cancel", "review_no_vote": "choose cancel", "voting": "cancel paper", "voting_closed": "choose cancel"}
# the desk of a community: its residents' ideas and paper ballots, in its own call and its street's
C_DESK = C_NOTHING | {"ideas": "propose_desk", "voting": "paper"}
C_LIVING = C_NOTHING | {"ideas": "propose", "voting": "ballot"}
CALL_ROLES = (STREET_ABOVE, ADMIN_HERE, CASEWORKER, RESIDENT, NEIGHBOUR, FAR, DISTRICT, STREET_OTHER, ANONYMOUS)
CALL_TABLE: dict[str, dict[str, dict[str, str]]] = {
    "street": {STREET_ABOVE: C_MANAGER, ADMIN_HERE: C_DESK, CASEWORKER: C_DESK, RESIDENT: C_LIVING, NEIGHBOUR: C_LIVING,
               FAR: C_NOTHING, DISTRICT: C_NOTHING, STREET_OTHER: C_NOTHING, ANONYMOUS: C_NOTHING},
    "community": {STREET_ABOVE: C_MANAGER, ADMIN_HERE: C_MANAGER, CASEWORKER: C_DESK, RESIDENT: C_LIVING,
                  NEIGHBOUR: C_NOTHING, FAR: C_NOTHING, DISTRICT: C_NOTHING, STREET_OTHER: C_NOTHING, ANONYMOUS: C_NOTHING},
}

# where ``call_actions`` and the services disagree today: (call, role, state, action)
FROM_RESOLUTION_LATE = {(scope, role, state, "from_resolution") for scope, roles in (
    ("street", (STREET_ABOVE,)), ("community", (STREET_ABOVE, ADMIN_HERE))) for role in roles
    for state in ("ideas_late", "design")}
CHOOSE_WHILE_VOTING = {("street", STREET_ABOVE, "voting", "choose")} | {
    ("community", role, "voting", "choose") for role in (STREET_ABOVE, ADMIN_HERE)}
VOTE_WITHOUT_VOTE = {("street", STREET_ABOVE, "review_no_vote", "vote")} | {
    ("community", role, "review_no_vote", "vote") for role in (STREET_ABOVE, ADMIN_HERE)}
COMMUNITY_DESK_IN_STREET_CALL = {("street", role, state, action) for role in (ADMIN_HERE, CASEWORKER)
                                 for state, action in (("ideas", "propose_desk"), ("voting", "paper"))}
CALL_GAPS: set[tuple[str, str, str, str]] = set()  # none left: the cells above are tested as the table says


class CallState:
    """A call of 猎德街 or of 猎德社区 in one state, with the proposer's idea carried as far as the
    state goes (designed, shortlisted, chosen), and a resolution of the consultation to be listed
    as a micro-project."""

    def __init__(self, world: Any, tree: Any, scope: str, state: str, resolution_id: int) -> None:
        self.world, self.tree, self.resolution_id = world, tree, resolution_id
        region = tree.liede if scope == "street" else tree.liede_sq
        call = world.call(region=region, vote_mode="none" if state == "review_no_vote" else "approval",
                          title=f"{region.name}微实事{state}")
        p = world.idea(call)
        if state == "cancelled":
            services.cancel_call(actor=world.street, call=call, reason="预算调整，本次征集取消")
        elif state == "ideas_late":
            Call.objects.filter(pk=call.pk).update(ideas_until=timezone.localdate() - dt.timedelta(days=1))
        elif state != "ideas":
            self._forward(call, p, state)
        self.call, self.project = Call.objects.get(pk=call.pk), Project.objects.get(pk=p.pk)

    def _forward(self, call: Any, p: Any, state: str) -> None:
        w = self.world
        w.designed(call, p)
        services.close_ideas(actor=w.street, call=call)
        if state == "design":
            return
        services.start_review(actor=w.street, call=call)
        w.review(p)
        if state in ("review", "review_no_vote"):
            return
        now = timezone.now()
        services.start_vote(actor=w.street, call=call, opens=now - dt.timedelta(minutes=1), closes=now + dt.timedelta(days=7))
        if state == "voting":
            return
        if state == "voting_closed":
            Call.objects.filter(pk=call.pk).update(vote_opens=now - dt.timedelta(days=7), vote_closes=now - dt.timedelta(seconds=1))
            return
        services.vote(actor=w.r2, call=call, project_ids=[p.pk])
        services.choose(actor=w.street, call=call, now=now + dt.timedelta(days=8))
        if state == "closed":
            services.infeasible(actor=w.street, project=p, reason="场地规划调整，项目所在地块列入旧改范围，暂不实施")

    def fresh(self) -> Call:
        return Call.objects.get(pk=self.call.pk)

    def steps(self) -> dict[str, Callable[[Any], Any]]:
        w, now = self.world, timezone.now()
        return {
            "design": lambda a: services.close_ideas(actor=a, call=self.fresh()),
            "review": lambda a: services.start_review(actor=a, call=self.fresh()),
            "vote": lambda a: services.start_vote(actor=a, call=self.fresh(), opens=now - dt.timedelta(minutes=1),
                                                  closes=now + dt.timedelta(days=7)),
            "choose": lambda a: services.choose(actor=a, call=self.fresh()),
            "cancel": lambda a: services.cancel_call(actor=a, call=self.fresh(), reason="预算调整，本次征集取消"),
            "from_resolution": lambda a: services.from_resolution(actor=a, call=self.fresh(), resolution_id=self.resolution_id,
                                                                  kind="works"),
            "propose_desk": lambda a: services.propose(actor=a, call=self.fresh(), community=self.tree.liede_sq,
                                                       on_behalf_of="王大爷", **IDEA),
            "propose": lambda a: services.propose(actor=a, call=self.fresh(), **IDEA),
            "paper": lambda a: services.record_paper(actor=a, call=self.fresh(), id_number=w.r3.resident.id_number,
                                                     project_ids=[self.project.pk], slip="ZP0901"),
            "ballot": lambda a: services.vote(actor=a, call=self.fresh(), project_ids=[self.project.pk]),
        }


@pytest.fixture
def resolution_id(world: Any) -> int:
    """A resolution of 猎德社区's consultation to be carried out as a micro-project (列入微实事项目)."""
    return world.decided(kinds=("project",)).resolutions.get().pk


def test_the_call_grid_names_every_role_state_and_action() -> None:
    for scope, table in CALL_TABLE.items():
        assert set(table) == set(CALL_ROLES), scope
        assert all(set(row) == set(CALL_STATES) for row in table.values()), scope
    listed = {a for t in CALL_TABLE.values() for row in t.values() for cell in row.values() for a in words(cell)}
    assert listed | {a for *_k, a in CALL_GAPS} == set(CALL_ACTIONS)
    assert all(scope in CALL_TABLE and role in CALL_ROLES and state in CALL_STATES for scope, role, state, _a in CALL_GAPS)


def _call_cell(scope: str, role: str, state: str, actor: Any, c: CallState) -> None:
    gaps = {a for s, r, st, a in CALL_GAPS if (s, r, st) == (scope, role, state)}
    expected = words(CALL_TABLE[scope][role][state])
    listed = set(selectors.call_actions(actor, c.call))
    assert listed - gaps == expected - gaps, (scope, role, state, listed)
    resident = getattr(actor, "resident", None)
    for action, step in c.steps().items():
        if action in gaps or (action == "propose_desk" and resident is not None):
            continue  # a resident's idea is one write, whichever form: ``propose`` covers it
        code = refusal(lambda step=step: step(actor))
        assert (code is None) == (action in expected), (scope, role, state, action, code)
        if code is not None:
            assert code in WHO_OR_WHEN or (action == "propose" and code == "invalid"), (scope, role, state, action, code)


@pytest.mark.parametrize("state", CALL_STATES)
def test_call_grid(state: str, world: Any, tree: Any, people: dict[str, Any], resolution_id: int) -> None:
    for scope in CALL_TABLE:
        c = CallState(world, tree, scope, state, resolution_id)
        assert c.call.status == {"ideas_late": CallStatus.IDEAS, "review_no_vote": CallStatus.REVIEW,
                                 "voting_closed": CallStatus.VOTING}.get(state, state), (scope, state)
        for role in CALL_ROLES:
            _call_cell(scope, role, state, people[role], c)


def _gap_cells(gaps: set[tuple[str, str, str, str]], world: Any, tree: Any, people: dict[str, Any]) -> None:
    """The cells of ``gaps`` as the table says: listed, and the service accepts."""
    built: dict[tuple[str, str], CallState] = {}
    failures = []
    for scope, role, state, action in sorted(gaps):
        c = built.get((scope, state)) or built.setdefault((scope, state), CallState(world, tree, scope, state, 0))
        actor = people[role]
        listed = action in selectors.call_actions(actor, c.call)
        code = refusal(lambda actor=actor, c=c, action=action: c.steps()[action](actor))
        if not listed or code is not None:
            failures.append((scope, role, state, action, "listed" if listed else "not listed", code or "accepted"))
    assert not failures, failures


def test_a_resolution_joins_the_call_only_while_it_is_offered(world: Any, tree: Any, people: dict[str, Any]) -> None:
    for scope, role, state, _a in FROM_RESOLUTION_LATE:  # the table: not offered once ideas close (the service's rule)
        c = CallState(world, tree, scope, state, 0)
        assert "from_resolution" not in selectors.call_actions(people[role], c.call), (scope, role, state)


def test_the_list_is_offered_once_the_vote_closes(world: Any, tree: Any, people: dict[str, Any]) -> None:
    for scope, role, state, _a in CHOOSE_WHILE_VOTING:
        c = CallState(world, tree, scope, state, 0)
        assert "choose" not in selectors.call_actions(people[role], c.call), (scope, role)
        assert refusal(lambda c=c, role=role: services.choose(actor=people[role], call=c.fresh())) == "not_voting"


def test_a_call_without_a_vote_is_not_offered_one(world: Any, tree: Any, people: dict[str, Any]) -> None:
    for scope, role, state, _a in VOTE_WITHOUT_VOTE:
        c = CallState(world, tree, scope, state, 0)
        assert c.call.vote_mode == "none"
        assert "vote" not in selectors.call_actions(people[role], c.call), (scope, role)


def test_a_communitys_desk_is_offered_its_streets_call(world: Any, tree: Any, people: dict[str, Any]) -> None:
    _gap_cells(COMMUNITY_DESK_IN_STREET_CALL, world, tree, people)


# ---------------------------------------------------------------- the data rules: the button, and what is missing

def test_data_rules_name_what_is_missing(world: Any, tree: Any, people: dict[str, Any]) -> None:
    """A listed step the data does not allow yet is refused with what is missing, not as a wrong state."""
    street = people[STREET_ABOVE]
    # the review waits for every idea to be designed
    call = world.call()
    p = world.idea(call)
    world.designed(call, p)
    world.idea(call, actor=world.r1, title="小区门口加装遮阳棚")  # no designer yet
    services.close_ideas(actor=street, call=call)
    call.refresh_from_db()
    assert "review" in selectors.call_actions(street, call)
    assert refusal(lambda: services.start_review(actor=street, call=Call.objects.get(pk=call.pk))) == "pending_review"
    # the chosen project is finished with photos before and after
    c = CallState(world, tree, "street", "chosen", 0)
    p = Project.objects.get(pk=c.project.pk)
    assert p.status == Status.CHOSEN and "finish" in selectors.project_actions(world.clerk, p)

    def finish() -> Any:
        return services.finish(actor=world.clerk, project=Project.objects.get(pk=p.pk), note="已完工验收")

    assert refusal(finish) == "no_photos"
    services.add_photo(actor=world.clerk, project=p, phase="before", data=png("gray"))
    assert refusal(finish) == "no_photos"
    services.add_photo(actor=world.clerk, project=p, phase="after", data=png("green"))
    assert refusal(finish) is None
    # the states' own refusals: an idea after the deadline, a ballot outside the vote
    late = CallState(world, tree, "street", "ideas_late", 0)
    assert "propose" not in selectors.call_actions(world.r1, late.call)
    assert refusal(lambda: services.propose(actor=world.r1, call=late.fresh(), **IDEA)) == "ideas_closed"
    assert refusal(lambda: services.propose(actor=street, call=late.fresh(), community=tree.liede_sq, **IDEA)) == "ideas_closed"
    for state in ("review", "voting_closed", "chosen"):
        c = CallState(world, tree, "street", state, 0)
        assert "ballot" not in selectors.call_actions(world.r1, c.call), state
        assert refusal(lambda c=c: services.vote(actor=world.r1, call=c.fresh(), project_ids=[c.project.pk])) == "not_voting"
        assert refusal(lambda c=c: services.record_paper(actor=world.clerk, call=c.fresh(), id_number=world.r3.resident.id_number,
                                                         project_ids=[c.project.pk], slip="ZP0902")) == "not_voting", state


# ---------------------------------------------------------------- the projects' states

P_STATES = ("idea", "idea_in_design", "designing", "designed", "designed_review", "shortlisted", "rejected", "chosen",
            "not_chosen", "in_progress", "done", "infeasible", "withdrawn")
P_ACTIONS = ("assign", "review", "infeasible", "design", "progress", "photo", "finish", "withdraw", "rate", "follow",
             "unfollow", "urge")
P_NOTHING = dict.fromkeys(P_STATES, "")
OPEN_IDEA = ("idea", "idea_in_design", "designing", "designed", "designed_review")
DRAWN = ("designing", "designed", "designed_review")  # a design to submit (again), the call not past its review
# the admins of the area: a designer while ideas are collected or designed; the body's review
# recorded while the call is in design or review; the works carried out (photos also after them)
P_MANAGER = P_NOTHING | {
    "idea": "assign", "idea_in_design": "assign review", "designing": "assign design", "designed": "review design",
    "designed_review": "review design", "chosen": "infeasible progress photo finish",
    "in_progress": "infeasible progress photo finish", "done": "photo"}
P_DESK = P_NOTHING | dict.fromkeys(DRAWN, "design") | dict.fromkeys(("chosen", "in_progress"), "progress photo finish") | {
    "done": "photo"}
P_URGE = P_NOTHING | dict.fromkeys(("chosen", "in_progress"), "urge")  # 督办 while the works run
# the proposer follows his idea from the start, withdraws it until the body has reviewed it, rates it once done
P_PROPOSER = dict.fromkeys(P_STATES, "unfollow") | dict.fromkeys(OPEN_IDEA, "withdraw unfollow") | {"done": "rate unfollow"}
P_LIVING = dict.fromkeys(P_STATES, "follow") | {"done": "follow rate"}
PROJECT_ROLES = (STREET_ABOVE, ADMIN_HERE, CASEWORKER, DESIGNER, OWNER, RESIDENT, NEIGHBOUR, FAR, DISTRICT, CITY,
                 STREET_OTHER, ADMIN_NEIGHBOUR, ANONYMOUS)
PROJECT_TABLE: dict[str, dict[str, str]] = {
    STREET_ABOVE: {s: " ".join(filter(None, (P_MANAGER[s], P_URGE[s]))) for s in P_STATES},
    ADMIN_HERE: P_MANAGER, CASEWORKER: P_DESK, DESIGNER: P_NOTHING | dict.fromkeys(DRAWN, "design"),
    OWNER: P_PROPOSER, RESIDENT: P_LIVING, NEIGHBOUR: P_NOTHING, FAR: P_NOTHING, DISTRICT: P_URGE, CITY: P_URGE,
    STREET_OTHER: P_NOTHING, ADMIN_NEIGHBOUR: P_NOTHING, ANONYMOUS: P_NOTHING,
}
# where ``project_actions`` and the services disagree today: (role, state, action)
PHOTO_WHEN_DONE = {(role, "done", "photo") for role in (STREET_ABOVE, ADMIN_HERE, CASEWORKER)}
PROJECT_GAPS: set[tuple[str, str, str]] = set()
# the step each action tries (``unfollow`` only removes one's own row: it refuses no one)
ACCEPTED_WHEN = {"follow": {"follow", "unfollow"}}  # following again is accepted (and changes nothing)


class ProjectState:
    """The proposer's idea in 猎德街's call (no residents' vote: the body's shortlist decides),
    carried through the services to one state."""

    def __init__(self, world: Any, state: str) -> None:
        self.world = world
        w = world
        call = w.call(vote_mode="none", title=f"猎德街微实事{state}")
        p = w.idea(call)
        rival = w.idea(call, actor=w.r2, title="小区门口加装遮阳棚") if state == "not_chosen" else None
        if state == "withdrawn":
            services.withdraw(actor=w.proposer, project=p)
        elif state in ("idea_in_design", "rejected"):
            services.close_ideas(actor=w.street, call=call)
            if state == "rejected":
                w.review(p, decision="reject", votes=(1, 5, 0))
        elif state != "idea":
            services.assign_designer(actor=w.street, project=p, designer_id=w.designer.pk)
            if state != "designing":
                self._forward(call, p, rival, state)
        self.project = Project.objects.get(pk=p.pk)

    def _forward(self, call: Any, p: Any, rival: Any, state: str) -> None:
        w = self.world
        self._design(p, "80000")
        if rival is not None:  # more votes of the body and most of the budget: chosen before p, which no longer fits
            services.assign_designer(actor=w.street, project=rival, designer_id=w.designer.pk)
            self._design(rival, "250000")
        services.close_ideas(actor=w.street, call=call)
        if state == "designed":
            return
        services.start_review(actor=w.street, call=call)
        if state == "designed_review":
            return
        w.review(p)
        if rival is not None:
            w.review(rival, votes=(9, 0, 0))
        if state == "shortlisted":
            return
        services.choose(actor=w.street, call=call)
        if state == "in_progress":
            services.progress(actor=w.clerk, project=p, percent=40, note="座椅基础已浇筑")
        elif state == "done":
            services.add_photo(actor=w.clerk, project=p, phase="before", data=png("gray"))
            services.add_photo(actor=w.clerk, project=p, phase="after", data=png("green"))
            services.finish(actor=w.clerk, project=p, note="已完工验收")
        elif state == "infeasible":
            services.infeasible(actor=w.street, project=p, reason="场地规划调整，项目所在地块列入旧改范围，暂不实施")

    def _design(self, p: Any, cost: str) -> None:
        services.submit_design(actor=self.world.designer_user, project=Project.objects.get(pk=p.pk), cost=Decimal(cost),
                               schedule_days=30, design=DESIGN, drawings=("图纸.pdf", PDF))

    def fresh(self) -> Project:
        return Project.objects.get(pk=self.project.pk)

    def _finish(self, actor: Any) -> Any:
        p = self.fresh()
        for phase in ("before", "after"):  # the photos the data rule asks for (rows only: the check reads their phases)
            Photo.objects.create(project=p, phase=phase, file=f"projects/grid-{phase}.png", content_type="image/png")
        return services.finish(actor=actor, project=p, note="已完工验收")

    def steps(self) -> dict[str, Callable[[Any], Any]]:
        w, today = self.world, timezone.localdate()
        return {
            "assign": lambda a: services.assign_designer(actor=a, project=self.fresh(), designer_id=w.designer.pk),
            "review": lambda a: services.record_review(
                actor=a, project=self.fresh(), decision="shortlist" if self.fresh().status == Status.DESIGNED else "reject",
                opinion="方案可行，造价合理。", meeting_on=today, votes_for=5, votes_against=1),
            "infeasible": lambda a: services.infeasible(actor=a, project=self.fresh(),
                                                        reason="场地规划调整，项目所在地块列入旧改范围，暂不实施"),
            "design": lambda a: services.submit_design(actor=a, project=self.fresh(), cost=Decimal("90000"), schedule_days=20,
                                                       design=DESIGN, drawings=("图纸.pdf", PDF)),
            "progress": lambda a: services.progress(actor=a, project=self.fresh(), percent=50, note="座椅已安装一半"),
            "photo": lambda a: services.add_photo(actor=a, project=self.fresh(), phase="during", data=png("blue")),
            "finish": self._finish,
            "withdraw": lambda a: services.withdraw(actor=a, project=self.fresh()),
            "rate": lambda a: services.rate(actor=a, project=self.fresh(), rating=5),
            "follow": lambda a: services.follow(actor=a, project=self.fresh()),
            "urge": lambda a: services.urge(actor=a, obj=self.fresh(), note="请加快进度"),
        }


def test_the_project_grid_names_every_role_state_and_action() -> None:
    assert set(PROJECT_TABLE) == set(PROJECT_ROLES)
    assert all(set(row) == set(P_STATES) for row in PROJECT_TABLE.values())
    assert {a for row in PROJECT_TABLE.values() for cell in row.values() for a in words(cell)} == set(P_ACTIONS)


@pytest.mark.parametrize("state", P_STATES)
def test_project_grid(state: str, world: Any, people: dict[str, Any]) -> None:
    ps = ProjectState(world, state)
    p = ps.project
    assert p.status == {"idea_in_design": Status.IDEA, "designed_review": Status.DESIGNED}.get(state, state)
    for role in PROJECT_ROLES:
        actor = people[role]
        gaps = {a for r, s, a in PROJECT_GAPS if (r, s) == (role, state)}
        expected = words(PROJECT_TABLE[role][state])
        listed = set(selectors.project_actions(actor, p))
        assert listed - gaps == expected - gaps, (role, state, listed)
        for action, step in ps.steps().items():
            if action in gaps:
                continue
            code = refusal(lambda step=step, actor=actor: step(actor))
            assert (code is None) == bool(ACCEPTED_WHEN.get(action, {action}) & expected), (role, state, action, code)
            if code is not None:
                assert code in WHO_OR_WHEN, (role, state, action, code)


def test_a_done_project_offers_its_photos(world: Any, people: dict[str, Any]) -> None:
    ps = ProjectState(world, "done")
    for role, _state, _action in sorted(PHOTO_WHEN_DONE):
        assert refusal(lambda role=role: ps.steps()["photo"](people[role])) is None, role  # the service accepts
        assert "photo" in selectors.project_actions(people[role], ps.project), role
