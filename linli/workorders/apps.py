from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "linli.workorders"
    label = "workorders"
    verbose_name = "诉求工单"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.accounts.roles import REGISTRY_ROLES, Role
        from linli.core import registry
        from linli.messaging import kinds

        registry.register_menu_entry("workorders:queue", _("工单"), order=60, roles=(*REGISTRY_ROLES, Role.HANDLER))
        registry.register_menu_entry("workorders:patrol", _("巡查"), order=70,
                                     roles=(Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.CASEWORKER))
        registry.register_menu_entry("workorders:hotline", _("热线"), order=80, roles=REGISTRY_ROLES)
        registry.register_start_page("workorders:queue", order=30, roles=(Role.HANDLER,))
        registry.register_periodic_task("linli.workorders.tasks.escalation_sweep", setting="LINLI_SWEEP_SECONDS", default=300)
        kinds.register("workorders.progress", _("诉求办理进度"), channels=("inbox", "sms", "email"))
        kinds.register("workorders.dispatch", _("工单派发与办理"))
        kinds.register("workorders.supervision", _("工单督办与时限提醒"))
        kinds.register("workorders.legacy", _("以前的工单通知"), channels=("inbox",))
