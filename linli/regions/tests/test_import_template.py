"""The Excel templates: a data sheet with drop-downs (grid code, relation, tags / use) and notes,
an example sheet that is never imported, and a sheet of allowed values with the user's grids.
Uploading a template unchanged creates no one; the example row copied into the data is refused."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from linli.accounts.roles import Role
from linli.core import idcard
from linli.core.errors import DomainError
from linli.regions import importexport
from linli.regions.models import Resident, Room
from linli.regions.tests.test_import import import_houses

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree, make_user, client):
    user = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(user)
    return user


def download(client, kind):
    resp = client.get(f"/registry/import/template/{kind}.xlsx")
    assert resp.status_code == 200
    return resp.content


def test_residents_template_has_dropdowns_values_example_and_grid_note(client, tree, admin):
    wb = load_workbook(io.BytesIO(download(client, "residents")))
    assert wb.sheetnames == ["居民", "填写示例", "可选值"]
    data, example, choices = wb["居民"], wb["填写示例"], wb["可选值"]
    header = [c.value for c in data[1]]
    assert header == importexport.RESIDENT_COLUMNS and data.max_row == 1  # no example among the data
    assert [c.value for c in example[1]] == header
    row = dict(zip(header, [c.value for c in example[2]], strict=True))
    assert row["身份证号"] == importexport.EXAMPLE_ID and row["网格编码"] == tree.g_liede1.code and "示例" in row["姓名"]
    columns = {c.value: [choices.cell(row=r, column=c.column).value for r in range(2, choices.max_row + 1)] for c in choices[1]}
    assert [g for g in columns["网格编码"] if g] == [tree.g_liede1.code, tree.g_liede2.code]  # only the user's grids
    assert "户主" in columns["与户主关系"] and "党员" in columns["标签"]
    by_column = {}
    for dv in data.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_column[header[rng.min_col - 1]] = dv
    assert set(by_column) == {"网格编码", "与户主关系", "标签"}
    assert all(dv.type == "list" and "可选值" in dv.formula1 for dv in by_column.values())
    assert by_column["标签"].errorStyle == "information"  # several tags may be typed, 、-separated
    note = data.cell(row=1, column=header.index("网格编码") + 1).comment
    assert note is not None and "15位网格编码" in note.text


def test_houses_template_has_a_use_dropdown(client, admin):
    wb = load_workbook(io.BytesIO(download(client, "houses")))
    assert wb.sheetnames == ["房屋", "填写示例", "可选值"]
    kinds = {wb["房屋"].cell(row=1, column=r.min_col).value for dv in wb["房屋"].data_validations.dataValidation
             for r in dv.sqref.ranges}
    assert kinds == {"网格编码", "用途"}


@pytest.mark.parametrize("kind", ["residents", "houses"])
def test_uploading_a_template_unchanged_creates_nothing(client, admin, kind):
    data = download(client, kind)
    with pytest.raises(DomainError) as err:
        importexport.validate_upload(actor=admin, kind=kind, filename="t.xlsx", data=data)
    assert err.value.code == "empty_file"
    resp = client.post("/registry/import/", {"kind": kind, "file": SimpleUploadedFile(f"{kind}-template.xlsx", data)})
    assert resp.status_code == 400 and "文件中没有数据行" in resp.content.decode()
    assert not Resident.objects.exists() and not Room.objects.exists()


def test_the_example_row_copied_into_the_data_is_refused(client, tree, admin):
    import_houses(admin)
    wb = load_workbook(io.BytesIO(download(client, "residents")))
    example = [c.value for c in wb["填写示例"][2]]
    example[4:9] = ["翠苑", "1栋", "1单元", "101", "HH-101"]
    wb["居民"].append(example)
    out = io.BytesIO()
    wb.save(out)
    batch = importexport.validate_upload(actor=admin, kind="residents", filename="t.xlsx", data=out.getvalue())
    assert batch.errors == [{"row": 2, "field": "身份证号", "message": "这是模板中的示例，请删除该行"}]
    importexport.confirm_import(actor=admin, batch=batch, valid_only=True)
    assert not Resident.objects.exists()


def test_a_filled_template_imports(client, tree, admin):
    import_houses(admin)
    wb = load_workbook(io.BytesIO(download(client, "residents")))
    number = idcard.make("440106", dt.date(1970, 2, 3), 11)
    wb["居民"].append(["张三", number, "", tree.g_liede1.code, "翠苑", "1栋", "1单元", "101", "HH-101", "户主", "2015-06-01", "党员、老年人"])
    out = io.BytesIO()
    wb.save(out)
    batch = importexport.validate_upload(actor=admin, kind="residents", filename="t.xlsx", data=out.getvalue())
    assert batch.errors == []
    importexport.confirm_import(actor=admin, batch=batch)
    assert list(Resident.objects.values_list("name", flat=True)) == ["张三"]


def test_template_and_import_are_chinese_in_english_too(client, tree, admin):
    from django.utils import translation

    import_houses(admin)
    with translation.override("en"):
        wb = load_workbook(io.BytesIO(importexport.template_workbook("residents", admin)))
        values = [c.value for c in wb["可选值"]["C"]]
        assert "户主" in values
        number = idcard.make("440106", dt.date(1970, 2, 3), 11)
        wb["居民"].append(["张三", number, "", tree.g_liede1.code, "翠苑", "1栋", "1单元", "101", "HH-101", "户主", "", "党员"])
        out = io.BytesIO()
        wb.save(out)
        batch = importexport.validate_upload(actor=admin, kind="residents", filename="t.xlsx", data=out.getvalue())
        assert batch.errors == []
