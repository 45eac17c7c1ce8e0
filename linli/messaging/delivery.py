"""Sending the deliveries (called by the tasks in ``tasks.py``).

A delivery is claimed under ``select_for_update(skip_locked=True)`` and marked ``sending`` with a
lease before anything leaves; the result is written only if the claim is still ours (status and
attempt number unchanged). A retryable failure puts it back to ``queued`` with the next attempt
after a backoff (``LINLI_MESSAGING_BACKOFF``) until ``LINLI_MESSAGING_MAX_ATTEMPTS``; a permanent
refusal (the gateway's 4xx) fails it at once, with the gateway's answer. The sweep hands due
retries, texts held by quiet hours and deliveries whose task was lost to new tasks, and puts back
deliveries whose lease ran out (the worker died): the SMS gateway deduplicates by the delivery
key, so sending one of those again is never a second text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from linli.core import sms

from .models import Delivery, Message, QuietHours
from .services import quiet_until

log = logging.getLogger("linli.messaging")
CLAIM = 20  # deliveries claimed at a time by one task
REQUEUE_AFTER = dt.timedelta(minutes=15)  # queued, handed to a task this long ago and still not tried: the task was lost
SWEEP_LIMIT = 20000


def _max_attempts() -> int:
    return max(1, int(getattr(settings, "LINLI_MESSAGING_MAX_ATTEMPTS", 4)))


def _backoff(attempts: int) -> dt.timedelta:
    waits = tuple(getattr(settings, "LINLI_MESSAGING_BACKOFF", (60, 300, 1500))) or (60,)
    return dt.timedelta(seconds=int(waits[min(attempts, len(waits)) - 1]))


def _lease(n: int) -> dt.timedelta:
    per = float(getattr(settings, "LINLI_SMS_CONNECT_TIMEOUT", 3)) + float(getattr(settings, "LINLI_SMS_READ_TIMEOUT", 10))
    return dt.timedelta(seconds=n * per + 60)


def run(ids: list[int]) -> dict[str, int]:
    """Send the deliveries ``ids`` that are due and not taken by another worker."""
    counts: Counter[str] = Counter()
    for i in range(0, len(ids), CLAIM):
        claimed = _claim(ids[i:i + CLAIM])
        if not claimed:
            continue
        messages = Message.objects.in_bulk([d.message_id for d in claimed if d.message_id])
        users = get_user_model().objects.in_bulk({m.user_id for m in messages.values()})
        quiet = _quiet({messages[d.message_id].user_id for d in claimed if d.channel == Delivery.Channel.SMS
                        and d.message_id in messages and not messages[d.message_id].urgent})
        for d in claimed:
            message = messages.get(d.message_id) if d.message_id else None
            until = quiet.get(message.user_id) if message is not None and d.channel == Delivery.Channel.SMS \
                and not message.urgent else None
            if until is not None:
                counts[_hold(d, until)] += 1
                continue
            counts[_attempt(d, message, users.get(message.user_id) if message else None)] += 1
    return dict(counts)


def _claim(ids: list[int]) -> list[Delivery]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk__in=ids, status=Delivery.Status.QUEUED, next_attempt_at__lte=now))
        if not rows:
            return []
        Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1, lease_until=now + _lease(len(rows)))
    for d in rows:
        d.attempts += 1
        d.status = Delivery.Status.SENDING
    return rows


def _quiet(user_ids: set[int]) -> dict[int, dt.datetime]:
    """Whose quiet hours are on now, and until when: checked again at every attempt, so a retry,
    a lease put back at night or quiet hours set after the text was queued still wait."""
    if not user_ids:
        return {}
    now = timezone.now()
    out = {}
    for uid, start, end in QuietHours.objects.filter(user_id__in=user_ids).values_list("user_id", "start", "end"):
        until = quiet_until(now, start, end)
        if until is not None:
            out[uid] = until
    return out


def _hold(d: Delivery, until: dt.datetime) -> str:
    """Back to the queue until the person's quiet hours end; the claim does not count as a try."""
    _finish(d, status=Delivery.Status.QUEUED, attempts=d.attempts - 1, queued_at=None, next_attempt_at=until)
    return "held"


