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
    assert cells, f"{path}: a table without cells"
    unlabelled = [c for c in cells if "data-label=" not in c and "colspan" not in c]
    assert not unlabelled, f"{path}: cells without data-label: {unlabelled}"
