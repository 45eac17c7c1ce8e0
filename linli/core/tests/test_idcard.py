import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core import idcard, masking


def test_known_check_characters():
    # The standard's worked example and a number ending in X.
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.check_char("44010619900307001") == idcard.CHECK_CHARS[
        sum(int(d) * w for d, w in zip("44010619900307001", idcard.WEIGHTS, strict=True)) % 11
    ]
    info = idcard.parse("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "F"  # sequence 002 is even


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_length"),
        ("1101051949123100X2", "id_chars"),
        ("110105194913310021", "id_birth_date"),
        ("110105194912310021", "id_check_digit"),
        ("110105299912310021", "id_birth_date"),  # in the future
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(number)
    assert exc.value.code == code


@given(
    area=st.sampled_from(["440103", "440106", "440111", "110105"]),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_made_numbers_parse_back(area, birth, seq):
    number = idcard.make(area, birth, seq)
    info = idcard.parse(number, today=dt.date(2026, 1, 1))
    assert info.birth_date == birth
    assert info.gender == ("M" if seq % 2 else "F")


@given(
    number=st.from_regex(r"\A[1-6]\d{5}(19[5-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}\Z"),
    pos=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_detected(number, pos, delta):
    good = number + idcard.check_char(number)
    changed = list(good)
    changed[pos] = str((int(changed[pos]) + delta) % 10)
    bad = "".join(changed)
    # a changed digit never keeps the same check character (weights are all non-zero mod 11)
    assert idcard.check_char(bad[:17]) != good[17]


def test_masking():
    assert masking.mask_id("44010619900307001X") == "440106***********X"
    assert masking.mask_phone("13812345678") == "138****5678"
    assert masking.mask_name("张三丰") == "张*丰"
    assert masking.mask_id("") == ""
