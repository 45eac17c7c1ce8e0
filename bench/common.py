"""Helpers shared by the benchmarks: PostgreSQL only, percentiles, a machine line."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlsplit


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
