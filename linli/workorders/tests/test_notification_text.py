"""The resident told that their order is closed reads the handler's result once, with one full
stop: "…路面已平整。请您评价。", not "平整。。"."""

import pytest
from django.utils import translation

from linli.messaging.models import Message
from linli.workorders import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh-hans", "已办结：坑洼路面已平整。请您评价。"),
    ("en", "坑洼路面已平整。 Please rate it."),
])
def test_closing_message_has_no_doubled_punctuation(loop, lang, expected):
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="坑洼路面已平整。")
    with translation.override(lang):
        services.verify(actor=loop.dispatcher, order=order, passed=True)
    text = Message.objects.filter(user=loop.resident).latest("pk").text
    assert expected in text, text
    assert "。。" not in text and "。." not in text
