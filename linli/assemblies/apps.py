from django.apps import AppConfig


class AssembliesConfig(AppConfig):
    name = "linli.assemblies"
    label = "assemblies"
    verbose_name = "业主大会"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.disclosures import kinds as disclosure_kinds
        from linli.messaging import kinds

        from . import rules

        disclosure_kinds.register("assemblies.roll", _("业主名册公示"), days=7, public=False, archive_public=False,
                                  personal_data="none", answer_days=3)
        disclosure_kinds.register("assemblies.result", _("业主大会表决结果公示"), days=7, public=False, archive_public=True,
                                  personal_data="none", answer_days=3)
        disclosure_kinds.register("assemblies.decision", _("业主大会决定公告"), days=30, public=False, archive_public=True,
                                  personal_data="none", answer_days=5)
        kinds.register("assemblies.call", _("业主大会召开通知"), channels=("inbox", "sms"), mutable=False)
        kinds.register("assemblies.rc", _("业主大会告知居委会"), channels=("inbox",))
        kinds.register("assemblies.vote", _("业主大会投票回执"), channels=("inbox",))
        kinds.register("assemblies.supervision", _("业主大会督办"), channels=("inbox", "sms"))

        from linli.core import registry, supervision

        from . import services

        registry.register_periodic_task("linli.assemblies.tasks.assembly_sweep", setting="LINLI_ASSEMBLIES_SWEEP_SECONDS",
                                        default=300)
        supervision.register(
            "assemblies.result", running=services.result_running(), deadline="result_due_on", unit=supervision.DAYS,
            steps=services.RESULT_ESCALATE_AFTER, warn_before=0, level="escalation_level", fields=("title",),
            told=services.clock_told, notify=services.clock_notify, supervise="assemblies.supervise",
            handlers=services.clock_handlers, audit="assembly",
            closed=("not_running", _("表决结果已公布，无需督办")))
        registry.register_menu_entry("assemblies:index", _("业主大会"), order=139, roles=rules.FOLLOW_ROLES)
        from linli.accounts.roles import Role

        registry.register_start_page("assemblies:index", order=35, roles=(Role.HOUSING,))
        assert rules
