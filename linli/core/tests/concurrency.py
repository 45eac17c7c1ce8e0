"""Real concurrent clients for the PostgreSQL concurrency tests: each work runs in a thread of its
own with its own database connection, all released together by a barrier once connected, so the
writes meet in the database. A domain refusal is an outcome (its code), not a crash."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from linli.core.errors import DomainError


def race(works: Sequence[Callable[[], Any]], *, timeout: float = 60) -> list[Any]:
    """Run ``works`` at once; the outcomes (a result, or a refusal's code) in order of finishing."""
    barrier = threading.Barrier(len(works))
    outcomes: list[Any] = []
    lock = threading.Lock()

    def client(work: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect first, so the works themselves start together
            barrier.wait()
            try:
                result = work()
            except DomainError as exc:
                result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=client, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes


def race_n(n: int, work: Callable[[int], Any], *, timeout: float = 60) -> list[Any]:
    """``n`` clients running ``work(i)`` at once."""
    return race([lambda i=i: work(i) for i in range(n)], timeout=timeout)
