from django.apps import AppConfig


class AffairsConfig(AppConfig):
    name = "linli.affairs"
    label = "affairs"
    verbose_name = "一窗通办"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.accounts.roles import ADMIN_ROLES, Role
        from linli.core import registry
        from linli.messaging import kinds

        from . import rules  # noqa: F401

        kinds.register("affairs.application", _("办事进度与窗口通知"), channels=("inbox", "sms", "email"))
        kinds.register("affairs.certificate", _("证明出具结果(法定告知)"), channels=("inbox", "sms", "email"), mutable=False)
        kinds.register("affairs.supervision", _("办件督办与差评整改"))

        registry.register_menu_entry("affairs:desk", _("窗口"), order=90, roles=(Role.CASEWORKER, *ADMIN_ROLES))
        registry.register_start_page("affairs:desk", order=20, roles=(Role.CASEWORKER,))
        registry.register_periodic_task("linli.affairs.tasks.supervision_sweep", setting="LINLI_AFFAIRS_SWEEP_SECONDS",
                                        default=900)
