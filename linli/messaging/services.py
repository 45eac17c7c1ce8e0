"""Writes of the messaging app: ``send`` (the one function every capability calls to tell
people something), ``send_to_phone`` (a caller without an account), read marks and the
person's preferences."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BooleanField, QuerySet, TimeField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import reachable
from linli.core.errors import DomainError
from linli.core.services import record_audit

from . import kinds
from .models import Delivery, Message, Preference, QuietHours

BATCH = 2000  # rows per INSERT


def quiet_until(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """When the quiet period that ``now`` falls in ends (local time), or None outside it. A
    period with start after end runs past midnight (22:00–07:00)."""
    local = timezone.localtime(now)
    t = local.time()
    if start < end:
        if not start <= t < end:
            return None
        day = local.date()
    else:
        if end <= t < start:
            return None
        day = local.date() + dt.timedelta(days=1) if t >= start else local.date()
    return timezone.make_aware(dt.datetime.combine(day, end), timezone.get_current_timezone())


def _ids(recipients: Any) -> list[int]:
    if isinstance(recipients, QuerySet):
        return list(recipients.values_list("pk", flat=True))
    return list(dict.fromkeys(u.pk for u in recipients if u is not None and u.pk is not None))


def _chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _enqueue(ids: list[int]) -> int:
    """Hand due deliveries to the task queue after commit, one task per chunk."""
    if not ids:
        return 0
    size = max(1, int(getattr(settings, "LINLI_MESSAGING_TASK_CHUNK", 500)))
    chunks = list(_chunks(ids, size))

    def go() -> None:
        from .tasks import deliver

        for chunk in chunks:
            deliver.enqueue(ids=chunk)

    transaction.on_commit(go)
    return len(chunks)


def send(recipients: Any, kind: str, *, text: str, target: Any = None, link: str = "", urgent: bool | None = None) -> int:
    """Tell ``recipients`` (users, or a queryset of them) something of ``kind``: one inbox row
    each, a delivery per outbound channel of the kind that the person has not muted and can be
    reached on (SMS with a phone, e-mail with an address; legal notices ignore mutes); the due
    ones go to the delivery task after commit, in chunks. Returns the inbox rows written."""
    found = kinds.get(kind)  # an unregistered kind raises
    ids = _ids(recipients)
    if not ids:
        return 0
    type_id, obj_id = _target(target)
    text, link = text[:300], link[:200]
    return _write(found, [(pk, text, type_id, obj_id, link) for pk in ids], urgent)


def send_many(kind: str, items: Iterable[tuple[Any, str, Any, str]], *, urgent: bool | None = None) -> int:
    """Like ``send`` for many different texts at once (a sweep): ``items`` are ``(user, text,
    target, link)``; a target may be an object or ``(model, pk)``."""
    found = kinds.get(kind)
    rows = []
    for user, text, target, link in items:
        if user is None:
            continue
        type_id, obj_id = _target(target)
        rows.append((getattr(user, "pk", user), text[:300], type_id, obj_id, (link or "")[:200]))
    return _write(found, rows, urgent) if rows else 0


def _target(target: Any) -> tuple[int | None, int | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        model, pk = target
        return ContentType.objects.get_for_model(model).pk, pk
    return ContentType.objects.get_for_model(target).pk, target.pk


_FACTS: dict[tuple[str, tuple[str, ...], bool], dict[str, RawSQL]] = {}


def _facts(found: kinds.Kind, channels: tuple[str, ...], *, quiet: bool) -> dict[str, RawSQL]:
    """What ``_write`` asks about each recipient beside their contact details, as annotations of
    the account row: a muted flag per outbound channel (mutable kinds) and the quiet hours' start
    and end (SMS that may wait). Plain SQL over messaging's own tables, built once per kind: the
    ORM's subqueries cost more to compile than the statement costs to run."""
    key = (found.code, channels, quiet)
    if key not in _FACTS:
        user = get_user_model()._meta
        outer = f'"{user.db_table}"."{user.pk.column}"'
        p, q = Preference._meta, QuietHours._meta

        def col(meta: Any, name: str) -> str:
            return f'"{meta.get_field(name).column}"'

        # identifiers only come from the models' own metadata; the values are parameters
        facts: dict[str, RawSQL] = {}
        if found.mutable:
            for channel in channels:
                facts[f"muted_{channel}"] = RawSQL(  # noqa: S611
                    f'EXISTS (SELECT 1 FROM "{p.db_table}" p WHERE p.{col(p, "user")} = {outer} '  # noqa: S608
                    f'AND p.{col(p, "kind")} = %s AND p.{col(p, "channel")} = %s AND NOT p.{col(p, "enabled")})',
                    (found.code, channel), output_field=BooleanField())
        if quiet:
            for end in ("start", "end"):
                facts[f"quiet_{end}"] = RawSQL(  # noqa: S611
                    f'(SELECT q.{col(q, end)} FROM "{q.db_table}" q WHERE q.{col(q, "user")} = {outer})',  # noqa: S608
                    (), output_field=TimeField())
        _FACTS[key] = facts
    return dict(_FACTS[key])


