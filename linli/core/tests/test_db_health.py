"""The health check of kept PostgreSQL connections (core/postgresql): no round trip while the
connection was fully checked within LINLI_DB_FULL_CHECK_SECONDS and nothing waits on its socket;
a connection the server ended is still found and replaced before the request's first query."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_postgresql_urls_use_the_backend_with_the_cheaper_check():
    code = ("import django,os;os.environ['DJANGO_SETTINGS_MODULE']='linli.settings';django.setup();"
            "from django.conf import settings as s;d=s.DATABASES['default'];"
            "print(d['ENGINE'], d['CONN_HEALTH_CHECKS'], s.LINLI_DB_FULL_CHECK_SECONDS)")
    env = dict(os.environ, DATABASE_URL="postgres://u@127.0.0.1:5432/x", LINLI_DB_CONN_MAX_AGE="60")
    env.pop("LINLI_DB_FULL_CHECK_SECONDS", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["linli.core.postgresql", "True", "5.0"], out.stderr
    env.update(DATABASE_URL="sqlite:///x.sqlite3")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split()[0] == "django.db.backends.sqlite3", out.stderr


@pytest.fixture
def kept(db: Any) -> Any:
    """A second connection to the test database as gunicorn keeps one: health checks on."""
    from django.db import connection

    other = connection.copy("kept")
    other.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    other.ensure_connection()
    yield other
    other.close()


def _full_checks(conn: Any, monkeypatch: Any) -> list[bool]:
    seen: list[bool] = []
    real = conn.is_usable

    def counting() -> bool:
        seen.append(ok := real())
        return ok

    monkeypatch.setattr(conn, "is_usable", counting)
    return seen


def _next_request(conn: Any) -> int:
    """What Django does around a request: the check at its start, then its first query."""
    conn.close_if_unusable_or_obsolete()  # request_started (close_old_connections)
    with conn.cursor() as cur:  # the first query runs the health check
        cur.execute("SELECT pg_backend_pid()")
        return int(cur.fetchone()[0])


pg = pytest.mark.postgres_only


@pg
def test_a_busy_connection_is_checked_without_a_round_trip(kept, monkeypatch):
    assert kept.health_check_enabled
    full = _full_checks(kept, monkeypatch)
    pid = _next_request(kept)
    for _ in range(20):
        assert _next_request(kept) == pid  # the same connection, kept
    assert full == []  # no SELECT 1 before any of them


@pg
def test_past_the_interval_the_full_check_runs_again(kept, monkeypatch, settings):
    settings.LINLI_DB_FULL_CHECK_SECONDS = 5
    full = _full_checks(kept, monkeypatch)
    kept.full_checked_at = time.monotonic() - 6
    pid = _next_request(kept)
    assert full == [True]
    assert _next_request(kept) == pid and full == [True]  # checked just now: the quick check again
    settings.LINLI_DB_FULL_CHECK_SECONDS = 0  # 0: Django's own check before every request
    _next_request(kept)
    _next_request(kept)
    assert full == [True, True, True]


@pg
def test_a_connection_the_server_ended_is_replaced_before_the_first_query(kept, monkeypatch):
    from django.db import connection

    full = _full_checks(kept, monkeypatch)
    pid = _next_request(kept)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while kept.quiet() and time.monotonic() < deadline:  # the server's goodbye reaches the socket
        time.sleep(0.02)
    assert not kept.quiet()
    new_pid = _next_request(kept)  # no error: the dead connection was found and a new one opened
    assert new_pid != pid and full == [False]
    assert _next_request(kept) == new_pid


@pg
def test_a_connection_left_in_a_transaction_gets_the_full_check(kept, monkeypatch):
    full = _full_checks(kept, monkeypatch)
    _next_request(kept)
    kept.connection.execute("BEGIN")  # psycopg directly: Django's autocommit flag still says on
    try:
        assert not kept.quiet()
        kept.health_check_done = False
        kept.close_if_health_check_failed()
        assert full == [True]
    finally:
        kept.connection.execute("ROLLBACK")
