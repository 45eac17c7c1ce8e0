"""Background work of the needs-and-problems loop (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def escalation_sweep() -> dict:
    """Idempotent: safe to run twice, or on two workers at once."""
    from .services import escalate_overdue

    return {str(k): v for k, v in escalate_overdue().items()}


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
