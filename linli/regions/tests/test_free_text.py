"""Registry text (names, addresses, house numbers, visit notes, Excel cells) is stored without
control characters or direction overrides, and the export opens in any spreadsheet program."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from linli.accounts.roles import Role
from linli.regions import importexport, services
from linli.regions.models import Building, Compound, HomeVisit, Ownership, Resident

pytestmark = pytest.mark.django_db

C0 = "\u0001\u001b\u007f"  # SOH, ESC, DEL
C1 = "\u0080\u009b"  # C1 controls (PAD, CSI)
RLO = "\u202e"  # right-to-left override: "张三\u202e123" shows as "张三321"
CONTROLS = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 133), *range(134, 160)])


def dirty(text: str) -> str:
    return f"{C0}{text[:1]}{C1}{RLO}{text[1:]}\u2066\u200b{CONTROLS}"


def test_registry_services_store_clean_names_addresses_and_notes(tree, root, registry):
    compound = services.create_compound(actor=root, grid=tree.g_liede1, name=dirty("翠苑"), address=dirty("猎德路1号"))
    building = services.create_building(actor=root, compound=compound, name=dirty("1栋"), grid=tree.g_liede1)
    room = services.create_room(actor=root, building=building, unit_name=dirty("1单元"), number=dirty("101"), exclusive_area="80")
    household = services.create_household(actor=root, room=room, number=dirty("HH-1"))
    resident = registry.resident(household=household, name=dirty("张  三"))
    services.record_visit(actor=root, household=household, visited_on=resident.created_at.date(),
                          notes=f"第一行{C0}\r\n第二行{RLO}\t完")
    services.set_ownership(actor=root, room=room, kind="developer", owner_name=dirty("某地产公司"))
    compound.refresh_from_db()
    assert (compound.name, compound.address) == ("翠苑", "猎德路1号")
    assert Building.objects.get().name == "1栋" and room.unit.name == "1单元" and room.number == "101"
    assert household.number == "HH-1"
    assert Resident.objects.get().name == "张 三" and Resident.objects.get().name_pinyin == "zhangsan"
    assert HomeVisit.objects.get().notes == "第一行\n第二行\t完"  # a note keeps its lines
    assert Ownership.objects.get().owner_name == "某地产公司"
    # the same compound typed again with the controls is the same compound
    again = services.create_compound(actor=root, grid=tree.g_liede1, name="翠苑" + C0)
    assert again.pk == compound.pk and Compound.objects.count() == 1


def test_excel_cells_are_cleaned_like_typed_text(tree, make_user):
    worker = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    wb = Workbook()
    ws = wb.active
    ws.append(["网格编码", "小区", "楼栋", "单元", "房号", "楼层", "专有面积", "用途", "户号"])
    # openpyxl refuses to write C0 controls; DEL, C1 controls and the invisible ones go through
    ws.append(["440106001001001", "翠" + C0[2] + C1 + "苑" + RLO, "1栋\u200b", "1单元", "101", 1, 88.5, "住宅", "HH-101\u2066"])
    buf = io.BytesIO()
    wb.save(buf)
    batch = importexport.validate_upload(actor=worker, kind="houses", filename="h.xlsx", data=buf.getvalue())
    assert batch.error_rows == 0, batch.errors
    importexport.confirm_import(actor=worker, batch=batch)
    assert Compound.objects.get().name == "翠苑" and Building.objects.get().name == "1栋"
    assert Building.objects.get().units.get().rooms.get().households.get().number == "HH-101"


def test_registry_export_opens_even_with_control_characters_stored_before_the_cleaning(tree, root, registry):
    household = registry.household(tree.g_liede1)
    registry.resident(household=household, name=dirty("李四"))
    old = registry.resident(household=household, name="王五")
    Resident.objects.filter(pk=old.pk).update(name="王五" + C0 + C1)  # typed in before the cleaning
    Compound.objects.update(name="翠苑\u0001\u001b")
    data = importexport.export_residents(actor=root, residents=Resident.objects.order_by("pk"))
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1][0] == "李四" and rows[2][0].startswith("王五") and "\x01" not in rows[2][0]
    assert rows[1][4] == "翠苑"
