from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    BUILDING_LEADER = "building_leader", _("楼长")
    REPRESENTATIVE = "representative", _("居民代表")
    GRID_WORKER = "grid_worker", _("网格员")
    CASEWORKER = "caseworker", _("全科社工")
    COMMUNITY_ADMIN = "community_admin", _("社区管理员")
    STREET_ADMIN = "street_admin", _("街道管理员")
    DISTRICT_ADMIN = "district_admin", _("区管理员")
    CITY_ADMIN = "city_admin", _("市管理员")
    HANDLER = "handler", _("部门承办人")
    PROVIDER_STAFF = "provider_staff", _("服务商")
    VOLUNTEER = "volunteer", _("志愿者")
    HOUSING = "housing", _("住房城乡建设部门")  # 区(市)住建、房管: guides and supervises owners' assemblies, reads their archive


# Roles held only on some levels of the region tree (the node's ``level``); others on any node.
ROLE_LEVELS = {Role.HOUSING: ("district", "city")}

ADMIN_ROLES = (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN)
# Who keeps and reads the people/house registry of their area.
REGISTRY_ROLES = (Role.GRID_WORKER, Role.CASEWORKER, *ADMIN_ROLES)
# Who may see a whole ID number or phone number (with a reason, logged).
REVEAL_ROLES = (Role.GRID_WORKER, Role.CASEWORKER, Role.COMMUNITY_ADMIN)
# Who may change registry records.
REGISTRY_WRITE_ROLES = (Role.GRID_WORKER, Role.CASEWORKER, Role.COMMUNITY_ADMIN)
STAFF_ROLES = (*REGISTRY_ROLES, Role.HANDLER, Role.PROVIDER_STAFF)

# How far a role reaches when granting: an admin grants roles of their own rank or below, on nodes
# inside the node they hold it on; every role that is not an admin role ranks below all admins.
ADMIN_RANK = {Role.COMMUNITY_ADMIN: 1, Role.STREET_ADMIN: 2, Role.DISTRICT_ADMIN: 3, Role.CITY_ADMIN: 4}


def rank(role: str) -> int:
    return ADMIN_RANK.get(Role(role), 0) if role in Role.values else 0
