"""Who may do what in community consultation.

- 居民: a current resident of the community proposes a topic, supports it once per household,
  follows it and rates the result; the proposer withdraws his own topic while it gathers support.
  Topics, meetings, outcomes and their progress are public on the community's portal.
- 社区: the community admin (and the street admin, which guides consultation in its streets)
  answers topics, chooses the body and the form, arranges meetings, records the outcome and its
  resolutions, publishes the result; the caseworkers keep the desk (a resident's proposal entered
  on his behalf, attendance, progress of a resolution).
- 督办: the street, district and city admins over the area urge an overdue answer or resolution.
- 事项清单: an admin keeps the list of consultable matters of his own level and below.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

MANAGER_ROLES = (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN)
DESK_ROLES = (Role.CASEWORKER, *MANAGER_ROLES)
FOLLOW_ROLES = (Role.CASEWORKER, *ADMIN_ROLES)
SUPERVISOR_ROLES = (Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN)

manage = holds_over(*MANAGER_ROLES)
desk = holds_over(*DESK_ROLES)
follow = holds_over(*FOLLOW_ROLES)
supervise = holds_over(*SUPERVISOR_ROLES)
keep_list = holds_over(*ADMIN_ROLES)


def _resident(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    resident = getattr(user, "resident", None)
    return None if resident is None or resident.moved_out is not None else resident


@rules.predicate
def lives_here(user: Any, obj: Any) -> bool:
    """The user is a current resident of the object's community (a topic, or the community node)."""
    resident = _resident(user)
    path = getattr(obj, "region_path", "") if obj is not None else ""
    return resident is not None and bool(path) and (resident.region_path or "").startswith(path)


@rules.predicate
def has_household(user: Any) -> bool:
    resident = _resident(user)
    return resident is not None and resident.household_id is not None


@rules.predicate
def is_proposer(user: Any, topic: Any) -> bool:
    return topic is not None and getattr(user, "pk", None) is not None and topic.proposer_id == user.pk


rules.add_perm("consultation.propose", lives_here)
rules.add_perm("consultation.support", lives_here & has_household)
rules.add_perm("consultation.follow_topic", lives_here)
rules.add_perm("consultation.rate", lives_here)
rules.add_perm("consultation.withdraw", is_proposer & lives_here)
rules.add_perm("consultation.manage", manage)
rules.add_perm("consultation.desk", desk)
rules.add_perm("consultation.read", follow)
rules.add_perm("consultation.supervise", supervise)
rules.add_perm("consultation.matters", keep_list)
