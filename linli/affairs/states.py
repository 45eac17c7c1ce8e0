"""Lifecycles of an application (办件) and of a community certificate (证明). Pure data: the
services move both only through ``LIFECYCLE.apply`` / ``CERTIFICATE_LIFECYCLE.apply`` on locked rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交(待受理)")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    CORRECTION = "correction", _("待补正")
    IN_PROGRESS = "in_progress", _("办理中")
    FORWARDED = "forwarded", _("已转办")
    COMPLETED = "completed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


class Action(models.TextChoices):
    ACCEPT = "accept", _("受理")
    REFUSE = "refuse", _("不予受理")
    REQUEST_CORRECTION = "request_correction", _("一次性告知补正")
    SUPPLY = "supply", _("补正完成")
    PROCESS = "process", _("开始办理")
    FORWARD = "forward", _("转办")
    RETURN = "return", _("部门反馈")
    COMPLETE = "complete", _("办结")
    WITHDRAW = "withdraw", _("撤回")


S, A = Status, Action
# (from, action) -> to.  SUPPLY returns to the state the correction interrupted (stored on the row).
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REFUSE): S.REFUSED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, A.REQUEST_CORRECTION): S.CORRECTION,
    (S.ACCEPTED, A.PROCESS): S.IN_PROGRESS,
    (S.ACCEPTED, A.FORWARD): S.FORWARDED,
    (S.ACCEPTED, A.COMPLETE): S.COMPLETED,
    (S.ACCEPTED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_PROGRESS, A.REQUEST_CORRECTION): S.CORRECTION,
    (S.IN_PROGRESS, A.FORWARD): S.FORWARDED,
    (S.IN_PROGRESS, A.COMPLETE): S.COMPLETED,
    (S.IN_PROGRESS, A.WITHDRAW): S.WITHDRAWN,
    (S.FORWARDED, A.REQUEST_CORRECTION): S.CORRECTION,
    (S.FORWARDED, A.RETURN): S.IN_PROGRESS,  # the department's answer is recorded, the window resumes
    (S.CORRECTION, A.SUPPLY): S.IN_PROGRESS,  # or back to accepted / forwarded: see services.supply
    (S.CORRECTION, A.WITHDRAW): S.WITHDRAWN,
}

OPEN = (S.SUBMITTED, S.ACCEPTED, S.CORRECTION, S.IN_PROGRESS, S.FORWARDED)
# the committed time limit runs in these; it stops while waiting for corrections (补正)
CLOCK_RUNNING = (S.ACCEPTED, S.IN_PROGRESS, S.FORWARDED)
FINAL = (S.REFUSED, S.COMPLETED, S.WITHDRAWN)
STAFF_ACTIONS = (A.ACCEPT, A.REFUSE, A.REQUEST_CORRECTION, A.SUPPLY, A.PROCESS, A.FORWARD, A.RETURN, A.COMPLETE)
APPLICANT_ACTIONS = (A.WITHDRAW,)
# the applicant withdraws on their own only before the window has started the work (or while it
# waits for their corrections); once in progress the window withdraws it at their request
APPLICANT_WITHDRAWS_IN = (S.SUBMITTED, S.ACCEPTED, S.CORRECTION)


def write_event(app: object, *, action: str, actor: object, before: str, after: str, note: str, public: bool) -> None:
    """The timeline row of one step (``ApplicationEvent``, through the application's ``events``)."""
    app.events.create(actor=actor if getattr(actor, "pk", None) else None, action=action,  # type: ignore[attr-defined]
                      from_status=before, to_status=after, note=note, public=public)


# the services audit each step with their own codes (affairs.accept, affairs.forward_return …)
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, timeline=write_event)


def next_status(status: str, action: str) -> str | None:
    return LIFECYCLE.next(status, action)


# ---------------------------------------------------------------- certificates

class CertificateState(models.TextChoices):
    REQUESTED = "requested", _("待出具")
    ISSUED = "issued", _("已出具")
    REFUSED = "refused", _("不予出具")
    REVOKED = "revoked", _("已撤销")


class CertificateAction(models.TextChoices):
    ISSUE = "issue", _("出具")
    REFUSE = "refuse", _("不予出具")
    REVOKE = "revoke", _("撤销")


CS, CA = CertificateState, CertificateAction
CERTIFICATE_TRANSITIONS: dict[tuple[str, str], str] = {
    (CS.REQUESTED, CA.ISSUE): CS.ISSUED,
    (CS.REQUESTED, CA.REFUSE): CS.REFUSED,
    (CS.ISSUED, CA.REVOKE): CS.REVOKED,
}

# audited as certificate.issue / certificate.refuse / certificate.revoke
CERTIFICATE_LIFECYCLE = Lifecycle(CERTIFICATE_TRANSITIONS, CertificateState, CertificateAction, field="state",
                                  audit="certificate")
