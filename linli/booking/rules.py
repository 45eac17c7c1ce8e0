import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

# who runs a bookable resource: the staff of the area that owns it (community/street admins,
# caseworkers), and the people named as its managers (provider or venue staff)
MANAGE_ROLES = (*ADMIN_ROLES, Role.CASEWORKER)


@rules.predicate
def is_manager(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """Named on the resource: a provider's staff for its offerings, a school's staff for its ground."""
    if resource is None or not getattr(user, "is_authenticated", False):
        return False
    return resource.managers.filter(pk=user.pk).exists()


@rules.predicate
def is_space(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """A shared space (community room, school ground), not a provider's service."""
    return resource is not None and resource.kind == "space"


manage = holds_over(*ADMIN_ROLES, Role.CASEWORKER) | is_manager

# who sets opening hours, closures, extra openings and terms: a provider's staff for its
# offerings (the area's admins do not run a provider's diary); for a shared space its named
# managers (the owner's staff) and the admins of its area
edit_schedule = is_manager | (is_space & holds_over(*ADMIN_ROLES))

rules.add_perm("booking.manage", manage)
rules.add_perm("booking.edit_schedule", edit_schedule)
