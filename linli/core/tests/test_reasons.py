"""One rule for why personal data is seen in full: a listed purpose and a real description."""

import pytest

from linli.core.errors import DomainError
from linli.core.reasons import PURPOSES, clean_reason


@pytest.mark.parametrize("detail", ["00", "0000", "1234567", "....", "啊啊啊啊", "看看看看看", "ab", "  核对  ", "!!!!!!", "a1b2"])
def test_placeholder_reasons_are_refused(detail):
    with pytest.raises(DomainError) as exc:
        clean_reason("核对信息", detail)
    assert exc.value.code == "reason_required" and "至少4个字" in exc.value.message


@pytest.mark.parametrize("purpose", ["", "随便", "home_visit"])
def test_a_purpose_from_the_list_is_required(purpose):
    with pytest.raises(DomainError) as exc:
        clean_reason(purpose, "核对高龄津贴申请")
    assert exc.value.details["field"] == "purpose"


def test_a_real_reason_is_recorded_with_its_purpose():
    assert clean_reason("入户核实", "  走访 3栋502 核对人口  ") == "入户核实：走访 3栋502 核对人口"
    assert [p for p, _l in PURPOSES] == ["入户核实", "办理业务", "应急联系", "核对信息", "其他"]
    with pytest.raises(DomainError):
        clean_reason("其他", "说" * 199 + "明白")
