from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # a deactivated (or otherwise changed) account must not keep working through a cached token
    if not created:
        from .services import forget_tokens_of

        forget_tokens_of(instance)


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.apps import apps
        from django.utils.translation import gettext_lazy as _

        if apps.is_installed("axes"):  # a section title of its own in admin (it has none)
            apps.get_app_config("axes").verbose_name = _("登录记录")
        post_save.connect(_user_saved, sender="accounts.User", dispatch_uid="linli.accounts.user_saved")
        _register_with_core()


def _register_with_core() -> None:
    """The role check and region scope the kernel asks for, the catch-all start page, and the
    menu flags of the resident and staff navigation."""
    from django.utils.translation import gettext_lazy as _

    from linli.core import registry

    from .roles import ADMIN_ROLES, REGISTRY_ROLES, REGISTRY_WRITE_ROLES
    from .selectors import has_role, scope_paths, scope_q

    registry.register_role_provider(
        has_role=has_role,
        scope_q=lambda user, roles, field: scope_q(scope_paths(user, roles), field),
        role_sets={"registry": REGISTRY_ROLES, "admin": ADMIN_ROLES, "registry_write": REGISTRY_WRITE_ROLES},
    )
    registry.register_start_page("accounts:mine", order=1000)  # anyone without a staff page
    registry.register_menu_entry("accounts:staff", _("人员账号"), order=180, roles=ADMIN_ROLES)  # the area's staff
    registry.register_context("accounts", lambda user: {"nav_can_import": has_role(user, REGISTRY_WRITE_ROLES),
                                                        "nav_is_admin": has_role(user, ADMIN_ROLES)})
