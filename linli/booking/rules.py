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


manage = holds_over(*ADMIN_ROLES, Role.CASEWORKER) | is_manager

rules.add_perm("booking.manage", manage)
