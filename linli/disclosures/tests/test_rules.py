"""The rules grid of public disclosure: every action, for every role, in every state, for a
residents-only kind and a public kind — checked against ``available_actions`` (the buttons and
the API's ``actions``) and ``has_perm``."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.tests.rules_grid import (
    ADMIN_ELSEWHERE,
    ADMIN_HERE,
    ANONYMOUS,
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
from linli.disclosures import selectors
from linli.disclosures.models import Disclosure, Objection
from linli.disclosures.states import ObjectionStatus as OS
from linli.disclosures.states import Status as S

pytestmark = pytest.mark.django_db

NOTHING = dict.fromkeys(S.values, "")
STAFF = {S.DRAFT: "publish withdraw", S.OPEN: "correct withdraw", S.CLOSED: "correct", S.WITHDRAWN: "", S.SUPERSEDED: ""}
AUDIENCE = NOTHING | {S.OPEN: "object"}
STAFF_ROLES = {CASEWORKER, ADMIN_HERE, STREET_ABOVE, DISTRICT, CITY}
LIVES_THERE = {OWNER, RESIDENT}


def expected(role, public):
    if role in STAFF_ROLES:
        return STAFF
    if role in LIVES_THERE or public:
        return AUDIENCE
    return NOTHING


def _actor(role, tree, make_user, registry):
    if role in LIVES_THERE:  # residents with their registry record in 猎德社区
        person = registry.resident(household=registry.household(tree.g_liede1, number=f"1{len(role)}"), name="居民甲")
        return make_user("resident", tree.g_liede1, resident=person)
    return make_actor(role, tree, make_user)


def _disclosure(tree, kind, status):
    today = timezone.localdate()
    return Disclosure(kind=kind, region_path=tree.liede_sq.path, region_name="猎德社区", title="公示", content="内容内容",
                      status=status, starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=3))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("kind", ["disclosures.resolution", "disclosures.general"])
def test_disclosure_grid(role, status, kind, tree, make_user, registry):
    actor = _actor(role, tree, make_user, registry)
    public = kind == "disclosures.general"
    check_cell(selectors.DISCLOSURE_ACTIONS, actor, _disclosure(tree, kind, status), words(expected(role, public)[status]))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", OS.values)
def test_objection_grid(role, status, tree, make_user, registry):
    actor = _actor(role, tree, make_user, registry)
    d = _disclosure(tree, "disclosures.resolution", S.OPEN)
    o = Objection(disclosure=d, region_path=d.region_path, text="有异议", status=status, due_on=timezone.localdate())
    want = ""
    if role in STAFF_ROLES:  # staff of the area answer while lodged, and see the whole contact (logged) in any state
        want = "answer reveal_contact" if status == OS.LODGED else "reveal_contact"
    check_cell(selectors.OBJECTION_ACTIONS, actor, o, words(want))


def test_close_only_after_the_period_and_nothing_to_object_to_then(tree, make_user):
    staff = make_user("caseworker", tree.liede_sq)
    d = _disclosure(tree, "disclosures.general", S.OPEN)
    d.ends_on = timezone.localdate() - dt.timedelta(days=1)
    assert selectors.available_actions(staff, d) == ["correct", "withdraw", "close"]
    assert selectors.available_actions(make_actor(ANONYMOUS, tree, make_user), d) == []
    d.starts_on, d.ends_on = timezone.localdate() + dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=5)
    assert selectors.available_actions(make_actor(GRID, tree, make_user), d) == []  # not yet begun


@pytest.mark.parametrize("role", [ADMIN_ELSEWHERE, STREET_OTHER, HANDLER, PROVIDER, GRID, ANONYMOUS])
def test_outsiders_do_not_see_a_residents_only_kind(role, tree, make_user):
    actor = make_actor(role, tree, make_user)
    assert not actor.has_perm("disclosures.view", _disclosure(tree, "disclosures.resolution", S.OPEN))
    assert actor.has_perm("disclosures.view", _disclosure(tree, "disclosures.general", S.OPEN))
    # a closed voter list is not archived publicly: only staff read it afterwards
    assert not actor.has_perm("disclosures.view", _disclosure(tree, "disclosures.voter_list", S.CLOSED))
