"""好差评: the five levels every rated service uses (government-service 好差评 practice), and
which of them count as bad (they open a follow-up / rectification)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

RATING_LABELS = {5: _("非常满意"), 4: _("满意"), 3: _("基本满意"), 2: _("不满意"), 1: _("非常不满意")}
BAD_AT_MOST = 2  # 不满意 and 非常不满意


def is_bad(rating: int) -> bool:
    return rating <= BAD_AT_MOST


def share(part: int, whole: int) -> Decimal | None:
    """A rate in the one shape figures use: a fraction (``percent`` shows it as a percentage), or
    None — shown as "—" — when there is nothing to count it over."""
    return Decimal(part) / Decimal(whole) if whole else None


def fraction(part: int, whole: int) -> float | None:
    """``share`` as the float the API answers (0–1, null when there is nothing to count over):
    every rate of every app's figures, pages and API alike."""
    rate = share(part, whole)
    return None if rate is None else float(rate)
