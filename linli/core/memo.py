"""Process-local copies of small data that every request reads and staff rarely change: a
resource's schedule, the official calendar, the list of suspended bookers.

Each entry is kept as a Python object in the process (no unpickling on every read, which the
shared cache would cost) and checked against a version stamp held in the shared cache: whoever
changes the data calls ``forget(key)``, which writes a new stamp, so every process rebuilds on
its next read — within a second when the cache is shared (Redis), within ``ttl`` seconds
otherwise. A stamp that is missing (a cleared or restarted cache) also counts as a change.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache

_ALL: list[Memo] = []


def clear_all() -> None:
    """Every memo's process copies (tests clear the shared cache between tests)."""
    for memo in _ALL:
        memo.clear()


class Memo:
    STAMP_SECONDS = 1.0  # a stamp read from the shared cache is trusted this long in the process

    def __init__(self, name: str, *, ttl: float = 60.0, max_entries: int = 20_000) -> None:
        self.name = name
        self.ttl = ttl
        self.max_entries = max_entries
        self._local: dict[Hashable, tuple[str, float, Any]] = {}
        self._stamps: dict[Hashable, tuple[str, float]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def _stamp_key(self, key: Hashable) -> str:
        return f"memo:{self.name}:{key}"

    def _stamp(self, key: Hashable) -> str:
        """The current stamp: from the shared cache at most once a second per key and process
        (a change elsewhere is seen within a second with Redis; this process's own at once)."""
        now = time.monotonic()
        seen = self._stamps.get(key)
        if seen is not None and seen[1] > now:
            return seen[0]
        stamp = cache.get(self._stamp_key(key))
        if stamp is None:
            cache.add(self._stamp_key(key), uuid.uuid4().hex, None)
            stamp = cache.get(self._stamp_key(key)) or ""
        if len(self._stamps) >= self.max_entries:
            self._stamps.clear()
        self._stamps[key] = (str(stamp), now + self.STAMP_SECONDS)
        return str(stamp)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value for ``key``: the process's copy if its stamp is current and it is younger
        than ``ttl``, else ``build()`` (the stamp is read before building, so a change made
        while building is seen on the next read)."""
        stamp = self._stamp(key)
        now = time.monotonic()
        hit = self._local.get(key)
        if hit is not None and hit[0] == stamp and hit[1] > now:
            return hit[2]
        value = build()
        with self._lock:
            if len(self._local) >= self.max_entries:
                self._local.clear()
            self._local[key] = (stamp, now + self.ttl, value)
        return value

    def forget(self, key: Hashable) -> None:
        cache.set(self._stamp_key(key), uuid.uuid4().hex, None)
        with self._lock:
            self._local.pop(key, None)
            self._stamps.pop(key, None)

    def clear(self) -> None:
        """Drop the process's copies (tests; a cleared shared cache)."""
        with self._lock:
            self._local.clear()
            self._stamps.clear()
