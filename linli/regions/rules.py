"""Who may do what in the registry. Rules judge one object; selectors filter lists."""

import rules

from linli.accounts.roles import ADMIN_ROLES, REGISTRY_ROLES, REGISTRY_WRITE_ROLES, REVEAL_ROLES, Role
from linli.accounts.rules import holds_over

view_registry = holds_over(*REGISTRY_ROLES)
change_registry = holds_over(*REGISTRY_WRITE_ROLES)
reveal_personal = holds_over(*REVEAL_ROLES)
record_visit = holds_over(Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.CASEWORKER)
view_audit = holds_over(*ADMIN_ROLES)

rules.add_perm("regions.view_registry", view_registry)
rules.add_perm("regions.change_registry", change_registry)
rules.add_perm("regions.reveal_personal", reveal_personal)
rules.add_perm("regions.record_visit", record_visit)
rules.add_perm("regions.view_audit", view_audit)
