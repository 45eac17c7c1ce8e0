"""Who may do what with a residents' committee election.

- 组织: the community admin over the community (for the election committee, which works through
  the community's staff accounts) and the street admin, which guides the election (指导), build
  the plan, the committee and the voter list, correct entries and publish the list.
- 查看: every admin over the area and the community's caseworkers follow it.
- 居民: a resident of the community reads the election and his own entry (and the published list
  through its disclosure). Another community's staff and residents see nothing of it.
"""

import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

ORGANISER_ROLES = (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN)
FOLLOW_ROLES = (Role.CASEWORKER, *ADMIN_ROLES)

organise = holds_over(*ORGANISER_ROLES)
follow = holds_over(*FOLLOW_ROLES)


@rules.predicate
def lives_here(user, election) -> bool:  # type: ignore[no-untyped-def]
    """The user is a current resident of the election's community."""
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if resident is None or election is None or resident.moved_out is not None:
        return False
    return (resident.region_path or "").startswith(election.region_path)


rules.add_perm("elections.manage", organise)
rules.add_perm("elections.follow", follow)
clerk = holds_over(Role.CASEWORKER, *ORGANISER_ROLES)

rules.add_perm("elections.clerk", clerk)  # polling-station check-off and paper entry
rules.add_perm("elections.view", lives_here | follow)  # residents first: no role lookup for them
