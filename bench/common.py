"""Helpers shared by the benchmarks: PostgreSQL only, percentiles, a machine line."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def refuse_unless_postgres(bench: str = "benchmark") -> str:
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme.lower()
    if not url or scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        shown = url or "(unset: the settings default is SQLite)"
        sys.exit(
            f"{bench}: this benchmark needs PostgreSQL; SQLite figures would say nothing about production.\n"
            f"  DATABASE_URL = {shown}\n"
            "  e.g.  createdb -h 127.0.0.1 -U postgres linli_bench\n"
            f"        DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/{bench}.py"
        )
    return url


def pct(values: list[float], p: float) -> float:
    """Percentile by linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"


@contextlib.contextmanager
def gunicorn(port: int, *, workers: int, threads: int, name: str, stderr: Any = None) -> Iterator[str]:
    """gunicorn (gthread, with the repository's gunicorn.conf.py) on 127.0.0.1:port against
    DATABASE_URL, ready when /healthz answers; stopped (the whole process group) on exit.
    Yields the base URL. ``stderr``: where the server's log goes (an open file; default: ours)."""
    import httpx

    # each simulated client writes far more than a person may (per-person write limits lifted)
    env = dict(os.environ, LINLI_DEBUG="0", LINLI_DB_CONN_MAX_AGE="600",
               LINLI_WRITE_LIMITS=os.environ.get("LINLI_WRITE_LIMITS", "off"))
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "linli.wsgi", "-k", "gthread", "-w", str(workers),
                             "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             "--backlog", "2048"], cwd=ROOT, env=env, start_new_session=True, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{name}: gunicorn did not start")
            time.sleep(0.3)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


class Conn:
    """One keep-alive HTTP/1.1 connection on plain asyncio streams. A client library (httpx)
    costs about a millisecond of CPU per request, on the same two cores the server needs; this
    writes the request itself and reads the status line, headers and Content-Length body of every
    answer, so each response is counted by its real status code. If the server closed the
    connection while it was idle, the request is sent again on a new one (it had not been read)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, secret: str, body: bytes = b"", extra: str = "") -> tuple[int, bytes]:
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAuthorization: Bearer {secret}\r\n{extra}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        line = b""
        for attempt in range(2):
            if self.writer is None:
                await self.open()
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(head + body)
                line = await self.reader.readline()
            except (ConnectionResetError, BrokenPipeError):  # closed while idle: the reset of our write
                line = b""
            if line:
                break
            self.writer.close()
            self.writer = None
            if attempt:
                raise ConnectionError("server closed the connection twice")
        assert self.reader is not None
        status = int(line.split()[1])
        length = 0
        while True:
            header = await self.reader.readline()
            if header in (b"\r\n", b""):
                break
            name, _, value = header.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        data = await self.reader.readexactly(length) if length else b""
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class CpuMeter:
    """CPU time spent during a run, for the whole machine and by program (gunicorn, postgres,
    the load generator), read from /proc: how many cores each used, and the machine's CPU per
    request. Use as a context manager around the measured part."""

    def __init__(self) -> None:
        self.cores: dict[str, float] = {}
        self.machine_busy = 0.0
        self.seconds = 0.0

    @staticmethod
    def _total() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields) - fields[3] - fields[4], sum(fields)  # busy (without idle, iowait), all

    @staticmethod
    def _procs() -> dict[str, tuple[str, int]]:
        out = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            name = ("gunicorn" if "gunicorn" in cmd else "postgres" if cmd.startswith("postgres") else
                    "load generator" if str(os.getpid()) == pid else "other")
            out[pid] = (name, int(stat[11]) + int(stat[12]))
        return out

    def __enter__(self) -> CpuMeter:
        self._t0, self._busy0, self._p0 = time.monotonic(), self._total()[0], self._procs()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self._t0
        tick = os.sysconf("SC_CLK_TCK")
        self.machine_busy = (self._total()[0] - self._busy0) / tick
        used: dict[str, int] = {}
        for pid, (name, t) in self._procs().items():
            if pid in self._p0:
                used[name] = used.get(name, 0) + t - self._p0[pid][1]
        self.cores = {name: round(t / tick / self.seconds, 2) for name, t in sorted(used.items())}

    def per_request_ms(self, requests: int) -> float:
        return round(self.machine_busy * 1000 / max(requests, 1), 2)


def calibrate(rounds: int = 5) -> float:
    """Milliseconds of CPU a fixed pure-Python workload takes now (the best of a few rounds)."""
    import json as _json

    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(20):
            _json.dumps([{"a": i, "b": str(i)} for i in range(2000)])
        best = min(best, (time.process_time() - t0) * 1000)
    return round(best, 1)


def _calibrate_into(queue: Any) -> None:
    queue.put(calibrate())


def machine_capacity() -> dict[str, float]:
    """How much CPU this virtual machine really has now. Its two cores are sometimes two
    physical cores and sometimes share one with each other or with another guest: then each
    runs at about half speed and a server on it does half the work. The reference workload is
    timed alone and on both cores at once; ``effective_cores`` is 2 when both ran at full
    speed, about 1 when they shared. Every benchmark reports it beside its figures."""
    import multiprocessing

    alone = calibrate()
    queue: Any = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_calibrate_into, args=(queue,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    both = max(queue.get(), queue.get())
    return {"reference_ms": alone, "reference_both_cores_ms": both, "effective_cores": round(2 * alone / both, 2)}
