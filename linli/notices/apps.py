from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "linli.notices"
    label = "notices"
    verbose_name = "通知公告"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry, supervision
        from linli.messaging import kinds

        from . import rules, selectors, services
        from .rules import FOLLOW_ROLES

        kinds.register("notices.notice", _("社区通知公告"), channels=("inbox", "sms"))
        kinds.register("notices.urgent", _("紧急通知(不可关闭)"), channels=("inbox", "sms"), mutable=False, urgent=True)
        kinds.register("notices.reminder", _("通知未送达提醒"), channels=("inbox", "sms"))

        registry.register_menu_entry("notices:list", _("通知公告"), order=134, roles=FOLLOW_ROLES)
        def leads(user):  # type: ignore[no-untyped-def]
            from django.db.models import Exists, OuterRef

            from linli.regions.selectors import buildings_with_duty

            return Exists(buildings_with_duty().filter(resident_id=OuterRef("resident_id")))

        registry.register_user_flag("leads_building", leads)
        registry.register_menu_entry("notices:leader", _("逐户送达"), order=136,
                                     visible=lambda user: registry.user_flags(user)["leads_building"])
        registry.register_periodic_task("linli.notices.tasks.refresh_gaps", setting="LINLI_NOTICES_GAPS_SECONDS", default=600)
        registry.register_portal_section("notices", _("通知公告"), order=10, items=selectors.public_notices)
        registry.register_portal_search("notices", _("通知公告"), selectors.search)

        supervision.register(
            "notices.notice", running=services.unreached_running(), deadline="remind_at", unit=supervision.HOURS,
            steps=services.REMIND_STEPS, level="escalation_level", fields=("title",), told=services.clock_told,
            notify=services.clock_notify, supervise="notices.supervise", handlers=services.clock_handlers, audit="notice",
            closed=("not_running", _("该通知已全部送达或已撤回，无需督办")))
        assert rules
