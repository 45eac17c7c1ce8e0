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
        # the public portal: the area's orders as the transparency page lists them
        from . import selectors
        registry.register_portal_section("workorders.public", _("诉求办理公开"), order=60, items=selectors.portal_orders,
                                         more_url=selectors.portal_more)
        registry.register_portal_search("workorders.public", _("诉求办理公开"), selectors.portal_search)
        kinds.register("workorders.progress", _("诉求办理进度"), channels=("inbox", "sms", "email"))
        kinds.register("workorders.dispatch", _("工单派发与办理"))
        kinds.register("workorders.supervision", _("工单督办与时限提醒"))
        kinds.register("workorders.legacy", _("以前的工单通知"), channels=("inbox",))
        self.register_clock()

    @staticmethod
    def register_clock() -> None:
        """Work orders on the supervision clock: the registration limit while submitted, then the
        handling limit; 督办 by working days past it (community, street after 1, district after
        3), warned in the last fifth of the time (``warn_at``), a new round at each new deadline."""
        from django.utils.translation import gettext_lazy as _

        from linli.core import supervision

        from . import services, states
        from .models import WorkOrder

        supervision.register(
            "workorders.order", running=WorkOrder.objects.filter(status__in=states.CLOCK_RUNNING), deadline="due_at",
            unit=supervision.DAYS, steps=services.ESCALATE_AFTER, warn_at="warn_at", round="clock_round",
            level="escalation_level", fields=("number", "unit"), told=services.clock_told, notify=services.clock_notify,
            timeline=services.clock_timeline, supervise="workorders.supervise", handlers=services.clock_handlers,
            audit="workorder", closed=("order_closed", _("工单已办结，无需督办")), chase=services.remind_steps)
