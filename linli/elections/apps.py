from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "linli.elections"
    label = "elections"
    verbose_name = "居委会选举"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry
        from linli.disclosures import kinds as disclosure_kinds
        from linli.messaging import kinds

        from . import rules
        from .rules import FOLLOW_ROLES

        # 选民榜: shown to the community's residents; objections within the period (the plan's
        # default 5 days), each answered within 3 working days on the supervision clock
        disclosure_kinds.register("elections.voters", _("选民名单公布"), days=5, public=False, archive_public=True,
                                  personal_data=disclosure_kinds.MASKED_NAMES, answer_days=3)
        kinds.register("elections.voters", _("选民名单公布"), channels=("inbox",))
        # 候选人名单: the candidates' names, sex and age are public to the community by law; an
        # objector still shows masked; objections until election day, answered within 2 working days
        disclosure_kinds.register("elections.candidates", _("候选人名单公布"), days=5, public=False, archive_public=True,
                                  personal_data=disclosure_kinds.MASKED_NAMES, answer_days=2)
        # 委托投票名单: numbers, masked names and the relation, to the community, before voting
        disclosure_kinds.register("elections.proxies", _("委托投票名单公布"), days=3, public=False, archive_public=True,
                                  personal_data=disclosure_kinds.MASKED_NAMES, answer_days=1)
        kinds.register("elections.nomination", _("候选人提名"), channels=("inbox",))
        kinds.register("elections.candidates", _("候选人名单公布"), channels=("inbox",))
        kinds.register("elections.voting", _("选举投票"), channels=("inbox",))
        disclosure_kinds.register("elections.result", _("选举结果公告"), days=5, public=False, archive_public=True,
                                  personal_data=disclosure_kinds.MASKED_NAMES, answer_days=3)
        # 罢免表决公告: the members named, the reason and their defence, before the vote
        disclosure_kinds.register("elections.recall", _("罢免表决公告"), days=5, public=False, archive_public=True,
                                  personal_data=disclosure_kinds.MASKED_NAMES, answer_days=3)
        kinds.register("elections.recall", _("罢免"), channels=("inbox",))
        registry.register_menu_entry("elections:list", _("居委会选举"), order=139, roles=FOLLOW_ROLES)
        assert rules
