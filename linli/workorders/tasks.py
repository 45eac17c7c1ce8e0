"""Background work of the needs-and-problems loop (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notifications(*, user_ids: list[int], text: str) -> int:
    """Send one message through the configured outbound backend (e-mail, SMS gateway). A failure
    for one user is logged and does not stop the others; the in-app message is already stored."""
    import logging

    from django.contrib.auth import get_user_model

    from linli.core.notify import sender

    backend = sender()
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
        try:
            backend.send(user=user, text=text)
            sent += 1
        except Exception:  # noqa: BLE001 (a gateway error must not lose the rest)
            logging.getLogger("linli.notify").exception("notification to user %s failed", user.pk)
    return sent


@task()
def deliver_messages(*, messages: list[list]) -> int:
    """Different messages to different users (the supervision sweep), through the outbound backend."""
    import logging

    from django.contrib.auth import get_user_model

    from linli.core.notify import sender

    backend = sender()
    users = get_user_model().objects.in_bulk([m[0] for m in messages])
    sent = 0
    for user_id, text in messages:
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        try:
            backend.send(user=user, text=text)
            sent += 1
        except Exception:  # noqa: BLE001 (a gateway error must not lose the rest)
            logging.getLogger("linli.notify").exception("notification to user %s failed", user_id)
    return sent


@task()
def text_contact(*, order_id: int, text: str) -> bool:
    """An SMS to the contact phone of a report made without an account (hotline, patrol,
    Open311). The phone is read here from the encrypted column, never passed through the queue."""
    from linli.core.notify import sender

    from .models import WorkOrder

    order = WorkOrder.objects.filter(pk=order_id).only("contact_phone").first()
    if order is None or not order.contact_phone:
        return False
    return sender().send_to_phone(phone=order.contact_phone, text=text)
