"""Lifecycles of a disclosure (公示) and of an objection (异议). Pure data: the services move both
only through ``LIFECYCLE.apply`` / ``OBJECTION_LIFECYCLE.apply`` on locked rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("已结束")
    WITHDRAWN = "withdrawn", _("已撤回")
    SUPERSEDED = "superseded", _("已更正(旧版本)")


class Action(models.TextChoices):
    PUBLISH = "publish", _("发布")
    CORRECT = "correct", _("更正")
    WITHDRAW = "withdraw", _("撤回")
    CLOSE = "close", _("结束公示")


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.PUBLISH): S.OPEN,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.OPEN, A.CORRECT): S.SUPERSEDED,  # the new version opens with a new period
    (S.OPEN, A.WITHDRAW): S.WITHDRAWN,
    (S.OPEN, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.CORRECT): S.SUPERSEDED,  # an upheld objection answered after the period
}

# audited as disclosure.publish / disclosure.correct / disclosure.withdraw / disclosure.close
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="disclosure")

CURRENT = (S.DRAFT, S.OPEN, S.CLOSED, S.WITHDRAWN)  # the version a series shows (not superseded)
SHOWN = (S.OPEN, S.CLOSED, S.WITHDRAWN, S.SUPERSEDED)  # ever published


class ObjectionStatus(models.TextChoices):
    LODGED = "lodged", _("待答复")
    ANSWERED = "answered", _("已答复")


class ObjectionAction(models.TextChoices):
    ANSWER = "answer", _("答复")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("异议成立")
    PARTLY = "partly", _("部分成立")
    REJECTED = "rejected", _("异议不成立")


OBJECTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (ObjectionStatus.LODGED, ObjectionAction.ANSWER): ObjectionStatus.ANSWERED,
}

# audited as objection.answer
OBJECTION_LIFECYCLE = Lifecycle(OBJECTION_TRANSITIONS, ObjectionStatus, ObjectionAction, audit="objection")


class Result(models.TextChoices):
    """How a closed disclosure ended (worked out when it closes, again when a late answer arrives)."""

    NO_OBJECTION = "no_objection", _("公示期满无异议")
    REJECTED = "rejected", _("异议经核实不成立")
    UPHELD = "upheld", _("异议成立")
    PENDING = "pending", _("异议待答复")
