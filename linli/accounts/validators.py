import re
import unicodedata

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-.()（）—–]+")


def looks_like_phone(value: str) -> bool:
    return bool(PHONE_RE.match((value or "").strip()))


def normalize_phone(value: str) -> str | None:
    """A mainland mobile number as typed (``138 0013 8000``, ``+86 138-0013-8000``,
    ``86-13800138000``, ``008613800138000``, full-width digits) as its 11 digits; None when the
    value is not one."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix):]
            break
    return text if PHONE_RE.match(text) else None
