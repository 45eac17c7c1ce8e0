from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "linli.projects"
    label = "projects"
    verbose_name = "微实事"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry, supervision
        from linli.disclosures import kinds as disclosure_kinds
        from linli.messaging import kinds

        from . import rules, selectors, services
        from .models import Project
        from .rules import READ_ROLES
        from .states import RUNNING

        kinds.register("projects.progress", _("微实事进展"), channels=("inbox", "sms"))
        kinds.register("projects.desk", _("微实事待办"), channels=("inbox",))
        kinds.register("projects.supervision", _("微实事督办与时限提醒"), channels=("inbox",))
        # 微实事选定项目公示: anyone may read it; objections answered within 5 working days
        disclosure_kinds.register("projects.chosen", _("微实事选定项目公示"), days=7, public=True, archive_public=True,
                                  personal_data=disclosure_kinds.NONE, answer_days=5)
        registry.register_menu_entry("projects:desk", _("微实事"), order=139, roles=READ_ROLES)
        registry.register_portal_section("projects.calls", _("微实事"), order=26, items=selectors.portal_items,
                                         more_url=selectors.portal_more)
        supervision.register(
            "projects.project", running=Project.objects.filter(status__in=RUNNING, due_on__isnull=False), deadline="due_on",
            unit=supervision.DAYS, steps=services.ESCALATE_AFTER, warn_before=3, level="escalation_level",
            told=services.clock_told, notify=services.clock_notify, timeline=services.clock_timeline,
            supervise="projects.supervise", handlers=services.clock_handlers, audit="project",
            closed=("not_running", _("该项目已完成或无法实施，无需督办")))
        assert rules
