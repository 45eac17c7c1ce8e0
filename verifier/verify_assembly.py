#!/usr/bin/env python3
"""Verify the record of an electronic owners' assembly (业主大会电子表决记录核验).

Usage:
    python verify_assembly.py record.json [--receipt CODE] [--unit LABEL]

Plain Python 3.11, standard library only: download this one file and the record and run it.
It checks, independently of the system that produced the record:

1. the ballot board's hash chain: every entry's hash is the sha256 of its content, every entry
   points to the one before it, the numbering has no gap, the last hash is the record's head hash;
2. every entry: one per owner (head), one per receipt or unit, areas are positive decimals, the
   choices are agree / oppose / abstain on the record's matters;
3. every matter's result, recomputed from the entries and the roll totals by the rules of Civil
   Code art. 278: participation at least 2/3 of the total area and of the total owner count;
   items (6), (7), (8) need at least 3/4 of the participating area and owners in favour, all other
   items more than half of both; abstaining owners took part and did not agree;
4. that the record's claimed results are those recomputed;
5. optionally, that a receipt code (secret ballot) or a unit (named ballot) is on the board.

Exit code 0 only if everything is consistent; 1 if something is not; 2 if the file cannot be read.
The record format: docs/assemblies-record.md in the Linli repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

FORMAT = "linli-assembly-record/1"
GENESIS = "0" * 64
SPECIAL_ITEMS = {6, 7, 8}  # art. 278 para. 2: at least three quarters
ITEM_NAMES = {
    1: "议事规则 rules of procedure",
    2: "管理规约 management covenant",
    3: "业主委员会 owners' committee",
    4: "物业服务企业 property manager",
    5: "使用维修资金 using maintenance funds",
    6: "筹集维修资金 raising maintenance funds",
    7: "改建重建 rebuilding",
    8: "改变共有部分用途或经营 use of common parts",
    9: "其他重大事项 other major matters",
}
CHOICES = ("agree", "oppose", "abstain")
AREA_RE = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")
HEX_RE = re.compile(r"^[0-9a-f]{64}$")
COUNT_FIELDS = ("participating_heads", "agree_heads", "oppose_heads", "abstain_heads")
AREA_FIELDS = ("participating_area", "agree_area", "oppose_area", "abstain_area")
FLAG_FIELDS = ("quorum_met", "threshold_met", "passed")
MAX_LISTED = 50  # problems printed one by one; the rest are counted


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def normalise_code(code: str) -> str:
    text = unicodedata.normalize("NFKC", code).upper()
    return "".join(c for c in text if c.isascii() and c.isalnum())


def is_area(value: Any, *, zero_ok: bool = False) -> bool:
    if not isinstance(value, str) or not AREA_RE.match(value):
        return False
    return zero_ok or Decimal(value) > 0


def decimals_of(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def scaled(text: str, places: int) -> int:
    """A decimal string as an integer count of 10**-places (exact)."""
    whole, _, frac = text.partition(".")
    return int(whole + frac.ljust(places, "0")) if places else int(whole)


def show_area(units: int, places: int) -> str:
    if not places:
        return str(units)
    digits = str(units).rjust(places + 1, "0")
    return f"{digits[:-places]}.{digits[-places:]}"


def percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    hundredths = (part * 10000 * 2 + whole) // (whole * 2)  # rounded half up, for display only
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def art278(item: int, total_area: int, total_heads: int, votes: list[tuple[int, str | None]]) -> dict[str, Any]:
    """One matter by art. 278, in integers (areas in units of the smallest decimal place).

    votes: (area, choice or None) per owner. Comparisons are cross-multiplied: no division."""
    count = dict.fromkeys(CHOICES, 0)
    area = dict.fromkeys(CHOICES, 0)
    for a, choice in votes:
        if choice is not None:
            count[choice] += 1
            area[choice] += a
    p_heads = sum(count.values())
    p_area = sum(area.values())
    quorum = 3 * p_area >= 2 * total_area and 3 * p_heads >= 2 * total_heads
    if item in SPECIAL_ITEMS:
        threshold = p_heads > 0 and 4 * area["agree"] >= 3 * p_area and 4 * count["agree"] >= 3 * p_heads
    else:
        threshold = p_heads > 0 and 2 * area["agree"] > p_area and 2 * count["agree"] > p_heads
    return {
        "rule": "special" if item in SPECIAL_ITEMS else "majority",
        "participating_heads": p_heads,
        "participating_area": p_area,
        "agree_heads": count["agree"],
        "agree_area": area["agree"],
        "oppose_heads": count["oppose"],
        "oppose_area": area["oppose"],
        "abstain_heads": count["abstain"],
        "abstain_area": area["abstain"],
        "quorum_met": quorum,
        "threshold_met": threshold,
        "passed": quorum and threshold,
    }


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tallies: dict[int, dict[str, Any]] = field(default_factory=dict)  # recomputed, areas as strings

    @property
    def ok(self) -> bool:
        return not self.problems

    def say(self, text: str) -> None:
        self.lines.append(printable(text))

    def fail(self, text: str) -> None:
        self.problems.append(text)
        if len(self.problems) <= MAX_LISTED:
            self.lines.append(printable(f"  ✘ {text}"))


def printable(text: str) -> str:
    """Text from the record as it may reach a terminal: control characters (escape sequences,
    line breaks) shown as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _check_entry(entry: Any, n: int, ballot: str, matter_keys: set[str], r: Report) -> bool:
    """Shape of one entry; False if it cannot be counted."""
    where = f"第 {n} 条 entry {n}"
    if not isinstance(entry, dict):
        r.fail(f"{where}: 不是对象 / not an object")
        return False
    good = True
    key = "receipt" if ballot == "secret" else "units"
    expected = {"seq", "prev", "hash", "head", "area", "choices", key}
    if set(entry) != expected:
        missing, extra = sorted(expected - set(entry)), sorted(set(entry) - expected)
        r.fail(f"{where}: 字段不符 / fields wrong (missing {missing}, unexpected {extra}) for a {ballot} ballot")
        good = False
    if ballot == "secret" and not (isinstance(entry.get("receipt"), str) and HEX_RE.match(entry["receipt"])):
        r.fail(f"{where}: 回执哈希格式错误 / receipt is not a sha256 hex digest")
        good = False
    if ballot == "named":
        units = entry.get("units")
        if not (isinstance(units, list) and units and all(isinstance(u, str) and u for u in units)
                and len(set(units)) == len(units)):
            r.fail(f"{where}: 房号列表错误 / units must be a non-empty list of distinct labels")
            good = False
    if not (isinstance(entry.get("head"), str) and entry["head"]):
        r.fail(f"{where}: 缺少业主编号 / head is missing")
        good = False
    if not is_area(entry.get("area")):
        r.fail(f"{where}: 面积不是正的十进制数 / area {entry.get('area')!r} is not a positive decimal string")
        good = False
    choices = entry.get("choices")
    if not isinstance(choices, dict) or not choices:
        r.fail(f"{where}: 没有表决意见 / choices missing or empty")
        return False
    for k, v in choices.items():
        if k not in matter_keys:
            r.fail(f"{where}: 对不存在的事项 {k!r} 表决 / a choice on matter {k!r}, which is not in the record")
            good = False
        if v not in CHOICES:
            r.fail(f"{where}: 表决意见 {v!r} 无效 / choice {v!r} is not agree, oppose or abstain")
            good = False
    return good


