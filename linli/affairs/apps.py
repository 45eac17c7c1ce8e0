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
        # the public portal: the service centres' addresses and opening hours, the catalogue in its search
        from . import selectors
        registry.register_portal_section("affairs.centres", _("服务中心与开放时间"), order=30, items=selectors.portal_centres,
                                         more_url=selectors.portal_more)
        registry.register_portal_search("affairs.items", _("办事事项"), selectors.portal_items_search)
        self.register_clock()

    @staticmethod
    def register_clock() -> None:
        """Applications on the supervision clock while it runs (not while waiting for corrections):
        督办 by working days past the promised date, community at once, street after 3; swept at
        most every ``LINLI_AFFAIRS_SWEEP_SECONDS``."""
        from django.utils.translation import gettext_lazy as _

        from linli.core import supervision

        from . import services, states
        from .models import Application

        supervision.register(
            "affairs.application", running=Application.objects.filter(status__in=states.CLOCK_RUNNING),
            deadline="due_date", unit=supervision.DAYS, steps=services.ESCALATE_AFTER, level="escalation_level",
            fields=("number",), told=services.clock_told, notify=services.clock_notify, timeline=services.clock_timeline,
            supervise="affairs.supervise", handlers=services.clock_handlers, audit="affairs",
            closed=("not_running", _("该办件不在办理计时中，无需督办")), every="LINLI_AFFAIRS_SWEEP_SECONDS")
