import re

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def looks_like_phone(value: str) -> bool:
    return bool(PHONE_RE.match((value or "").strip()))
