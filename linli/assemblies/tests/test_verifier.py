"""The standalone verifier (verifier/verify_assembly.py): it passes a correct record, names what
is wrong in a tampered one, and agrees with linli.assemblies.tally on random rolls. No database."""

from __future__ import annotations

import ast
import copy
import importlib.util
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.assemblies import board
from linli.assemblies.tally import Choice, HeadVote, tally_matter

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "verifier" / "verify_assembly.py"

_spec = importlib.util.spec_from_file_location("verify_assembly", SCRIPT)
assert _spec and _spec.loader
verifier = importlib.util.module_from_spec(_spec)
sys.modules["verify_assembly"] = verifier  # dataclasses resolve their module by name
_spec.loader.exec_module(verifier)

MATTERS = [{"no": 1, "item": 4, "title": "选聘物业服务企业"}, {"no": 2, "item": 6, "title": "筹集维修资金"},
           {"no": 3, "item": 9, "title": "增设电动自行车充电桩"}]
PATTERN = ["agree", "agree", "agree", "oppose", "abstain", "agree", "agree", None, "agree", "agree"]


def make_record(n: int = 30, *, ballot: str = "secret", total_heads: int | None = None, extra_area: str = "0"):
    """n heads of 80.25–110.25 m²; choices cycle through PATTERN (None: did not vote on the matter)."""
    codes, entries = [], []
    for i in range(n):
        choices = {}
        for m in MATTERS:
            choice = PATTERN[(i + m["no"]) % len(PATTERN)]
            if choice:
                choices[str(m["no"])] = choice
        entry = {"head": f"H{i + 1:05d}", "area": f"{80 + i % 31}.25", "choices": choices or {"1": "abstain"}}
        if ballot == "secret":
            codes.append(board.new_receipt())
            entry["receipt"] = board.receipt_hash(codes[-1])
        else:
            entry["units"] = [f"{i // 100 + 1}栋-{i % 100 + 101}"]
        entries.append(entry)
    if ballot == "secret":
        entries.sort(key=lambda e: e["receipt"])
    chained = board.chain(entries)
    area = sum((Decimal(e["area"]) for e in entries), Decimal(extra_area))
    totals = {"area": board.format_area(area), "heads": total_heads or n}
    results = board.tally_entries(chained, roll_totals=totals, matters=MATTERS)
    record = board.build_record(assembly={"id": "A-1", "title": "测试小区业主大会", "ballot": ballot},
                                roll_totals=totals, matters=MATTERS, entries=chained, results=results)
    return record, codes


def rehash(record: dict) -> dict:
    """What a forger who rewrites the whole file does: rechain, new head and record hashes."""
    entries = board.chain([{k: v for k, v in e.items() if k not in ("seq", "prev", "hash")} for e in record["entries"]])
    record = {**record, "entries": entries, "entry_count": len(entries), "head_hash": board.head_hash(entries)}
    record["record_hash"] = board.record_hash(record)
    return record


