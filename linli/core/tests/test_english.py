"""English mode reads as English: no English translation carries Chinese characters or
full-width punctuation (，。：；、（）), and no page template prints such text outside a
translation tag (label separators such as "：" are translated too)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo"
# CJK ideographs, CJK symbols and punctuation (U+3000–303F), full-width forms (U+FF00–FFEF)
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# where the Chinese is the point: the values an import file must contain
MEANT = {"性别只能填“男”或“女”", "用途应为：住宅、商业、办公、其他",
         # the import template is Chinese in every language: its sheet is named 可选值
         "从下拉列表选择；多个标签用顿号“、”分隔",  # the separator a cell must contain
         "15位网格编码(统计用区划代码12位 + 网格序号3位)，从下拉列表选择；“可选值”表列出您可以导入的网格及其名称。"}


def test_no_english_translation_has_chinese_text_or_punctuation():
    with MO.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    wrong = {}
    for msgid, msgstr in catalogue.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if key and key not in MEANT and CHINESE.search(msgstr):
            wrong[key] = msgstr
    assert not wrong, wrong
    assert catalogue["："] == ": " and catalogue["、"] == ", "


TAG = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})", re.S)


def untranslated(text: str) -> list[str]:
    """Chinese in a template's own text: outside {% translate %}, {% blocktranslate %} blocks,
    comments and {{ values }}."""
    found, inside = [], False
    for i, part in enumerate(TAG.split(text)):
        if i % 2:
            if re.match(r"\{%\s*(blocktranslate|comment)\b", part):
                inside = True
            elif re.match(r"\{%\s*end(blocktranslate|comment)\b", part):
                inside = False
        elif not inside and CHINESE.search(part):
            found.append(part.strip()[:60])
        if i % 2 and part.startswith("{{"):  # a literal in a value: |default:"系统" (dates of official documents are meant)
            found += [lit for lit in re.findall(r'(?<!_\()"([^"]*)"', part) if CHINESE.search(lit) and lit != "Y年n月j日"]
    return found


def test_templates_print_no_untranslated_chinese():
    found = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text().replace('lang="zh-hans">中文</button>', 'lang="zh-hans"></button>')  # the switch back to Chinese
        if bad := untranslated(text):
            found[str(path.relative_to(ROOT))] = bad
    assert not found, found
