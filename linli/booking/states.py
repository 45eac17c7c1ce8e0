"""The two lifecycles of the reservation engine. Pure: no Django models.

A reservation: 待审核 (requested) → 通过 → 已确认 (confirmed) → 签到 (attended) or 爽约 (no_show);
待审核 → 不通过 (rejected); a full slot's 候补 (waiting) → 候补转正 → confirmed (or requested where
the resource needs approval); requested, confirmed and waiting may be cancelled; requests and
waiting places never decided when their slot begins expire (requested → rejected, waiting →
cancelled).

A bookable resource (and the venue or offering behind it): open ⇄ closed. Its stored field is the
``active`` flag; ``Resource.state`` reads and sets it as ``open``/``closed``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class Status(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    WAITING = "waiting", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    REJECTED = "rejected", _("未通过")
    ATTENDED = "attended", _("已签到")
    NO_SHOW = "no_show", _("爽约")


class Action(models.TextChoices):
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("不通过")
    CANCEL = "cancel", _("取消预约")
    PROMOTE = "promote", _("候补转正")
    CHECK_IN = "check_in", _("签到")
    NO_SHOW = "no_show", _("记爽约")
    EXPIRE = "expire", _("过期未处理")


S, A = Status, Action

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REQUESTED, A.APPROVE): S.CONFIRMED,
    (S.REQUESTED, A.REJECT): S.REJECTED,
    (S.REQUESTED, A.CANCEL): S.CANCELLED,
    (S.CONFIRMED, A.CANCEL): S.CANCELLED,
    (S.WAITING, A.CANCEL): S.CANCELLED,
    # a freed seat goes to the first in the queue: confirmed, or requested where the resource
    # needs approval (``to=``)
    (S.WAITING, A.PROMOTE): S.CONFIRMED,
    (S.CONFIRMED, A.CHECK_IN): S.ATTENDED,
    (S.CONFIRMED, A.NO_SHOW): S.NO_SHOW,
    # the slot began: a request never decided is not granted, a place in the queue never reached ends
    (S.REQUESTED, A.EXPIRE): S.REJECTED,
    (S.WAITING, A.EXPIRE): S.CANCELLED,
}

# a booking that still holds or waits for a seat
LIVE = (S.REQUESTED, S.CONFIRMED, S.WAITING)
HOLDS_SEAT = (S.REQUESTED, S.CONFIRMED)
# steps the engine takes itself (no one is offered them as a button)
SYSTEM = (A.PROMOTE, A.EXPIRE)

# audit codes "booking.<action>" (booking.cancel as before; labels in core/audit.py)
LIFECYCLE = Lifecycle(TRANSITIONS, Status, Action, audit="booking")


class ResourceState(models.TextChoices):
    OPEN = "open", _("开放预约")
    CLOSED = "closed", _("暂停预约")


class ResourceAction(models.TextChoices):
    CLOSE = "close", _("停止预约")
    REOPEN = "reopen", _("重新开放")


RESOURCE_TRANSITIONS: dict[tuple[str, str], str] = {
    (ResourceState.OPEN, ResourceAction.CLOSE): ResourceState.CLOSED,
    (ResourceState.CLOSED, ResourceAction.REOPEN): ResourceState.OPEN,
}

# the callers audit themselves (booking.resource_close with the reason and the bookings
# cancelled, booking.resource_reopen; venue.close / venue.reopen on top for a venue). ``state`` is
# a property over the stored ``active`` flag, so the caller locks and reads the row itself and
# applies with ``lock=False`` (``resources._lock``).
RESOURCE_LIFECYCLE = Lifecycle(RESOURCE_TRANSITIONS, ResourceState, ResourceAction, field="state")
