"""Resident identity card numbers, GB 11643-1999. Pure: no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    address_code: str
    birth_date: dt.date
    sequence: int

    @property
    def gender(self) -> str:
        return "M" if self.sequence % 2 == 1 else "F"


class IdNumberError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalize(number: str) -> str:
    """NFKC (full-width digits become ASCII), upper case, no spaces."""
    import unicodedata

    return unicodedata.normalize("NFKC", number or "").strip().upper().replace(" ", "")


def parse(number: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-character ID number; raise IdNumberError with a reason code."""
    n = normalize(number)
    if len(n) != 18:
        raise IdNumberError("id_length")
    if not (n[:17].isascii() and n[:17].isdigit()) or n[17] not in "0123456789X":
        raise IdNumberError("id_chars")
    try:
        birth = dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError as exc:
        raise IdNumberError("id_birth_date") from exc
    today = today or dt.date.today()
    if birth > today or birth.year < 1880:
        raise IdNumberError("id_birth_date")
    if check_char(n[:17]) != n[17]:
        raise IdNumberError("id_check_digit")
    return IdInfo(number=n, address_code=n[:6], birth_date=birth, sequence=int(n[14:17]))


def make(address_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (used for synthetic demo data only)."""
    body = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)
