"""Unique, human-readable serial numbers without a second write per record.

``next_value(name)`` hands out increasing integers from a NumberSequence row. Outside a
transaction a process reserves a block (committed at once) and serves it from memory, so a busy
intake costs one UPDATE per block instead of one per record; numbers a process never used are
skipped, never repeated. Inside a transaction exactly one value is taken under the row lock, so a
rollback gives it back together with the record that would have carried it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection, transaction

from .models import NumberSequence

BLOCK = 50
_lock = threading.Lock()
_blocks: dict[tuple[str, str], tuple[int, int]] = {}  # (database, name) -> (next, end)


def _take(name: str, count: int, start: Callable[[], int]) -> int:
    """Reserve `count` values and return the first (runs in the caller's transaction)."""
    sql = "UPDATE core_numbersequence SET next_value = next_value + %s WHERE name = %s RETURNING next_value"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [count, name])
        row = cur.fetchone()
        if row is None:
            NumberSequence.objects.get_or_create(name=name, defaults={"next_value": max(start(), 1)})
            cur.execute(sql, [count, name])
            row = cur.fetchone()
    return int(row[0]) - count


def next_value(name: str, *, start: Callable[[], int] = lambda: 1) -> int:
    """The next number of sequence `name`; `start` gives the first value if the row is new."""
    if connection.in_atomic_block:
        return _take(name, 1, start)
    key = (str(connection.settings_dict.get("NAME")), name)
    with _lock:
        nxt, end = _blocks.get(key, (0, 0))
        if nxt >= end:
            nxt = _take(name, BLOCK, start)
            end = nxt + BLOCK
        _blocks[key] = (nxt + 1, end)
        return nxt


def forget_blocks() -> None:
    """Drop reserved blocks (tests that flush the database)."""
    with _lock:
        _blocks.clear()
