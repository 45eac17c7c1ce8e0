"""Lifecycles of an owners' roll and of an assembly. Services move them only through
``LIFECYCLE.apply``.

Roll: draft → disclosed (公示, objections) → locked. An assembly cannot open voting on a roll
that is not locked.

Assembly: draft → called (the notice went out; voting opens at least 15 days later) → voting →
closed → preliminary (the result is disclosed for objections) → announced (决定公告). A draft or
called assembly may be cancelled (with a reason)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    DISCLOSED = "disclosed", _("公示中")
    LOCKED = "locked", _("已锁定")


class RollAction(models.TextChoices):
    DISCLOSE = "disclose", _("公示名册")
    CORRECT = "correct", _("更正名册")
    LOCK = "lock", _("锁定名册")


R, RA = RollStatus, RollAction
ROLL_TRANSITIONS: dict[tuple[str, str], str] = {
    (R.DRAFT, RA.CORRECT): R.DRAFT,
    (R.DRAFT, RA.DISCLOSE): R.DISCLOSED,
    (R.DISCLOSED, RA.CORRECT): R.DISCLOSED,
    (R.DISCLOSED, RA.LOCK): R.LOCKED,
}
ROLL_LIFECYCLE = Lifecycle(ROLL_TRANSITIONS, RollStatus, RollAction, audit="assembly_roll")


class Status(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    CALLED = "called", _("已公告召开")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("投票结束")
    PRELIMINARY = "preliminary", _("结果公示中")
    ANNOUNCED = "announced", _("已公告决定")
    CANCELLED = "cancelled", _("已取消")


class Action(models.TextChoices):
    CALL = "call", _("发布召开公告")
    OPEN = "open", _("开始投票")
    EXTEND = "extend", _("延长投票")
    CLOSE = "close", _("结束投票")
    PUBLISH_RESULT = "publish_result", _("公示表决结果")
    ANNOUNCE = "announce", _("公告决定")
    CANCEL = "cancel", _("取消")


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.CALL): S.CALLED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.CALLED, A.OPEN): S.VOTING,
    (S.CALLED, A.CANCEL): S.CANCELLED,
    (S.VOTING, A.EXTEND): S.VOTING,
    (S.VOTING, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.PUBLISH_RESULT): S.PRELIMINARY,
    (S.PRELIMINARY, A.ANNOUNCE): S.ANNOUNCED,
}
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="assembly")
