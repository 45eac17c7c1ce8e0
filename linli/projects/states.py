"""The lifecycles of small public projects (社区公共投资小项目 · 微实事).

征集 (a call of a street or a community, with its budget and caps): 征集创意 (residents, topics and
staff bring ideas) → 设计 (designers from the registry draw them up: drawings, cost, schedule) →
评审 (the consultation body records its decision on each design) → 居民投票 (optional: approval or
knapsack within the budget, paper ballots merged, one vote per resident) → 已公布 (the chosen list
disclosed; the chosen projects are carried out) → 已结束 (every chosen project done or, with its
reason published, not feasible). A call may be cancelled, with its reason, before its list is
published.

项目: 创意 → 设计中 (a designer assigned) → 待评审 (the design in) → 入围 / 未入围 (the body's
decision, recorded) → 已选定 / 未选定 (the vote, or the body's shortlist when there is no vote) →
实施中 (steps of progress with photos) → 已完成 (photos before and after; residents rate it) /
无法实施 (the reason published); a bad rating's follow-up may reopen a done project (实施中).
Services move them only through ``apply``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class CallStatus(models.TextChoices):
    IDEAS = "ideas", _("征集创意")
    DESIGN = "design", _("方案设计")
    REVIEW = "review", _("协商评审")
    VOTING = "voting", _("居民投票")
    CHOSEN = "chosen", _("已公布")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class CallAction(models.TextChoices):
    DESIGN = "design", _("截止征集，进入设计")
    REVIEW = "review", _("进入评审")
    VOTE = "vote", _("开始投票")
    CHOOSE = "choose", _("公布选定项目")
    CLOSE = "close", _("结束")
    CANCEL = "cancel", _("取消")


C, CA = CallStatus, CallAction
CALL_LIFECYCLE = Lifecycle({
    (C.IDEAS, CA.DESIGN): C.DESIGN,
    (C.DESIGN, CA.REVIEW): C.REVIEW,
    (C.REVIEW, CA.VOTE): C.VOTING,
    (C.REVIEW, CA.CHOOSE): C.CHOSEN,
    (C.VOTING, CA.CHOOSE): C.CHOSEN,
    (C.CHOSEN, CA.CLOSE): C.CLOSED,
    **{(s, CA.CANCEL): C.CANCELLED for s in (C.IDEAS, C.DESIGN, C.REVIEW, C.VOTING)},
}, CallStatus, CallAction, audit="call")


class Status(models.TextChoices):
    IDEA = "idea", _("创意")
    DESIGNING = "designing", _("设计中")
    DESIGNED = "designed", _("待评审")
    SHORTLISTED = "shortlisted", _("入围")
    REJECTED = "rejected", _("未入围")
    CHOSEN = "chosen", _("已选定")
    NOT_CHOSEN = "not_chosen", _("未选定")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    INFEASIBLE = "infeasible", _("无法实施")
    WITHDRAWN = "withdrawn", _("已撤回")


class Action(models.TextChoices):
    ASSIGN = "assign", _("指派设计师")
    DESIGN = "design", _("提交设计方案")
    SHORTLIST = "shortlist", _("评审入围")
    REJECT = "reject", _("评审未入围")
    REVISE = "revise", _("退回修改方案")
    CHOOSE = "choose", _("选定")
    NOT_CHOOSE = "not_choose", _("未选定")
    PROGRESS = "progress", _("更新进度")
    FINISH = "finish", _("完成")
    INFEASIBLE = "infeasible", _("无法实施")
    REOPEN = "reopen", _("重新实施")
    WITHDRAW = "withdraw", _("撤回")


S, A = Status, Action
OPEN_IDEAS = (S.IDEA, S.DESIGNING, S.DESIGNED)
RUNNING = (S.CHOSEN, S.IN_PROGRESS)
FINISHED = (S.DONE, S.INFEASIBLE)
LIFECYCLE = Lifecycle({
    (S.IDEA, A.ASSIGN): S.DESIGNING,
    (S.DESIGNING, A.ASSIGN): S.DESIGNING,
    (S.DESIGNING, A.DESIGN): S.DESIGNED,
    (S.DESIGNED, A.DESIGN): S.DESIGNED,
    (S.DESIGNED, A.SHORTLIST): S.SHORTLISTED,
    **{(s, A.REJECT): S.REJECTED for s in OPEN_IDEAS},  # the body sets an idea aside, designed or not
    (S.DESIGNED, A.REVISE): S.DESIGNING,
    (S.SHORTLISTED, A.CHOOSE): S.CHOSEN,
    (S.SHORTLISTED, A.NOT_CHOOSE): S.NOT_CHOSEN,
    (S.CHOSEN, A.FINISH): S.DONE,
    (S.CHOSEN, A.PROGRESS): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.PROGRESS): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.FINISH): S.DONE,
    (S.CHOSEN, A.INFEASIBLE): S.INFEASIBLE,
    (S.IN_PROGRESS, A.INFEASIBLE): S.INFEASIBLE,
    (S.DONE, A.REOPEN): S.IN_PROGRESS,
    **{(s, A.WITHDRAW): S.WITHDRAWN for s in OPEN_IDEAS},
}, Status, Action, audit="project")
