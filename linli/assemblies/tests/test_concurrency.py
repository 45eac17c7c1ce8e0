"""Real concurrent clients on PostgreSQL: one head voting from two phones, a paper entry and a
proxy at the same moment stores exactly one effective ballot."""

from __future__ import annotations

from typing import Any

import pytest

from linli.assemblies import services
from linli.assemblies.models import Ballot, PaperSlip
from linli.core.tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def any_code(monkeypatch: Any) -> None:
    """Each phone holds a valid code (two sessions of one person cannot both hold a fresh one, so
    the code check is not what this race is about)."""
    from linli.accounts import services as acc

    monkeypatch.setattr(acc, "check_sms_code", lambda **kw: kw["phone"])


@pytest.mark.parametrize("round_", range(3))
def test_two_phones_and_a_paper_entry_at_once_store_one_ballot(world: Any, any_code: None, round_: int) -> None:
    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    li = world.entry(a, "李业主")
    slip = PaperSlip.objects.get(assembly=a, entry=li)
    services.enter_paper(actor=world.clerk1, assembly=a, code=slip.code, choices={"1": "oppose", "2": "oppose"})
    outcomes = race([
        lambda: services.cast(actor=world.li_user, assembly=a, choices={1: "agree", 2: "agree"}, code="1")[0].channel,
        lambda: services.cast(actor=world.li_user, assembly=a, choices={1: "agree", 2: "oppose"}, code="1")[0].channel,
        lambda: services.enter_paper(actor=world.clerk2, assembly=a, code=slip.code,
                                     choices={"1": "oppose", "2": "oppose"}).status,
    ])
    assert Ballot.objects.filter(assembly=a, entry=li, void=False).count() == 1
    winners = [o for o in outcomes if o in ("online", "counted")]
    assert len(winners) == 1, outcomes
    losers = sorted(o for o in outcomes if o not in winners)
    # a phone that loses answers already_voted; a paper slip that loses is set aside (void)
    assert losers in (["already_voted", "void"], ["already_voted", "already_voted"]), outcomes
    slip.refresh_from_db()
    assert slip.status == ("counted" if "counted" in outcomes else "void")


def test_a_proxy_the_principal_and_a_paper_entry_at_once_store_the_proxys_ballot(world: Any, any_code: None) -> None:
    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    wang = world.entry(a, "王业主")
    services.record_proxy(actor=world.admin, assembly=a, principal=wang, holder_id=world.tenant.pk,
                          document_name="委托书.pdf", document=PDF)
    slip = PaperSlip.objects.get(assembly=a, entry=wang)
    services.enter_paper(actor=world.clerk1, assembly=a, code=slip.code, choices={"1": "agree"})
    outcomes = race([
        lambda: services.cast(actor=world.tenant_user, assembly=a, choices={1: "oppose", 2: "oppose"}, code="1")[0].channel,
        lambda: services.cast(actor=world.tenant_user, assembly=a, choices={1: "agree", 2: "agree"}, code="1")[0].channel,
        lambda: services.cast(actor=world.wang_user, assembly=a, choices={1: "agree", 2: "agree"}, code="1")[0].channel,
        lambda: services.enter_paper(actor=world.clerk2, assembly=a, code=slip.code, choices={"1": "agree"}).status,
    ])
    ballots = Ballot.objects.filter(assembly=a, entry=wang, void=False)
    assert ballots.count() == 1 and ballots.get().channel == "proxy"
    assert sorted(outcomes) == sorted(["proxy", "already_voted", "delegated", "void"]), outcomes
