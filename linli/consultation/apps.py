from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "linli.consultation"
    label = "consultation"
    verbose_name = "议事协商"

    def ready(self) -> None:
        from django.db.models import Q
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry, supervision
        from linli.disclosures import kinds as disclosure_kinds
        from linli.messaging import kinds
        from linli.workorders import states as workorder_states

        from . import rules, selectors, services
        from .models import Resolution, Topic
        from .rules import FOLLOW_ROLES
        from .states import DECIDED, RUNNING, Status

        kinds.register("consultation.progress", _("议题进展"), channels=("inbox", "sms"))
        kinds.register("consultation.meeting", _("协商会议通知"), channels=("inbox", "sms"))
        kinds.register("consultation.desk", _("议题待办"), channels=("inbox",))
        kinds.register("consultation.supervision", _("议题督办与时限提醒"), channels=("inbox",))
        # 协商结果公示: anyone may read it; objections answered within 5 working days
        disclosure_kinds.register("consultation.result", _("协商结果公示"), days=7, public=True, archive_public=True,
                                  personal_data=disclosure_kinds.NONE, answer_days=5)
        registry.register_menu_entry("consultation:desk", _("议事协商"), order=139, roles=FOLLOW_ROLES)
        registry.register_portal_section("consultation.topics", _("议事协商"), order=25, items=selectors.portal_topics,
                                         more_url=selectors.portal_more)
        registry.register_portal_search("consultation.topics", _("议事协商"), selectors.portal_search)
        # one clock per topic: the answer limit while it waits for an answer, then the result's
        # disclosure limit once the outcome is recorded (a new round at each)
        supervision.register(
            "consultation.topic", running=Topic.objects.filter(
                Q(status=Status.SUBMITTED) | Q(status__in=DECIDED, disclosure_id__isnull=True)),
            deadline="due_on", unit=supervision.DAYS, steps=services.ESCALATE_AFTER, warn_before=1,
            round="clock_round", level="clock_level", told=services.clock_told, notify=services.clock_notify,
            timeline=services.clock_timeline, supervise="consultation.supervise", handlers=services.clock_handlers,
            audit="topic", closed=("not_running", _("该议题已答复或结果已公示，无需督办")))
        supervision.register(
            "consultation.resolution", running=Resolution.objects.filter(status__in=RUNNING), deadline="due_on",
            unit=supervision.DAYS, steps=services.RESOLUTION_ESCALATE_AFTER, warn_before=3, level="escalation_level",
            told=services.clock_told, notify=services.resolution_notify, timeline=services.resolution_timeline,
            supervise="consultation.supervise", handlers=services.resolution_handlers, audit="resolution",
            closed=("not_running", _("该事项已完成或无法落实，无需督办")))
        workorder_states.LIFECYCLE.subscribe(services.order_moved)
        from linli.assemblies import states as assembly_states

        assembly_states.LIFECYCLE.subscribe(services.assembly_moved)
        assert rules
