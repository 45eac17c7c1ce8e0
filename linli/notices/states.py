"""The lifecycle of a notice: draft → published → withdrawn (with a reason); a correction keeps it
published (a new version). Services move it only through ``LIFECYCLE.apply``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Action(models.TextChoices):
    PUBLISH = "publish", _("发布")
    CORRECT = "correct", _("更正")
    WITHDRAW = "withdraw", _("撤回")


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.PUBLISH): S.PUBLISHED,
    (S.PUBLISHED, A.CORRECT): S.PUBLISHED,
    (S.PUBLISHED, A.WITHDRAW): S.WITHDRAWN,
}

# audited as notice.publish / notice.correct / notice.withdraw
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="notice")
