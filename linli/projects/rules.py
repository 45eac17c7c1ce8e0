"""Who may do what in small public projects (微实事).

- 居民: a current resident of the call's area brings an idea while ideas are collected, votes once
  while the vote is open, follows a project and rates a completed one; the proposer withdraws his
  own idea before it is reviewed. Calls, designs, the shortlist, the chosen list and progress are
  public on the portal.
- 社区 / 街道: the admins of the call's street or community open and run the call (deadlines,
  designers, the body's review, the vote, the chosen list) and decide a project is not feasible;
  the caseworkers keep the desk (ideas entered for residents, paper ballots, progress and photos).
- 设计师: the designer assigned to a project (with a login) submits its design; the desk may upload
  it on his behalf.
- 设计师名册: the district and city admins keep the registry of community designers (a street admin
  sees those serving his streets).
- 督办: the street, district and city admins over a project urge it when it runs late.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.roles import Role
from linli.accounts.rules import holds_over
from linli.consultation.rules import lives_here

MANAGER_ROLES = (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN)
DESK_ROLES = (Role.CASEWORKER, *MANAGER_ROLES)
READ_ROLES = (Role.CASEWORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN)
REGISTRY_ROLES = (Role.DISTRICT_ADMIN, Role.CITY_ADMIN)
SUPERVISOR_ROLES = (Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN)

manage = holds_over(*MANAGER_ROLES)
desk = holds_over(*DESK_ROLES)
read = holds_over(*READ_ROLES)
supervise = holds_over(*SUPERVISOR_ROLES)
keep_registry = holds_over(*REGISTRY_ROLES)


@rules.predicate
def is_proposer(user: Any, project: Any) -> bool:
    return project is not None and getattr(user, "pk", None) is not None and getattr(project, "proposer_id", None) == user.pk


@rules.predicate
def is_designer(user: Any, project: Any) -> bool:
    designer = getattr(project, "designer", None) if project is not None else None
    return designer is not None and designer.user_id is not None and designer.user_id == getattr(user, "pk", None)


rules.add_perm("projects.propose", lives_here)
rules.add_perm("projects.vote", lives_here)
rules.add_perm("projects.follow", lives_here)
rules.add_perm("projects.rate", lives_here)
rules.add_perm("projects.withdraw", is_proposer & lives_here)
rules.add_perm("projects.design", is_designer | desk)
rules.add_perm("projects.manage", manage)
rules.add_perm("projects.desk", desk)
rules.add_perm("projects.read", read)
rules.add_perm("projects.supervise", supervise)
rules.add_perm("projects.designers", keep_registry)
