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
        # the public portal: the venues open to the public there
        from . import selectors
        registry.register_portal_section("spaces.venues", _("共享场地"), order=50, items=selectors.portal_venues,
                                         more_url=selectors.portal_more)
        registry.register_portal_search("spaces.venues", _("共享场地"), selectors.portal_search)

        # a shared space is run by its community: the area's admins set its hours too
        register_schedule_by_area_admins(ResourceKind.SPACE)
