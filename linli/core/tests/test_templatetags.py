from decimal import Decimal

from linli.core.templatetags.linli import money, percent


def test_percent_shows_a_share_as_people_read_it():
    assert percent(Decimal("0.5")) == "50%"
    assert percent(2 / 3) == "66.67%"  # two decimals, not the float's sixteen
    assert percent(Decimal("1")) == "100%"
    assert percent(None) == "—" and percent("n/a") == "—"  # never "None"


def test_money_groups_thousands_and_keeps_real_cents():
    assert money(Decimal("300000.00")) == "300,000"
    assert money(Decimal("1250.5")) == "1,250.50"
    assert money("1000000") == "1,000,000"
    assert money(None) == "" and money("abc") == ""
