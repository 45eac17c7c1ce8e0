"""The lifecycle of an election as far as it is built: 筹备 (the plan, the committee, the voter
list built and corrected) → 选民榜已公布 (the list disclosed; objections answered; corrections
logged; nominations taken and answered, the formal candidates decided) → 候选人名单已公布 (the
candidate list disclosed at least ``candidates_days`` before election day; either may be cancelled with a reason) →
投票中 (on election day) → 投票结束 → 计票: 选举结束 (every seat filled, or the turnout too low),
or 待另行选举 (seats left: a further round or a runoff opens, votes, closes and is counted again).
Once counted, a recall (罢免) opens a round of its own: 选举结束 → 投票中 → 投票结束 → 选举结束. Services move it only through
``LIFECYCLE.apply``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    PREPARING = "preparing", _("筹备中")
    VOTERS_PUBLISHED = "voters_published", _("选民榜已公布")
    CANDIDATES_PUBLISHED = "candidates_published", _("候选人名单已公布")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("投票结束，待计票")
    FURTHER = "further", _("待另行选举")
    COUNTED = "counted", _("选举结束")
    CANCELLED = "cancelled", _("已取消")


class Action(models.TextChoices):
    PUBLISH_VOTERS = "publish_voters", _("公布选民名单")
    PUBLISH_CANDIDATES = "publish_candidates", _("公布候选人名单")
    OPEN_VOTING = "open_voting", _("开始投票")
    CLOSE_VOTING = "close_voting", _("结束投票")
    COUNT = "count", _("计票")
    COUNT_FURTHER = "count_further", _("计票(须另行选举)")
    CANCEL = "cancel", _("取消选举")
    OPEN_RECALL = "open_recall", _("开始罢免表决")
    COUNT_RECALL = "count_recall", _("罢免表决计票")


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PREPARING, A.PUBLISH_VOTERS): S.VOTERS_PUBLISHED,
    (S.PREPARING, A.CANCEL): S.CANCELLED,
    (S.VOTERS_PUBLISHED, A.PUBLISH_CANDIDATES): S.CANDIDATES_PUBLISHED,
    (S.VOTERS_PUBLISHED, A.CANCEL): S.CANCELLED,
    (S.CANDIDATES_PUBLISHED, A.CANCEL): S.CANCELLED,
    (S.CANDIDATES_PUBLISHED, A.OPEN_VOTING): S.VOTING,
    (S.VOTING, A.CLOSE_VOTING): S.CLOSED,
    (S.CLOSED, A.COUNT): S.COUNTED,
    (S.CLOSED, A.COUNT_FURTHER): S.FURTHER,
    (S.FURTHER, A.OPEN_VOTING): S.VOTING,
    (S.COUNTED, A.OPEN_RECALL): S.VOTING,  # 罢免: the election's list votes again, on the members named
    (S.CLOSED, A.COUNT_RECALL): S.COUNTED,
}
BEFORE_VOTING = (S.PREPARING, S.VOTERS_PUBLISHED, S.CANDIDATES_PUBLISHED)  # the list may still be corrected
CANDIDATES_PUBLIC = (S.CANDIDATES_PUBLISHED, S.VOTING, S.CLOSED, S.FURTHER, S.COUNTED)
LIST_PUBLIC = (S.VOTERS_PUBLISHED, S.CANDIDATES_PUBLISHED, S.VOTING, S.CLOSED, S.FURTHER, S.COUNTED)  # the 选民榜 is public and corrections are announced

# audited as election.publish_voters / election.cancel
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="election")


class RecallStatus(models.TextChoices):
    LODGED = "lodged", _("已提出，待表决")
    VOTING = "voting", _("表决中")
    DECIDED = "decided", _("已表决")
    WITHDRAWN = "withdrawn", _("已撤回")


class RecallAction(models.TextChoices):
    OPEN = "open", _("开始罢免表决")
    DECIDE = "decide", _("罢免表决计票")
    WITHDRAW = "withdraw", _("撤回罢免要求")


RECALL_TRANSITIONS: dict[tuple[str, str], str] = {
    (RecallStatus.LODGED, RecallAction.OPEN): RecallStatus.VOTING,
    (RecallStatus.LODGED, RecallAction.WITHDRAW): RecallStatus.WITHDRAWN,
    (RecallStatus.VOTING, RecallAction.DECIDE): RecallStatus.DECIDED,
}
# a recall's steps are audited on its election (election.recall_lodge / _withdraw / _count, election.open_recall)
RECALL_LIFECYCLE = Lifecycle(RECALL_TRANSITIONS, RecallStatus, RecallAction)
