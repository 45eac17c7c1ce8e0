"""Free text typed in admin is stored as the pages store it (core.text.clean_text)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_admin_text_is_cleaned_like_the_pages(root):
    from linli.workorders.models import Category

    request = RequestFactory().get("/admin/")
    request.user = root
    form_class = admin.site.get_model_admin(Category).get_form(request)
    form = form_class(data={
        "code": " 9901 ", "name": "  井盖\u200b缺失\x07  ", "description": "一行\r\n两行\u202e", "handle_limit": 10,
        "limit_unit": "wd", "urgent_limit_hours": 24, "register_limit_hours": 4, "accept_limit_hours": 4,
        "verify_limit_hours": 14, "active": "on", "sort": 0,
    })
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "井盖缺失"  # invisible and control characters out, blanks stripped
    assert form.cleaned_data["code"] == "9901"
    assert form.cleaned_data["description"] == "一行 两行"  # a one-line field keeps no line break


def test_a_multi_line_field_keeps_its_line_breaks():
    from linli.core.admin import CleanedTextField

    assert CleanedTextField(multiline=True, required=False).clean(" 第一条\r\n第二条\u200b ") == "第一条\n第二条"
    assert CleanedTextField(required=False).clean("\u3000") == ""
