"""Who may do what with an owners' assembly.

- 组织: the community admin and the street admin over the compound build and correct the roll,
  call the assembly, record proxies, open, extend and close voting, publish the results.
- 录入: caseworkers and those admins enter paper ballots (two clerks, a third decides).
- 查看: every admin over the area (and the caseworker) follows it; district and city read, and so
  does the housing bureau (住房城乡建设部门, held on a district or the city), which supervises
  owners' assemblies and reads their archive; it changes nothing.
- 业主: an owner on the roll (or the co-owner designated for a shared unit, or a proxy holder)
  reads the assembly and votes.
Another compound's staff and owners see nothing beyond what its disclosures publish.
"""

import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

ORGANISER_ROLES = (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN)
CLERK_ROLES = (Role.CASEWORKER, *ORGANISER_ROLES)
FOLLOW_ROLES = (Role.CASEWORKER, *ADMIN_ROLES, Role.HOUSING)

organise = holds_over(*ORGANISER_ROLES)
clerk = holds_over(*CLERK_ROLES)
follow = holds_over(*FOLLOW_ROLES)


def _resident_id(user) -> int | None:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "resident_id", None)


@rules.predicate
def on_roll(user, assembly) -> bool:  # type: ignore[no-untyped-def]
    """The user votes on the assembly's roll: as the owner (or the designated co-owner) of a head,
    or as the holder of a standing proxy."""
    rid = _resident_id(user)
    if rid is None or assembly is None or getattr(assembly, "roll_id", None) is None:
        return False
    known = getattr(assembly, "_on_roll_of", None)  # set by ``selectors.assembly_for`` for this request's actor
    if known is not None and known[0] == rid:
        return bool(known[1])
    from .models import Proxy, RollEntry

    return (RollEntry.objects.filter(roll_id=assembly.roll_id, voter_id=rid).exists()
            or Proxy.objects.filter(assembly=assembly, holder_id=rid, revoked_at__isnull=True).exists())


rules.add_perm("assemblies.manage", organise)
rules.add_perm("assemblies.clerk", clerk)
rules.add_perm("assemblies.follow", follow)
rules.add_perm("assemblies.view", follow | on_roll)
rules.add_perm("assemblies.vote", on_roll)
rules.add_perm("assemblies.supervise", holds_over(Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN))
