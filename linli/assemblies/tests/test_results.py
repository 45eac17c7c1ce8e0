"""After closing: the tally by area and heads, the chained board, the record that the standalone
verifier accepts, the preliminary disclosure, then the announcement with the court period."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from linli.assemblies import selectors, services
from linli.assemblies.models import PaperSlip
from linli.core.errors import DomainError

ROOT = Path(__file__).resolve().parents[3]


def _closed(world: Any, vote: Any, **kw: Any) -> tuple[Any, dict[str, str]]:
    a = world.voting(**kw)
    receipts = {}
    receipts["wang"] = vote(world.wang_user, a, {1: "agree", 2: "agree"})[1]
    receipts["li"] = vote(world.li_user, a, {1: "agree", 2: "oppose"})[1]
    services.issue_slips(actor=world.admin, assembly=a)
    slip = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "翠苑置业"))
    for clerk in (world.clerk1, world.clerk2):
        services.enter_paper(actor=clerk, assembly=a, code=slip.code, choices={"1": "agree", "2": "abstain"})
    services.close(actor=world.admin, assembly=a, now=a.closes_at + dt.timedelta(seconds=1))
    a.refresh_from_db()
    return a, receipts


def test_results_by_area_and_heads_the_board_and_the_verifier(world: Any, vote: Any, tmp_path: Path) -> None:
    a, receipts = _closed(world, vote)
    services.publish_result(actor=world.admin, assembly=a)
    a.refresh_from_db()
    assert a.status == "preliminary" and a.result_disclosure_id and len(a.board_head) == 64
    m1, m2 = selectors.results(a)
    # 3 of 4 heads and 403.00 of 478.25 ㎡ took part (≥ 2/3 of both)
    assert (m1.result["participating_heads"], m1.result["participating_area"], m1.result["quorum_met"]) == (3, "403", True)
    assert m1.result["passed"] is True  # item 1: all three agree
    # item 6 (raising maintenance funds) needs 3/4 of participating area and heads: only 王 agrees
    assert (m2.result["agree_heads"], m2.result["rule"], m2.result["passed"]) == (1, "special", False)
    entries = list(selectors.board(a))
    assert len(entries) == 3 and entries[0].data["prev"] == "0" * 64
    assert all("units" in e.data and "receipt" not in e.data for e in entries)  # a named ballot shows units
    found = selectors.receipt_on_board(a, receipts["wang"].lower().replace("-", " "))
    assert found is not None and any("101" in u for u in found.data["units"])
    assert selectors.receipt_on_board(a, "AAAA-BBBB-CCCC-DDDD") is None
    record = tmp_path / "record.json"
    with a.record.open("rb") as fh:
        record.write_bytes(fh.read())
    assert json.loads(record.read_text())["record_hash"] == a.record_hash
    run = subprocess.run([sys.executable, "-I", str(ROOT / "verifier" / "verify_assembly.py"), str(record)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    from linli.disclosures.models import Disclosure

    text = Disclosure.objects.get(pk=a.result_disclosure_id).content
    assert "未通过" in text and "通过" in text and a.board_head in text and "王业主" not in text


def test_a_secret_board_lists_receipt_hashes_not_units(world: Any, vote: Any) -> None:
    from linli.assemblies import board

    a, receipts = _closed(world, vote, named=False)
    services.publish_result(actor=world.admin, assembly=a)
    entries = [e.data for e in selectors.board(a)]
    assert all("receipt" in e and "units" not in e for e in entries)
    assert board.receipt_hash(receipts["li"]) in {e["receipt"] for e in entries}
    assert sorted(e["receipt"] for e in entries) == [e["receipt"] for e in entries]  # not in casting order


def test_mismatched_paper_slips_stop_the_count(world: Any, vote: Any) -> None:
    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    slip = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "李业主"))
    services.enter_paper(actor=world.clerk1, assembly=a, code=slip.code, choices={"1": "agree"})
    services.enter_paper(actor=world.clerk2, assembly=a, code=slip.code, choices={"1": "oppose"})
    services.close(actor=world.admin, assembly=a, now=a.closes_at + dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as err:
        services.publish_result(actor=world.admin, assembly=a)
    assert err.value.code == "blocked_slips"
    services.decide_paper(actor=world.admin, assembly=a, code=slip.code, choices={"1": "oppose"})
    assert services.publish_result(actor=world.admin, assembly=a).status == "preliminary"


def test_no_result_while_voting_and_the_announcement_waits_for_the_disclosure(world: Any, vote: Any) -> None:
    from linli.disclosures.models import Disclosure

    a, _r = _closed(world, vote)
    assert selectors.results(a) == []
    services.publish_result(actor=world.admin, assembly=a)
    a.refresh_from_db()
    with pytest.raises(DomainError):
        services.announce(actor=world.admin, assembly=a)
    Disclosure.objects.filter(pk=a.result_disclosure_id).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    services.announce(actor=world.admin, assembly=a)
    a.refresh_from_db()
    assert a.status == "announced"
    text = Disclosure.objects.get(pk=a.decision_disclosure_id).content
    assert "一年内请求人民法院撤销" in text and a.record_hash in text and "第1项" in text
