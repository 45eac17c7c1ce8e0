"""Who may do what with a notice.

- 发布方: caseworkers and the admins (community, street, district, city) over the notice's area
  draft, publish, correct and withdraw it.
- 覆盖情况: the senders and the grid workers over the area follow its coverage.
- 居民: a resident of an addressed household reads and confirms it.
- 动员体系: a building leader or resident representative records deliveries for the households
  of his buildings; the grid worker, caseworker and community admin over the household too.
"""

import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

SENDER_ROLES = (Role.CASEWORKER, *ADMIN_ROLES)
FOLLOW_ROLES = (Role.GRID_WORKER, *SENDER_ROLES)
RECORD_ROLES = (Role.GRID_WORKER, Role.CASEWORKER, Role.COMMUNITY_ADMIN)

send = holds_over(*SENDER_ROLES)
staff_records = holds_over(*RECORD_ROLES)


def overlaps(*roles: str) -> rules.Predicate:
    """The user holds one of ``roles`` on a node that contains the notice's area or lies inside it
    (a grid worker follows a community-wide notice in his grid; the selectors narrow the rows)."""
    from linli.accounts.selectors import scope_paths

    @rules.predicate(name=f"overlaps:{','.join(roles)}")
    def _overlaps(user, notice) -> bool:  # type: ignore[no-untyped-def]
        path = getattr(notice, "region_path", None)
        if path is None:
            return False
        return any(path.startswith(p) or p.startswith(path) for p in scope_paths(user, roles))

    return _overlaps


follow = overlaps(*FOLLOW_ROLES)


def _household_id(user) -> int | None:  # type: ignore[no-untyped-def]
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if resident is None or resident.moved_out is not None:
        return None
    return resident.household_id


@rules.predicate
def addressed(user, notice) -> bool:  # type: ignore[no-untyped-def]
    """The user's household is one the published notice was addressed to."""
    hid = _household_id(user)
    if notice is None or hid is None or notice.pk is None:
        return False
    return notice.households.filter(household_id=hid).exists()


@rules.predicate
def leads_in(user, notice) -> bool:  # type: ignore[no-untyped-def]
    """The user answers (楼长/居民代表) for a building among the notice's households."""
    from linli.regions.selectors import duty_buildings

    if notice is None or notice.pk is None or not getattr(user, "is_authenticated", False):
        return False
    buildings = duty_buildings(getattr(user, "resident_id", None))
    return bool(buildings) and notice.households.filter(building_id__in=buildings).exists()


@rules.predicate
def leads_building(user, row) -> bool:  # type: ignore[no-untyped-def]
    """For one addressed household: the user answers for its building."""
    from linli.regions.selectors import duty_buildings

    if row is None or not getattr(user, "is_authenticated", False):
        return False
    return row.building_id in duty_buildings(getattr(user, "resident_id", None))


rules.add_perm("notices.send", send)
rules.add_perm("notices.coverage", follow)
rules.add_perm("notices.view", follow | addressed | leads_in)
rules.add_perm("notices.confirm", addressed)
rules.add_perm("notices.deliver", leads_in | overlaps(*RECORD_ROLES))
rules.add_perm("notices.record", leads_building | staff_records)  # over one NoticeHousehold
rules.add_perm("notices.supervise", holds_over(*ADMIN_ROLES))