def verify(record: Any, *, receipt: str | None = None, unit: str | None = None) -> Report:
    """Check a parsed record; the report's lines are what the command prints."""
    r = Report()
    r.say("业主大会电子表决记录核验 / Owners' assembly record check")
    _check(record, r, receipt, unit)
    if len(r.problems) > MAX_LISTED:
        r.say(f"  … 另有 {len(r.problems) - MAX_LISTED} 个问题未列出 / {len(r.problems) - MAX_LISTED} more problems not listed")
    r.say("结论 Conclusion: " + ("一致 CONSISTENT" if r.ok else f"不一致 NOT CONSISTENT — {len(r.problems)} 个问题 problem(s)"))
    return r


def _check(record: Any, r: Report, receipt: str | None, unit: str | None) -> None:
    if not isinstance(record, dict):
        r.fail("记录不是 JSON 对象 / the record is not a JSON object")
        return
    if record.get("format") != FORMAT:
        r.fail(f"未知的记录格式 / unknown record format {record.get('format')!r} (this verifier reads {FORMAT})")
        return

    assembly: dict[str, Any] = record["assembly"] if isinstance(record.get("assembly"), dict) else {}
    ballot = assembly.get("ballot")
    r.say(f"大会 Assembly: {assembly.get('title', '?')} ({assembly.get('id', '?')}), "
          f"{'无记名投票 secret ballot' if ballot == 'secret' else '记名投票 named ballot'}")
    if ballot not in ("secret", "named"):
        r.fail(f"表决方式未知 / assembly.ballot {ballot!r} is neither 'secret' nor 'named'")
        return

    totals = record.get("roll_totals")
    if not (isinstance(totals, dict) and is_area(totals.get("area")) and type(totals.get("heads")) is int
            and totals["heads"] > 0):
        r.fail("名册总数错误 / roll_totals needs a positive area string and a positive integer heads")
        return
    r.say(f"名册 Roll: 总面积 total area {totals['area']} m², 总人数 total owners (heads) {totals['heads']}")

    matters = record.get("matters")
    if not isinstance(matters, list) or not matters:
        r.fail("没有表决事项 / no matters")
        return
    matter_items: dict[int, int] = {}
    for m in matters:
        no, item = (m.get("no"), m.get("item")) if isinstance(m, dict) else (None, None)
        if type(no) is not int or type(item) is not int or item not in ITEM_NAMES or no in matter_items:
            r.fail(f"事项格式错误 / matter {m!r}: needs a distinct integer no and an art. 278 item 1–9")
            return
        matter_items[no] = item
    matter_keys = {str(no) for no in matter_items}

    entries = record.get("entries")
    if not isinstance(entries, list):
        r.fail("没有投票板 / entries is not a list")
        return

    # 1. the chain
    r.say(f"投票板 Board: {len(entries)} 条 entries")
    chain_ok = True
    prev = GENESIS
    heads: set[str] = set()
    tokens: set[str] = set()
    countable: list[dict[str, Any]] = []
    for n, entry in enumerate(entries, start=1):
        where = f"第 {n} 条 entry {n}"
        if not _check_entry(entry, n, ballot, matter_keys, r):
            chain_ok = False
            if not isinstance(entry, dict):
                continue
        else:
            countable.append(entry)
        if entry.get("seq") != n or type(entry.get("seq")) is not int:
            r.fail(f"{where}: 序号为 {entry.get('seq')!r}，应为 {n}（有条目被删除或移动？）/ "
                   f"seq is {entry.get('seq')!r}, expected {n} (an entry removed or moved?)")
            chain_ok = False
        if entry.get("prev") != prev:
            r.fail(f"{where}: 与上一条的哈希不衔接（有条目被删除或改动？）/ "
                   f"prev is not the hash of the entry before (an entry removed or changed?)")
            chain_ok = False
        content = {k: v for k, v in entry.items() if k != "hash"}
        try:
            digest = sha256_hex(canonical_json(content))
        except (TypeError, ValueError):
            digest = ""
        if entry.get("hash") != digest:
            r.fail(f"{where}: 哈希与内容不符（内容被改动）/ hash does not match the content (the entry was changed)")
            chain_ok = False
        prev = entry.get("hash") if isinstance(entry.get("hash"), str) else digest
        head = entry.get("head")
        if isinstance(head, str):
            if head in heads:
                r.fail(f"{where}: 业主 {head} 有第二张选票 / owner {head} has a second entry")
                chain_ok = False
            heads.add(head)
        token_list = [entry.get("receipt")] if ballot == "secret" else entry.get("units")
        for token in token_list if isinstance(token_list, list) else []:
            if isinstance(token, str):
                if token in tokens:
                    what = "回执重复 / the receipt appears twice" if ballot == "secret" else \
                        f"房号 {token} 出现两次 / unit {token} is on two entries"
                    r.fail(f"{where}: {what}")
                    chain_ok = False
                tokens.add(token)
    last = entries[-1].get("hash") if entries and isinstance(entries[-1], dict) else GENESIS
    if record.get("head_hash") != last:
        r.fail("链尾哈希与最后一条不符（末尾条目被删除或添加？）/ head_hash is not the hash of the last entry "
               "(an entry removed or added at the end?)")
        chain_ok = False
    if record.get("entry_count") != len(entries):
        r.fail(f"条目数不符 / entry_count {record.get('entry_count')!r} but {len(entries)} entries on the board")
        chain_ok = False
    if chain_ok:
        r.say(f"  ✔ 哈希链完整 / hash chain intact, head hash {last}")

    # 2. the roll limits
    places = max([decimals_of(totals["area"])] + [decimals_of(e["area"]) for e in countable])
    total_area = scaled(totals["area"], places)
    area_sum = sum(scaled(e["area"], places) for e in countable)
    if area_sum > total_area:
        r.fail(f"投票板面积合计 {show_area(area_sum, places)} 超过名册总面积 / the board's areas add up to more "
               f"than the roll's total area {totals['area']}")
    if len(entries) > totals["heads"]:
        r.fail(f"投票板条目 {len(entries)} 多于名册总人数 / more entries than the roll's {totals['heads']} heads")

    # 3.–4. each matter
    claimed_by_no: dict[Any, Any] = {}
    results = record.get("results")
    if not isinstance(results, list):
        r.fail("没有表决结果 / results is not a list")
        results = []
    for res in results:
        no = res.get("no") if isinstance(res, dict) else None
        if type(no) is not int or no in claimed_by_no or no not in matter_items:
            r.fail(f"表决结果重复或对应不存在的事项 / result for matter {no!r} repeated or not a matter of the record")
            continue
        claimed_by_no[no] = res
    for m in matters:
        no, item = m["no"], m["item"]
        key = str(no)
        votes = [(scaled(e["area"], places), e["choices"].get(key)) for e in countable]
        got = art278(item, total_area, totals["heads"], votes)
        r.tallies[no] = {k: show_area(v, places) if k.endswith("_area") else v for k, v in got.items()}
        rule = "至少四分之三 at least 3/4" if got["rule"] == "special" else "过半数 more than half"
        r.say(f"事项 {no} Matter {no}: {m.get('title', '')} — 第278条第({item})项 {ITEM_NAMES[item]}; {rule}")
        p_h, p_a = got["participating_heads"], got["participating_area"]
        r.say(f"    参与 participation: {p_h}/{totals['heads']} 人 heads ({percent(p_h, totals['heads'])}), "
              f"{show_area(p_a, places)}/{totals['area']} m² ({percent(p_a, total_area)}); 需至少 2/3 needs ≥ 2/3 → "
              f"{'达到 met' if got['quorum_met'] else '未达到 not met'}")
        a_h, a_a = got["agree_heads"], got["agree_area"]
        r.say(f"    同意 agree: {a_h}/{p_h} 人 heads ({percent(a_h, p_h)}), {show_area(a_a, places)}/"
              f"{show_area(p_a, places)} m² ({percent(a_a, p_a)}); 反对 oppose {got['oppose_heads']} 人, "
              f"弃权 abstain {got['abstain_heads']} 人 → {'达到 met' if got['threshold_met'] else '未达到 not met'}")
        r.say(f"    结果 result: {'通过 PASSED' if got['passed'] else '未通过 NOT PASSED'}")
        claimed = claimed_by_no.get(no)
        if not isinstance(claimed, dict):
            r.fail(f"事项 {no}: 记录中没有该事项的结果 / matter {no}: the record gives no result")
            continue
        wrong = []
        if claimed.get("item") != item:
            wrong.append(f"item {claimed.get('item')!r} ≠ {item}")
        if claimed.get("rule") != got["rule"]:
            wrong.append(f"rule {claimed.get('rule')!r} ≠ {got['rule']!r}")
        for f in COUNT_FIELDS:
            if claimed.get(f) != got[f] or type(claimed.get(f)) is not int:
                wrong.append(f"{f} {claimed.get(f)!r} ≠ {got[f]}")
        for f in AREA_FIELDS:
            c = claimed.get(f)
            if not isinstance(c, str) or not is_area(c, zero_ok=True) or Decimal(c) != Decimal(show_area(got[f], places)):
                wrong.append(f"{f} {c!r} ≠ {show_area(got[f], places)}")
        for f in FLAG_FIELDS:
            if claimed.get(f) is not got[f]:
                wrong.append(f"{f} {claimed.get(f)!r} ≠ {got[f]}")
        if wrong:
            r.fail(f"事项 {no}: 记录的结果与重新计算不符 / matter {no}: the record's result differs from the "
                   f"recount: {'; '.join(wrong)}")
        else:
            r.say("    ✔ 与记录一致 / matches the record")

    # the whole record
    if record.get("record_hash") != sha256_hex(canonical_json({k: v for k, v in record.items() if k != "record_hash"})):
        r.fail("记录哈希不符（记录被改动）/ record_hash does not match the record (the record was changed)")
    else:
        r.say(f"  ✔ 记录哈希 / record hash {record['record_hash']}")

    # 5. the owner's own ballot
    if receipt is not None:
        code = normalise_code(receipt)
        wanted = sha256_hex(code.encode("utf-8"))
        found = next((e for e in entries if isinstance(e, dict) and e.get("receipt") == wanted), None)
        if ballot != "secret":
            r.fail("这是记名投票，请用 --unit 查房号 / a named ballot board: look for your unit with --unit")
        elif found is None:
            hint = "" if len(code) == 16 else f"（回执码应为 16 位，现为 {len(code)} 位 / a code has 16 characters, got {len(code)}）"
            r.fail(f"回执不在投票板上 / the receipt is not on the board{hint}")
        else:
            r.say(f"  ✔ 回执在投票板第 {found.get('seq')} 条 / the receipt is entry {found.get('seq')}: "
                  f"{_choices_text(found)}")
    if unit is not None:
        found = next((e for e in entries if isinstance(e, dict) and isinstance(e.get("units"), list)
                      and unit in e["units"]), None)
        if ballot != "named":
            r.fail("这是无记名投票，请用 --receipt 查回执 / a secret ballot board: look for your receipt with --receipt")
        elif found is None:
            r.fail(f"房号 {unit} 不在投票板上 / unit {unit} is not on the board")
        else:
            r.say(f"  ✔ 房号 {unit} 在投票板第 {found.get('seq')} 条 / unit {unit} is entry {found.get('seq')}: "
                  f"{_choices_text(found)}")


