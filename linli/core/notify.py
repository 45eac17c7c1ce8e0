"""Outbound notifications (SMS / e-mail) behind one interface; in-app messages are rows of the
app that sends them. The default backend writes to the log (console)."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("linli.notify")


class Sender(Protocol):
    def send(self, *, user: Any, text: str) -> None: ...


class ConsoleSender:
    sent: list[tuple[str, str]] = []  # kept for inspection in development

    def send(self, *, user: Any, text: str) -> None:
        ConsoleSender.sent.append((getattr(user, "username", str(user)), text))
        log.info("notify %s: %s", getattr(user, "username", user), text)


def sender() -> Sender:
    return import_string(getattr(settings, "LINLI_NOTIFY_BACKEND", "linli.core.notify.ConsoleSender"))()