def _write(found: kinds.Kind, rows: list[tuple[int, str, int | None, int | None, str]], urgent: bool | None) -> int:
    """Inbox rows, then one statement that reads for every recipient whether they can be reached
    on each channel, which of the kind's channels they muted and their quiet hours, then the
    delivery rows. Inside the caller's transaction it takes no savepoint of its own: if any of it
    fails the caller's whole write fails with it (nothing half-written, nothing sent)."""
    urgent = found.urgent if urgent is None else urgent
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        messages = Message.objects.bulk_create(
            [Message(user_id=uid, kind=found.code, target_type_id=type_id, target_id=obj_id, text=text, link=link,
                     urgent=urgent, created_at=now) for uid, text, type_id, obj_id, link in rows], batch_size=BATCH)
        channels = found.outbound
        if not channels:
            return len(messages)
        extra = _facts(found, channels, quiet="sms" in channels and not urgent)
        contact = reachable((m.user_id for m in messages), **extra)
        names = list(extra)
        deliveries: list[Delivery] = []
        for m in messages:
            reach = contact.get(m.user_id)
            if reach is None:  # an inactive account keeps its inbox row only
                continue
            facts = dict(zip(names, reach[2:], strict=True))
            held = None
            if facts.get("quiet_start") is not None:
                held = quiet_until(now, facts["quiet_start"], facts["quiet_end"])
            for channel in channels:
                if facts.get(f"muted_{channel}") or not reach[0 if channel == "sms" else 1]:
                    continue
                at = (held or now) if channel == "sms" else now
                deliveries.append(Delivery(message_id=m.pk, kind=found.code, channel=channel, key=uuid.uuid4().hex,
                                           next_attempt_at=at, queued_at=now if at <= now else None, created_at=now))
        Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
        _enqueue([d.pk for d in deliveries if d.queued_at is not None])
    return len(messages)


def send_to_phone(phone: str, kind: str, text: str) -> Delivery | None:
    """An SMS to a phone without an account (a hotline caller). The number is kept encrypted on
    the delivery row; the task queue carries only the row's id."""
    found = kinds.get(kind)
    if not phone or "sms" not in found.channels:
        return None
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.create(kind=kind, channel=Delivery.Channel.SMS, key=uuid.uuid4().hex, phone=phone,
                                           text=text[:300], next_attempt_at=now, queued_at=now, created_at=now)
        _enqueue([delivery.pk])
    return delivery


# ---------------------------------------------------------------- the person's inbox

def mark_read(*, actor: Any, ids: Iterable[int]) -> int:
    return Message.objects.filter(user=actor, pk__in=list(ids), read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, actor: Any, kind: str | None = None) -> int:
    qs = Message.objects.filter(user=actor, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def set_preferences(*, actor: Any, enabled: dict[tuple[str, str], bool], quiet: tuple[dt.time, dt.time] | None) -> None:
    """Store the person's choice for each (kind, channel) given, and their quiet hours (None: no
    quiet hours). Legal notices (kinds that are not mutable) cannot be switched off."""
    for (code, channel), on in enabled.items():
        try:
            kind = kinds.get(code)
        except kinds.UnknownKind:
            raise DomainError("invalid", _("未知的消息类别"), field="kind") from None
        if channel not in kind.outbound:
            raise DomainError("invalid", _("该类消息不通过此渠道发送"), field="channel")
        if not kind.mutable and not on:
            raise DomainError("not_mutable", _("法定告知类消息不能关闭"), field="kind")
        Preference.objects.update_or_create(user=actor, kind=code, channel=channel, defaults={"enabled": on})
    if quiet is None:
        QuietHours.objects.filter(user=actor).delete()
    else:
        start, end = quiet
        if start == end:
            raise DomainError("invalid", _("免打扰的开始和结束时间不能相同"), field="quiet_start")
        QuietHours.objects.update_or_create(user=actor, defaults={"start": start, "end": end})
    record_audit(actor=actor, action="messaging.preferences", target=actor,
                 changes={"muted": sorted(f"{k}/{c}" for (k, c), on in enabled.items() if not on),
                          "quiet": f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}" if quiet else ""})
