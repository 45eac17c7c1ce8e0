"""好差评 follow-up, one mechanism for every rated thing (work orders, applications, …).

``open_for`` is called after a rating is stored: a bad rating (``ratings.is_bad``) opens one
``FollowUp`` task for the rated object's area, due ``WORKING_DAYS`` working days later
(``core.calendar``, so holidays and make-up working days count as the official calendar says);
a second call for the same object and round opens nothing new. ``answer`` closes the task through the
follow-up lifecycle; who may answer is the rated app's rule (``may_answer``, over the task's
area), and whether the answer may reopen the rated thing is the app's too (``can_reopen``): the app
reopens it, this module only records the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import calendar
from .errors import Conflict, DomainError, PermissionDenied
from .lifecycle import Lifecycle
from .models import FollowUp
from .ratings import is_bad
from .text import clean_text

WORKING_DAYS = 5  # working days to follow up a bad rating

LIFECYCLE = Lifecycle({(FollowUp.Status.OPEN, FollowUp.Action.ANSWER): FollowUp.Status.DONE},
                      FollowUp.Status, FollowUp.Action)  # the rated app audits the answer with its own code


def open_for(target: models.Model, *, rating: int, region_path: str, round: int = 1) -> tuple[FollowUp | None, bool]:  # noqa: A002
    """The task a rating of ``target`` opens, and whether it was opened now (None, False when the
    rating is not bad). Idempotent per rated object and ``round``: a thing reopened by an answer and
    rated again (its next round) opens a new task when that rating is bad too."""
    if not is_bad(rating):
        return None, False
    due = calendar.add_working_days(timezone.localdate(), WORKING_DAYS)
    return FollowUp.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(type(target)), object_id=target.pk, round=max(1, int(round)),
        defaults={"region_path": region_path, "rating": rating, "due_date": due})


def _clean(text: str) -> str:
    body = clean_text(text, multiline=True, limit=2000)
    if not body:
        raise DomainError("invalid", _("请填写整改回复"), field="answer")
    return body


def task_of(target: models.Model) -> FollowUp | None:
    return FollowUp.objects.for_target(target).first()


@transaction.atomic
def answer(*, actor: Any, task: FollowUp, text: str, may_answer: Callable[[Any, str], bool],
           reopen: bool = False, can_reopen: bool = False,
           done_error: tuple[str, str] | None = None, clean: Callable[[str], str] | None = None) -> FollowUp:
    """Record the answer and close the task. ``may_answer(actor, region_path)`` decides who may;
    ``done_error`` (code, message) is the refusal when it is already answered; ``clean`` the
    app's own check of the text (its messages), by default: required, at most 2,000 characters."""
    task = FollowUp.objects.select_for_update().get(pk=task.pk)
    if not may_answer(actor, task.region_path):
        raise PermissionDenied("forbidden", _("您无权办理该事项"))
    if task.status == FollowUp.Status.DONE:
        code, message = done_error or ("follow_up_done", _("已经回复过了"))
        raise Conflict(code, message)
    if reopen and not can_reopen:
        raise DomainError("invalid", _("该事项不能重新办理"), field="reopen")
    body = (clean or _clean)(text)
    LIFECYCLE.apply(task, FollowUp.Action.ANSWER, actor=actor, lock=False)
    task.answer, task.done_by, task.done_at = body, actor, timezone.now()
    task.save()
    return task
