"""The ballot board of an owners' assembly and its downloadable record. Pure: no Django.

Each board entry is one head's ballot (one voting owner per the counting rules), chained to the
previous entry by its hash, so an owner can check that their receipt is on the board and that no
entry was removed, added or changed. The format is specified in ``docs/assemblies-record.md``;
``verifier/verify_assembly.py`` checks a record independently of this module.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from linli.core.hashchain import (  # noqa: F401  (the receipts and links every vote shares, re-exported)
    GENESIS,
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    canonical,
    check_links,
    entry_hash,
    head_hash,
    new_receipt,
    normalise_receipt,
    receipt_hash,
)
from linli.core.hashchain import chain as _link

from .tally import ITEM_RULE, Choice, HeadVote, MatterResult, area_value, tally_matter

FORMAT = "linli-assembly-record/1"
BALLOTS = ("secret", "named")

_AREA = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_MATTER_KEY = re.compile(r"^[1-9][0-9]*$")
_CHOICES = frozenset(c.value for c in Choice)


def format_area(area: Decimal) -> str:
    """An area as the record writes it: plain decimal notation, no exponent (``89.37``)."""
    value = area_value(area)
    if value <= 0:
        raise ValueError(f"area must be positive, got {area}")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _entry_problems(entry: Any, where: str) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: not an object"]
    problems = []
    has_receipt, has_units = "receipt" in entry, "units" in entry
    allowed = {"seq", "prev", "head", "area", "choices", "hash", "receipt" if has_receipt else "units"}
    extra = sorted(set(entry) - allowed)
    if extra:
        problems.append(f"{where}: unexpected fields {extra}")
    if has_receipt == has_units:
        problems.append(f"{where}: needs exactly one of receipt (secret ballot) or units (named ballot)")
    elif has_receipt and not (isinstance(entry["receipt"], str) and _HEX64.match(entry["receipt"])):
        problems.append(f"{where}: receipt is not a sha256 hex digest")
    elif has_units:
        units = entry["units"]
        if not (isinstance(units, list) and units and all(isinstance(u, str) and u for u in units)):
            problems.append(f"{where}: units must be a non-empty list of unit labels")
        elif len(set(units)) != len(units):
            problems.append(f"{where}: a unit is listed twice")
    if not (isinstance(entry.get("head"), str) and entry["head"]):
        problems.append(f"{where}: head must be a non-empty string")
    area = entry.get("area")
    if not (isinstance(area, str) and _AREA.match(area) and Decimal(area) > 0):
        problems.append(f"{where}: area must be a positive decimal string, got {area!r}")
    choices = entry.get("choices")
    if not (isinstance(choices, dict) and choices):
        problems.append(f"{where}: choices must be a non-empty object")
    else:
        for key, value in choices.items():
            if not (isinstance(key, str) and _MATTER_KEY.match(key)):
                problems.append(f"{where}: choices key {key!r} is not a matter number")
            if value not in _CHOICES:
                problems.append(f"{where}: choice {value!r} is not agree, oppose or abstain")
    return problems


def pseudonyms(heads: Iterable[str]) -> dict[str, str]:
    """Board ids ``H00001``, ``H00002`` … for the heads of the roll, assigned in a random order
    (``secrets``), so an id says nothing of the head's place on the roll."""
    keys = list(dict.fromkeys(heads))
    order = list(range(1, len(keys) + 1))
    secrets.SystemRandom().shuffle(order)
    width = max(5, len(str(len(keys))))
    return {key: f"H{n:0{width}d}" for key, n in zip(keys, order, strict=True)}


def make_entry(*, head: str, area: Decimal, choices: Mapping[int, Choice | str],
               receipt: str | None = None, units: Sequence[str] | None = None,
               receipt_digest: str | None = None) -> dict[str, Any]:
    """One board entry before :func:`chain`: ``receipt`` is the receipt *code* (secret ballot; the
    entry carries its hash) — or ``receipt_digest`` that hash itself, when only the hash was kept
    — ``units`` the head's unit labels (named ballot)."""
    if receipt_digest is not None:
        if receipt is not None:
            raise ValueError("give receipt or receipt_digest, not both")
        if not (isinstance(receipt_digest, str) and len(receipt_digest) == 64
                and all(c in "0123456789abcdef" for c in receipt_digest)):
            raise ValueError("receipt_digest must be a sha256 hex digest")
    if (receipt is None and receipt_digest is None) == (units is None):
        raise ValueError("give either receipt (secret ballot) or units (named ballot)")
    entry: dict[str, Any] = {"head": head, "area": format_area(area),
                             "choices": {str(no): Choice(c).value for no, c in sorted(choices.items())}}
    if receipt_digest is not None:
        entry["receipt"] = receipt_digest
    elif receipt is not None:
        entry["receipt"] = receipt_hash(receipt)
    else:
        entry["units"] = list(units or ())
    problems = _entry_problems({**entry, "seq": 1, "prev": GENESIS}, f"head {head}")
    if problems:
        raise ValueError("; ".join(problems))
    return entry


