"""The work-order lifecycle: one status field, one transition map, guards. No model imported: the
timeline goes through the order's ``events``.

受理/立案 → 派单 → 接单 or 退单 → 处置 → 办结上报 → 核查 (pass → 结案; fail → back to 处置) → 评价.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    REGISTERED = "registered", _("已立案")
    NOT_REGISTERED = "not_registered", _("不予立案")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("处置中")
    DONE_REPORTED = "done_reported", _("待核查")
    CLOSED = "closed", _("已结案")
    RATED = "rated", _("已评价")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


class Action(models.TextChoices):
    REGISTER = "register", _("立案")
    REFUSE = "refuse", _("不予立案")
    WITHDRAW = "withdraw", _("撤回")
    MERGE = "merge", _("合并")
    DISPATCH = "dispatch", _("派单")
    REROUTE = "reroute", _("改派")
    ACCEPT = "accept", _("接单")
    SEND_BACK = "send_back", _("退单")
    REPORT_DONE = "report_done", _("办结上报")
    VERIFY_PASS = "verify_pass", _("核查通过")
    VERIFY_FAIL = "verify_fail", _("核查不通过")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("重新办理")


S, A = Status, Action

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUBMITTED, A.REGISTER): S.REGISTERED,
    (S.SUBMITTED, A.REFUSE): S.NOT_REGISTERED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.MERGE): S.MERGED,
    (S.REGISTERED, A.DISPATCH): S.DISPATCHED,
    (S.REGISTERED, A.MERGE): S.MERGED,
    (S.DISPATCHED, A.REROUTE): S.DISPATCHED,
    (S.DISPATCHED, A.ACCEPT): S.IN_PROGRESS,
    (S.DISPATCHED, A.SEND_BACK): S.REGISTERED,
    (S.IN_PROGRESS, A.REPORT_DONE): S.DONE_REPORTED,
    (S.IN_PROGRESS, A.REROUTE): S.DISPATCHED,  # taken from a unit that is not getting it done
    (S.DONE_REPORTED, A.VERIFY_PASS): S.CLOSED,
    (S.DONE_REPORTED, A.VERIFY_FAIL): S.IN_PROGRESS,
    (S.CLOSED, A.RATE): S.RATED,
    (S.RATED, A.REOPEN): S.IN_PROGRESS,
}

OPEN = (S.SUBMITTED, S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.DONE_REPORTED)
# states whose time limit is running: the registration clock (立案时限, clock hours from
# submission) while submitted, then the handling clock from registration
CLOCK_RUNNING = (S.SUBMITTED, S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.DONE_REPORTED)
FINAL = (S.NOT_REGISTERED, S.WITHDRAWN, S.MERGED)




def write_event(order: object, *, action: str, actor: object, before: str, after: str, note: str, public: bool) -> None:
    """The timeline row of one step (``WorkOrderEvent``, through the order's ``events``)."""
    order.events.create(actor=actor if getattr(actor, "pk", None) else None, action=action,  # type: ignore[attr-defined]
                        from_status=before, to_status=after, note=note[:1000], public=public)


# every step audited as workorder.<action> (status before and after, the note)
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="workorder", timeline=write_event)


def next_status(status: str, action: str) -> str | None:
    return LIFECYCLE.next(status, action)


def can(status: str, action: str) -> bool:
    return (status, action) in TRANSITIONS


def actions_from(status: str) -> list[str]:
    return [a for (s, a) in TRANSITIONS if s == status]
