"""Every list table of every page is built for phones the same way: class="cards-sm" on the table
and a data-label (the column's heading, translated) on each cell, so that under 640 px each row
reads as a card (the pattern is in linli/static/linli/linli.css)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TABLES = [(p, m.group(0)) for p in sorted(TEMPLATES.rglob("*.html"))
          for m in re.finditer(r"<table\b[^>]*>.*?</table>", p.read_text(), re.S)]


def test_templates_have_tables():
    assert len(TABLES) > 30


@pytest.mark.parametrize(("path", "table"), TABLES, ids=lambda v: str(v.relative_to(TEMPLATES)) if isinstance(v, Path) else "t")
def test_every_list_table_turns_into_cards_on_a_phone(path, table):
    text = table
    opening = re.match(r"<table\b[^>]*>", text).group(0)  # type: ignore[union-attr]
    assert re.search(r'class="[^"]*\bcards-sm\b', opening), f"{path}: {opening} lacks class cards-sm"
    cells = re.findall(r"<td\b[^>]*>", text)
    tag = re.search(r"{%\s*(\w+_rows)\b", text)
    if not cells and tag:  # rows built by a template tag (a page of some 200 rows): check what it prints
        cells = re.findall(r"<td\b[^>]*>", _rows_of(tag.group(1)))
    assert cells, f"{path}: a table without cells"
    unlabelled = [c for c in cells if "data-label=" not in c and "colspan" not in c]
    assert not unlabelled, f"{path}: cells without data-label: {unlabelled}"


def _rows_of(tag: str) -> str:
    """What a row-building template tag prints for one sample line and for none."""
    from types import SimpleNamespace

    from django.template import engines

    line = SimpleNamespace(key="440106001001001", name="翠苑 1栋", total=3, reached=1, percent=33, gaps=3, without_representative=2)
    row = {"address": "翠苑1栋1单元101", "number": "H1", "grid": "第1网格"}
    sample = {"grid_rows": [line], "building_rows": [line], "unreached_rows": [row]}[tag]
    template = engines["django"].from_string("{% load coverage_rows %}{% " + tag + " rows %}|{% " + tag + " none %}")
    return template.render({"rows": sample, "none": []})


# Buttons that undo, refuse, remove or cancel something ask first (data-confirm, linli.js).
DESTRUCTIVE = re.compile(r"撤回|取消|停止|不通过|爽约|撤销|关闭|删除|下架|移除|驳回|暂停|隐藏|不予|放弃|卸任|合并|退单")
HARMLESS = {"取消关注", "关闭精准推荐"}  # a follow or a preference, undone with one more tap
BUTTONS = [(p, m.group(1), m.group(2)) for p in sorted(TEMPLATES.rglob("*.html"))
           for m in re.finditer(r"<button\b([^>]*)>(.*?)</button>", p.read_text(), re.S)]


def test_every_destructive_button_asks_for_confirmation():
    labels = lambda inner: set(re.findall(r'translate "([^"]+)"', inner))  # noqa: E731
    missing = [f"{p.relative_to(TEMPLATES)}: {inner}" for p, attrs, inner in BUTTONS
               if any(DESTRUCTIVE.search(t) and t not in HARMLESS for t in labels(inner)) and "data-confirm=" not in attrs]
    assert not missing, missing
    assert sum("data-confirm=" in attrs for _, attrs, _ in BUTTONS) >= 25
