"""The SMS channel of the platform (kernel): one interface, a console backend for development and
an HTTP gateway backend for production. The messaging app's delivery task and accounts' sign-up
codes both send through it.

``LINLI_SMS_BACKEND`` picks the backend:
- ``linli.core.sms.ConsoleSms`` (default): writes to the log, the phone masked; keeps the latest
  200 ``(masked phone, text)`` pairs in ``ConsoleSms.sent`` for inspection.
- ``linli.core.sms.HttpGatewaySms``: the operator's gateway (``LINLI_SMS_URL``).

The gateway contract (docs/messaging.md): ``POST LINLI_SMS_URL`` with
``Authorization: Bearer LINLI_SMS_TOKEN`` and the JSON body
``{"id": <delivery key>, "phone": "139…", "text": "…", "sign": LINLI_SMS_SIGN}``;
connect and read timeouts ``LINLI_SMS_CONNECT_TIMEOUT`` / ``LINLI_SMS_READ_TIMEOUT`` (seconds).
A 2xx answer means accepted, its JSON may carry the gateway's message id (``{"id": "…"}`` or
``{"message_id": "…"}``); a 4xx is a permanent refusal (never retried); a 5xx, a timeout or a
broken connection may be retried. The gateway deduplicates by ``id``: sending the same key again
(after a worker died between the gateway's answer and our record of it) never sends a second SMS.
"""

from __future__ import annotations

import http.client
import json
import logging
import uuid
from collections import deque
from typing import ClassVar, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone

log = logging.getLogger("linli.sms")


class SmsError(Exception):
    """The gateway did not accept the text. ``permanent``: do not try again (a 4xx)."""

    def __init__(self, answer: str, *, permanent: bool) -> None:
        super().__init__(answer)
        self.answer = answer[:300]
        self.permanent = permanent


class SmsBackend(Protocol):
    def send(self, *, key: str, phone: str, text: str) -> str:
        """Hand one text to the gateway under ``key`` (sending the same key twice sends one SMS);
        returns the gateway's answer (its message id), raises ``SmsError`` otherwise."""
        ...


class ConsoleSms:
    sent: ClassVar[deque[tuple[str, str]]] = deque(maxlen=200)  # the latest, for inspection in development
    keys: ClassVar[deque[str]] = deque(maxlen=200)

    def send(self, *, key: str, phone: str, text: str) -> str:
        masked = mask_phone(phone)
        ConsoleSms.sent.append((masked, text))  # never the whole number in a log
        ConsoleSms.keys.append(key)
        log.info("sms %s [%s]: %s", masked, key, text)
        return f"console-{key}"


class HttpGatewaySms:
    """POSTs the documented JSON contract to ``LINLI_SMS_URL``."""

    def send(self, *, key: str, phone: str, text: str) -> str:
        url = getattr(settings, "LINLI_SMS_URL", "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SmsError("LINLI_SMS_URL must be an http(s) address", permanent=False)
        body = json.dumps({"id": key, "phone": phone, "text": text, "sign": getattr(settings, "LINLI_SMS_SIGN", "")},
                          ensure_ascii=False).encode()
        connect = float(getattr(settings, "LINLI_SMS_CONNECT_TIMEOUT", 3))
        read = float(getattr(settings, "LINLI_SMS_READ_TIMEOUT", 10))
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(parts.hostname, parts.port, timeout=connect)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.connect()
            if conn.sock is not None:
                conn.sock.settimeout(read)
            conn.request("POST", path, body=body, headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {getattr(settings, 'LINLI_SMS_TOKEN', '')}"})
            resp = conn.getresponse()
            answer = resp.read(2000).decode("utf-8", "replace")
        except TimeoutError as exc:
            raise SmsError(f"timeout: {exc}", permanent=False) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise SmsError(f"connection: {exc}", permanent=False) from exc
        finally:
            conn.close()
        if 200 <= resp.status < 300:
            try:
                data = json.loads(answer) if answer.strip() else {}
            except ValueError:
                data = {}
            gateway_id = (data.get("id") or data.get("message_id")) if isinstance(data, dict) else None
            return str(gateway_id or answer or resp.status)[:100]
        raise SmsError(f"{resp.status} {answer}".strip(), permanent=400 <= resp.status < 500)


def backend() -> SmsBackend:
    return import_string(getattr(settings, "LINLI_SMS_BACKEND", "linli.core.sms.ConsoleSms"))()


def new_key() -> str:
    """A delivery key for a text that has no delivery record (a sign-in code)."""
    return uuid.uuid4().hex
