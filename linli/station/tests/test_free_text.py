"""Service-station text (provider name, contact and address, offering title, description, price
and tags, reviews, replies, vetting and moderation reasons) is stored without control characters
or direction overrides."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.booking import services as booking
from linli.station import services
from linli.station.models import Offering, Provider, Review
from linli.station.tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

CONTROLS = "\u0001\u001b\u007f\u0080\u009b"  # C0 (SOH, ESC), DEL, C1 (PAD, CSI)
RLO = "\u202e"


def dirty(text):
    return f" {CONTROLS}{text[:1]}{RLO}{CONTROLS}{text[1:]}\u2066\u200b "


def test_provider_offering_and_review_texts_are_stored_clean(station):
    other = services.apply_provider(
        actor=station.owner, name=dirty("康乐  家政"), code=make_uscc("91440106MA5C00001"), kind="merchant",
        contact_name=dirty("李经理"), contact_phone=dirty("13800002222"), address=dirty("猎德路9号"), region=station.tree.liede)
    other = Provider.objects.get(pk=other.pk)
    assert (other.name, other.contact_name, other.contact_phone, other.address) == ("康乐 家政", "李经理", "13800002222", "猎德路9号")
    services.vet(actor=station.street_admin, provider=other, decision="reject", reason=dirty("证照不清晰"))
    assert Provider.objects.get(pk=other.pk).state_reason == "证照不清晰"

    station.approve()
    o = services.add_offering(actor=station.owner, provider=station.provider, title=dirty("长者助餐"), category="meals",
                              price_type="low", price=dirty("8元/餐"), description=f"荤素搭配{CONTROLS}\r\n少盐少油{RLO}",
                              communities=[station.tree.liede_sq], weekdays=list(range(7)), opens=dt.time(11),
                              closes=dt.time(12), capacity=2, tags=[dirty("elder"), CONTROLS])
    o = Offering.objects.select_related("resource").get(pk=o.pk)
    assert (o.title, o.resource.name, o.price, o.tags) == ("长者助餐", "长者助餐", "8元/餐", ["elder"])
    assert o.description == "荤素搭配\n少盐少油" and "\x01" not in o.search_text

    day = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(11)))
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=3))
    r = booking.check_in(actor=station.owner, code=r.code, now=start)
    rev = services.review(actor=station.elder, reservation=r, rating=4, text=f"饭菜可口{CONTROLS}\n送餐准时{RLO}")
    services.reply(actor=station.owner, review_obj=rev, text=dirty("谢谢您的评价"))
    services.hide_review(actor=station.street_admin, review_obj=rev, reason=dirty("含有电话号码"))
    rev = Review.objects.get(pk=rev.pk)
    assert (rev.text, rev.reply, rev.hidden_reason) == ("饭菜可口\n送餐准时", "谢谢您的评价", "含有电话号码")
