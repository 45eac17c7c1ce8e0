"""Per-person limits on writes: reports (work orders), bookings and applications.

One counter per person and kind in the cache, for one period from the person's first write
(``cache.incr``, which keeps the expiry: atomic in the per-process memory cache and in Redis;
with several processes and no Redis each process counts on its own).
Services call :func:`hit` just before they store something new; over the limit they refuse with
:class:`RateLimited` (429 ``rate_limited`` in the API, with ``Retry-After``; pages show the
message above the form, which keeps what was typed).

``LINLI_WRITE_LIMITS``: ``"report=5/m,booking=10/m,application=5/m,objection=5/h"`` (these and the SMS code
limits of accounts — ``sms_phone``, ``sms_address``, ``identity`` — and the portal's anonymous
searches per address, ``portal_search``, are the defaults;
a kind left out keeps its default), ``kind=off`` lifts one limit, ``off`` lifts them all.
Periods: ``s``, ``m``, ``h``, ``d``.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import DomainError

DEFAULT_LIMITS = "report=5/m,booking=10/m,application=5/m,objection=5/h,sms_phone=5/h,sms_address=20/h,identity=5/h,portal_search=30/m,proposal=5/h,comment=10/h"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(DomainError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate_limited", _("操作过于频繁，请 %(n)s 秒后再试") % {"n": retry_after}, retry_after=retry_after)
        self.retry_after = retry_after


@lru_cache(maxsize=8)
def parse(text: str) -> dict[str, tuple[int, int] | None]:
    """``"report=5/m,booking=off"`` → ``{"report": (5, 60), "booking": None}``; "off" → every kind None."""
    text = (text or "").strip()
    if text.lower() in ("off", "0", "none"):
        return dict.fromkeys(parse(DEFAULT_LIMITS))
    out: dict[str, tuple[int, int] | None] = {}
    for part in filter(None, (p.strip() for p in f"{DEFAULT_LIMITS},{text}".split(","))):
        kind, _sep, rate = part.partition("=")
        rate = rate.strip().lower()
        if rate in ("off", "0", "none", ""):
            out[kind.strip()] = None
            continue
        count, _sep, unit = rate.partition("/")
        if not count.isdigit() or unit not in PERIODS:
            raise ValueError(f"LINLI_WRITE_LIMITS: {part!r} is not kind=N/s|m|h|d")
        out[kind.strip()] = (int(count), PERIODS[unit])
    return out


def limit_for(kind: str) -> tuple[int, int] | None:
    return parse(getattr(settings, "LINLI_WRITE_LIMITS", "") or "").get(kind)


def hit(kind: str, who: Any) -> None:
    """Count one write of ``kind`` by ``who`` (a user; nothing is counted for no one), or refuse it."""
    rate = limit_for(kind)
    who_id = getattr(who, "pk", None)
    if rate is None or who_id is None:
        return
    count, period = rate
    now = time.time()
    # the window opens with a person's first write and lasts one period (incr keeps the expiry)
    key = f"writes:{kind}:{who_id}:{period}"
    if cache.add(key, 0, timeout=period):
        cache.set(f"{key}:since", now, timeout=period)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=period)
        cache.set(f"{key}:since", now, timeout=period)
        n = 1
    if n > count:
        since = cache.get(f"{key}:since") or now
        raise RateLimited(max(1, math.ceil(since + period - now)))
