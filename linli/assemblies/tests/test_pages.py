"""Assembly pages through the Django test client: each page for who may see it, nothing for
another community's admin and owner, refusals shown in place, no partial result while voting,
the receipt shown once and found on the board, and query counts pinned on the list pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.assemblies import services
from linli.assemblies.models import Ballot, PaperSlip, Proxy, RollUnit
from linli.core.models import SensitiveAccess

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def body(resp: Any) -> str:
    return resp.content.decode()


def page(client: Any, user: Any, url: str, status: int = 200) -> str:
    client.force_login(user)
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code)
    return body(resp)


def closed(world: Any, vote: Any) -> tuple[Any, dict[str, str]]:
    a = world.voting()
    receipts = {"wang": vote(world.wang_user, a, {1: "agree", 2: "agree"})[1],
                "li": vote(world.li_user, a, {1: "agree", 2: "oppose"})[1]}
    services.close(actor=world.admin, assembly=a, now=a.closes_at + dt.timedelta(seconds=1))
    a.refresh_from_db()
    return a, receipts


def test_staff_draft_an_assembly_and_refusals_show_in_place(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    assert "筹备业主大会" in body(client.get("/assemblies/"))
    form = body(client.get("/assemblies/new/"))
    assert "筹集维修资金" in form and "翠苑" in form  # art. 278 items and the admin's compound
    opens = (timezone.localtime() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    closes = (timezone.localtime() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "翠苑业主大会", "compound_id": world.compound.pk, "convener": "preparatory_group",
            "convener_name": "翠苑筹备组", "opens_at": opens, "closes_at": closes, "max_principals": "1", "named": "1",
            "item_1": "1", "title_1": "议事规则", "item_2": "6", "title_2": "续筹维修资金", "body_2": "每平方米30元"}
    bad = client.post("/assemblies/new/", {**data, "closes_at": opens})
    assert bad.status_code == 400 and "投票截止时间须晚于开始时间" in body(bad) and "续筹维修资金" in body(bad)
    assert client.post("/assemblies/new/", {**data, "opens_at": "nonsense"}).status_code == 400
    assert client.post("/assemblies/new/", {**data, "compound_id": world.other_compound.pk}).status_code == 400
    resp = client.post("/assemblies/new/", data)
    assert resp.status_code == 302
    pk = int(resp["Location"].strip("/").split("/")[-1])
    detail = body(client.get(f"/assemblies/{pk}/"))
    assert "续筹维修资金" in detail and "每平方米30元" in detail and "四分之三" in detail and 'data-testid="freeze_roll"' in detail
    client.force_login(world.clerk1)
    assert client.get("/assemblies/new/").status_code == 404  # a caseworker does not organise


def test_the_steps_and_a_refusal_shown_on_the_page(client: Any, world: Any) -> None:
    a = world.assembly(opens_in=dt.timedelta(days=5))  # too early for the 15-day notice
    client.force_login(world.admin)
    resp = client.post(f"/assemblies/{a.pk}/act/", {"action": "freeze_roll"}, follow=True)
    assert "业主名册已编制并公示" in body(resp)
    roll = body(client.get(f"/assemblies/{a.pk}/roll/staff/"))
    assert "H00001" in roll and "王业主" in roll and "478.25" in roll and "建设单位" in roll
    resp = client.post(f"/assemblies/{a.pk}/act/", {"action": "call"}, follow=True)
    assert "投票开始时间须在公告发布15日之后" in body(resp)
    resp = client.post(f"/assemblies/{a.pk}/act/", {"action": "announce"}, follow=True)
    assert "当前不能执行该操作" in body(resp)
    assert client.post(f"/assemblies/{a.pk}/act/", {"action": "cancel", "reason": ""}, follow=True).status_code == 200
    client.force_login(world.wang_user)  # an owner cannot act
    assert client.post(f"/assemblies/{a.pk}/act/", {"action": "freeze_roll"}).status_code == 404


def test_roll_correction_and_designation_with_their_refusals_in_place(client: Any, world: Any) -> None:
    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    client.force_login(world.admin)
    unit = RollUnit.objects.get(roll__assembly=a, label__contains="101")
    bad = client.post(f"/assemblies/{a.pk}/roll/units/{unit.pk}/correct/", {"area": "81", "area_source": "survey", "reason": ""})
    assert bad.status_code == 400 and 'data-testid="unit-error"' in body(bad)
    assert client.post(f"/assemblies/{a.pk}/roll/units/{unit.pk}/correct/", {"area": "x1e9999", "reason": "测绘"}).status_code == 400
    assert client.post(f"/assemblies/{a.pk}/roll/units/{unit.pk}/correct/", {"area": "NaN", "reason": "测绘"}).status_code == 400
    ok = client.post(f"/assemblies/{a.pk}/roll/units/{unit.pk}/correct/", {"area": "81.00", "area_source": "survey", "reason": "重新测绘"})
    assert ok.status_code == 302
    roll = body(client.get(f"/assemblies/{a.pk}/roll/staff/"))
    assert "重新测绘" in roll and "479.25" in roll
    co = world.entry(a, "陈共有")
    bad = client.post(f"/assemblies/{a.pk}/roll/entries/{co.pk}/voter/", {"resident_id": world.wang.pk, "reason": "指定书"})
    assert bad.status_code == 400 and "投票人须是该房屋的共有人之一" in body(bad)
    assert client.post(f"/assemblies/{a.pk}/roll/entries/{co.pk}/voter/", {"resident_id": "abc", "reason": "x"}).status_code == 400
    ok = client.post(f"/assemblies/{a.pk}/roll/entries/{co.pk}/voter/", {"resident_id": world.chen.pk, "reason": "共有人书面指定"})
    assert ok.status_code == 302
    co.refresh_from_db()
    assert co.voter_id == world.chen.pk
    public = page(client, world.tenant_user, f"/assemblies/{a.pk}/roll/")  # a resident of the community
    assert "1栋" in public and "81.00" in public and "王业主" not in public and "13900000001" not in public
    assert "车位" in public and "测绘" in public and "parking" not in public and ">survey<" not in public  # names, not codes


def test_owner_votes_on_the_phone_the_receipt_once_and_no_result_while_voting(client: Any, world: Any, sms: Any) -> None:
    a = world.voting()
    client.force_login(world.wang_user)
    listing = body(client.get("/assemblies/"))
    assert a.title in listing
    detail = body(client.get(f"/assemblies/{a.pk}/"))
    assert 'data-testid="vote-link"' in detail and 'data-testid="turnout"' in detail and "0/4" in detail
    form = body(client.get(f"/assemblies/{a.pk}/vote/"))
    assert "同意" in form and "反对" in form and "弃权" in form
    incomplete = client.post(f"/assemblies/{a.pk}/vote/", {"step": "code", "choice_1": "agree"})
    assert incomplete.status_code == 200 and 'data-testid="code-sent"' in body(incomplete)
    assert 'value="agree" checked' in body(incomplete)  # the choice is kept
    bad = client.post(f"/assemblies/{a.pk}/vote/", {"step": "cast", "choice_1": "agree", "code": sms["13900000001"]})
    assert bad.status_code == 400 and "第2项未选" in body(bad)
    client.post(f"/assemblies/{a.pk}/vote/", {"step": "code"})
    wrong = client.post(f"/assemblies/{a.pk}/vote/", {"step": "cast", "choice_1": "agree", "choice_2": "oppose", "code": "000000"})
    assert wrong.status_code == 400 and 'data-testid="error"' in body(wrong)
    client.post(f"/assemblies/{a.pk}/vote/", {"step": "code"})
    resp = client.post(f"/assemblies/{a.pk}/vote/", {"step": "cast", "choice_1": "agree", "choice_2": "oppose",
                                                      "code": sms["13900000001"]})
    assert resp.status_code == 302 and resp["Location"].endswith("/receipt/")
    receipt = body(client.get(resp["Location"]))
    assert 'data-testid="receipt"' in receipt and "只显示一次" in receipt
    assert 'data-testid="receipt-gone"' in body(client.get(resp["Location"]))  # once
    assert Ballot.objects.filter(assembly=a).count() == 1
    detail = body(client.get(f"/assemblies/{a.pk}/"))
    assert "1/4" in detail and 'data-testid="voted"' in detail and 'data-testid="vote-link"' not in detail
    assert "results-link" not in detail and 'data-testid="no-result"' in body(client.get(f"/assemblies/{a.pk}/results/"))
    again = client.post(f"/assemblies/{a.pk}/vote/", {"step": "code"})
    assert 'data-testid="nothing-to-vote"' in body(again)
    fragment = body(client.get(f"/assemblies/{a.pk}/turnout/", HTTP_HX_REQUEST="true"))
    assert "1/4" in fragment and "同意" not in fragment and "<html" not in fragment


def test_proxy_holder_chooses_the_head_and_the_principal_cannot_vote(client: Any, world: Any, sms: Any) -> None:
    a = world.assembly(opens_in=dt.timedelta(minutes=-1))
    past = timezone.now() - dt.timedelta(days=16)
    services.freeze_roll(actor=world.admin, assembly=a, now=past - dt.timedelta(days=10))
    a.refresh_from_db()
    services.lock_roll(actor=world.admin, assembly=a)
    services.call(actor=world.admin, assembly=a, now=past - dt.timedelta(minutes=5))
    client.force_login(world.admin)
    url = f"/assemblies/{a.pk}/proxies/"
    assert "登记书面委托" in body(client.get(url))
    doc = SimpleUploadedFile("委托书.pdf", PDF, content_type="application/pdf")
    bad = client.post(url, {"principal": "H09999", "phone": "13900000001", "document": doc})
    assert bad.status_code == 400 and "名册上没有该业主" in body(bad)
    li = world.entry(a, "李业主")
    doc = SimpleUploadedFile("委托书.pdf", PDF, content_type="application/pdf")
    bad = client.post(url, {"principal": li.label, "phone": "139", "document": doc})
    assert bad.status_code == 400 and "手机号" in body(bad)
    doc = SimpleUploadedFile("委托书.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"principal": li.label, "phone": "13900000001", "document": doc}).status_code == 302
    proxy = Proxy.objects.get(assembly=a, principal=li, holder=world.wang)
    listing = body(client.get(url))
    assert "李业主" in listing and 'data-testid="proxy-document"' in listing
    shown = client.get(f"/assemblies/{a.pk}/proxies/{proxy.pk}/document/")
    assert shown.status_code == 200 and b"".join(shown.streaming_content).startswith(b"%PDF")
    assert shown["Cache-Control"] == "private, no-store" and shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Security-Policy"] == "sandbox" and shown["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''" in shown["Content-Disposition"]  # the Chinese file name, encoded as browsers read it
    assert SensitiveAccess.objects.filter(actor=world.admin, target_id=str(proxy.pk), fields=["document"]).count() == 1
    for outsider in (world.wang_user, world.other_owner):  # the holder himself, an owner of another compound
        client.force_login(outsider)
        assert client.get(f"/assemblies/{a.pk}/proxies/{proxy.pk}/document/").status_code == 404
    client.force_login(world.admin)
    services.open_voting(actor=world.admin, assembly=a)
    client.force_login(world.li_user)
    detail = body(client.get(f"/assemblies/{a.pk}/"))
    assert "已委托他人投票" in detail and 'data-testid="vote-link"' not in detail
    client.force_login(world.wang_user)
    form = body(client.get(f"/assemblies/{a.pk}/vote/"))
    assert 'data-testid="heads"' in form and "受托" in form
    client.post(f"/assemblies/{a.pk}/vote/", {"step": "code"})
    no_head = client.post(f"/assemblies/{a.pk}/vote/", {"step": "cast", "choice_1": "agree", "choice_2": "agree",
                                                         "code": sms["13900000001"]})
    assert no_head.status_code == 400 and "请选择为哪一户投票" in body(no_head)
    client.post(f"/assemblies/{a.pk}/vote/", {"step": "code"})
    resp = client.post(f"/assemblies/{a.pk}/vote/", {"step": "cast", "entry_id": li.pk, "choice_1": "agree", "choice_2": "abstain",
                                                      "code": sms["13900000001"]})
    assert resp.status_code == 302
    assert Ballot.objects.get(assembly=a, entry=li).channel == "proxy"


def test_paper_slips_two_clerks_a_mismatch_and_the_decision(client: Any, world: Any) -> None:
    a = world.voting()
    client.force_login(world.admin)
    client.post(f"/assemblies/{a.pk}/act/", {"action": "slips"})
    slips = body(client.get(f"/assemblies/{a.pk}/slips/"))
    codes = list(PaperSlip.objects.filter(assembly=a).values_list("code", flat=True))
    assert len(codes) == 4 and codes[0] in slips
    printed = body(client.get(f"/assemblies/{a.pk}/slips/print/"))
    assert printed.count('data-testid="printed-slip"') == 4 and "续筹专项维修资金" in printed
    dev = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "翠苑置业"))
    li = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "李业主"))
    client.force_login(world.clerk1)
    assert client.get(f"/assemblies/{a.pk}/slips/print/").status_code == 404  # printing is the organisers'
    first = client.post(f"/assemblies/{a.pk}/paper/", {"code": dev.code.lower().replace("-", ""), "choice_1": "agree",
                                                        "choice_2": "abstain"})
    assert first.status_code == 200 and "待另一名录入员录入" in body(first)
    same = client.post(f"/assemblies/{a.pk}/paper/", {"code": dev.code, "choice_1": "agree", "choice_2": "abstain"})
    assert same.status_code == 400 and "第二次录入须由另一名录入员完成" in body(same)
    assert client.post(f"/assemblies/{a.pk}/paper/", {"code": "NOPE"}).status_code == 400
    client.post(f"/assemblies/{a.pk}/paper/", {"code": li.code, "choice_1": "agree"})
    client.force_login(world.clerk2)
    ok = client.post(f"/assemblies/{a.pk}/paper/", {"code": dev.code, "choice_1": "agree", "choice_2": "abstain"})
    assert "已计入" in body(ok)
    mism = client.post(f"/assemblies/{a.pk}/paper/", {"code": li.code, "choice_1": "oppose"})
    assert "两次录入不一致" in body(mism) and 'data-testid="decide-form"' not in body(mism)  # a clerk does not decide
    client.force_login(world.admin)
    paper = body(client.get(f"/assemblies/{a.pk}/paper/"))
    assert 'data-testid="decide-form"' in paper and li.code in paper
    decided = client.post(f"/assemblies/{a.pk}/paper/", {"step": "decide", "code": li.code, "choice_1": "oppose"})
    assert "已计入" in body(decided)
    assert 'data-testid="slip-scan"' not in body(client.get(f"/assemblies/{a.pk}/slips/"))  # none uploaded yet
    assert client.get(f"/assemblies/{a.pk}/slips/{li.pk}/scan/").status_code == 404
    services.enter_paper(actor=world.clerk1, assembly=a, code=PaperSlip.objects.get(assembly=a, entry=world.entry(a, "王业主")).code,
                         choices={1: "agree", 2: "agree"}, scan=("票.pdf", PDF))
    wang = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "王业主"))
    assert 'data-testid="slip-scan"' in body(client.get(f"/assemblies/{a.pk}/slips/"))
    shown = client.get(f"/assemblies/{a.pk}/slips/{wang.pk}/scan/")
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert SensitiveAccess.objects.filter(actor=world.admin, target_id=str(wang.pk), fields=["scan"]).exists()
    client.force_login(world.wang_user)
    assert client.get(f"/assemblies/{a.pk}/slips/{wang.pk}/scan/").status_code == 404
    client.force_login(world.admin)
    turnout = body(client.get(f"/assemblies/{a.pk}/turnout/"))
    assert "2/4" in turnout and "书面表决" in turnout and 'data-testid="by-channel"' in turnout


def test_results_board_receipt_record_and_verifier(client: Any, world: Any, vote: Any) -> None:
    a, receipts = closed(world, vote)
    client.force_login(world.admin)
    resp = client.post(f"/assemblies/{a.pk}/act/", {"action": "publish_result"}, follow=True)
    assert "表决结果已公示" in body(resp)
    a.refresh_from_db()
    for user in (world.wang_user, world.tenant_user, world.admin):
        results = page(client, user, f"/assemblies/{a.pk}/results/")
        # 2 of 4 heads took part: under the 2/3 quorum, so neither matter passes
        assert results.count('data-testid="failed"') == 2 and "2/4" in results and a.board_head in results
    board = page(client, world.tenant_user, f"/assemblies/{a.pk}/board/")
    assert board.count('data-testid="board-row"') == 2 and "王业主" not in board
    found = page(client, world.wang_user, f"/assemblies/{a.pk}/check/?receipt={receipts['wang'].lower()}")
    assert 'data-testid="on-board"' in found and "101" in found
    missing = page(client, world.wang_user, f"/assemblies/{a.pk}/check/?receipt=AAAA-BBBB-CCCC-DDDD")
    assert 'data-testid="not-on-board"' in missing
    resp = client.get(f"/assemblies/{a.pk}/record.json")
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"{")
    script = client.get("/assemblies/verify_assembly.py")
    assert script.status_code == 200 and b"def " in b"".join(script.streaming_content)
    archive = page(client, world.admin, f"/assemblies/{a.pk}/archive/")
    assert a.record_hash in archive and "结果公示" in archive
    from linli.disclosures.models import Disclosure

    Disclosure.objects.filter(pk=a.result_disclosure_id).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.admin)
    client.post(f"/assemblies/{a.pk}/act/", {"action": "announce"})
    announced = page(client, world.li_user, f"/assemblies/{a.pk}/results/")
    assert 'data-testid="announced"' in announced and "一年内请求人民法院撤销" in announced


def test_another_community_sees_nothing(client: Any, world: Any, vote: Any) -> None:
    a, _r = closed(world, vote)
    services.publish_result(actor=world.admin, assembly=a)
    proxy = Proxy.objects.create(assembly=a, principal=world.entry(a, "李业主"), holder=world.tenant, document="assemblies/x.pdf")
    slip = PaperSlip.objects.create(assembly=a, entry=world.entry(a, "翠苑置业"), code="TEST-SCAN-0001", scan="assemblies/y.pdf")
    urls = ["", "vote/", "receipt/", "check/", "roll/", "roll/staff/", "slips/", "slips/print/", "paper/", "proxies/",
            "turnout/", "results/", "board/", "record.json", "archive/", f"proxies/{proxy.pk}/document/", f"slips/{slip.pk}/scan/"]
    for user in (world.other_admin, world.other_owner):
        client.force_login(user)
        for url in urls:
            assert client.get(f"/assemblies/{a.pk}/{url}").status_code == 404, (user, url)
        assert client.post(f"/assemblies/{a.pk}/act/", {"action": "announce"}).status_code == 404
        assert a.title not in body(client.get("/assemblies/"))
    client.force_login(world.wang_user)  # an owner: no staff page
    for url in ("roll/staff/", "slips/", "paper/", "proxies/", "archive/", f"proxies/{proxy.pk}/document/", f"slips/{slip.pk}/scan/"):
        assert client.get(f"/assemblies/{a.pk}/{url}").status_code == 404, url
    assert not SensitiveAccess.objects.exists()
    client.logout()
    assert client.get(f"/assemblies/{a.pk}/results/").status_code == 302  # to sign in


def test_the_housing_bureau_reads_the_archive_and_changes_nothing(client: Any, world: Any, vote: Any, make_user: Any,
                                                                 tree: Any) -> None:
    from linli.accounts.roles import Role

    a, _r = closed(world, vote)
    services.publish_result(actor=world.admin, assembly=a)
    a.refresh_from_db()
    here = make_user(Role.HOUSING, tree.tianhe, username="housing_here")
    client.force_login(here)
    assert client.get("/", follow=True).redirect_chain[-1][0].startswith("/assemblies/")  # its start page
    assert a.title in body(client.get("/assemblies/"))
    archive = body(client.get(f"/assemblies/{a.pk}/archive/"))
    assert 'data-testid="archive"' in archive and "表决结果" in archive
    assert client.get(f"/assemblies/{a.pk}/results/").status_code == 200
    client.post(f"/assemblies/{a.pk}/act/", {"action": "announce"})  # refused: it reads, it does not act
    a.refresh_from_db()
    assert a.status == "preliminary"
    client.force_login(make_user(Role.HOUSING, tree.liwan, username="housing_liwan"))
    assert a.title not in body(client.get("/assemblies/"))
    assert client.get(f"/assemblies/{a.pk}/archive/").status_code == 404


def test_bad_input_is_never_a_500(client: Any, world: Any) -> None:
    a = world.voting()
    client.force_login(world.admin)
    for url in ("/assemblies/?page=x&status=zzz", f"/assemblies/{a.pk}/roll/?page=-1", f"/assemblies/{a.pk}/board/?page=99",
                f"/assemblies/{a.pk}/check/?receipt={'x' * 500}", f"/assemblies/{a.pk}/slips/?status=<b>",
                "/assemblies/99999999/", "/assemblies/99999999/results/"):
        assert client.get(url).status_code in (200, 404), url
    assert client.post(f"/assemblies/{a.pk}/act/", {"action": "extend", "closes_at": "tomorrow"}, follow=True).status_code == 200
    assert client.post(f"/assemblies/{a.pk}/paper/", {"code": "x", "choice_9": "agree"}).status_code == 400
    assert client.post(f"/assemblies/{a.pk}/roll/units/999999/correct/", {"area": "1", "reason": "xx"}).status_code == 400
    assert client.post("/assemblies/proxies/999999/revoke/").status_code == 404


def test_query_counts_of_the_list_pages(client: Any, world: Any, django_assert_max_num_queries: Any) -> None:
    for _i in range(3):
        world.voting()
    client.force_login(world.admin)
    client.get("/assemblies/")
    with django_assert_max_num_queries(12):
        assert body(client.get("/assemblies/")).count('data-testid="assembly-row"') == 3
    client.force_login(world.wang_user)
    client.get("/assemblies/")
    with django_assert_max_num_queries(12):
        assert body(client.get("/assemblies/")).count('data-testid="assembly-row"') == 3
    a = world.voting()
    client.force_login(world.tenant_user)
    with django_assert_max_num_queries(12):
        assert client.get(f"/assemblies/{a.pk}/roll/").status_code == 200
    client.force_login(world.admin)
    with django_assert_max_num_queries(16):
        assert body(client.get(f"/assemblies/{a.pk}/roll/staff/")).count('data-testid="entry"') == 4
