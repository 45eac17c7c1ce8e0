import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

# who runs a bookable resource: the staff of the area that owns it (community/street admins,
# caseworkers), and the people named as its managers (the staff of whoever offers it)
MANAGE_ROLES = (*ADMIN_ROLES, Role.CASEWORKER)


@rules.predicate
def is_manager(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """Named on the resource as one of its managers."""
    if resource is None or not getattr(user, "is_authenticated", False):
        return False
    return resource.managers.filter(pk=user.pk).exists()


@rules.predicate
def area_admins_schedule(user, resource) -> bool:  # type: ignore[no-untyped-def]
    """Its kind lets the admins of its area set its schedule (registered by the capability that
    offers it: ``hooks.register_schedule_by_area_admins``)."""
    from .hooks import schedule_by_area_admins

    return resource is not None and schedule_by_area_admins(resource.kind)


manage = holds_over(*ADMIN_ROLES, Role.CASEWORKER) | is_manager

# who sets opening hours, closures, extra openings and terms: its named managers; the admins of
# its area too where its kind is registered so (otherwise they do not run another's diary)
edit_schedule = is_manager | (area_admins_schedule & holds_over(*ADMIN_ROLES))

rules.add_perm("booking.manage", manage)
rules.add_perm("booking.edit_schedule", edit_schedule)
