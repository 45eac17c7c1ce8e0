"""The rules grid of work orders: every action, for every role (the handling unit's member
among them), in every state — the expected answer written down, checked against
``selectors.available_actions`` (the order page's buttons, the API's ``actions``) and ``has_perm``."""

import datetime as dt

import pytest
from django.utils import timezone

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
from linli.workorders import selectors
from linli.workorders.models import HandlingUnit, WorkOrder
from linli.workorders.states import Status as S

pytestmark = pytest.mark.django_db

NOTHING = dict.fromkeys(S.values, "")
# caseworkers of the community: register, dispatch, verify (no 督办 or 延期)
DISPATCHER = {
    S.SUBMITTED: "register refuse merge", S.REGISTERED: "dispatch merge", S.DISPATCHED: "reroute",
    S.IN_PROGRESS: "reroute", S.DONE_REPORTED: "verify_pass verify_fail",
    S.CLOSED: "", S.RATED: "", S.NOT_REGISTERED: "", S.WITHDRAWN: "", S.MERGED: "",
}
# the admins of the community, street, district or city: the same, and 督办 / 延期 while open
SUPERVISOR = {
    S.SUBMITTED: "register refuse merge urge",  # no deadline to extend before registration
    S.REGISTERED: "dispatch merge urge extend", S.DISPATCHED: "reroute urge extend",
    S.IN_PROGRESS: "reroute urge extend", S.DONE_REPORTED: "verify_pass verify_fail urge extend",
    S.CLOSED: "", S.RATED: "", S.NOT_REGISTERED: "", S.WITHDRAWN: "", S.MERGED: "",
}
REPORTER = NOTHING | {S.SUBMITTED: "withdraw", S.CLOSED: "rate"}  # reopening goes through a follow-up
UNIT_MEMBER = NOTHING | {S.DISPATCHED: "accept send_back", S.IN_PROGRESS: "report_done"}
ORDER_GRID = {
    OWNER: REPORTER, RESIDENT: NOTHING, GRID: NOTHING, CASEWORKER: DISPATCHER, ADMIN_HERE: SUPERVISOR,
    ADMIN_ELSEWHERE: NOTHING, ADMIN_NEIGHBOUR: NOTHING, BUILDING_LEADER: NOTHING, STREET_ABOVE: SUPERVISOR, STREET_OTHER: NOTHING, DISTRICT: SUPERVISOR,
    CITY: SUPERVISOR, HANDLER: UNIT_MEMBER, PROVIDER: NOTHING, ANONYMOUS: NOTHING,
}


def _order(tree, reporter, unit, status, **kw):
    return WorkOrder(number="1", channel="web", description="路灯不亮", region=tree.g_liede1,
                     region_path=tree.g_liede1.path, reporter=reporter, unit=unit, status=status,
                     due_at=timezone.now() + dt.timedelta(days=3), **kw)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", S.values)
def test_order_grid(role, status, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    reporter = actor if role == OWNER else make_user("resident", tree.g_liede1)
    unit = HandlingUnit.objects.create(name="天河区城管局", kind="department", region=tree.tianhe, region_path=tree.tianhe.path)
    unit.members.add(actor if role == HANDLER else make_user("handler", tree.tianhe))
    check_cell(selectors.ORDER_ACTIONS, actor, _order(tree, reporter, unit, status), words(ORDER_GRID[role][status]))


def test_a_handler_of_another_unit_and_a_rated_order(tree, make_user):
    """Only the member of the unit the order is with handles it; an order is rated once."""
    unit = HandlingUnit.objects.create(name="猎德街道办", kind="street", region=tree.liede, region_path=tree.liede.path)
    other = make_user("handler", tree.liede)
    assert selectors.available_actions(other, _order(tree, None, unit, S.DISPATCHED)) == []
    reporter = make_user("resident", tree.g_liede1)
    assert selectors.available_actions(reporter, _order(tree, reporter, None, S.CLOSED, rating=4)) == []


def test_the_supervise_page_takes_its_slice_of_the_same_actions(tree, make_user):
    admin = make_user("street_admin", tree.liede)
    order = _order(tree, None, None, S.IN_PROGRESS)
    assert selectors.supervisor_actions(admin, order) == ["reroute", "urge", "extend"]
    assert selectors.supervisor_actions(make_user("caseworker", tree.liede_sq), order) == ["reroute"]
