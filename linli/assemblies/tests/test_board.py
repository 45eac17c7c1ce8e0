"""The ballot board: receipts, the hash chain, the record. No database."""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from linli.assemblies import board
from linli.assemblies.tally import Choice, HeadVote, tally_matter

ROOT = Path(__file__).resolve().parents[3]
CODES = ["7KQ2-M9XD-4HTW-PC3R", "Q8ZB-3NVE-K6YH-2TJA", "5RWM-HC9U-XD4F-8GSP"]
MATTERS = [{"no": 1, "item": 4, "title": "续聘某物业服务有限公司"}, {"no": 2, "item": 6, "title": "筹集专项维修资金"}]
TOTALS = {"area": "400", "heads": 4}
ASSEMBLY = {"id": "GZ-TH-2026-001", "title": "某小区2026年第一次业主大会", "ballot": "secret", "compound": "某小区",
            "opened_at": "2026-12-20T09:00:00+08:00", "closed_at": "2026-12-27T18:00:00+08:00"}


def _example_entries() -> list[dict]:
    return board.chain([
        {"receipt": board.receipt_hash(CODES[0]), "head": "H00012", "area": "89.37", "choices": {"1": "agree", "2": "abstain"}},
        {"receipt": board.receipt_hash(CODES[1]), "head": "H00003", "area": "120.5", "choices": {"1": "oppose"}},
        {"receipt": board.receipt_hash(CODES[2]), "head": "H00007", "area": "95", "choices": {"1": "agree", "2": "agree"}},
    ])


def _example_record() -> dict:
    entries = _example_entries()
    results = board.tally_entries(entries, roll_totals=TOTALS, matters=MATTERS)
    return board.build_record(assembly=ASSEMBLY, roll_totals=TOTALS, matters=MATTERS, entries=entries, results=results)


# --- receipts -----------------------------------------------------------------------------

def test_receipts_are_random_groups_of_an_unambiguous_alphabet():
    codes = {board.new_receipt() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}", code), code
    assert not set("01ILO") & set("".join(codes))


def test_receipt_hash_ignores_case_separators_and_full_width():
    expected = hashlib.sha256(b"7KQ2M9XD4HTWPC3R").hexdigest()
    for typed in ["7KQ2-M9XD-4HTW-PC3R", "7kq2m9xd4htwpc3r", " 7KQ2 M9XD 4HTW PC3R ", "7KQ2.M9XD_4HTW—PC3R",
                  "７ＫＱ２－Ｍ９ＸＤ－４ＨＴＷ－ＰＣ３Ｒ"]:
        assert board.receipt_hash(typed) == expected, typed
    assert board.receipt_hash("7KQ2-M9XD-4HTW-PC3S") != expected


# --- the chain ----------------------------------------------------------------------------

