"""Receipts and hash-chained boards for every vote the platform holds (owners' assemblies,
residents' committee elections …). Pure: no Django.

A voter gets a random receipt code once; only its hash is kept. After the count, each ballot
becomes one board entry; entries are numbered 1..n and each carries the previous entry's hash
(64 zeros for the first) and its own (sha256 of its canonical JSON without ``hash``), so anyone can
check that their receipt is on the board and that no entry was removed, added, moved or changed.
What an entry holds besides ``seq``, ``prev`` and ``hash`` is the vote's own business (its module
checks it); this module only links and checks the links.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

GENESIS = "0" * 64
#: Receipt alphabet: digits and capitals without 0 O 1 I L (easy to read out and type).
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 16


def new_receipt() -> str:
    """A random receipt code, 16 characters in groups of 4: ``7KQ2-M9XD-4HTW-PC3R`` (~79 bits)."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt(code: str) -> str:
    """NFKC (full-width characters become ASCII), upper case, every character that is not an
    ASCII letter or digit dropped (spaces, hyphens, dots …)."""
    text = unicodedata.normalize("NFKC", code).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def receipt_hash(code: str) -> str:
    """sha256 (hex) of the normalised receipt code, UTF-8."""
    return hashlib.sha256(normalise_receipt(code).encode("utf-8")).hexdigest()


def canonical(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8, non-ASCII characters as they are."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def entry_hash(entry: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of the entry without its ``hash``."""
    return hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def chain(entries_without_hash: Iterable[Mapping[str, Any]],
          problems_of: Callable[[Any, str], list[str]] | None = None) -> list[dict[str, Any]]:
    """Number the entries 1..n in the given order, link each to the previous one's hash and hash
    them; ``seq`` and ``prev`` in the input are replaced. ``problems_of(entry, where)`` (the vote's
    own check of an entry) refuses a malformed one with ``ValueError``."""
    out: list[dict[str, Any]] = []
    prev = GENESIS
    for seq, given in enumerate(entries_without_hash, start=1):
        if "hash" in given:
            raise ValueError(f"entry {seq}: already has a hash")
        entry = {**given, "seq": seq, "prev": prev}
        problems = problems_of(entry, f"entry {seq}") if problems_of else []
        if problems:
            raise ValueError("; ".join(problems))
        entry["hash"] = prev = entry_hash(entry)
        out.append(entry)
    return out


def check_links(entries: Sequence[Any]) -> list[str]:
    """Problems with the links (an empty list: numbered 1..n, each ``prev`` the hash before it,
    each ``hash`` its content's)."""
    problems: list[str] = []
    prev = GENESIS
    for index, entry in enumerate(entries, start=1):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        if entry.get("seq") != index or type(entry.get("seq")) is not int:
            problems.append(f"{where}: seq is {entry.get('seq')!r}, expected {index} (an entry removed or moved?)")
        if entry.get("prev") != prev:
            problems.append(f"{where}: prev does not match the hash of the entry before it (an entry removed or changed?)")
        computed = entry_hash(entry)
        if entry.get("hash") != computed:
            problems.append(f"{where}: hash does not match its content (the entry was changed)")
        given = entry.get("hash")
        prev = given if isinstance(given, str) else computed
    return problems


def head_hash(entries: Sequence[Mapping[str, Any]]) -> str:
    """The hash of the last entry (the board's head), or the genesis for an empty board."""
    return str(entries[-1]["hash"]) if entries else GENESIS
