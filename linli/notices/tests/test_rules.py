"""The rules grid of notices: every action for every role in every state — the expected answer
written down, checked against ``selectors.available_actions`` (what pages and the API show) and
``has_perm``. The notice goes to 猎德社区; the owner is a resident of an addressed household, the
building leader answers for its building."""

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
from linli.notices import selectors
from linli.notices.models import Notice, NoticeHousehold
from linli.notices.states import Status as S

pytestmark = pytest.mark.django_db

LEADER = BUILDING_LEADER  # the building leader of the household's building (a duty in the chain)
NOTHING = dict.fromkeys(S.values, "")
SENDER = {S.DRAFT: "edit publish", S.PUBLISHED: "correct withdraw coverage export deliver", S.WITHDRAWN: "coverage export"}
# 督办 (urge): the admins over the area, while the notice is on the supervision clock
ADMIN = SENDER | {S.PUBLISHED: "correct withdraw coverage export deliver urge"}
SENDER_ABOVE = {S.DRAFT: "edit publish", S.PUBLISHED: "correct withdraw coverage export urge", S.WITHDRAWN: "coverage export"}
GRID_WORKER = {S.DRAFT: "", S.PUBLISHED: "coverage export deliver", S.WITHDRAWN: "coverage export"}
TABLE = {
    OWNER: {S.DRAFT: "", S.PUBLISHED: "confirm", S.WITHDRAWN: ""}, RESIDENT: NOTHING, GRID: GRID_WORKER,
    CASEWORKER: SENDER, ADMIN_HERE: ADMIN, ADMIN_ELSEWHERE: NOTHING, ADMIN_NEIGHBOUR: NOTHING, STREET_ABOVE: SENDER_ABOVE, STREET_OTHER: NOTHING,
    DISTRICT: SENDER_ABOVE, CITY: SENDER_ABOVE, HANDLER: NOTHING, PROVIDER: NOTHING, ANONYMOUS: NOTHING,
    LEADER: {S.DRAFT: "", S.PUBLISHED: "deliver", S.WITHDRAWN: ""},
}


@pytest.fixture
def world(tree, make_user, registry, root):
    from linli.accounts.roles import Role
    from linli.regions import services as rs

    household = registry.household(tree.g_liede1, number="301")
    owner = make_user(Role.RESIDENT, tree.g_liede1, resident=registry.resident(household=household, name="户主"))
    leader_res = registry.resident(household=registry.household(tree.g_liede1, number="302"), name="楼长")
    rs.assign_duty(actor=root, kind="building_leader", resident=leader_res, building=household.room.building)
    leader = make_user(Role.BUILDING_LEADER, tree.g_liede1, resident=leader_res)
    notices = {}
    for status in S.values:
        n = Notice.objects.create(title="停电通知", body="正文", status=status, must_reach=True, region_path=tree.liede_sq.path,
                                  sender=root, remind_at=timezone.now())
        if status != S.DRAFT:
            NoticeHousehold.objects.create(notice=n, household=household, building=household.room.building,
                                           region_path=household.region_path)
        notices[status] = n
    return {"owner": owner, "leader": leader, "notices": notices}


@pytest.mark.parametrize("role", ROLES)
def test_grid(role, world, tree, make_user):
    actor = {OWNER: world["owner"], LEADER: world["leader"]}.get(role) or make_actor(role, tree, make_user)
    for status, notice in world["notices"].items():
        check_cell(selectors.ACTIONS, actor, notice, words(TABLE[role][status]))


def test_confirm_disappears_once_read(world):
    from linli.notices import services

    notice = world["notices"][S.PUBLISHED]
    assert selectors.available_actions(world["owner"], notice) == ["confirm"]
    services.confirm(actor=world["owner"], notice=notice)
    assert selectors.available_actions(world["owner"], notice) == []


def test_the_grid_names_every_role():
    assert set(TABLE) == set(ROLES)


def test_urge_leaves_with_the_clock(world, tree, make_user):
    """No 督办 once every household is reached (the clock stops), nor on a notice that need not
    reach every household."""
    from linli.core.tests.rules_grid import make_actor

    notice = world["notices"][S.PUBLISHED]
    admin = make_actor(ADMIN_HERE, tree, make_user)
    assert "urge" in selectors.available_actions(admin, notice)
    NoticeHousehold.objects.filter(notice=notice).update(reached_at=timezone.now(), recorded_at=timezone.now(), how="phone")
    assert "urge" not in selectors.available_actions(admin, notice)
    NoticeHousehold.objects.filter(notice=notice).update(reached_at=None, recorded_at=None, how="")
    Notice.objects.filter(pk=notice.pk).update(must_reach=False)
    notice.refresh_from_db()
    assert "urge" not in selectors.available_actions(admin, notice)
