from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "linli.spaces"
    label = "spaces"
    verbose_name = "社区共享空间"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.accounts.roles import ADMIN_ROLES
        from linli.booking.hooks import register_schedule_by_area_admins
        from linli.booking.selectors import ResourceKind
        from linli.core import registry

        from . import rules  # noqa: F401
        registry.register_menu_entry("spaces:manage", _("共享场地"), order=130, roles=ADMIN_ROLES)

        # a shared space is run by its community: the area's admins set its hours too
        register_schedule_by_area_admins(ResourceKind.SPACE)
