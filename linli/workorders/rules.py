import rules

from linli.accounts.roles import ADMIN_ROLES, REGISTRY_ROLES, Role
from linli.accounts.rules import holds_over

DISPATCH_ROLES = (*ADMIN_ROLES, Role.CASEWORKER)

dispatch = holds_over(*DISPATCH_ROLES)
view_area = holds_over(*REGISTRY_ROLES)
supervise = holds_over(*ADMIN_ROLES)  # 督办 and 延期: the admins of the community, street, district or city  # handlers see only what is dispatched to their units


@rules.predicate
def is_reporter(user, order) -> bool:  # type: ignore[no-untyped-def]
    return order is not None and order.reporter_id is not None and order.reporter_id == getattr(user, "pk", None)


@rules.predicate
def is_unit_member(user, order) -> bool:  # type: ignore[no-untyped-def]
    if order is None or not order.unit_id or not getattr(user, "is_authenticated", False):
        return False
    return order.unit.members.filter(pk=user.pk).exists()


@rules.predicate
def follows(user, order) -> bool:  # type: ignore[no-untyped-def]
    """Follows the order, or reported a duplicate that was merged into it."""
    if order is None or not getattr(user, "is_authenticated", False):
        return False
    return order.followers.filter(user=user).exists() or order.merged.filter(reporter=user).exists()


@rules.predicate
def lives_in_its_community(user, order) -> bool:  # type: ignore[no-untyped-def]
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    return order is not None and resident is not None and resident.region_path.startswith(order.region_path[:12])


rules.add_perm("workorders.dispatch", dispatch)
rules.add_perm("workorders.follow", lives_in_its_community | view_area)
rules.add_perm("workorders.handle", is_unit_member)
rules.add_perm("workorders.supervise", supervise)
rules.add_perm("workorders.report", is_reporter)
rules.add_perm("workorders.view", is_reporter | is_unit_member | view_area | follows)
