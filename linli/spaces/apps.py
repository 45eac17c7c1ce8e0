from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "linli.spaces"
    label = "spaces"
    verbose_name = "社区共享空间"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.accounts.roles import ADMIN_ROLES
        from linli.core import registry

        registry.register_menu_entry("spaces:manage", _("共享场地"), order=130, roles=ADMIN_ROLES)
