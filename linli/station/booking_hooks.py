"""What the station adds to booking's pages (registered in ``StationConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.booking.hooks import Extra


def reservation_extras(reservation: Any, viewer: Any, staff_view: bool) -> list[Extra]:
    """After an attended service, the resident who booked it may review it."""
    from .models import Offering

    if staff_view or reservation.status != "attended" or reservation.user_id != getattr(viewer, "pk", None):
        return []
    if not Offering.objects.filter(resource_id=reservation.resource_id).exists():
        return []
    return [Extra(label=_("评价服务"), url=reverse("station:review", args=[reservation.pk]), testid="review-link")]
