"""The rules grid of the service station: every action on a provider, an offering and a review,
for every role (the provider's own staff among them), in every state — the expected answer
written down, checked against ``selectors.available_actions`` (the vetting page, the console,
the API's ``actions``) and ``has_perm``."""

import pytest

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
from linli.station import selectors
from linli.station.models import Offering, Provider, Review
from linli.station.states import ProviderState as PS

pytestmark = pytest.mark.django_db

NO_PROVIDER = dict.fromkeys(PS.values, "")
# the admins over the provider's area (it applied at 猎德社区)
VETTER = {PS.PENDING: "approve reject", PS.APPROVED: "suspend", PS.REJECTED: "approve", PS.SUSPENDED: "approve"}
STAFF = NO_PROVIDER | {PS.APPROVED: "offer"}  # publish a new offering once approved
PROVIDER_GRID = {
    OWNER: NO_PROVIDER, RESIDENT: NO_PROVIDER, GRID: NO_PROVIDER, CASEWORKER: NO_PROVIDER, ADMIN_HERE: VETTER,
    ADMIN_ELSEWHERE: NO_PROVIDER, ADMIN_NEIGHBOUR: NO_PROVIDER, BUILDING_LEADER: NO_PROVIDER, STREET_ABOVE: VETTER, STREET_OTHER: NO_PROVIDER, DISTRICT: VETTER, CITY: VETTER,
    HANDLER: NO_PROVIDER, PROVIDER: STAFF, ANONYMOUS: NO_PROVIDER,
}


def _provider(tree, state, staff):
    p = Provider.objects.create(name="康乐家政", uscc="91440106MA5CXXXX1X", kind="merchant", contact_name="李",
                                contact_phone="13800001111", address="猎德路", region=tree.liede_sq,
                                region_path=tree.liede_sq.path, state=state,
                                state_reason="材料不全" if state in (PS.REJECTED, PS.SUSPENDED) else "")
    p.staff.add(staff)
    return p


def _staff(role, actor, tree, make_user):
    return actor if role == PROVIDER else make_user("provider_staff", tree.liede_sq)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", PS.values)
def test_provider_grid(role, state, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    provider = _provider(tree, state, _staff(role, actor, tree, make_user))
    check_cell(selectors.PROVIDER_ACTIONS, actor, provider, words(PROVIDER_GRID[role][state]))


# ---------------------------------------------------------------- offerings: (published?, provider's state)

OFFERING_STATES = ("on/approved", "off/approved", "on/suspended", "off/suspended")
NO_OFFERING = dict.fromkeys(OFFERING_STATES, "")
RUNS_IT = {"on/approved": "unpublish", "off/approved": "publish", "on/suspended": "unpublish", "off/suspended": ""}
OFFERING_GRID = dict.fromkeys(ROLES, NO_OFFERING) | {PROVIDER: RUNS_IT}  # vetters suspend the provider instead


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", OFFERING_STATES)
def test_offering_grid(role, state, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    published, provider_state = state.split("/")
    provider = _provider(tree, provider_state, _staff(role, actor, tree, make_user))
    offering = Offering(provider=provider, title="上门保洁", category="housekeeping", price_type="market",
                        description="两小时", active=published == "on")
    check_cell(selectors.OFFERING_ACTIONS, actor, offering, words(OFFERING_GRID[role][state]))


# ---------------------------------------------------------------- reviews: (replied?, hidden?)

REVIEW_STATES = ("new", "replied", "hidden", "replied/hidden")
NO_REVIEW = dict.fromkeys(REVIEW_STATES, "")
MODERATOR = {"new": "hide", "replied": "hide", "hidden": "", "replied/hidden": ""}
ANSWERS = {"new": "reply", "replied": "", "hidden": "reply", "replied/hidden": ""}
REVIEW_GRID = {
    OWNER: NO_REVIEW,  # the resident who wrote it
    RESIDENT: NO_REVIEW, GRID: NO_REVIEW, CASEWORKER: NO_REVIEW, ADMIN_HERE: MODERATOR, ADMIN_ELSEWHERE: NO_REVIEW, ADMIN_NEIGHBOUR: NO_REVIEW, BUILDING_LEADER: NO_REVIEW,
    STREET_ABOVE: MODERATOR, STREET_OTHER: NO_REVIEW, DISTRICT: MODERATOR, CITY: MODERATOR, HANDLER: NO_REVIEW,
    PROVIDER: ANSWERS, ANONYMOUS: NO_REVIEW,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", REVIEW_STATES)
def test_review_grid(role, state, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    provider = _provider(tree, PS.APPROVED, _staff(role, actor, tree, make_user))
    offering = Offering(provider=provider, title="上门保洁", category="housekeeping", price_type="market", description="两小时")
    author = actor if role == OWNER else make_user("resident", tree.g_liede1)
    review = Review(offering=offering, user=author, rating=2, text="迟到", reply="抱歉" if "replied" in state else "",
                    hidden="hidden" in state, hidden_reason="辱骂" if "hidden" in state else "")
    check_cell(selectors.REVIEW_ACTIONS, actor, review, words(REVIEW_GRID[role][state]))
