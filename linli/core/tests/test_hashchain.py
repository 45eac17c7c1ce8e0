"""The hash chain every vote's board shares: a receipt is found by its hash whatever its spacing or
width, and removing, adding, moving or changing an entry is reported."""

from linli.core import hashchain as hc


def board():
    return hc.chain([{"receipt": hc.receipt_hash(f"code{i}"), "choice": "yes"} for i in range(5)])


def test_receipts_are_read_back_whatever_the_typing() -> None:
    code = hc.new_receipt()
    assert len(code) == 19 and code.count("-") == 3 and not set(code.replace("-", "")) & set("01OIL")
    typed = "ｰ".join(code.lower().split("-"))  # lower case, full-width separators
    assert hc.receipt_hash(typed) == hc.receipt_hash(code)


def test_an_intact_board_has_no_problem_and_every_change_is_seen() -> None:
    b = board()
    assert hc.check_links(b) == [] and hc.head_hash(b) == b[-1]["hash"] and hc.head_hash([]) == hc.GENESIS
    changed = [dict(e) for e in b]
    changed[2]["choice"] = "no"
    assert any("entry 3: hash" in p for p in hc.check_links(changed))
    removed = b[:2] + b[3:]
    assert any("entry 3" in p for p in hc.check_links(removed))
    moved = [b[1], b[0], *b[2:]]
    assert hc.check_links(moved)
    assert hc.check_links([*b, "x"]) == ["entry 6: not an object"]


def test_the_vote_checks_its_own_entries() -> None:
    import pytest

    with pytest.raises(ValueError, match="no choice"):
        hc.chain([{"x": 1}], lambda e, where: [] if "choice" in e else [f"{where}: no choice"])
    with pytest.raises(ValueError, match="already has a hash"):
        hc.chain([{"hash": "0"}])
