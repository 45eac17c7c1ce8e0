import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

# who runs a bookable resource: the staff of the area that owns it (community/street admins,
# caseworkers) and provider staff assigned over it
MANAGE_ROLES = (*ADMIN_ROLES, Role.CASEWORKER, Role.PROVIDER_STAFF)

manage = holds_over(*MANAGE_ROLES)

rules.add_perm("booking.manage", manage)
