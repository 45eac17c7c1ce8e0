"""The wording of community certificates: each kind on the list declares the fields the window
fills in (label, type, required), its template has a blank for each of them (plus {name} and {id},
the subject's name and masked ID number), and nothing else. The facts are checked field by field
and the text is put together here, for the preview and for the certificate issued alike."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from linli.core import idcard
from linli.core.errors import DomainError
from linli.core.masking import mask_id
from linli.core.text import clean_text

FIELD_TYPES = ("text", "textarea", "date", "month", "year", "integer", "choice", "id_number")
SUBJECT_BLANKS = ("name", "id")  # filled from the subject, never asked
BLANK = re.compile(r"\{(\w+)\}")
TRAILING = "，。；、,.;：:！!？? \t\r\n"  # what a filled-in phrase must not end with: the template has its own punctuation
TEXT_LIMIT = {"text": 100, "textarea": 300}
# a kind saved before fields were declared: the old free-text blank, so its template still fills
LEGACY_FIELDS = [
    {"name": "address", "label": "居住地址", "type": "text", "required": True},
    {"name": "detail", "label": "证明事实", "type": "textarea", "required": True},
]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"
    required: bool = True
    options: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    help: str = ""
    phrase: str = ""  # how the value reads in the text, e.g. "，{value}"; an optional field left empty leaves nothing

    @property
    def label_display(self) -> str:
        return _(self.label)

    @property
    def help_display(self) -> str:
        return _(self.help) if self.help else ""


def blanks(template: str) -> list[str]:
    return BLANK.findall(template or "")


def fields_of(kind: Any) -> list[Field]:
    """The fields a kind asks for, in order."""
    spec = kind.fields or [f for f in LEGACY_FIELDS if f["name"] in blanks(kind.template)]
    return [Field(name=f["name"], label=f.get("label") or f["name"], type=f.get("type", "text"),
                  required=bool(f.get("required", True)), options=tuple(f.get("options") or ()),
                  min=f.get("min"), max=f.get("max"), help=f.get("help", ""), phrase=f.get("phrase", ""))
            for f in spec]


def check_kind(template: str, fields: Any) -> list[str]:
    """What is wrong with a kind's template and fields (for the admin form); empty when fine."""
    problems: list[str] = []
    if not isinstance(fields, list) or not all(isinstance(f, dict) and f.get("name") for f in fields):
        return [_("内容项应为列表，每项至少有 name")]
    names = [f["name"] for f in fields]
    for f in fields:
        if f.get("type", "text") not in FIELD_TYPES:
            problems.append(_("内容项 %(n)s 的类型不正确") % {"n": f["name"]})
        if not f.get("required", True) and not f.get("phrase"):
            problems.append(_("内容项 %(n)s 可不填，请写明它在正文中的说法(phrase)，不填时整句仍通顺") % {"n": f["name"]})
        if f.get("type") == "choice" and not f.get("options"):
            problems.append(_("内容项 %(n)s 是选择项，请列出选项") % {"n": f["name"]})
        if f["name"] in SUBJECT_BLANKS:
            problems.append(_("%(n)s 由证明对象自动填写，不能作为内容项") % {"n": f["name"]})
    used = blanks(template)
    for name in used:
        if name not in SUBJECT_BLANKS and name not in names and (fields or name not in {f["name"] for f in LEGACY_FIELDS}):
            problems.append(_("正文模板中的 {%(n)s} 没有对应的内容项") % {"n": name})
    for name in names:
        if name not in used:
            problems.append(_("内容项 %(n)s 没有出现在正文模板中") % {"n": name})
    return problems


def _phrase(value: str) -> str:
    """A phrase to put in a blank: one line, without the punctuation the template supplies."""
    return clean_text(value, collapse=True).strip(TRAILING)


def _one(field: Field, raw: Any, today: dt.date) -> str:
    """The stored value of one field, or a DomainError naming it."""
    label = field.label_display
    value = _phrase(str(raw if raw is not None else ""))
    if not value:
        if field.required:
            raise DomainError("invalid", _("请填写%(f)s") % {"f": label})
        return ""
    if field.type in TEXT_LIMIT and len(value) > TEXT_LIMIT[field.type]:
        raise DomainError("invalid", _("%(f)s过长(最多%(n)s字)") % {"f": label, "n": TEXT_LIMIT[field.type]})
    if field.type == "choice" and value not in field.options:
        raise DomainError("invalid", _("请从选项中选择%(f)s") % {"f": label})
    if field.type == "id_number":
        try:
            return mask_id(idcard.parse(value).number)  # only the masked number is kept and printed
        except idcard.IdNumberError as exc:
            raise DomainError("invalid", _("%(f)s不正确") % {"f": label}) from exc
    if field.type in ("date", "month", "year"):
        shape = {"date": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[field.type]
        try:
            day = dt.datetime.strptime(value, shape).date()
        except ValueError as exc:
            example = {"date": "2015-03-01", "month": "2015-03", "year": "2015"}[field.type]
            raise DomainError("invalid", _("%(f)s格式不正确，例如 %(e)s") % {"f": label, "e": example}) from exc
        if day > today or day.year < 1900:
            raise DomainError("invalid", _("%(f)s不能晚于今天") % {"f": label} if day > today else _("%(f)s不正确") % {"f": label})
        return value
    if field.type == "integer":
        try:
            number = int(value)
        except ValueError as exc:
            raise DomainError("invalid", _("%(f)s应为整数") % {"f": label}) from exc
        low, high = field.min if field.min is not None else 0, field.max
        if number < low or (high is not None and number > high):
            raise DomainError("invalid", _("%(f)s应在%(a)s至%(b)s之间") % {"f": label, "a": low, "b": high if high is not None else "∞"})
        return str(number)
    return value


def clean_facts(fields: list[Field], raw: dict[str, Any], *, today: dt.date) -> dict[str, str]:
    """The facts as entered, checked field by field. Every problem is reported at once: the
    message lists them, ``details.errors`` maps each field's name to its message."""
    facts: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            facts[field.name] = _one(field, (raw or {}).get(field.name), today)
        except DomainError as exc:
            errors[field.name] = str(exc.message)
    if errors:
        first = next(iter(errors))
        message = errors[first] if len(errors) == 1 else _("请检查：%(e)s") % {"e": "；".join(errors.values())}
        raise DomainError("invalid", message, field=f"facts.{first}", errors=errors)
    return facts


def _shown(field: Field, value: str) -> str:
    if not value:
        return ""
    if field.phrase:
        return field.phrase.replace("{value}", _shown(Field(name=field.name, label=field.label, type=field.type), value))
    if field.type == "date":
        day = dt.date.fromisoformat(value)
        return f"{day.year}年{day.month}月{day.day}日"
    if field.type == "month":
        year, month = value.split("-")
        return f"{int(year)}年{int(month)}月"
    if field.type == "year":
        return f"{int(value)}年"
    return value


def render(template: str, fields: list[Field], facts: dict[str, str], *, name: str, id_number: str) -> str:
    """The certificate's text: every blank filled once, from the subject and the facts."""
    by_name = {f.name: f for f in fields}
    values = {"name": name, "id": mask_id(id_number) if id_number else _("未登记")}
    values.update({n: _shown(f, facts.get(n, "")) for n, f in by_name.items()})

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise DomainError("template", _("证明正文模板中的 {%(n)s} 没有对应的内容项，请管理员修正该证明种类") % {"n": key})
        return values[key]

    return BLANK.sub(fill, template)