def _choices_text(entry: dict[str, Any]) -> str:
    names = {"agree": "同意 agree", "oppose": "反对 oppose", "abstain": "弃权 abstain"}
    choices = entry.get("choices") or {}
    return ", ".join(f"事项 matter {k}: {names.get(v, v)}" for k, v in sorted(choices.items(), key=lambda kv: (len(kv[0]), kv[0])))


def _reject_float(text: str) -> Any:
    raise ValueError(f"a JSON number with a fraction ({text}) — areas are strings in this format")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"an object has a key twice ({sorted(k for k in set(keys) if keys.count(k) > 1)})")
    return dict(pairs)


def load(path: str) -> Any:
    """The record as JSON, refusing what two readers could read differently: a key twice in one
    object, fractional numbers, NaN or Infinity."""
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=_reject_float, parse_constant=_reject_float, object_pairs_hook=_no_duplicate_keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="核验业主大会电子表决记录 / verify an owners' assembly record")
    parser.add_argument("record", help="record.json downloaded from the assembly's board")
    parser.add_argument("--receipt", help="your receipt code (secret ballot), e.g. 7KQ2-M9XD-4HTW-PC3R")
    parser.add_argument("--unit", help="your unit label (named ballot)")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    try:
        record = load(args.record)
    except (OSError, ValueError, RecursionError) as exc:
        print(f"无法读取记录 / cannot read the record: {exc}")
        return 2
    report = verify(record, receipt=args.receipt, unit=args.unit)
    print("\n".join(report.lines))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