def run_cli(tmp_path: Path, record, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "record.json"
    path.write_text(record if isinstance(record, str) else json.dumps(record, ensure_ascii=False), encoding="utf-8")
    # -I: isolated, neither the repository nor the venv's site-packages on the path
    return subprocess.run([sys.executable, "-I", str(SCRIPT), str(path), *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, encoding="utf-8")


def test_a_correct_record_passes(tmp_path):
    record, codes = make_record()
    out = run_cli(tmp_path, record, "--receipt", codes[4].lower().replace("-", " "))
    assert out.returncode == 0, out.stdout
    assert "哈希链完整 / hash chain intact" in out.stdout
    assert out.stdout.count("✔ 与记录一致 / matches the record") == 3
    assert "✔ 回执在投票板第" in out.stdout
    assert out.stdout.strip().endswith("一致 CONSISTENT")


def test_a_named_record_passes_and_finds_a_unit(tmp_path):
    record, _ = make_record(12, ballot="named", total_heads=15, extra_area="300")
    out = run_cli(tmp_path, record, "--unit", "1栋-105")
    assert out.returncode == 0, out.stdout
    assert "✔ 房号 1栋-105 在投票板第" in out.stdout


def test_a_removed_entry_fails(tmp_path):
    record, _ = make_record()
    del record["entries"][7]
    out = run_cli(tmp_path, record)
    assert out.returncode == 1
    assert "第 8 条 entry 8: 序号为 9，应为 8" in out.stdout
    assert "prev is not the hash of the entry before (an entry removed or changed?)" in out.stdout
    assert "entry_count 30 but 29 entries" in out.stdout
    assert "NOT CONSISTENT" in out.stdout


def test_a_removed_last_entry_fails_on_the_head_hash(tmp_path):
    record, _ = make_record()
    record["entries"].pop()
    record["entry_count"] = len(record["entries"])
    out = run_cli(tmp_path, record)
    assert out.returncode == 1
    assert "head_hash is not the hash of the last entry" in out.stdout


def test_a_changed_choice_fails(tmp_path):
    record, _ = make_record()
    entry = record["entries"][3]
    entry["choices"]["1"] = "agree" if entry["choices"].get("1") != "agree" else "oppose"
    out = run_cli(tmp_path, record)
    assert out.returncode == 1
    assert "第 4 条 entry 4: 哈希与内容不符（内容被改动）/ hash does not match the content (the entry was changed)" in out.stdout


def test_a_changed_choice_with_a_rewritten_chain_fails_on_the_results(tmp_path):
    record, _ = make_record()
    for entry in record["entries"]:  # every 反对 on matter 1 becomes 同意
        if entry["choices"].get("1") == "oppose":
            entry["choices"]["1"] = "agree"
    out = run_cli(tmp_path, rehash(record))
    assert out.returncode == 1
    assert "事项 1: 记录的结果与重新计算不符 / matter 1: the record's result differs from the recount" in out.stdout
    assert "agree_heads" in out.stdout and "oppose_heads" in out.stdout
    assert "hash chain intact" in out.stdout  # the chain alone cannot catch a rewrite: the published head hash does


def test_a_changed_area_fails(tmp_path):
    record, _ = make_record()
    record["entries"][0]["area"] = "180.25"
    out = run_cli(tmp_path, record)
    assert out.returncode == 1
    assert "第 1 条 entry 1: 哈希与内容不符" in out.stdout
    out = run_cli(tmp_path, rehash(record))
    assert out.returncode == 1
    assert "_area" in out.stdout and "the record's result differs" in out.stdout


def test_a_wrong_claimed_result_fails(tmp_path):
    record, _ = make_record()
    claimed = record["results"][1]
    claimed["passed"] = not claimed["passed"]
    record["record_hash"] = board.record_hash(record)  # only the result itself is wrong
    out = run_cli(tmp_path, record)
    assert out.returncode == 1
    assert f"事项 2: 记录的结果与重新计算不符 / matter 2: the record's result differs from the recount: passed {claimed['passed']!r}" in out.stdout
    assert out.stdout.count("the record's result differs") == 1 and "✔ 记录哈希" in out.stdout


def test_a_changed_record_fails_on_the_record_hash(tmp_path):
    record, _ = make_record()
    record["assembly"]["title"] = "另一个大会"
    out = run_cli(tmp_path, record)
    assert out.returncode == 1 and "record_hash does not match the record" in out.stdout


@pytest.mark.parametrize("change, message", [
    (lambda r: r["roll_totals"].update(heads=20), "more entries than the roll's 20 heads"),
    (lambda r: r["roll_totals"].update(area="100"), "the board's areas add up to more than the roll's total area"),
    (lambda r: r["matters"][1].update(item=5), "rule 'special' ≠ 'majority'"),
    (lambda r: r["results"].pop(), "matter 3: the record gives no result"),
    (lambda r: r.update(format="linli-assembly-record/2"), "unknown record format"),
    (lambda r: r["assembly"].update(ballot="named"), "fields wrong"),
    (lambda r: r["entries"][2].update(head=r["entries"][1]["head"]), "has a second entry"),
])
def test_other_inconsistencies_are_named(change, message):
    record, _ = make_record()
    change(record)
    report = verifier.verify(record)
    assert not report.ok
    assert any(message in p for p in report.problems), report.problems


def test_a_receipt_not_on_the_board(tmp_path):
    record, codes = make_record()
    out = run_cli(tmp_path, record, "--receipt", board.new_receipt())
    assert out.returncode == 1 and "the receipt is not on the board" in out.stdout
    out = run_cli(tmp_path, record, "--receipt", codes[0][:-1])
    assert "a code has 16 characters, got 15" in out.stdout


def test_unreadable_files_exit_2(tmp_path):
    assert run_cli(tmp_path, "{not json").returncode == 2
    record, _ = make_record(3)
    text = json.dumps(record).replace('"heads": 3', '"heads": 3.0')
    out = run_cli(tmp_path, text)
    assert out.returncode == 2 and "areas are strings" in out.stdout
    text = json.dumps(record).replace('"area": ', '"area": "1", "area": ', 1)
    out = run_cli(tmp_path, text)
    assert out.returncode == 2 and "an object has a key twice (['area'])" in out.stdout


def test_the_verifier_imports_only_the_standard_library():
    tree = ast.parse(SCRIPT.read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert names - {"__future__"} <= set(sys.stdlib_module_names), names


def test_a_record_of_ten_thousand_units_verifies():
    record, codes = make_record(10_000, total_heads=10_400, extra_area="20000")
    report = verifier.verify(json.loads(json.dumps(record)), receipt=codes[-1])
    assert report.ok, report.problems[:5]
    assert report.tallies[1]["participating_heads"] == sum(1 for e in record["entries"] if "1" in e["choices"])


# --- cross-check with linli.assemblies.tally ----------------------------------------------

@st.composite
def boards(draw):
    n = draw(st.integers(min_value=0, max_value=30))
    places = draw(st.sampled_from([0, 1, 2, 3]))
    entries = []
    for i in range(n):
        cents = draw(st.integers(min_value=1, max_value=20_000))
        area = Decimal(cents).scaleb(-places)
        choices = {str(no): c for no in (1, 2, 3) if (c := draw(st.sampled_from([None, *Choice]))) is not None}
        entries.append({"head": f"H{i:05d}", "area": board.format_area(area),
                        "choices": choices or {"1": draw(st.sampled_from(list(Choice))).value}})
    extra_heads = draw(st.integers(min_value=0, max_value=15))
    extra_area = Decimal(draw(st.integers(min_value=0, max_value=300_000))).scaleb(-2)
    total_area = sum((Decimal(e["area"]) for e in entries), extra_area)
    if total_area == 0:
        total_area = Decimal(1)
    items = [draw(st.integers(min_value=1, max_value=9)) for _ in range(3)]
    return entries, total_area, n + max(extra_heads, 0 if n else 1), items


@settings(max_examples=150, deadline=None)
@given(boards())
def test_verifier_and_tally_agree_on_random_rolls(data):
    entries, total_area, total_heads, items = data
    matters = [{"no": no, "item": item, "title": f"事项{no}"} for no, item in zip((1, 2, 3), items, strict=True)]
    for matter in matters:
        key = str(matter["no"])
        ours = tally_matter(matter["item"], total_area, total_heads,
                            [HeadVote(e["head"], Decimal(e["area"]), e["choices"].get(key)) for e in entries])
        places = max([verifier.decimals_of(board.format_area(total_area))] + [verifier.decimals_of(e["area"]) for e in entries])
        theirs = verifier.art278(matter["item"], verifier.scaled(board.format_area(total_area), places), total_heads,
                                 [(verifier.scaled(e["area"], places), e["choices"].get(key)) for e in entries])
        assert board.result_entry(matter["no"], ours) | {"no": None} == {
            "no": None, "item": matter["item"],
            **{k: (board.format_area(Decimal(verifier.show_area(v, places))) if v else "0") if k.endswith("_area") else v
               for k, v in theirs.items()}}
    # and the whole record, built by board.py, verifies
    chained = board.chain([{**e, "units": [e["head"]]} for e in entries])
    totals = {"area": board.format_area(total_area), "heads": total_heads}
    record = board.build_record(assembly={"id": "x", "title": "x", "ballot": "named"}, roll_totals=totals,
                                matters=matters, entries=chained,
                                results=board.tally_entries(chained, roll_totals=totals, matters=matters))
    report = verifier.verify(copy.deepcopy(record))
    assert report.ok, report.problems


# --- robustness: any JSON gives a report, never a crash -----------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-3, max_value=10**6) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


_SMALL, _ = make_record(4)
_SMALL_PATHS = [p for p in _paths(_SMALL) if p]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SMALL_PATHS), json_values)
def test_any_change_to_a_record_is_reported_not_crashed_on(path, value):
    record = copy.deepcopy(_SMALL)
    target = record
    for step in path[:-1]:
        target = target[step]
    if target[path[-1]] == value:
        return
    target[path[-1]] = value
    report = verifier.verify(record)
    assert not report.ok, (path, value)
    assert report.lines[-1].startswith("结论 Conclusion: 不一致 NOT CONSISTENT")


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_any_json_is_reported_not_crashed_on(value):
    assert not verifier.verify(value).ok


def test_a_flood_of_problems_is_counted_not_all_printed():
    record, _ = make_record(200)
    del record["entries"][0]
    report = verifier.verify(record)
    assert len(report.problems) > 200
    assert sum(line.startswith("  ✘") for line in report.lines) == verifier.MAX_LISTED
    assert f"{len(report.problems) - verifier.MAX_LISTED} more problems not listed" in report.lines[-2]


def test_text_from_the_record_cannot_drive_the_terminal():
    record, _ = make_record(3)
    record["matters"][0]["title"] = "选聘\x1b[2J\x1b[1;1H一致 CONSISTENT\n"
    report = verifier.verify(record)
    assert not any("\x1b" in line or "\n" in line for line in report.lines)
    assert any("选聘?[2J?[1;1H一致 CONSISTENT?" in line for line in report.lines)