def _finish(d: Delivery, **fields: Any) -> bool:
    """Write the outcome if the claim is still ours (nobody re-queued it after a lost lease)."""
    return bool(Delivery.objects.filter(pk=d.pk, status=Delivery.Status.SENDING, attempts=d.attempts)
                .update(lease_until=None, **fields))


def _attempt(d: Delivery, message: Message | None, user: Any) -> str:
    text = message.text if message is not None else d.text
    if message is not None and (user is None or not user.is_active):
        _finish(d, status=Delivery.Status.SKIPPED, last_error="inactive account")
        return "skipped"
    try:
        if d.channel == Delivery.Channel.SMS:
            phone = d.phone if message is None else getattr(user, "phone", "")
            if not phone:
                _finish(d, status=Delivery.Status.SKIPPED, last_error="no phone")
                return "skipped"
            answer = sms.backend().send(key=d.key, phone=phone, text=text)
        else:
            address = getattr(user, "email", "")
            if not address:
                _finish(d, status=Delivery.Status.SKIPPED, last_error="no address")
                return "skipped"
            from django.core.mail import EmailMessage

            # the delivery key is the Message-ID: a text sent again after a worker died carries the
            # same one, so the receiving server and the mail reader can tell it is the same message
            mail = EmailMessage(subject=text[:60], body=text, to=[address],
                                headers={"Message-ID": f"<{d.key}@{getattr(settings, 'LINLI_MAIL_DOMAIN', 'linli.local')}>"})
            mail.send(fail_silently=False)
            answer = "accepted"
    except sms.SmsError as exc:
        return _failed(d, exc.answer, permanent=exc.permanent)
    except Exception as exc:  # noqa: BLE001 (a mail server or an unexpected error: try again later)
        log.exception("delivery %s failed", d.pk)
        return _failed(d, f"{type(exc).__name__}: {exc}", permanent=False)
    _finish(d, status=Delivery.Status.SENT, sent_at=timezone.now(), gateway_id=str(answer)[:100], last_error="")
    return "sent"


def _failed(d: Delivery, answer: str, *, permanent: bool) -> str:
    if permanent or d.attempts >= _max_attempts():
        _finish(d, status=Delivery.Status.FAILED, last_error=answer[:300])
        return "failed"
    _finish(d, status=Delivery.Status.QUEUED, last_error=answer[:300], queued_at=None,
            next_attempt_at=timezone.now() + _backoff(d.attempts))
    return "retry"


def sweep() -> dict[str, int]:
    """Periodic: leases that ran out go back to the queue (or fail after the last attempt); due
    deliveries nobody has handed to a task (retries, quiet hours over, a lost task) are handed
    to new tasks. Idempotent; safe on two schedulers at once."""
    from .services import _enqueue

    now = timezone.now()
    with transaction.atomic():
        stale = list(Delivery.objects.select_for_update(skip_locked=True)
                     .filter(status=Delivery.Status.SENDING, lease_until__lt=now)
                     .values_list("pk", "attempts")[:SWEEP_LIMIT])
        spent = [pk for pk, n in stale if n >= _max_attempts()]
        back = [pk for pk, n in stale if n < _max_attempts()]
        if spent:
            Delivery.objects.filter(pk__in=spent).update(status=Delivery.Status.FAILED, lease_until=None,
                                                         last_error="lease expired after the last attempt")
        if back:
            Delivery.objects.filter(pk__in=back).update(status=Delivery.Status.QUEUED, lease_until=None, queued_at=None,
                                                        next_attempt_at=now, last_error="lease expired")
        due = list(Delivery.objects.select_for_update(skip_locked=True)
                   .filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now)
                   .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
                   .order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_LIMIT])
        if due:
            Delivery.objects.filter(pk__in=due).update(queued_at=now)
            _enqueue(due)
    return {"expired": len(stale), "failed": len(spent), "queued": len(due)}
