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
        from linli.core import registry

        registry.register_menu_entry("assemblies:index", _("业主大会"), order=139, roles=rules.FOLLOW_ROLES)
        assert rules
