"""One mechanism for every lifecycle (work orders, applications, …): a transition map from
(status, action) to the next status, and one refusal — the same error code and message, in the
user's language, naming the state and the action — wherever a step is not allowed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from .errors import Conflict


class Lifecycle:
    def __init__(self, transitions: dict[tuple[str, str], str], status: type[models.TextChoices],
                 action: type[models.TextChoices]) -> None:
        self.transitions = transitions
        self.status = status
        self.action = action

    def next(self, status: str, action: str) -> str | None:
        return self.transitions.get((status, action))

    def allowed(self, status: str) -> list[str]:
        return [a for (s, a) in self.transitions if s == status]

    def require(self, status: str, action: str) -> str:
        """The next status, or Conflict("illegal_transition")."""
        target = self.next(status, action)
        if target is None:
            label = str(self.action(action).label) if action in self.action.values else action
            raise Conflict("illegal_transition", _("当前状态“%(s)s”下不能执行“%(a)s”") % {
                "s": self.status(status).label, "a": label}, current_status=status, action=action)
        return target
