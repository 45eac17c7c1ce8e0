import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core import uscc


def test_published_example_and_clear_reasons():
    assert uscc.validate("91350100M000100Y43") == "91350100M000100Y43"
    assert uscc.validate(" 91350100m000100y43 ") == "91350100M000100Y43"  # case and spaces forgiven
    for bad, reason in [("91350100M000100Y4", "uscc_length"), ("91350100M000100YI3", "uscc_chars"),
                        ("Z1350100M000100Y43", "uscc_chars"), ("K1350100M000100Y43", "uscc_authority"),
                        ("9135A100M000100Y43", "uscc_region"), ("91350100M000100Y44", "uscc_check")]:
        with pytest.raises(uscc.UsccError) as err:
            uscc.validate(bad)
        assert err.value.code == reason


body = st.tuples(st.sampled_from("159Y"), st.sampled_from("123"), st.text("0123456789", min_size=6, max_size=6),
                 st.text(uscc.ALPHABET, min_size=9, max_size=9)).map("".join)


@given(body=body, pos=st.integers(0, 17), repl=st.sampled_from(uscc.ALPHABET))
def test_any_single_changed_character_is_caught(body, pos, repl):
    code = body + uscc.check_char(body)
    assert uscc.validate(code) == code
    changed = code[:pos] + repl + code[pos + 1:]
    if changed != code:
        with pytest.raises(uscc.UsccError):
            uscc.validate(changed)
