"""Putting a person's text into a message without doubled punctuation.

A message such as ``"工单 %(n)s 已办结：%(r)s。请您评价。"`` adds its own full stop after the
handler's result; a result that already ends one ("路面已平整。") would read "平整。。请您评价".
``fill(template, values)`` is ``template % values`` that, where a value meets a punctuation mark
of the template, keeps one: a value that ends its own sentence (。！？.!?…) drops the template's
mark; a value ending in a pause (，、；：,;:) gives way to the template's mark. Every notification
text goes through it. Pure: no Django."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

ENDS = "。！？!?…."
PAUSES = "，、；：,;:"
_FIELD = re.compile(r"%\((\w+)\)([sd])([" + re.escape(ENDS + PAUSES) + r"]?)|%%")


def fill(template: str, values: Mapping[str, Any]) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        name, kind, mark = m.groups()
        value = values[name]
        text = str(int(value)) if kind == "d" else str(value)
        if not mark:
            return text
        text = text.rstrip()
        if text and text[-1] in ENDS:
            return text
        return text.rstrip(PAUSES + " ") + mark

    return _FIELD.sub(one, str(template))
