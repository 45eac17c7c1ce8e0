"""Free text is stored without characters that break XML, PostgreSQL or terminals."""

from xml.etree import ElementTree as ET

import pytest

from linli.core.text import clean_text, xml_safe


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
