"""Pinyin keys for searching Chinese names: ``张三`` → ``zhangsan`` and ``zs``."""

from __future__ import annotations

import functools

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's common reading.
SURNAME_READINGS = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
                    "乐": "yue", "覃": "qin", "盖": "ge", "繁": "po", "员": "yun", "尉": "yu", "长": "chang"}


@functools.lru_cache(maxsize=20000)
def _char(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    out = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return out[0].lower() if out else ""


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin (no tones, no spaces) and initials."""
    syllables: list[str] = []
    for i, ch in enumerate(name.strip()):
        if i == 0 and ch in SURNAME_READINGS:
            syllables.append(SURNAME_READINGS[ch])
            continue
        s = _char(ch)
        if s:
            syllables.append(s)
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]
