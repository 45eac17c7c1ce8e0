"""Reads of the inbox: always one's own messages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.core.errors import NotFound
from linli.core.lifecycle import Actions

from . import kinds
from .models import Message, Preference, QuietHours


def messages_for(actor: Any, *, unread: bool = False, kind: str | None = None) -> QuerySet[Message]:
    qs = Message.objects.filter(user=actor)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def unread_count(actor: Any) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Message.objects.filter(user=actor, read_at__isnull=True).count()


def message_for(actor: Any, pk: int) -> Message:
    found = Message.objects.filter(user=actor, pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("消息不存在"))
    return found


def kinds_received(actor: Any) -> list[kinds.Kind]:
    """The kinds in the person's inbox, for the filter."""
    codes = set(Message.objects.filter(user=actor).values_list("kind", flat=True).distinct())
    return [k for k in kinds.all_kinds() if k.code in codes]


def preferences_for(actor: Any) -> list[dict[str, Any]]:
    """Every kind with an outbound channel and, per channel, whether it is on and may be
    switched off."""
    stored = {(k, c): on for k, c, on in Preference.objects.filter(user=actor).values_list("kind", "channel", "enabled")}
    out = []
    for kind in kinds.all_kinds():
        if not kind.outbound:
            continue
        out.append({"kind": kind, "channels": [
            {"channel": c, "enabled": True if not kind.mutable else stored.get((kind.code, c), True), "mutable": kind.mutable}
            for c in kind.outbound]})
    return out


def quiet_hours_for(actor: Any) -> QuietHours | None:
    return QuietHours.objects.filter(user=actor).first()


# ---------------------------------------------------------------- what a person may do now

MESSAGE_ACTIONS = Actions({"read": "messaging.read", "mark_read": "messaging.mark_read"},
                          when={"mark_read": lambda m: m.read_at is None})
KIND_ACTIONS = Actions({"mute": "messaging.mute"})


def available_actions(actor: Any, obj: Any) -> list[str]:
    """What ``actor`` may do with a message (open it, mark it read while unread) or a kind
    (switch a channel off, unless it is a legal notice)."""
    if isinstance(obj, Message):
        return MESSAGE_ACTIONS.for_(actor, obj)
    return KIND_ACTIONS.for_(actor, obj)
