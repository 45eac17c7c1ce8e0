"""How personal data is shown when the viewer does not need the whole. Pure: no Django."""


def mask_id(number: str | None) -> str:
    """The address code (first six) and the check character: ``440106***********X``.

    Nothing of the birth date or the sequence shows, so with the birth year and gender that
    masked views also show, some 16,000 numbers remain possible (the old first-4-last-4 form,
    with a birth date, left about nine)."""
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 7) + number[-1:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
