"""Free text is stored without characters that break XML, PostgreSQL or terminals; a person's text put into a
message keeps one punctuation mark where the two meet, and every notification text is built that way."""


from __future__ import annotations

import ast
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from linli.core.text import clean_text, fill, xml_safe

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("value", "expected"), [
    ("路面已平整。", "工单 W1 已办结：路面已平整。请您评价。"),  # not 平整。。
    ("路面已平整", "工单 W1 已办结：路面已平整。请您评价。"),
    ("修好了！", "工单 W1 已办结：修好了！请您评价。"),
    ("还要修吗？", "工单 W1 已办结：还要修吗？请您评价。"),
    ("换了灯泡，", "工单 W1 已办结：换了灯泡。请您评价。"),  # a trailing comma gives way
    ("已处理。 ", "工单 W1 已办结：已处理。请您评价。"),
])
def test_no_doubled_punctuation_where_a_value_meets_the_message(value, expected):
    assert fill("工单 %(n)s 已办结：%(r)s。请您评价。", {"n": "W1", "r": value}) == expected


def test_english_messages_and_other_marks():
    assert fill("Order %(n)s is closed: %(r)s. Please rate it.", {"n": "W1", "r": "Fixed."}) == \
        "Order W1 is closed: Fixed. Please rate it."
    assert fill("Order %(n)s is closed: %(r)s. Please rate it.", {"n": "W1", "r": "Fixed"}) == \
        "Order W1 is closed: Fixed. Please rate it."
    assert fill("%(a)s，请于 %(d)s 前接单", {"a": "路灯不亮。", "d": "12-03"}) == "路灯不亮。请于 12-03 前接单"
    assert fill("预约已被取消：%(why)s", {"why": "场地维修。"}) == "预约已被取消：场地维修。"  # the value's own mark stays
    assert fill("爽约 %(n)d 次，100%%", {"n": 3}) == "爽约 3 次，100%"


NOTIFIERS = {"notify", "tell", "_tell_applicant", "_notify_window", "send", "send_many", "send_to_phone"}


def test_every_notification_text_goes_through_fill():
    raw = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in NOTIFIERS:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod) or isinstance(arg, ast.JoinedStr):
                        raw.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not raw, f"notification texts built with % or an f-string instead of fill(): {raw}"




@pytest.mark.parametrize("raw", ["恩宁路\u0001\u001b12号", "恩宁路\x0012号", "恩宁路\x7f\x9b12号", "恩宁路\ud80012号",
                                 "恩宁路\u202e12号", "  恩宁路12号\ufffe "])
def test_forbidden_characters_are_removed(raw):
    assert clean_text(raw) == "恩宁路12号"


def test_single_line_fields_get_spaces_for_line_breaks_and_multi_line_fields_keep_them():
    assert clean_text("一楼\r\n二楼\t三楼") == "一楼 二楼 三楼"
    assert clean_text("一楼\r\n二楼\t三楼\r四楼\u2028", multiline=True) == "一楼\n二楼\t三楼\n四楼"
    assert clean_text(None) == "" and clean_text("  ") == ""
    assert clean_text("路灯不亮" * 10, limit=5) == "路灯不亮路"
    assert clean_text("👨‍👩‍👧 家里") == "👨‍👩‍👧 家里"  # joiners inside emoji stay


def test_xml_safe_text_parses():
    text = xml_safe("a\x01b\x1bc\x0bd\ufffee\n\tf")
    el = ET.Element("x")
    el.text = text
    assert ET.fromstring(ET.tostring(el)).text == "abcde\n\tf"


def test_invisible_characters_go_names_collapse_and_joiners_stay():
    assert clean_text("张\u200b三\ufeff\u200e") == "张三"
    assert clean_text("第一行\u2060\n第二行\u200f", multiline=True) == "第一行\n第二行"
    assert clean_text("  张   三 ", collapse=True) == "张 三" and clean_text("张   三") == "张   三"
    assert clean_text("👩\u200d💻") == "👩\u200d💻"
