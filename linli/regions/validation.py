"""Validation of registry input, shared by the services, the API and the Excel importer.

Each function returns a cleaned value or raises ``FieldError`` with a Chinese message; the
importer collects them per row, the services turn them into a ``DomainError``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.accounts.validators import looks_like_phone
from linli.core import dates, idcard
from linli.core.text import clean_text as clean_free_text

from .models import Relation, SensitiveTag, Tag


class FieldError(ValueError):
    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


ID_MESSAGES = {
    "id_length": gettext_noop("身份证号应为18位"),
    "id_chars": gettext_noop("身份证号只能包含数字，最后一位可为X"),
    "id_birth_date": gettext_noop("身份证号中的出生日期无效"),
    "id_check_digit": gettext_noop("身份证号校验位错误"),
}


def clean_name(value: Any) -> str:
    name = clean_free_text(value, collapse=True)
    if not name:
        raise FieldError("name", _("姓名不能为空"), "required")
    if len(name) > 50:
        raise FieldError("name", _("姓名过长"))
    return name


def clean_id_number(value: Any, *, gender: str | None = None, birth_date: dt.date | None = None) -> idcard.IdInfo:
    raw = str(value or "").strip()
    if not raw:
        raise FieldError("id_number", _("身份证号不能为空"), "required")
    try:
        info = idcard.parse(raw)
    except idcard.IdNumberError as exc:
        raise FieldError("id_number", _(ID_MESSAGES[exc.code]), exc.code) from exc
    if gender and gender != info.gender:
        raise FieldError("gender", _("性别与身份证号不一致"), "gender_mismatch")
    if birth_date and birth_date != info.birth_date:
        raise FieldError("birth_date", _("出生日期与身份证号不一致"), "birth_date_mismatch")
    return info


def clean_phone(value: Any) -> str:
    import unicodedata

    phone = unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "").replace("-", "")
    if phone.endswith(".0"):  # Excel numbers
        phone = phone[:-2]
    if not phone:
        return ""
    if not looks_like_phone(phone):
        raise FieldError("phone", _("手机号格式不正确(应为11位，以1开头)"), "invalid_phone")
    return phone


def clean_gender(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    mapping = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
    if text not in mapping:
        raise FieldError("gender", _("性别只能填“男”或“女”"))
    return mapping[text]


def clean_date(value: Any, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise FieldError(field, _("%(label)s格式应为 YYYY-MM-DD") % {"label": label}) from exc


def clean_plausible_date(value: Any, field: str, label: str, *, earliest: dt.date = dates.EARLIEST_LIFE_EVENT,
                         latest: dt.date | None = None) -> dt.date | None:
    """A date (or None when empty) that could be true: between ``earliest`` and ``latest`` (today)."""
    day = clean_date(value, field, label)
    if day is None:
        return None
    try:
        return dates.plausible(day, earliest=earliest, latest=latest)
    except dates.ImplausibleDate as exc:
        raise FieldError(field, _("%(label)s应在 %(earliest)s 至 %(latest)s 之间") % {
            "label": label, "earliest": exc.earliest.isoformat(), "latest": exc.latest.isoformat()}, "implausible_date") from exc


def clean_moved_in(value: Any, birth_date: dt.date | None) -> dt.date | None:
    """迁入日期: not before 1900 nor the person's birth, not in the future."""
    day = clean_plausible_date(value, "moved_in", _("迁入日期"))
    if day is not None and birth_date is not None and day < birth_date:
        raise FieldError("moved_in", _("迁入日期不能早于出生日期"), "implausible_date")
    return day


def clean_moved_out(value: Any, moved_in: dt.date | None, birth_date: dt.date | None) -> dt.date | None:
    """迁出日期: not before moving in (or birth), not in the future (a planned move is not yet one)."""
    day = clean_plausible_date(value, "moved_out", _("迁出日期"))
    if day is not None and moved_in is not None and day < moved_in:
        raise FieldError("moved_out", _("迁出日期不能早于迁入日期"))
    if day is not None and birth_date is not None and day < birth_date:
        raise FieldError("moved_out", _("迁出日期不能早于出生日期"), "implausible_date")
    return day


def _names(choice: Any) -> tuple[str, str, str]:
    """A choice's code, its label in the active language and its zh-hans label (the templates' and
    the registry's own), so a file filled in one language imports in the other."""
    from django.utils import translation

    with translation.override("zh-hans"):
        source = str(choice.label)
    return choice.value, str(choice.label), source


def clean_relation(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    for choice in Relation:
        if text in _names(choice):
            return choice.value
    raise FieldError("relation", _("与户主关系无效：%(v)s") % {"v": text})


def clean_tags(value: Any) -> tuple[list[str], list[str]]:
    """Split a list or a comma/、-separated text of tags into (plain, sensitive)."""
    if value in (None, ""):
        return [], []
    items = value if isinstance(value, list | tuple) else str(value).replace("、", ",").replace("，", ",").split(",")
    plain: list[str] = []
    sensitive: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        found = False
        for choice in Tag:
            if item in _names(choice):
                plain.append(choice.value)
                found = True
        for schoice in SensitiveTag:
            if item in _names(schoice):
                sensitive.append(schoice.value)
                found = True
        if not found:
            raise FieldError("tags", _("未知标签：%(v)s") % {"v": item})
    return sorted(set(plain)), sorted(set(sensitive))


def clean_area(value: Any) -> Decimal:
    try:
        area = Decimal(str(value).strip())
        if not area.is_finite():
            raise InvalidOperation
        area = area.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise FieldError("exclusive_area", _("专有面积应为数字")) from exc
    if area <= 0 or area >= Decimal("100000"):
        raise FieldError("exclusive_area", _("专有面积应在0.01到99999.99平方米之间"))
    return area


def clean_text(value: Any, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    """A single-line registry field (``core.text.clean_text``) with its required and length checks."""
    text = clean_free_text(value)
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if required and not text:
        raise FieldError(field, _("%(label)s不能为空") % {"label": label}, "required")
    if len(text) > max_length:
        raise FieldError(field, _("%(label)s过长") % {"label": label})
    return text
