"""统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, Z, S,
V); the last is a check character over the first 17 with weights 3^(i-1) mod 31. Pure."""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
# registration authority (first character) and the type codes the standard defines for each
AUTHORITIES = {"1": "1239", "5": "1239", "9": "123", "Y": "1"}  # 机构编制, 民政, 工商(市场监管), 其他
OTHER_AUTHORITIES = "2345678ABCDEFGN"  # 外交, 司法行政, 文化, 旅游, 宗教, 工会, 中央军委, 农业, 其他 …


class UsccError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "").replace("-", "")


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(value: str) -> str:
    """The normalised code, or UsccError with a reason: length, chars, authority, check."""
    code = normalize(value)
    if len(code) != 18:
        raise UsccError("uscc_length")
    if any(c not in ALPHABET for c in code):
        raise UsccError("uscc_chars")
    if code[0] not in AUTHORITIES and code[0] not in OTHER_AUTHORITIES:
        raise UsccError("uscc_authority")
    if not code[2:8].isdigit():
        raise UsccError("uscc_region")
    if check_char(code[:17]) != code[17]:
        raise UsccError("uscc_check")
    return code
