"""Every date, time and datetime input of every page renders an ISO value, which is all a
browser's ``<input type=date|time|datetime-local>`` reads: a localised value (``2010/11/25`` in
zh-hans) is dropped by the browser, and saving the form unchanged would erase the date."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from pathlib import Path

from django import forms
from django.utils import translation

import linli
from linli.core import dates

TEMPLATES = Path(linli.__file__).parent / "templates"
INPUT_RE = re.compile(r'<input[^>]*type="(date|time|datetime-local)"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]*)"')
ISO_FILTERS = ("|date:'Y-m-d'", '|date:"Y-m-d"', "|time:'H:i'", '|time:"H:i"', "|date:'Y-m-d\\TH:i'", '|date:"Y-m-d\\TH:i"')
# values that are already ISO text: a date the view formats with isoformat(), or the browser's own
# submitted value echoed back after an error
ISO_TEXT = {
    "station/browse.html": {"{{ date }}"},
    "affairs/certificate_issue.html": {"{{ r.value }}"},
    "regions/audit.html": {"{{ flt.since }}", "{{ flt.until }}"},  # the filter's own query text, echoed  # the typed value echoed back (the form keeps text, ISO from the browser)
    "elections/form.html": {"{{ data.election_day|default:'' }}"},  # an ISO string: echoed back, or the plan's isoformat()
    "assemblies/create.html": {"{{ data.opens_at|default:'' }}", "{{ data.closes_at|default:'' }}"},  # the browser's value echoed back
    "consultation/decide.html": {"{{ row.due_on }}"},  # the browser's value echoed back after an error
    "consultation/schedule.html": {"{{ post.starts_at|default:'' }}", "{{ post.ends_at|default:'' }}"},  # echoed back
    "spaces/manage.html": {"{{ data.opens|default:'09:00' }}", "{{ data.closes|default:'21:00' }}", "{{ data.term1_start }}",
                           "{{ data.term1_end }}", "{{ data.term2_start }}", "{{ data.term2_end }}"},
}


def test_every_date_input_in_a_template_prints_an_iso_value():
    found = 0
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        for tag in INPUT_RE.finditer(path.read_text()):
            found += 1
            value = VALUE_RE.search(tag.group(0))
            if value is None or "{{" not in value.group(1):
                continue  # empty, or a literal such as 09:00
            text = value.group(1)
            assert any(f in text for f in ISO_FILTERS) or text in ISO_TEXT.get(name, set()), (
                f"{name}: {tag.group(0)} prints a date without an ISO format")
    assert found >= 10


def _form_classes() -> list[type[forms.BaseForm]]:
    for mod in pkgutil.walk_packages(linli.__path__, "linli."):
        if mod.name.rsplit(".", 1)[-1] in ("forms", "views"):
            importlib.import_module(mod.name)
    out: list[type[forms.BaseForm]] = []
    todo = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("linli.") and ".admin" not in sub.__module__:
                out.append(sub)
    return out


def test_every_date_field_of_every_form_uses_an_iso_widget():
    checked = 0
    for form_cls in _form_classes():
        for name, fld in form_cls.base_fields.items():
            kinds = {forms.DateTimeField: dates.DateTimeInput, forms.DateField: dates.DateInput, forms.TimeField: dates.TimeInput}
            for field_cls, widget_cls in kinds.items():
                if isinstance(fld, field_cls):
                    checked += 1
                    assert isinstance(fld.widget, widget_cls | forms.HiddenInput), f"{form_cls.__name__}.{name}"
                    break
    assert checked >= 2  # the resident form's move-in and move-out


def test_iso_widgets_render_iso_in_every_language():
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert 'value="2010-11-25"' in dates.DateInput().render("d", dt.date(2010, 11, 25))
            assert 'type="date"' in dates.DateInput().render("d", dt.date(2010, 11, 25))
            assert 'value="07:05"' in dates.TimeInput().render("t", dt.time(7, 5))
            html = dates.DateTimeInput().render("m", dt.datetime(2010, 11, 25, 7, 5))
            assert 'type="datetime-local"' in html and 'value="2010-11-25T07:05"' in html
    with translation.override("zh-hans"):  # what Django's own widget does, and why these exist
        assert 'value="2010/11/25"' in forms.DateInput(attrs={"type": "date"}).render("d", dt.date(2010, 11, 25))
