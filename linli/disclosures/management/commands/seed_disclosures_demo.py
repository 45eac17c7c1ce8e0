"""Demo disclosures of 猎德社区 (idempotent): a public notice on display, a resolution with an
answered objection, and a financial statement corrected once. Called by seed_demo."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from linli.accounts.models import User
from linli.disclosures import services
from linli.disclosures.models import Disclosure
from linli.regions.selectors import node


class Command(BaseCommand):
    help = "加载公示演示数据(公示中、有异议并已答复、已更正)"

    @transaction.atomic
    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if Disclosure.objects.exists():
            self.stdout.write("公示：已存在")
            return
        community = node("440106001001")
        worker = User.objects.filter(username="liede_caseworker").first()
        admin = User.objects.filter(username="liede_sq_admin").first()
        resident = User.objects.filter(username="r13800138000").first()
        if community is None or worker is None or admin is None:
            return
        services.publish(actor=worker, kind="disclosures.general", region=community, title="社区长者饭堂供餐时间调整公示",
                         content="自下月起，长者饭堂午餐供餐时间调整为11:00至13:00，晚餐暂停供应。\n如有意见，请在公示期内提出。")
        resolution = services.publish(
            actor=admin, kind="disclosures.resolution", region=community, title="翠苑小区1栋加装电梯业主决议公示",
            content="经翠苑小区1栋业主表决，专有部分面积占比和人数占比均超过三分之二，同意加装电梯。\n"
                    "费用按楼层系数分摊，一楼不分摊，二楼起逐层递增。",
            source_label="翠苑小区1栋业主表决结果")
        if resident is not None and resident.resident is not None:
            objection = services.lodge_objection(actor=resident, disclosure=resolution,
                                                 text="三楼与四楼的分摊系数差距过大，希望重新核算。")
            services.answer_objection(actor=admin, objection=objection, outcome="rejected",
                                      answer="分摊系数按业主大会通过的方案执行，各楼层系数已在决议附件中列明，经核实无误。")
        finance = services.publish(actor=worker, kind="disclosures.finance", region=community, title="社区党群服务中心2026年第三季度经费收支公示",
                                   content="本季度收入：上级拨付经费12万元。支出：活动经费4.2万元，办公用品0.8万元，维修1.5万元。")
        services.correct(actor=worker, disclosure=finance, title=finance.title,
                         content="本季度收入：上级拨付经费12万元。支出：活动经费4.2万元，办公用品0.8万元，维修1.6万元。",
                         note="维修支出金额更正为1.6万元")
        self.stdout.write("公示：3 条(其中 1 条有已答复的异议，1 条已更正)")
