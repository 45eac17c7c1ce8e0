"""A masked view shows nothing that narrows the masked ID number: the mask keeps only the
address code and the check character, the birth date shows as its year, and a move-in date
that could be the birth date (registered at birth) shows as its year too — on the page, in the
API and in the change history."""

import datetime as dt

import pytest

from linli.accounts.roles import Role
from linli.core import idcard
from linli.regions import services

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2010, 11, 25)


@pytest.fixture
def street(tree, make_user, client):
    """A street admin reads the registry but may not reveal: every view of theirs is masked."""
    user = make_user(Role.STREET_ADMIN, tree.liede)
    client.force_login(user)
    return user


def candidates(masked: str, *, birth_year: int, gender: str, birth: dt.date | None = None) -> int:
    """How many valid numbers fit what a masked view shows (address code, check character,
    birth year, gender, and the birth date when known)."""
    address, check = masked[:6], masked[-1]
    days = [birth] if birth else [dt.date(birth_year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    n = 0
    for day in days:
        for seq in range(1 if gender == "M" else 0, 1000, 2):
            body = f"{address}{day:%Y%m%d}{seq:03d}"
            n += idcard.check_char(body) == check
    return n


def test_mask_leaves_thousands_of_numbers_possible():
    number = idcard.make("440106", BIRTH, 123)
    from linli.core.masking import mask_id

    masked = mask_id(number)
    assert masked == "440106***********" + number[-1] and len(masked) == 18
    assert number[6:17] not in masked
    assert candidates(masked, birth_year=2010, gender="M") > 10_000
    # even with the whole birth date (which no masked view shows) dozens remain; the old
    # first-four-last-four mask left about nine
    assert candidates(masked, birth_year=2010, gender="M", birth=BIRTH) > 30


def test_page_hides_a_move_in_date_that_is_the_birth_date(client, tree, registry, street):
    number = registry.id_number(birth=BIRTH)
    baby = registry.resident(household=registry.household(tree.g_liede1), name="小明", id_number=number, moved_in=BIRTH)
    services.update_resident(actor=registry.actor, resident=baby, moved_in=dt.date(2010, 12, 1))
    page = client.get(f"/registry/residents/{baby.pk}/").content.decode()
    assert baby.masked_id in page and number not in page
    for shown in ("2010-11-25", "2010-12-01", "20101125", "11-25", "12-01"):
        assert shown not in page, shown
    assert "2010年" in page and "仅显示年份" in page
    # a move-in years after birth says nothing of the birth date and shows whole
    services.update_resident(actor=registry.actor, resident=baby, moved_in=dt.date(2016, 3, 9))
    page = client.get(f"/registry/residents/{baby.pk}/").content.decode()
    assert "2016-03-09" in page


def test_api_detail_and_history_hide_the_birth_date(client, tree, registry, street):
    number = registry.id_number(birth=BIRTH)
    baby = registry.resident(household=registry.household(tree.g_liede1), name="小明", id_number=number, moved_in=BIRTH)
    body = client.get(f"/api/v1/registry/residents/{baby.pk}").json()
    assert body["moved_in"] is None and body["moved_in_year"] == 2010 and body["birth_year"] == 2010
    assert body["id_number_masked"] == baby.masked_id
    history = client.get(f"/api/v1/registry/residents/{baby.pk}/history")
    assert history.status_code == 200
    text = history.content.decode()
    assert "2010-11-25" not in text and number not in text
    created = history.json()[-1]["changes"]
    assert created["birth_date"] == [None, "2010"] and created["moved_in"] == [None, "2010"]
    listed = client.get("/api/v1/registry/residents?q=xm").json()["items"]
    assert [r["id"] for r in listed] == [baby.pk] and "2010-11-25" not in str(listed)


def test_history_written_before_the_change_is_redacted_too(client, tree, registry, street):
    """Older audit rows stored the birth date whole; the history shows its year."""
    from linli.core.models import AuditEvent

    baby = registry.resident(household=registry.household(tree.g_liede1), id_number=registry.id_number(birth=BIRTH))
    event = AuditEvent.objects.get(action="resident.create", target_id=str(baby.pk))
    event.changes = {**event.changes, "birth_date": [None, "2010-11-25"], "moved_in": ["2010-11-25", None]}
    event.save()
    assert "2010-11-25" not in client.get(f"/registry/residents/{baby.pk}/").content.decode()
    assert "2010-11-25" not in client.get(f"/api/v1/registry/residents/{baby.pk}/history").content.decode()


def test_masked_export_gives_a_move_in_near_birth_as_its_year(tree, registry, make_user):
    import io

    from openpyxl import load_workbook

    from linli.regions import importexport
    from linli.regions.models import Resident

    hh = registry.household(tree.g_liede1)
    registry.resident(household=hh, name="小明", id_number=registry.id_number(birth=BIRTH), moved_in=BIRTH)
    registry.resident(household=hh, name="张三", moved_in=dt.date(2015, 6, 1))
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    data = importexport.export_residents(actor=admin, residents=Resident.objects.order_by("name_pinyin"))
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    moved_in = {row[0]: row[10] for row in rows}
    assert moved_in == {"小明": "2010", "张三": "2015-06-01"}
    full = importexport.export_residents(actor=admin, residents=Resident.objects.all(), unmasked=True, purpose="核对信息", reason="核对户籍信息",
                                         region=tree.liede_sq)
    assert "2010-11-25" in [row[10] for row in load_workbook(io.BytesIO(full)).active.iter_rows(min_row=2, values_only=True)]


def test_audit_api_gives_a_residents_dates_as_years(client, tree, registry, street):
    baby = registry.resident(household=registry.household(tree.g_liede1), id_number=registry.id_number(birth=BIRTH),
                             moved_in=BIRTH)
    resp = client.get("/api/v1/registry/audit")
    assert resp.status_code == 200
    created = next(e for e in resp.json()["items"] if e["action"] == "resident.create" and e["target_id"] == str(baby.pk))
    assert created["changes"]["birth_date"] == [None, "2010"] and created["changes"]["moved_in"] == [None, "2010"]
    assert "2010-11-25" not in resp.content.decode()