def board_order(entries: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The order to publish a board in: a secret board by receipt hash (not by time of casting,
    which others may know), a named board by its first unit label."""
    return sorted(entries, key=lambda e: e["receipt"] if "receipt" in e else e["units"][0])


def chain(entries_without_hash: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Number, link and hash the entries (``core.hashchain``), each checked as an assembly's
    board entry first."""
    return _link(entries_without_hash, _entry_problems)


def check_chain(entries: Sequence[Any]) -> list[str]:
    """Problems with the board's chain and entries (an empty list: the chain is intact)."""
    problems: list[str] = []
    heads: set[str] = set()
    receipts: set[str] = set()
    units: set[str] = set()
    kinds: set[str] = set()
    links = iter(check_links(entries))
    by_entry: dict[str, list[str]] = {}
    for p in links:
        by_entry.setdefault(p.split(":", 1)[0], []).append(p)
    for index, entry in enumerate(entries, start=1):
        where = f"entry {index}"
        shape = _entry_problems(entry, where)
        if shape:
            problems.extend(shape)
            if not isinstance(entry, dict):
                continue
        problems.extend(by_entry.get(where, []))
        head = entry.get("head")
        if isinstance(head, str):
            if head in heads:
                problems.append(f"{where}: head {head} has a second entry")
            heads.add(head)
        if "receipt" in entry:
            kinds.add("secret")
            if entry["receipt"] in receipts:
                problems.append(f"{where}: the receipt appears twice")
            receipts.add(entry["receipt"])
        if isinstance(entry.get("units"), list):
            kinds.add("named")
            for unit in entry["units"]:
                if unit in units:
                    problems.append(f"{where}: unit {unit} is on two entries")
                units.add(unit)
    if len(kinds) > 1:
        problems.append("the board mixes secret (receipt) and named (units) entries")
    return problems


def find_receipt(entries: Iterable[Mapping[str, Any]], code: str) -> Mapping[str, Any] | None:
    """The secret-ballot entry carrying this receipt code, or None."""
    wanted = receipt_hash(code)
    return next((e for e in entries if e.get("receipt") == wanted), None)


def find_unit(entries: Iterable[Mapping[str, Any]], label: str) -> Mapping[str, Any] | None:
    """The named-ballot entry listing this unit, or None."""
    return next((e for e in entries if label in (e.get("units") or ())), None)


def tally_entries(entries: Sequence[Mapping[str, Any]], *, roll_totals: Mapping[str, Any],
                  matters: Sequence[Mapping[str, Any]]) -> dict[int, MatterResult]:
    """Each matter's result (by matter number) from the board's entries and the roll totals."""
    total_area = area_value(roll_totals["area"], what="roll_totals.area")
    total_heads = roll_totals["heads"]
    results = {}
    for matter in matters:
        key = str(matter["no"])
        votes = [HeadVote(e["head"], area_value(e["area"]), Choice(e["choices"][key]) if key in e["choices"] else None)
                 for e in entries]
        results[int(matter["no"])] = tally_matter(matter["item"], total_area, total_heads, votes)
    return results


def result_entry(no: int, result: MatterResult) -> dict[str, Any]:
    """One matter's result as the record writes it (areas as decimal strings, ``0`` when none)."""

    def area(value: Decimal) -> str:
        return format_area(value) if value else "0"

    return {
        "no": no,
        "item": result.item,
        "rule": result.rule.value,
        "participating_heads": result.participating_heads,
        "participating_area": area(result.participating_area),
        "agree_heads": result.agree_heads,
        "agree_area": area(result.agree_area),
        "oppose_heads": result.oppose_heads,
        "oppose_area": area(result.oppose_area),
        "abstain_heads": result.abstain_heads,
        "abstain_area": area(result.abstain_area),
        "quorum_met": result.quorum_met,
        "threshold_met": result.threshold_met,
        "passed": result.passed,
    }


def _same_result(claimed: Mapping[str, Any], computed: Mapping[str, Any]) -> bool:
    for key, value in computed.items():
        if key.endswith("_area"):
            try:
                if area_value(claimed.get(key)) != Decimal(value):
                    return False
            except ValueError:
                return False
        elif claimed.get(key) != value or type(claimed.get(key)) is not type(value):
            return False
    return True


def build_record(*, assembly: Mapping[str, Any], roll_totals: Mapping[str, Any],
                 matters: Sequence[Mapping[str, Any]], entries: Sequence[Mapping[str, Any]],
                 results: Sequence[Mapping[str, Any]] | Mapping[int, MatterResult]) -> dict[str, Any]:
    """The downloadable election record. ``entries`` are chained (:func:`chain`); ``results`` are the
    claimed results, as :func:`result_entry` dicts or as ``{matter no: MatterResult}``.

    Refuses (ValueError) a record that would not verify: a broken chain, a ballot kind other than
    the assembly's, a choice on a matter not in ``matters``, or results other than the tally of the
    entries.
    """
    for key in ("id", "title", "ballot"):
        if not isinstance(assembly.get(key), str) or not assembly[key]:
            raise ValueError(f"assembly.{key} must be a non-empty string")
    if _has_float(assembly):
        raise ValueError("assembly holds a float: write numbers with a fraction as strings")
    if assembly["ballot"] not in BALLOTS:
        raise ValueError("assembly.ballot must be 'secret' or 'named'")
    total_area = area_value(roll_totals.get("area"), what="roll_totals.area")
    heads = roll_totals.get("heads")
    if total_area <= 0 or isinstance(heads, bool) or not isinstance(heads, int) or heads <= 0:
        raise ValueError("roll_totals needs a positive area and a positive number of heads")
    totals = {"area": format_area(total_area), "heads": heads}
    matter_list = []
    for m in matters:
        no, item, title = m.get("no"), m.get("item"), m.get("title")
        if isinstance(no, bool) or not isinstance(no, int) or no < 1:
            raise ValueError(f"matter {no!r}: no must be a positive integer")
        if isinstance(item, bool) or item not in ITEM_RULE:
            raise ValueError(f"matter {no}: item must be one of art. 278 items 1–9")
        if not isinstance(title, str) or not title:
            raise ValueError(f"matter {no}: title must be a non-empty string")
        matter_list.append({"no": no, "item": item, "title": title})
    numbers = [m["no"] for m in matter_list]
    if not numbers or len(set(numbers)) != len(numbers):
        raise ValueError("matters must be non-empty with distinct numbers")

    entry_list = [dict(e) for e in entries]
    problems = check_chain(entry_list)
    wanted = "receipt" if assembly["ballot"] == "secret" else "units"
    if any(wanted not in e for e in entry_list):
        problems.append(f"a {assembly['ballot']} ballot board needs {wanted} on every entry")
    known = {str(n) for n in numbers}
    if any(set(e["choices"]) - known for e in entry_list if isinstance(e.get("choices"), dict)):
        problems.append("an entry has a choice on a matter that is not in matters")
    if problems:
        raise ValueError("; ".join(problems))

    computed = tally_entries(entry_list, roll_totals=totals, matters=matter_list)
    if isinstance(results, Mapping):
        claimed = [result_entry(no, results[no]) for no in numbers if no in results]
    else:
        claimed = [dict(r) for r in results]
    if len(claimed) != len(numbers):
        raise ValueError("results must give exactly one result per matter")
    by_no = {r.get("no"): r for r in claimed}
    for no in numbers:
        if no not in by_no or not _same_result(by_no[no], result_entry(no, computed[no])):
            raise ValueError(f"matter {no}: the results differ from the tally of the entries")
    result_list = [result_entry(no, computed[no]) for no in numbers]

    record: dict[str, Any] = {
        "format": FORMAT,
        "assembly": dict(assembly),
        "roll_totals": totals,
        "matters": matter_list,
        "entries": entry_list,
        "entry_count": len(entry_list),
        "head_hash": head_hash(entry_list),
        "results": result_list,
    }
    try:
        record["record_hash"] = record_hash(record)
    except (TypeError, ValueError) as exc:  # a datetime or a float in ``assembly``
        raise ValueError(f"assembly holds a value JSON cannot carry exactly: {exc}") from None
    return record


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, Mapping):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(v) for v in value)
    return False


def record_hash(record: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of the whole record without ``record_hash``."""
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != "record_hash"})).hexdigest()
