"""Django's PostgreSQL backend (``ENGINE = "linli.core.postgresql"``, set by the settings for
every PostgreSQL URL) with a cheaper health check of persistent connections.

With ``CONN_MAX_AGE`` and ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query
of every request that reuses a connection: one more round trip per request (six instead of five
for a filed work order). Here a reused connection is checked without a round trip when its last
full check is under ``LINLI_DB_FULL_CHECK_SECONDS`` (5 s) old: the connection must be open, not
broken, idle outside a transaction, and its socket must have nothing to read. A server that ends
a connection (restart, ``pg_terminate_backend``, ``idle_session_timeout``, failover) sends its
error and closes the socket, which then reads as ready: that request gets the full check, fails
it and reconnects, as with Django's own check. Past the interval (a connection idle for a while,
where a silently dropped connection hides) the full ``SELECT 1`` runs as before; after any
database error Django's own ``is_usable`` (the full check) decides, unchanged.
"""

from __future__ import annotations

import select
import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import pq


def _nothing_to_read(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    full_checked_at: float | None = None

    def connect(self) -> None:
        super().connect()
        self.full_checked_at = time.monotonic()  # a new connection has just answered its set-up

    def quiet(self) -> bool:
        """Open, healthy, idle, and no message or end of stream waiting on its socket (no round trip)."""
        conn = self.connection
        try:
            if conn is None or conn.closed or conn.broken:
                return False
            pgconn = conn.pgconn
            if pgconn.status != pq.ConnStatus.OK:
                return False
            if pgconn.transaction_status != pq.TransactionStatus.IDLE:
                return False
            return _nothing_to_read(pgconn.socket)
        except (psycopg.Error, AttributeError, OSError, ValueError):  # anything odd: the full check
            return False

    def close_if_health_check_failed(self) -> None:
        done = self.health_check_done  # type: ignore[has-type]
        if self.connection is None or not self.health_check_enabled or done or self.pool:  # type: ignore[attr-defined]
            return  # (a psycopg pool only lends healthy connections)
        interval = float(getattr(settings, "LINLI_DB_FULL_CHECK_SECONDS", 5.0))
        checked = self.full_checked_at
        if checked is not None and time.monotonic() - checked < interval and self.quiet():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()  # SELECT 1; closes the connection if it fails
        if self.connection is not None:
            self.full_checked_at = time.monotonic()
