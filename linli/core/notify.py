"""Outbound notifications (SMS / e-mail) behind one interface; in-app messages are rows of the
app that sends them.

Backends (``LINLI_NOTIFY_BACKEND``):
- ``linli.core.notify.ConsoleSender`` (default): writes to the log; keeps the last 200 in memory.
- ``linli.core.notify.EmailSender``: Django's mail (EMAIL_BACKEND / EMAIL_HOST …) to the user's
  address; users without one are skipped.
- ``linli.core.notify.SmsGatewaySender``: POSTs ``{"phone", "text", "sign"}`` as JSON to
  ``LINLI_SMS_URL`` (the operator's SMS gateway on the intranet), bearer ``LINLI_SMS_TOKEN``.
Backends that talk to another system set ``in_background = True``: they are called from the
``deliver_notifications`` task after the change commits, never inside a user's request.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections import deque
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("linli.notify")


class Sender(Protocol):
    in_background: ClassVar[bool]

    def send(self, *, user: Any, text: str) -> None: ...

    def send_to_phone(self, *, phone: str, text: str) -> bool:
        """A text to a phone number without an account (a hotline caller); False if the
        backend cannot reach phones."""
        ...


class ConsoleSender:
    in_background: ClassVar[bool] = False
    sent: ClassVar[deque[tuple[str, str]]] = deque(maxlen=200)  # the latest, for inspection in development

    def send(self, *, user: Any, text: str) -> None:
        ConsoleSender.sent.append((getattr(user, "username", str(user)), text))
        log.info("notify %s: %s", getattr(user, "username", user), text)

    def send_to_phone(self, *, phone: str, text: str) -> bool:
        from .masking import mask_phone

        ConsoleSender.sent.append((mask_phone(phone), text))  # never the whole number in a log
        log.info("sms %s: %s", mask_phone(phone), text)
        return True


class EmailSender:
    in_background: ClassVar[bool] = True

    def send(self, *, user: Any, text: str) -> None:
        from django.core.mail import send_mail

        address = getattr(user, "email", "")
        if not address:
            return
        send_mail(subject=text[:60], message=text, from_email=None, recipient_list=[address], fail_silently=False)

    def send_to_phone(self, *, phone: str, text: str) -> bool:
        return False  # e-mail only: a caller without an account is reached by SMS


class SmsGatewaySender:
    in_background: ClassVar[bool] = True
    timeout = 10

    def send(self, *, user: Any, text: str) -> None:
        phone = getattr(user, "phone", "")
        if phone:
            self.send_to_phone(phone=phone, text=text)

    def send_to_phone(self, *, phone: str, text: str) -> bool:
        url = getattr(settings, "LINLI_SMS_URL", "")
        if not url.startswith(("http://", "https://")):
            raise RuntimeError("LINLI_SMS_URL must be an http(s) address")
        body = json.dumps({"phone": phone, "text": text, "sign": getattr(settings, "LINLI_SMS_SIGN", "")}).encode()
        req = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 (http(s) checked above)
            "Content-Type": "application/json", "Authorization": f"Bearer {getattr(settings, 'LINLI_SMS_TOKEN', '')}"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 (URL from settings)
            if resp.status >= 300:
                raise RuntimeError(f"SMS gateway answered {resp.status}")
        return True


def sender() -> Sender:
    return import_string(getattr(settings, "LINLI_NOTIFY_BACKEND", "linli.core.notify.ConsoleSender"))()
