"""Cleaning of free text typed by people (descriptions, addresses, names, notes, reasons).

Every service passes each free-text field through ``clean_text`` before storing it, so no
interface (page, API, Open311, import) can store characters that break what is built from the
text later: control characters (``\\x00`` is refused by PostgreSQL; ``\\x01``, ``\\x1b`` … make
XML invalid and can drive terminals), lone surrogates (not encodable as UTF-8), the
non-characters U+FFFE/U+FFFF and the bidirectional overrides that make text read differently
from how it is stored, and the invisible zero-width space, word joiner, byte-order mark and
directional marks that make two equal-looking names differ. Multi-line fields keep their
newlines and tabs (``\\r\\n`` becomes ``\\n``); single-line fields (names, addresses) get a
space for each of them. Each app's own checks (required, length, the Excel importer's ``12.0``
for 12) are thin wrappers around it, never a second cleaning.

``xml_safe`` is for writers of XML 1.0: it drops whatever that format forbids, for text stored
before this cleaning existed or coming from elsewhere.

``fill(template, values)`` puts a person's text into a message without doubled punctuation: a
message such as ``"工单 %(n)s 已办结：%(r)s。请您评价。"`` adds its own full stop after the
handler's result, and a result that already ends one ("路面已平整。") would read "平整。。请您评价".
Where a value meets a punctuation mark of the template, one is kept: a value that ends its own
sentence (。！？.!?…) drops the template's mark; a value ending in a pause (，、；：,;:) gives way to
the template's mark. Every notification text goes through it. Pure: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

# C0 controls except tab and newline, DEL, C1 controls, lone surrogates, U+FFFE/U+FFFF,
# bidirectional embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069)
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# invisible characters that make two equal-looking names differ (zero-width space, word joiner,
# byte-order mark, directional marks): dropped too. The zero-width joiner and non-joiner stay
# (emoji sequences, some scripts need them).
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u061c\u2060\ufeff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
# characters XML 1.0 does not allow at all (section 2.2)
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: Any, *, multiline: bool = False, limit: int | None = None, collapse: bool = False) -> str:
    """``value`` as text fit to store: forbidden characters removed, surrounding blanks stripped,
    line breaks kept only when ``multiline``, each run of blanks made one space when
    ``collapse`` (names, reasons), cut to ``limit`` characters if given."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = _INVISIBLE.sub("", _FORBIDDEN.sub("", text)).strip()
    if collapse:
        text = " ".join(text.split())
    return text[:limit] if limit is not None else text


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (the writer escapes the rest)."""
    return _NOT_XML.sub("", value)


ENDS = "。！？!?…."
PAUSES = "，、；：,;:"
_FIELD = re.compile(r"%\((\w+)\)([sd])([" + re.escape(ENDS + PAUSES) + r"]?)|%%")


def fill(template: str, values: Mapping[str, Any]) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        name, kind, mark = m.groups()
        value = values[name]
        text = str(int(value)) if kind == "d" else str(value)
        if not mark:
            return text
        text = text.rstrip()
        if text and text[-1] in ENDS:
            return text
        return text.rstrip(PAUSES + " ") + mark

    return _FIELD.sub(one, str(template))
