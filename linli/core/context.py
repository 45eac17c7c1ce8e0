"""The request a service runs under (for the IP in audit rows), set by middleware."""

from __future__ import annotations

import contextvars

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("linli_current_ip", default=None)
