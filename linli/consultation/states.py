"""The lifecycles of consultation, after the national procedure (2015 opinion on urban and rural
community consultation): propose the topic, inform the participants, consult, implement, feed
back, publish.

议题: 征集附议 (a resident's proposal gathers households' supports) → 待答复 (the threshold is
reached, or staff proposed it: answered within the community's working-day limit) → 已受理 (the
body and form chosen, the meeting prepared) / 已合并 / 已转交 / 不予受理 (each with its reason) →
落实中 (the outcome with its resolutions) → 已办结 (every resolution done or, with its reason
published, not feasible; residents rate it) → a bad rating's follow-up may reopen it (落实中).

会议: 已安排 → 已结束 (minutes, and for a meeting in person the signed scan) / 已取消.

落实: 待落实 → 落实中 (a step of progress) → 已完成 / 无法落实 (the reason published); a
reopened topic's done resolution may go back to 落实中. Services move them only through ``apply``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    PROPOSED = "proposed", _("征集附议")
    SUBMITTED = "submitted", _("待答复")
    TAKEN_UP = "taken_up", _("已受理")
    MERGED = "merged", _("已合并")
    REFERRED = "referred", _("已转交")
    DECLINED = "declined", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    IMPLEMENTING = "implementing", _("落实中")
    COMPLETED = "completed", _("已办结")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交答复")
    TAKE_UP = "take_up", _("受理")
    MERGE = "merge", _("合并")
    REFER = "refer", _("转交")
    DECLINE = "decline", _("不予受理")
    WITHDRAW = "withdraw", _("撤回")
    DECIDE = "decide", _("形成协商意见")
    COMPLETE = "complete", _("办结")
    REOPEN = "reopen", _("重新落实")


S, A = Status, Action
OPEN_FOR_ANSWER = (S.PROPOSED, S.SUBMITTED)
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PROPOSED, A.SUBMIT): S.SUBMITTED,
    (S.PROPOSED, A.WITHDRAW): S.WITHDRAWN,
    **{(s, A.TAKE_UP): S.TAKEN_UP for s in OPEN_FOR_ANSWER},
    **{(s, A.MERGE): S.MERGED for s in OPEN_FOR_ANSWER},
    **{(s, A.REFER): S.REFERRED for s in OPEN_FOR_ANSWER},
    **{(s, A.DECLINE): S.DECLINED for s in OPEN_FOR_ANSWER},
    (S.TAKEN_UP, A.DECIDE): S.IMPLEMENTING,
    (S.IMPLEMENTING, A.COMPLETE): S.COMPLETED,
    (S.COMPLETED, A.REOPEN): S.IMPLEMENTING,
}
ANSWERED = (S.TAKEN_UP, S.MERGED, S.REFERRED, S.DECLINED)
CLOSED = (S.MERGED, S.REFERRED, S.DECLINED, S.WITHDRAWN)
DECIDED = (S.IMPLEMENTING, S.COMPLETED)

# audited as topic.take_up / topic.decline …
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="topic")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class MeetingAction(models.TextChoices):
    CLOSE = "close", _("确认纪要")
    CANCEL = "cancel", _("取消会议")


MEETING_LIFECYCLE = Lifecycle({
    (MeetingStatus.SCHEDULED, MeetingAction.CLOSE): MeetingStatus.CLOSED,
    (MeetingStatus.SCHEDULED, MeetingAction.CANCEL): MeetingStatus.CANCELLED,
}, MeetingStatus, MeetingAction, audit="meeting")


class ResolutionStatus(models.TextChoices):
    PLANNED = "planned", _("待落实")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已完成")
    INFEASIBLE = "infeasible", _("无法落实")


class ResolutionAction(models.TextChoices):
    PROGRESS = "progress", _("更新进度")
    FINISH = "finish", _("完成")
    INFEASIBLE = "infeasible", _("无法落实")
    REOPEN = "reopen", _("重新落实")


R, RA = ResolutionStatus, ResolutionAction
RUNNING = (R.PLANNED, R.IN_PROGRESS)
RESOLUTION_LIFECYCLE = Lifecycle({
    (R.PLANNED, RA.PROGRESS): R.IN_PROGRESS,
    (R.IN_PROGRESS, RA.PROGRESS): R.IN_PROGRESS,
    (R.PLANNED, RA.FINISH): R.DONE,
    (R.IN_PROGRESS, RA.FINISH): R.DONE,
    (R.PLANNED, RA.INFEASIBLE): R.INFEASIBLE,
    (R.IN_PROGRESS, RA.INFEASIBLE): R.INFEASIBLE,
    (R.DONE, RA.REOPEN): R.IN_PROGRESS,
}, ResolutionStatus, ResolutionAction, audit="resolution")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("未发布")


class CommentAction(models.TextChoices):
    PUBLISH = "publish", _("发布")
    REJECT = "reject", _("不予发布")


# audited as comment.publish / comment.reject
COMMENT_LIFECYCLE = Lifecycle({
    (CommentStatus.PENDING, CommentAction.PUBLISH): CommentStatus.PUBLISHED,
    (CommentStatus.PENDING, CommentAction.REJECT): CommentStatus.REJECTED,
}, CommentStatus, CommentAction, audit="comment")
