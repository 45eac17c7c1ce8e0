from decimal import Decimal

from linli.core.templatetags.linli import percent


def test_percent_shows_a_share_as_people_read_it():
    assert percent(Decimal("0.5")) == "50%"
    assert percent(2 / 3) == "66.67%"  # two decimals, not the float's sixteen
    assert percent(Decimal("1")) == "100%"
    assert percent(None) == "—" and percent("n/a") == "—"  # never "None"
