from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "linli.disclosures"
    label = "disclosures"
    verbose_name = "公示"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry
        from linli.messaging import kinds as message_kinds

        from . import kinds, rules, selectors

        # the generic kinds; the capabilities that publish (assemblies, elections, funds …) add their own
        kinds.register("disclosures.general", _("一般公示"), days=7, public=True, archive_public=True)
        kinds.register("disclosures.resolution", _("决议公示"), days=7, public=False, archive_public=True,
                       answer_days=5)
        kinds.register("disclosures.finance", _("财务公示"), days=5, working_days=True, public=False,
                       archive_public=True, answer_days=5)
        kinds.register("disclosures.voter_list", _("选民名单公示"), days=20, public=False, archive_public=False,
                       personal_data=kinds.MASKED_NAMES, answer_days=3)

        message_kinds.register("disclosures.objection", _("公示异议待答复"), channels=("inbox", "sms"))
        message_kinds.register("disclosures.answer", _("公示异议答复"), channels=("inbox", "sms"))
        message_kinds.register("disclosures.supervision", _("公示异议督办"))

        registry.register_menu_entry("disclosures:staff", _("公示"), order=138, roles=rules.STAFF_ROLES)
        registry.register_periodic_task("linli.disclosures.tasks.close_ended_disclosures",
                                        setting="LINLI_DISCLOSURES_SWEEP_SECONDS", default=900)
        registry.register_portal_section("disclosures", _("公示"), order=20, items=selectors.public_disclosures,
                                         more_url=lambda path: f"/disclosures/area/{path}/")
        registry.register_portal_search("disclosures", _("公示"), selectors.search_public)
        self.register_clock()

    @staticmethod
    def register_clock() -> None:
        """Unanswered objections on the supervision clock: the answer limit is ``answer_days``
        working days of the kind; a warning a working day before, 督办 by the community at once
        and by the street two working days later."""
        from django.utils.translation import gettext_lazy as _

        from linli.core import supervision

        from . import services
        from .models import Objection
        from .states import ObjectionStatus, Status

        supervision.register(
            "disclosures.objection", running=Objection.objects.filter(status=ObjectionStatus.LODGED).exclude(
                disclosure__status=Status.WITHDRAWN),  # a withdrawn disclosure's objections are moot
            deadline="due_on", unit=supervision.DAYS, steps=services.ESCALATE_AFTER, warn_before=1,
            level="escalation_level", told=services.clock_told, notify=services.clock_notify,
            supervise="disclosures.supervise", handlers=services.clock_handlers, audit="objection",
            closed=("not_running", _("该异议已答复，无需督办")))