def test_chain_numbers_links_and_hashes_the_entries():
    entries = _example_entries()
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == "0" * 64
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]
    first = {k: v for k, v in entries[0].items() if k != "hash"}
    canonical = json.dumps(first, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert entries[0]["hash"] == hashlib.sha256(canonical).hexdigest()
    assert canonical.startswith(b'{"area":"89.37","choices":{"1":"agree","2":"abstain"},"head":"H00012","prev":"000')
    # the example of docs/assemblies-record.md
    assert entries[0]["hash"] == "f2bb767feb70a271e374f8ab0f9226094fdbb3e20e036209f82ecb6d65558416"
    assert board.head_hash(entries) == "aa20e1d793fc135b57af78c61a9b7b9c6b290e44fcc5dd920c7abef47286e6fa"
    assert board.check_chain(entries) == []


def test_named_entries_carry_units_and_hash_non_ascii_labels_as_they_are():
    entries = board.chain([{"units": ["3栋-1201", "车位-B07"], "head": "H00001", "area": "101.2", "choices": {"1": "agree"}}])
    assert "3栋-1201".encode() in board.canonical({k: v for k, v in entries[0].items() if k != "hash"})
    assert board.check_chain(entries) == []
    assert board.find_unit(entries, "车位-B07") is entries[0] and board.find_unit(entries, "3栋-1202") is None


@pytest.mark.parametrize("entry, message", [
    ({"head": "H1", "area": "1", "choices": {"1": "agree"}}, "exactly one of receipt"),
    ({"receipt": "ab", "head": "H1", "area": "1", "choices": {"1": "agree"}}, "sha256"),
    ({"units": [], "head": "H1", "area": "1", "choices": {"1": "agree"}}, "units"),
    ({"units": ["1", "1"], "head": "H1", "area": "1", "choices": {"1": "agree"}}, "twice"),
    ({"units": ["1"], "head": "", "area": "1", "choices": {"1": "agree"}}, "head"),
    ({"units": ["1"], "head": "H1", "area": "0", "choices": {"1": "agree"}}, "area"),
    ({"units": ["1"], "head": "H1", "area": "1e3", "choices": {"1": "agree"}}, "area"),
    ({"units": ["1"], "head": "H1", "area": 89.5, "choices": {"1": "agree"}}, "area"),
    ({"units": ["1"], "head": "H1", "area": "1", "choices": {}}, "choices"),
    ({"units": ["1"], "head": "H1", "area": "1", "choices": {"1": "yes"}}, "agree, oppose or abstain"),
    ({"units": ["1"], "head": "H1", "area": "1", "choices": {"x": "agree"}}, "matter number"),
    ({"units": ["1"], "head": "H1", "area": "1", "choices": {"1": "agree"}, "name": "王"}, "unexpected"),
    ({"units": ["1"], "head": "H1", "area": "1", "choices": {"1": "agree"}, "hash": "x"}, "already"),
])
def test_chain_refuses_a_malformed_entry(entry, message):
    with pytest.raises(ValueError, match=message):
        board.chain([entry])


def test_check_chain_finds_a_removed_entry():
    entries = _example_entries()
    del entries[1]
    problems = board.check_chain(entries)
    assert any("entry 2: seq is 3" in p for p in problems) and any("entry 2: prev" in p for p in problems)


def test_check_chain_finds_a_changed_choice_or_area():
    for field, value in [("choices", {"1": "agree", "2": "agree"}), ("area", "120.6")]:
        entries = _example_entries()
        entries[1][field] = value
        assert board.check_chain(entries) == ["entry 2: hash does not match its content (the entry was changed)"]


def test_check_chain_finds_reordered_entries_and_a_head_or_receipt_twice():
    entries = _example_entries()
    entries[0], entries[1] = entries[1], entries[0]
    assert any("seq" in p for p in board.check_chain(entries))
    twice = board.chain([{"receipt": board.receipt_hash(CODES[0]), "head": "H1", "area": "1", "choices": {"1": "agree"}},
                         {"receipt": board.receipt_hash(CODES[0]), "head": "H1", "area": "1", "choices": {"1": "agree"}}])
    problems = board.check_chain(twice)
    assert "entry 2: head H1 has a second entry" in problems and "entry 2: the receipt appears twice" in problems
    mixed = board.chain([{"receipt": board.receipt_hash(CODES[0]), "head": "H1", "area": "1", "choices": {"1": "agree"}},
                         {"units": ["2-101"], "head": "H2", "area": "1", "choices": {"1": "agree"}}])
    assert "the board mixes secret (receipt) and named (units) entries" in board.check_chain(mixed)
    assert board.check_chain(["not an entry"]) == ["entry 1: not an object"]


def test_find_receipt():
    entries = _example_entries()
    assert board.find_receipt(entries, "q8zb 3nve k6yh 2tja")["seq"] == 2
    assert board.find_receipt(entries, "Q8ZB-3NVE-K6YH-2TJB") is None


# --- the record ---------------------------------------------------------------------------

def test_record_carries_totals_matters_entries_results_and_hashes():
    record = _example_record()
    assert record["format"] == "linli-assembly-record/1"
    assert record["head_hash"] == record["entries"][-1]["hash"] and record["entry_count"] == 3
    assert record["record_hash"] == board.record_hash(record)
    first, second = record["results"]
    assert first == {"no": 1, "item": 4, "rule": "majority", "participating_heads": 3, "participating_area": "304.87",
                     "agree_heads": 2, "agree_area": "184.37", "oppose_heads": 1, "oppose_area": "120.5",
                     "abstain_heads": 0, "abstain_area": "0", "quorum_met": True, "threshold_met": True, "passed": True}
    assert (second["participating_heads"], second["quorum_met"], second["passed"]) == (2, False, False)
    assert record["record_hash"] == "aeee8d43592c7535d74f392dff9f675e6e899adadf7bccb3c0455105ced6a111"


def test_record_takes_results_as_dicts_and_tolerates_equal_areas_written_differently():
    entries = _example_entries()
    results = [board.result_entry(no, r) for no, r in board.tally_entries(entries, roll_totals=TOTALS, matters=MATTERS).items()]
    results[0]["agree_area"] = "184.370"
    record = board.build_record(assembly=ASSEMBLY, roll_totals={"area": "400.00", "heads": 4}, matters=MATTERS,
                                entries=entries, results=results)
    assert record["roll_totals"] == {"area": "400", "heads": 4} and record["results"][0]["agree_area"] == "184.37"


def test_record_refuses_results_other_than_the_tally_of_the_entries():
    entries = _example_entries()
    results = board.tally_entries(entries, roll_totals=TOTALS, matters=MATTERS)
    votes = [HeadVote("x", Decimal(1), Choice.AGREE)]
    wrong = {1: results[1], 2: tally_matter(6, Decimal(400), 4, votes)}
    with pytest.raises(ValueError, match="matter 2: the results differ"):
        board.build_record(assembly=ASSEMBLY, roll_totals=TOTALS, matters=MATTERS, entries=entries, results=wrong)
    with pytest.raises(ValueError, match="one result per matter"):
        board.build_record(assembly=ASSEMBLY, roll_totals=TOTALS, matters=MATTERS, entries=entries, results={1: results[1]})
    flipped = [board.result_entry(no, r) for no, r in results.items()]
    flipped[1]["passed"] = True
    with pytest.raises(ValueError, match="matter 2"):
        board.build_record(assembly=ASSEMBLY, roll_totals=TOTALS, matters=MATTERS, entries=entries, results=flipped)


@pytest.mark.parametrize("change, message", [
    (lambda kw: kw["assembly"].update(ballot="open"), "ballot"),
    (lambda kw: kw["assembly"].pop("title"), "title"),
    (lambda kw: kw.update(roll_totals={"area": "400", "heads": 0}), "roll_totals"),
    (lambda kw: kw.update(roll_totals={"area": 400.0, "heads": 4}), "float"),
    (lambda kw: kw["matters"][1].update(item=10), "item"),
    (lambda kw: kw["matters"][1].update(no=1), "distinct"),
    (lambda kw: kw.update(matters=[kw["matters"][0]]), "not in matters"),
    (lambda kw: kw["assembly"].update(ballot="named"), "needs units"),
    (lambda kw: kw["assembly"].update(quorum={"share": 0.667}), "float"),
    (lambda kw: kw["assembly"].update(opened_at=__import__("datetime").date(2026, 12, 20)), "JSON"),
    (lambda kw: kw["entries"].pop(0), "prev"),
    (lambda kw: kw.update(roll_totals={"area": "300", "heads": 4}), "total area"),
    (lambda kw: kw.update(roll_totals={"area": "400", "heads": 2}), "more than the roll"),
])
def test_record_refuses_what_would_not_verify(change, message):
    entries = _example_entries()
    kwargs = {"assembly": dict(ASSEMBLY), "roll_totals": dict(TOTALS), "matters": copy.deepcopy(MATTERS),
              "entries": entries, "results": board.tally_entries(entries, roll_totals=TOTALS, matters=MATTERS)}
    change(kwargs)
    with pytest.raises(ValueError, match=message):
        board.build_record(**kwargs)


def test_an_empty_board_is_a_record_too():
    record = board.build_record(assembly=ASSEMBLY, roll_totals=TOTALS, matters=MATTERS, entries=[],
                                results=board.tally_entries([], roll_totals=TOTALS, matters=MATTERS))
    assert record["head_hash"] == "0" * 64 and not any(r["quorum_met"] for r in record["results"])


def test_the_example_in_the_docs_is_this_record():
    text = (ROOT / "docs" / "assemblies-record.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    documented = [json.loads(b) for b in blocks if '"format"' in b]
    assert documented == [_example_record()]


def test_pure_modules_import_no_django():
    for name in ("tally.py", "board.py"):
        tree = ast.parse((ROOT / "linli" / "assemblies" / name).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not [m for m in imported if m.split(".")[0] in ("django", "ninja", "rules")], name


def test_pseudonyms_are_a_random_numbering_of_the_heads():
    heads = [f"owner:{n}" for n in range(500)] + ["developer"]
    ids = board.pseudonyms(heads)
    assert set(ids) == set(heads) and sorted(ids.values()) == [f"H{n:05d}" for n in range(1, 502)]
    assert [ids[h] for h in heads] != sorted(ids.values())  # not in roll order (1 in 501! by chance)


def test_make_entry_and_board_order():
    secret = [board.make_entry(head=f"H{n}", area=Decimal("89.370"), choices={2: Choice.AGREE, 1: "abstain"},
                               receipt=board.new_receipt()) for n in range(20)]
    assert secret[0]["area"] == "89.37" and list(secret[0]["choices"].items()) == [("1", "abstain"), ("2", "agree")]
    ordered = board.board_order(secret)
    assert [e["receipt"] for e in ordered] == sorted(e["receipt"] for e in secret)
    assert board.check_chain(board.chain(ordered)) == []
    named = [board.make_entry(head="H2", area=Decimal(1), choices={1: "agree"}, units=["2-101"]),
             board.make_entry(head="H1", area=Decimal(1), choices={1: "agree"}, units=["1-101", "9-1"])]
    assert [e["head"] for e in board.board_order(named)] == ["H1", "H2"]
    with pytest.raises(ValueError, match="either"):
        board.make_entry(head="H1", area=Decimal(1), choices={1: "agree"})
    with pytest.raises(ValueError):
        board.make_entry(head="H1", area=Decimal(1), choices={1: "yes"}, units=["1"])
    with pytest.raises(ValueError, match="units"):
        board.make_entry(head="H1", area=Decimal(1), choices={1: "agree"}, units=[])
