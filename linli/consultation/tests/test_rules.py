"""The rules grid of community consultation: every action for every role in every state of a
topic and of a resolution — the expected answer written down, checked against
``selectors.available_actions`` / ``selectors.resolution_actions`` (what pages and the API show)
and ``has_perm``. The topic is of 猎德社区; the owner is its proposer (a resident of 第1网格 with a
household), the other resident lives in the same grid. The rows are built in their state directly
(a fixture may; the services move them only through the lifecycles)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.consultation import selectors
from linli.consultation.models import Body, Matter, Meeting, Resolution, Topic
from linli.consultation.states import MeetingStatus, ResolutionStatus, Status
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
    check_cell,
    make_actor,
    words,
)

pytestmark = pytest.mark.django_db

# state name -> (topic status, meeting status or None, disclosed)
STATES: dict[str, tuple[str, str | None, bool]] = {
    "proposed": (Status.PROPOSED, None, False),
    "submitted": (Status.SUBMITTED, None, False),
    "taken_up": (Status.TAKEN_UP, None, False),
    "taken_up_meeting": (Status.TAKEN_UP, MeetingStatus.SCHEDULED, False),  # a meeting arranged, minutes to come
    "taken_up_held": (Status.TAKEN_UP, MeetingStatus.CLOSED, False),  # the minutes confirmed
    "taken_up_cancelled": (Status.TAKEN_UP, MeetingStatus.CANCELLED, False),
    "implementing": (Status.IMPLEMENTING, MeetingStatus.CLOSED, False),
    "implementing_disclosed": (Status.IMPLEMENTING, MeetingStatus.CLOSED, True),
    "completed": (Status.COMPLETED, MeetingStatus.CLOSED, False),
    "completed_disclosed": (Status.COMPLETED, MeetingStatus.CLOSED, True),
    "merged": (Status.MERGED, None, False),
    "referred": (Status.REFERRED, None, False),
    "declined": (Status.DECLINED, None, False),
    "withdrawn": (Status.WITHDRAWN, None, False),
}
NOTHING = dict.fromkeys(STATES, "")
CLOSED = ("merged", "referred", "declined", "withdrawn")
# a resident of the community follows every open topic, supports one until it is answered (supports
# still count while it waits for the answer), gives his opinion online while it is consulted (taken
# up), rates a completed one
LIVING_HERE = NOTHING | {s: "follow" for s in STATES if s not in CLOSED} | {
    "proposed": "support follow", "submitted": "support follow", "taken_up": "follow comment",
    "taken_up_meeting": "follow comment", "taken_up_held": "follow comment", "taken_up_cancelled": "follow comment",
    "completed": "follow rate", "completed_disclosed": "follow rate"}
PROPOSER = LIVING_HERE | {"proposed": "support follow withdraw"}
# the desk enters the households' supports signed on the paper form until the topic is answered
DESK = NOTHING | {"proposed": "support_paper", "submitted": "support_paper"}
MANAGER = NOTHING | {
    "proposed": "take_up merge refer decline support_paper", "submitted": "take_up merge refer decline support_paper",
    "taken_up": "schedule",
    "taken_up_held": "schedule decide", "taken_up_cancelled": "schedule", "implementing": "disclose add_resolution",
    "implementing_disclosed": "add_resolution", "completed": "disclose",
}
# 督办: an answer waiting, or a result not yet disclosed
SUPERVISOR = NOTHING | {"submitted": "urge", "implementing": "urge", "completed": "urge"}
STREET = {s: " ".join(filter(None, (MANAGER[s], SUPERVISOR[s]))) for s in STATES}
TABLE = {
    OWNER: PROPOSER, RESIDENT: LIVING_HERE, GRID: NOTHING, BUILDING_LEADER: NOTHING, CASEWORKER: DESK,
    ADMIN_HERE: MANAGER, ADMIN_NEIGHBOUR: NOTHING, ADMIN_ELSEWHERE: NOTHING, STREET_ABOVE: STREET, STREET_OTHER: NOTHING,
    DISTRICT: SUPERVISOR, CITY: SUPERVISOR, HANDLER: NOTHING, PROVIDER: NOTHING, ANONYMOUS: NOTHING,
}
# who reads the topic's staff pages (consultation.read)
READERS = {CASEWORKER, ADMIN_HERE, STREET_ABOVE, DISTRICT, CITY}

# resolution state name -> (resolution status, kind, topic status)
R_STATES: dict[str, tuple[str, str, str]] = {
    "planned": (ResolutionStatus.PLANNED, "community", Status.IMPLEMENTING),
    "in_progress": (ResolutionStatus.IN_PROGRESS, "community", Status.IMPLEMENTING),
    "done": (ResolutionStatus.DONE, "community", Status.IMPLEMENTING),  # a reopened topic's done step
    "done_completed": (ResolutionStatus.DONE, "community", Status.COMPLETED),
    "infeasible": (ResolutionStatus.INFEASIBLE, "community", Status.IMPLEMENTING),
    "planned_wo": (ResolutionStatus.PLANNED, "work_order", Status.IMPLEMENTING),
    "in_progress_wo": (ResolutionStatus.IN_PROGRESS, "work_order", Status.IMPLEMENTING),
    "done_wo": (ResolutionStatus.DONE, "work_order", Status.IMPLEMENTING),
    "planned_as": (ResolutionStatus.PLANNED, "assembly", Status.IMPLEMENTING),  # to be put to the owners' assembly
    "planned_dept": (ResolutionStatus.PLANNED, "department", Status.IMPLEMENTING),  # a request to a department
}
R_NOTHING = dict.fromkeys(R_STATES, "")
R_DESK = R_NOTHING | {"planned": "progress finish", "in_progress": "progress finish", "planned_wo": "progress",
                      "in_progress_wo": "progress", "planned_as": "progress finish", "planned_dept": "progress finish"}
R_MANAGER = R_NOTHING | {
    "planned": "progress finish infeasible", "in_progress": "progress finish infeasible", "done": "reopen",
    "planned_wo": "progress infeasible work_order", "in_progress_wo": "progress infeasible work_order", "done_wo": "reopen",
    "planned_as": "progress finish infeasible assembly", "planned_dept": "progress finish infeasible work_order",
}
RUNNING = ("planned", "in_progress", "planned_wo", "in_progress_wo", "planned_as", "planned_dept")
R_SUPERVISOR = R_NOTHING | dict.fromkeys(RUNNING, "urge")
R_STREET = {s: " ".join(filter(None, (R_MANAGER[s], R_SUPERVISOR[s]))) for s in R_STATES}
R_TABLE = {
    OWNER: R_NOTHING, RESIDENT: R_NOTHING, GRID: R_NOTHING, BUILDING_LEADER: R_NOTHING, CASEWORKER: R_DESK,
    ADMIN_HERE: R_MANAGER, ADMIN_NEIGHBOUR: R_NOTHING, ADMIN_ELSEWHERE: R_NOTHING, STREET_ABOVE: R_STREET,
    STREET_OTHER: R_NOTHING, DISTRICT: R_SUPERVISOR, CITY: R_SUPERVISOR, HANDLER: R_NOTHING, PROVIDER: R_NOTHING,
    ANONYMOUS: R_NOTHING,
}


class Grid:
    """One topic of 猎德社区 per state (the owner proposed each), and one resolution per resolution state."""

    def __init__(self, tree: Any, make_user: Any, registry: Any) -> None:
        community = tree.liede_sq
        self.owner = make_actor(OWNER, tree, make_user, registry)
        self.staff = make_user("community_admin", community, username="grid_builder")
        matter = Matter.objects.create(region_path=tree.city.path, region_name="广州市", name="公共设施", category="public")
        body = Body.objects.create(community=community, region_path=community.path, kind="council", name="猎德社区议事会")
        now, today = timezone.now(), timezone.localdate()
        self.topics: dict[str, Topic] = {}
        for n, (name, (status, meeting, disclosed)) in enumerate(STATES.items(), 1):
            t = Topic.objects.create(
                number=f"YSGRID{n:04d}", community=community, region_path=community.path, title=f"议题{name}",
                content="空地长期堆放杂物，建议清理。", matter=matter, source="resident", proposer=self.owner,
                proposer_name="业*", status=status, threshold=3, supports=1, body=body if meeting else None,
                form="meeting" if meeting else "", disclosure_id=1000 + n if disclosed else None,
                due_on=today + dt.timedelta(days=5))
            if meeting:
                starts = now + dt.timedelta(days=-2 if meeting == MeetingStatus.CLOSED else 4)
                Meeting.objects.create(topic=t, body=body, region_path=t.region_path, form="meeting", starts_at=starts,
                                       ends_at=starts + dt.timedelta(hours=2), place="社区二楼", agenda="讨论改建方案。",
                                       status=meeting, checkin_token=f"tok{n}", created_by=self.staff)
            self.topics[name] = t
        self.resolutions: dict[str, Resolution] = {}
        for n, (name, (status, kind, topic_status)) in enumerate(R_STATES.items(), 1):
            t = Topic.objects.create(
                number=f"YSRES{n:04d}", community=community, region_path=community.path, title=f"落实{name}",
                content="空地长期堆放杂物，建议清理。", matter=matter, source="resident", proposer=self.owner, status=topic_status,
                threshold=3, body=body, form="meeting", disclosure_id=2000 + n)
            self.resolutions[name] = Resolution.objects.create(
                topic=t, region_path=t.region_path, position=1, title="清理空地", kind=kind, owner="猎德街城管科",
                due_on=today + dt.timedelta(days=30), status=status,
                progress={"planned": 0, "in_progress": 40}.get(status, 100 if status == ResolutionStatus.DONE else 0),
                infeasible_reason="部门答复暂无资金安排。" if status == ResolutionStatus.INFEASIBLE else "")

    def actor(self, role: str, tree: Any, make_user: Any, registry: Any) -> Any:
        return self.owner if role == OWNER else make_actor(role, tree, make_user, registry)


@pytest.fixture
def grid(tree: Any, make_user: Any, registry: Any) -> Grid:
    return Grid(tree, make_user, registry)


def test_the_grid_names_every_role_and_state() -> None:
    assert set(TABLE) == set(ROLES) and set(R_TABLE) == set(ROLES)
    assert all(set(row) == set(STATES) for row in TABLE.values())
    assert all(set(row) == set(R_STATES) for row in R_TABLE.values())
    assert set(selectors.TOPIC_ACTIONS.perms) == {a for row in TABLE.values() for cell in row.values() for a in words(cell)}
    assert set(selectors.RESOLUTION_ACTIONS.perms) == {a for row in R_TABLE.values() for cell in row.values() for a in words(cell)}


@pytest.mark.parametrize("role", ROLES)
def test_topic_grid(role: str, grid: Grid, tree: Any, make_user: Any, registry: Any) -> None:
    actor = grid.actor(role, tree, make_user, registry)
    for state, topic in grid.topics.items():
        assert set(selectors.available_actions(actor, topic)) == words(TABLE[role][state]), (role, state)
        check_cell(selectors.TOPIC_ACTIONS, actor, topic, words(TABLE[role][state]))
        assert actor.has_perm("consultation.read", topic) == (role in READERS), (role, state)


@pytest.mark.parametrize("role", ROLES)
def test_resolution_grid(role: str, grid: Grid, tree: Any, make_user: Any, registry: Any) -> None:
    actor = grid.actor(role, tree, make_user, registry)
    for state, resolution in grid.resolutions.items():
        assert set(selectors.resolution_actions(actor, resolution)) == words(R_TABLE[role][state]), (role, state)
        check_cell(selectors.RESOLUTION_ACTIONS, actor, resolution, words(R_TABLE[role][state]))


def test_a_resident_who_moved_out_does_nothing(grid: Grid) -> None:
    """The proposer moved out of the community: he no longer supports, follows, withdraws or rates."""
    resident = grid.owner.resident
    resident.moved_out = timezone.localdate()
    resident.save(update_fields=["moved_out"])
    grid.owner.refresh_from_db()
    for state in ("proposed", "completed"):
        assert selectors.available_actions(grid.owner, grid.topics[state]) == [], state


def test_a_resident_without_a_household_follows_but_does_not_support(grid: Grid, tree: Any, make_user: Any,
                                                                      registry: Any) -> None:
    lodger = make_user("resident", tree.g_liede1, resident=registry.resident(grid=tree.g_liede1, name="租客"))
    assert lodger.resident.household_id is None
    assert set(selectors.available_actions(lodger, grid.topics["proposed"])) == {"follow"}
    assert set(selectors.available_actions(lodger, grid.topics["completed"])) == {"follow", "rate"}
