"""Official holidays and make-up working days from the chinese-calendar package.

Used by the seeding migration (with the historical model) and by ``manage.py seed_calendar``.
Only exceptions to the Monday–Friday week are stored; existing rows (admin edits) are kept.
"""

from __future__ import annotations

from typing import Any

NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(value: Any) -> str:
    text = getattr(value, "value", None) or value or ""
    if isinstance(text, tuple):
        text = text[0]
    return NAMES.get(str(text), str(text))


def seed(model: Any) -> int:
    import chinese_calendar

    rows = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows[day] = model(date=day, is_workday=False, name=_name(name))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows[day] = model(date=day, is_workday=True, name=f"{_name(name)}调休上班")
    existing = set(model.objects.values_list("date", flat=True))
    new = [r for d, r in rows.items() if d not in existing]
    model.objects.bulk_create(new, batch_size=500)
    return len(new)
