"""Proxies, counting staff and the archive through the API and the pages: the committee records a
written authorisation by upload and publishes the list; the holder sees his principal's ballot;
residents read the published list; another community gets 404; the archive's workbook is inert
for Excel and its ballot chain checks."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core import hashchain
from linli.core.models import AuditEvent, SensitiveAccess
from linli.elections import proxies, voting
from linli.elections.models import CountingStaff, Proxy

from .test_proxies import PDF, record
from .test_voting import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(town, make_user, sms):
    return Poll(town, make_user, sms)


def test_proxies_through_the_api(client, poll, town):
    e = poll.election
    base = f"/api/v1/elections/{e.pk}"
    mother, father = town.voter(e, town.mother), town.voter(e, town.father)
    client.force_login(town.admin)
    r = client.post(f"{base}/proxies", {"principal_number": mother.number, "holder_number": father.number, "relation": "spouse",
                                        "document": SimpleUploadedFile("委托书.pdf", PDF, content_type="application/pdf")})
    assert r.status_code == 201, r.content
    assert r.json()["relation"] == "spouse" and town.mother.name not in r.content.decode()
    bad = client.post(f"{base}/proxies", {"principal_number": mother.number, "holder_number": father.number, "relation": "spouse",
                                          "document": SimpleUploadedFile("a.pdf", PDF)})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "proxy_exists"
    no_file = client.post(f"{base}/proxies", {"principal_number": 1, "holder_number": 2, "relation": "spouse"})
    assert no_file.status_code in (400, 422) and "error" in no_file.json()
    listed = client.get(f"{base}/proxies").json()
    assert listed["out_of_date"] is True and len(listed["proxies"]) == 1
    assert client.post(f"{base}/voting/open").json()["error"]["code"] in ("proxies_unpublished", "not_election_day")
    published = client.post(f"{base}/proxies/publish").json()
    assert published["out_of_date"] is False and published["disclosure_url"]

    staff = client.post(f"{base}/counting-staff", {"role": "caller", "resident_id": town.people[7].pk, "chosen": "选民推选"},
                        content_type="application/json")
    assert staff.status_code == 201 and any(x["role"] == "caller" for x in staff.json())
    refused = client.post(f"{base}/counting-staff", {"role": "caller", "resident_id": town.people[10].pk}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "candidate_counts"
    nobody = client.post(f"{base}/counting-staff", {"role": "caller", "username": "nobody"}, content_type="application/json")
    assert nobody.status_code == 400
    gone = CountingStaff.objects.get(role="caller")
    assert client.delete(f"{base}/counting-staff/{gone.pk}").status_code == 204

    poll.open()
    client.force_login(poll.father)
    b = client.get(f"{base}/ballot").json()
    assert b["principals"] == [{"voter_id": mother.pk, "number": mother.number, "relation": "spouse", "voted": False}]
    client.post(f"{base}/vote/code", content_type="application/json")
    v = client.post(f"{base}/vote", {"posts": {}, "code": poll.sms[poll.father.phone], "for_voter": mother.pk},
                    content_type="application/json")
    assert v.status_code == 201 and v.json()["channel"] == "proxy"
    assert client.get(f"{base}/ballot").json()["principals"][0]["voted"] is True
    client.force_login(poll.users[town.mother.pk])
    assert client.get(f"{base}/ballot").json()["delegated"] is True
    assert client.get(f"{base}/proxies").status_code == 200  # published: the community reads it
    client.force_login(town.other_admin)
    assert client.get(f"{base}/proxies").status_code == 404
    assert client.get(f"{base}/counting-staff").status_code == 404
    assert client.post(f"{base}/proxies/publish").status_code == 404


def test_the_proxy_page_records_an_upload_and_residents_read_the_published_list(client, poll, town):
    e = poll.election
    url = f"/elections/{e.pk}/proxies/"
    mother, father = town.voter(e, town.mother), town.voter(e, town.father)
    client.force_login(town.father_user)
    assert client.get(url).status_code == 404  # not published yet
    client.force_login(town.admin)
    page = client.get(url)
    assert page.status_code == 200 and "data-testid=\"proxy-form\"" in page.content.decode()
    wrong = client.post(url, {"what": "record", "principal_number": mother.number, "holder_number": father.number, "relation": "spouse"})
    assert wrong.status_code == 400 and "书面委托书" in wrong.content.decode()
    assert str(mother.number) in wrong.content.decode()  # what was typed stays
    done = client.post(url, {"what": "record", "principal_number": mother.number, "holder_number": father.number, "relation": "spouse",
                             "document": SimpleUploadedFile("委托书.pdf", PDF)})
    assert done.status_code == 302
    p = Proxy.objects.get()
    doc = client.get(f"/elections/{e.pk}/proxies/{p.pk}/document/")
    assert doc.status_code == 200 and doc["Content-Security-Policy"] == "sandbox" and b"".join(doc.streaming_content) == PDF
    assert SensitiveAccess.objects.filter(fields=["document"]).count() == 1
    assert "out-of-date" in client.get(url).content.decode()
    client.post(url, {"what": "publish"})
    client.force_login(town.father_user)
    html = client.get(url).content.decode()
    assert "proxy-row" in html and town.mother.name not in html and "proxy-form" not in html and "document/" not in html
    assert client.get(f"/elections/{e.pk}/proxies/{p.pk}/document/").status_code == 404
    client.force_login(town.other_admin)
    assert client.get(url).status_code == 404
    assert client.get(f"/elections/{e.pk}/proxies/{p.pk}/document/").status_code == 404
    assert client.get(f"/elections/{e.pk}/counting/").status_code == 404
    assert client.get(f"/elections/{e.pk}/archive.zip").status_code == 404


def test_the_holder_picks_his_principals_ballot_on_the_vote_page(client, poll, town):
    e = poll.election
    record(town, e, town.mother, town.father)
    proxies.publish_proxies(actor=town.admin, election=e)
    poll.open()
    mother = town.voter(e, town.mother)
    client.force_login(poll.father)
    url = f"/elections/{e.pk}/vote/"
    html = client.get(url).content.decode()
    assert f"ballot-for-{mother.number}" in html and "proxy-ballot" not in html
    html = client.get(url, {"for": mother.pk}).content.decode()
    assert "proxy-ballot" in html and f'name="for_voter" value="{mother.pk}"' in html
    client.post(url, {"step": "code", "for_voter": mother.pk})
    r = client.post(url, {"step": "cast", "for_voter": mother.pk, "code": poll.sms[poll.father.phone]})
    assert r.status_code == 302
    assert e.rounds.get().participations.get(voter=mother).channel == "proxy"
    assert "voted" in client.get(url, {"for": mother.pk}).content.decode()
    assert "proxy-ballot" not in client.get(url).content.decode()  # his own ballot still open
    client.force_login(poll.users[town.mother.pk])
    assert 'data-testid="delegated"' in client.get(url).content.decode()


def test_the_counting_page_records_staff(client, poll, town):
    e = poll.election
    url = f"/elections/{e.pk}/counting/"
    client.force_login(town.admin)
    html = client.get(url).content.decode()
    assert html.count("staff-row") == 2
    client.post(url, {"what": "add", "role": "caller", "id_number": town.people[7].id_number, "chosen": "选民推选"})
    assert CountingStaff.objects.filter(role="caller", resident=town.people[7]).exists()
    r = client.post(url, {"what": "add", "role": "caller", "id_number": town.people[10].id_number}, follow=True)
    assert "候选人及其近亲属" in r.content.decode()
    client.post(url, {"what": "add", "role": "caller", "username": "caseworker"})
    assert CountingStaff.objects.filter(role="caller").count() == 2
    client.force_login(town.caseworker)
    assert client.get(url).status_code == 200 and client.post(url, {"what": "remove", "staff": 1}).status_code == 404


def test_the_archive_holds_every_stage_inert_for_excel_and_its_ballots_chained(client, poll, town):
    from openpyxl import load_workbook

    e = poll.election
    record(town, e, town.mother, town.father)
    proxies.publish_proxies(actor=town.admin, election=e)
    poll.open()
    for user in poll.voter_users()[:9]:
        if user.resident_id != town.mother.pk:
            poll.cast(user, poll.yes(director=[town.people[10]], deputy=[town.people[0]], member=[town.people[1], town.people[3], town.people[4]]))
    voting.close_voting(actor=town.admin, election=e)
    voting.count_round(actor=town.admin, election=e)
    client.force_login(town.street)
    r = client.get(f"/elections/{e.pk}/archive.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    manifest = json.loads(z.read("manifest.json"))
    chain = json.loads(z.read("ballots.json"))
    assert manifest["ballots"] == len(chain) == e.rounds.get().ballots.count() and hashchain.check_links(chain) == []
    assert manifest["ballots_head"] == chain[-1]["hash"]
    import hashlib

    assert manifest["files"]["选举档案.xlsx"] == hashlib.sha256(z.read("选举档案.xlsx")).hexdigest()
    wb = load_workbook(io.BytesIO(z.read("选举档案.xlsx")), read_only=True)
    assert {"选举方案", "选民名单", "委托投票", "计票工作人员", "计票结果", "选票链", "正式候选人"} <= set(wb.sheetnames)
    names = [row[1] for row in wb["选民名单"].iter_rows(min_row=2, values_only=True)]
    assert town.father.name in names
    proxy_rows = list(wb["委托投票"].iter_rows(min_row=2, values_only=True))
    assert proxy_rows[0][1] == town.mother.name and proxy_rows[0][4] == "配偶"
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(c, str) and c.startswith("=") for c in row)
    tampered = [dict(x) for x in chain]
    tampered[0]["marks"] = []
    assert hashchain.check_links(tampered)
    assert AuditEvent.objects.filter(action="election.archive").count() == 1
    assert SensitiveAccess.objects.filter(kind="export").count() == 1
    client.force_login(town.caseworker)  # follows, but does not organise: no archive of names
    assert client.get(f"/elections/{e.pk}/archive.zip").status_code == 404
