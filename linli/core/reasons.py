"""Why someone sees personal data in full (a reveal, an unmasked export): a purpose chosen from
a fixed list plus a description of real length. One validator, used by every service that
reveals, so pages, API and exports accept the same reasons."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError
from .text import clean_text

# stored by their Chinese name whatever the UI language (the log reads the same for everyone)
PURPOSES: list[tuple[str, Any]] = [
    ("入户核实", gettext_lazy("入户核实")),
    ("办理业务", gettext_lazy("办理业务")),
    ("应急联系", gettext_lazy("应急联系")),
    ("核对信息", gettext_lazy("核对信息")),
    ("其他", gettext_lazy("其他")),
]
MIN_LETTERS = 4  # meaningful characters (letters, CJK characters) of the description
MIN_DISTINCT = 3  # "看看看看" or "哈哈哈哈" is not a reason
MAX_LENGTH = 200


def meaningful(text: str) -> str:
    """The letters of ``text`` (Chinese characters included): no digits, punctuation or spaces."""
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


def clean_reason(purpose: str, reason: str, *, field: str = "reason") -> str:
    """The reason as it is recorded, ``入户核实：核对高龄津贴申请``, or DomainError."""
    purpose = (purpose or "").strip()
    text = clean_text(reason, collapse=True)
    if purpose not in dict(PURPOSES):
        raise DomainError("reason_required", _("请选择查看事由"), field="purpose", choices=[p for p, _label in PURPOSES])
    letters = meaningful(text)
    if len(letters) < MIN_LETTERS or len(set(letters)) < MIN_DISTINCT:
        raise DomainError("reason_required", _("请具体说明事由(至少4个字，不能只填数字、符号或重复的字)"), field=field)
    full = f"{purpose}：{text}"
    if len(full) > MAX_LENGTH:
        raise DomainError("invalid", _("事由过长(最多200字)"), field=field)
    return full
