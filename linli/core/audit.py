"""What each audit action means, in the user's language: one label for every action code a
service, view or admin writes with ``record_audit`` (the audit log page, the change history of a
record and the audit filter show these). A new action code gets its label here;
``core/tests/test_audit_labels.py`` finds every code the code base writes and fails on one
without a label. Codes from a lifecycle (``workorder.<action>``) are listed in full."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import AuditEvent

ACTIONS: dict[str, Any] = {
    # registry
    "resident.create": _("登记居民"),
    "resident.update": _("修改居民信息"),
    "room.create": _("登记房屋"),
    "room.update": _("修改房屋信息"),
    "compound.create": _("登记小区"),
    "building.create": _("登记楼栋"),
    "household.create": _("立户"),
    "household.representative": _("设定户代表"),
    "ownership.create": _("登记权属"),
    "duty.assign": _("任命楼长/居民代表"),
    "duty.end": _("卸任"),
    "visit.record": _("入户走访"),
    "import.validate": _("上传导入文件"),
    "import.confirm": _("确认导入"),
    "import.discard": _("放弃导入"),
    "registry.export": _("导出登记数据"),
    "registry.id_search": _("按身份证号检索居民"),
    "registry.phone_search": _("按手机号检索居民"),
    "demo.seed": _("生成演示数据"),
    # accounts and the admin site
    "role.assign": _("授予角色"),
    "user.create": _("创建用户"),
    "user.sign_up": _("居民自助注册"),
    "user.verify_identity": _("核验身份"),
    "user.password_change": _("修改密码"),
    "user.password_reset": _("重置密码"),
    "user.password_reset_by_admin": _("管理员重置密码"),
    "user.activate": _("启用账号"),
    "user.deactivate": _("停用账号"),
    "role.revoke": _("撤销角色"),
    "api_token.issue": _("签发接口令牌"),
    "api_token.revoke": _("吊销接口令牌"),
    "admin.add": _("后台新增"),
    "admin.change": _("后台修改"),
    "admin.delete": _("后台删除"),
    # work orders and Open311
    "workorder.submit": _("提交诉求"),
    "workorder.register": _("工单立案"),
    "workorder.refuse": _("工单不予立案"),
    "workorder.withdraw": _("撤回工单"),
    "workorder.merge": _("合并工单"),
    "workorder.dispatch": _("工单派单"),
    "workorder.reroute": _("工单改派"),
    "workorder.urge": _("工单督办"),
    "workorder.extend": _("延长办理期限"),
    "workorder.accept": _("工单接单"),
    "workorder.send_back": _("工单退单"),
    "workorder.report_done": _("工单办结上报"),
    "workorder.verify_pass": _("工单核查通过"),
    "workorder.verify_fail": _("工单核查不通过"),
    "workorder.rate": _("工单评价"),
    "workorder.reopen": _("工单重新办理"),
    "workorder.follow_up": _("差评回访"),
    "open311.client.issue": _("签发 Open311 接入密钥"),
    # one-window services and certificates
    "affairs.accept": _("受理办件"),
    "affairs.refuse": _("办件不予受理"),
    "affairs.forward": _("办件转办"),
    "affairs.forward_return": _("登记部门反馈"),
    "affairs.complete": _("办件办结"),
    "affairs.withdraw": _("撤回办件"),
    "affairs.urge": _("办件督办"),
    "affairs.result_view": _("查看办理结果"),
    "affairs.material_view": _("查看申请材料"),
    "affairs.applicant_lookup": _("查找申请人"),
    "affairs.id_search": _("按身份证号查找办件"),
    "certificate.issue": _("证明已出具"),
    "certificate.refuse": _("不予出具证明"),
    "certificate.revoke": _("撤销证明"),
    # booking, the service station, shared spaces
    "booking.hours": _("修改开放时间"),
    "booking.closure_add": _("临时关闭"),
    "booking.closure_remove": _("撤销临时关闭"),
    "booking.extra_add": _("加开时段"),
    "booking.extra_remove": _("撤销加开"),
    "booking.term_add": _("添加学期"),
    "booking.term_remove": _("删除学期"),
    "booking.cancel": _("取消预约"),
    "booking.cancel_all": _("取消全部预约"),
    "booking.approve": _("预约审核通过"),
    "booking.reject": _("预约审核不通过"),
    "booking.promote": _("候补转为预约"),
    "booking.check_in": _("预约签到"),
    "booking.no_show": _("预约记爽约"),
    "booking.expire": _("预约过期未处理"),
    "booking.resource_create": _("设立预约项目"),
    "booking.resource_update": _("修改预约项目"),
    "booking.resource_close": _("停止预约项目"),
    "booking.resource_reopen": _("重新开放预约项目"),
    "booking.managers": _("修改预约项目管理人员"),
    "provider.approve": _("服务商审核通过"),
    "provider.reject": _("驳回服务商申请"),
    "provider.suspend": _("暂停服务商"),
    "provider.staff_add": _("添加服务商工作人员"),
    "provider.staff_remove": _("移除服务商工作人员"),
    "provider.licence_view": _("查看服务商证照"),
    "offering.create": _("发布服务"),
    "offering.update": _("修改服务"),
    "offering.publish": _("重新上架服务"),
    "offering.unpublish": _("下架服务"),
    "offering.photos_add": _("添加服务照片"),
    "offering.photo_remove": _("删除服务照片"),
    "review.hide": _("隐藏评价"),
    "venue.open": _("开放共享场地"),
    "venue.update": _("修改共享场地"),
    "venue.close": _("停止开放场地"),
    "venue.reopen": _("重新开放场地"),
    "messaging.preferences": _("修改消息设置"),
    "disclosure.create": _("新建公示"),
    "disclosure.publish": _("发布公示"),
    "disclosure.correct": _("更正公示"),
    "disclosure.withdraw": _("撤回公示"),
    "disclosure.close": _("结束公示"),
    "objection.lodge": _("提出公示异议"),
    "objection.answer": _("答复公示异议"),
    "objection.urge": _("督办公示异议"),
    # notices
    "election.create": _("新建居委会选举"),
    "election.plan": _("修改选举方案"),
    "election.committee": _("调整选举委员会"),
    "election.voters_build": _("生成选民名单"),
    "election.voter_correct": _("更正选民名单"),
    "election.publish_voters": _("公布选民名单"),
    "election.cancel": _("取消选举"),
    "election.nominate": _("登记候选人提名"),
    "election.nomination_answer": _("登记被提名人意见"),
    "election.nomination_withdraw": _("撤回候选人提名"),
    "election.candidates": _("确定正式候选人"),
    "election.publish_candidates": _("公布候选人名单"),
    "election.voter_away": _("登记外出选民"),
    "election.open_voting": _("开始投票"),
    "election.check_off": _("领票登记(纸质选票)"),
    "election.paper_entry": _("录入纸质选票"),
    "election.paper_decide": _("裁定纸质选票"),
    "election.close_voting": _("结束投票"),
    "election.ballot": _("投票(只记是否投票，不记投票内容)"),
    "election.count": _("计票"),
    "election.open_recall": _("开始罢免表决"),
    "election.count_recall": _("罢免表决计票"),
    "election.recall_lodge": _("登记罢免要求"),
    "election.recall_defence": _("登记申辩意见"),
    "election.recall_withdraw": _("撤回罢免要求"),
    "election.recall_count": _("罢免表决结果"),
    "election.count_further": _("计票(须另行选举)"),
    "election.proxy": _("登记委托投票"),
    "election.proxy_revoke": _("撤销委托投票"),
    "election.publish_proxies": _("公布委托投票名单"),
    "election.counting_staff": _("登记计票工作人员"),
    "election.counting_staff_remove": _("删除计票工作人员"),
    "election.archive": _("导出选举档案"),
    "notice.draft": _("保存通知草稿"),
    "notice.attach": _("上传通知附件"),
    "notice.publish": _("发布通知"),
    "notice.correct": _("更正通知"),
    "notice.withdraw": _("撤回通知"),
    "notice.deliver": _("登记通知送达"),
    "notice.export": _("导出未送达名单"),
    "notice.urge": _("督办通知送达"),
    # owners' assemblies
    "assembly.create": _("筹备业主大会"),
    "assembly_roll.freeze": _("编制业主名册"),
    "assembly_roll.disclose": _("公示业主名册"),
    "assembly_roll.correct": _("更正业主名册"),
    "assembly_roll.designate": _("登记指定投票人"),
    "assembly_roll.lock": _("锁定业主名册"),
    "assembly_roll.transfer": _("登记专有部分转让"),
    "assembly.call": _("发布业主大会召开公告"),
    "assembly.notify_committee": _("告知居民委员会"),
    "assembly.open": _("开始投票"),
    "assembly.extend": _("延长投票期"),
    "assembly.close": _("结束投票"),
    "assembly.cancel": _("取消业主大会"),
    "assembly.ballot": _("投票"),
    "assembly.proxy": _("登记投票委托"),
    "assembly.proxy_revoke": _("撤销投票委托"),
    "assembly.slips": _("制作书面表决票"),
    "assembly.paper_entry": _("录入书面表决票"),
    "assembly.paper_decide": _("裁定书面表决票"),
    "assembly.publish_result": _("公示表决结果"),
    "assembly.announce": _("公告业主大会决定"),
    "assembly.urge": _("督办表决结果公布"),
    "notice.detach": _("删除通知附件"),
    # consultation (议事协商)
    "consultation.matter_add": _("增加协商事项"),
    "consultation.matter_active": _("启用或停用协商事项"),
    "consultation.settings": _("设置议题规则"),
    "consultation.body_create": _("建立议事机构"),
    "consultation.member_add": _("登记议事机构成员"),
    "consultation.member_remove": _("议事机构成员卸任"),
    "consultation.propose": _("提出议题"),
    "consultation.support_entered": _("代为登记附议"),
    "comment.publish": _("发布网上意见"),
    "comment.reject": _("不予发布网上意见"),
    "consultation.meeting_schedule": _("安排协商会议"),
    "consultation.resolution_add": _("增加落实事项"),
    "consultation.disclose": _("公示协商结果"),
    "consultation.follow_up": _("协商成效差评回访"),
    "topic.submit": _("议题提交答复"),
    "topic.take_up": _("受理议题"),
    "topic.merge": _("合并议题"),
    "topic.refer": _("转交议题"),
    "topic.decline": _("不予受理议题"),
    "topic.withdraw": _("撤回议题"),
    "topic.decide": _("形成协商意见"),
    "topic.complete": _("议题办结"),
    "topic.reopen": _("议题重新落实"),
    "topic.urge": _("督办议题"),
    "meeting.close": _("确认协商纪要"),
    "meeting.cancel": _("取消协商会议"),
    "resolution.progress": _("更新落实进度"),
    "resolution.finish": _("落实事项完成"),
    "resolution.infeasible": _("落实事项无法落实"),
    "resolution.reopen": _("重新落实事项"),
    "resolution.urge": _("督办落实事项"),
}


def action_label(code: str) -> str:
    """The label of an action code; an unknown code shows as itself (never an empty cell)."""
    return str(ACTIONS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action, for the audit filter, in the order above."""
    return [(code, str(label)) for code, label in ACTIONS.items()]


# ---------------------------------------------------------------- the writer

def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return str(value)
    return value


def record_audit(
    *,
    actor: Any,
    action: str,
    target: Any,
    region_path: str = "",
    changes: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    from .context import current_ip
    from .models import AuditEvent

    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=(label if label is not None else str(target))[:200],
        region_path=region_path,
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        ip=current_ip.get(),
    )


