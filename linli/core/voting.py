"""The mechanics every vote shares — an owners' assembly's ballot and a residents' committee
election's alike — so there is one voting engine, and each capability keeps only its own content
(an assembly's matters and its area-and-heads tally; an election's candidates, write-ins and
count):

- **the poll's share lock** (:func:`share_lock`): ballots run side by side, a close waits for
  those under way, and every later ballot sees the poll closed;
- **the voter's row lock** (:func:`lock_voter`): two phones, a paper entry and a proxy for one
  voter are taken one after the other; each capability's partial unique index (one effective
  ballot per voter) is the last guard;
- **the fresh SMS code** that confirms an online ballot lives with the other codes in
  ``accounts.services`` (``send_vote_code``, ``check_vote_code``), used up even if the ballot is
  then refused;
- **receipts** (``core.hashchain``: shown once, only their hash is kept, chained on the board);
- **paper ballots**: the printed slip's code (:func:`new_slip_code`, :func:`normalise_slip`), and
  the double entry (:func:`paper_step`): two clerks enter each slip independently, the ballot counts
  when they agree, a third person who entered neither decides when they differ.

It imports no app.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from linli.core.errors import Code, Conflict
from linli.core.hashchain import new_receipt, normalise_receipt, receipt_hash

__all__ = ["PaperStep", "check_decider", "lock_voter", "new_receipt", "new_slip_code", "normalise_receipt", "normalise_slip",
           "paper_step", "receipt_hash", "share_lock"]

SLIP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper


def share_lock(model: Any, pk: int, fields: Sequence[str]) -> tuple[Any, ...] | None:
    """Read ``fields`` of the poll's row under a share lock (PostgreSQL ``FOR SHARE``) inside the
    caller's transaction: many ballots hold it at once, a close (``FOR UPDATE``) waits for them.
    On SQLite the database has one writer at a time and is the lock. ``None`` if the row is gone."""
    if connection.vendor == "postgresql":  # psycopg returns the columns as Python values already
        meta = model._meta
        columns = ", ".join(connection.ops.quote_name(str(meta.get_field(f).column)) for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(meta.db_table)} WHERE id = %s FOR SHARE",  # noqa: S608
                           [pk])
            row = cursor.fetchone()
        return tuple(row) if row is not None else None
    return model.objects.filter(pk=pk).values_list(*fields).first()


def lock_voter(model: Any, pk: int) -> None:
    """Lock one voter's row (``FOR UPDATE``) inside the caller's transaction, so every channel's
    ballot for that voter is written one after the other."""
    model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).first()


def new_slip_code() -> str:
    """A printed ballot's unique code, ``XXXX-XXXX-XXXX`` (60 bits)."""
    raw = "".join(secrets.choice(SLIP_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_slip(code: str) -> str:
    """A slip code as typed (spaces, dashes, lower case) in its stored form."""
    raw = "".join(ch for ch in str(code or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


class PaperStep(StrEnum):
    WAIT = "wait"  # the first entry: a second clerk enters the slip again
    COUNT = "count"  # the second entry agrees with the first: the ballot counts
    MISMATCH = "mismatch"  # they differ: blocked until a third person decides


def paper_step(*, clerk: Any, clerks: Iterable[Any], first: Any, entered: Any, mismatch: bool = False,
               done: bool = False) -> PaperStep:
    """The double entry's next step when ``clerk`` enters ``entered`` on a slip already entered by
    ``clerks`` (``first`` the first entry's content, ``None`` if none). Refuses a slip already
    counted, one waiting for a third person, and a clerk entering the same slip twice."""
    if done:
        raise Conflict(Code.PAPER_DONE, _("这张票已计入"))
    if mismatch:
        raise Conflict(Code.PAPER_MISMATCH, _("两次录入不一致，须由第三人核对后裁定"))
    clerks = list(clerks)
    if clerk in clerks:
        raise Conflict(Code.SAME_CLERK, _("第二次录入须由另一名录入员完成"))
    if not clerks:
        return PaperStep.WAIT
    return PaperStep.COUNT if first == entered else PaperStep.MISMATCH


def check_decider(*, decider: Any, clerks: Iterable[Any], mismatch: bool) -> None:
    """The third person decides only a slip whose entries differ, and entered neither."""
    if not mismatch:
        raise Conflict(Code.NOT_MISMATCHED, _("这张票没有录入分歧"))
    if decider in set(clerks):
        raise Conflict(Code.SAME_CLERK, _("裁定须由未参与录入的第三人完成"))
