"""Helpers of the demo-data commands only (never of the running platform)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def replayed(day: dt.date, hour: int = 9) -> Iterator[None]:
    """Replays the services at ``hour`` o'clock of a past ``day``: the clock they read
    (``timezone.now``) starts there and runs on. For demo data of what happened before the
    platform was installed, nothing else."""
    real = timezone.now
    delta = timezone.make_aware(dt.datetime.combine(day, dt.time(hour))) - real()
    with mock.patch("django.utils.timezone.now", lambda: real() + delta):
        yield
