"""Reads of the service station: only approved providers' active offerings are visible; search
works for two-character queries (理发, 助餐) by substring over a prepared text column — at tens of
thousands of offerings a scan is a few milliseconds, where trigram indexes cannot serve queries
shorter than three characters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core.errors import NotFound

from .models import Consent, Offering, Provider, Review
from .services import VET_ROLES


def visible() -> QuerySet[Offering]:
    return Offering.objects.filter(active=True, provider__state=Provider.State.APPROVED, resource__active=True)


def search(*, q: str = "", category: str = "", price_type: str = "", community: str = "", date: dt.date | None = None,
           limit: int = 50) -> QuerySet[Offering]:
    qs = visible()
    q = (q or "").strip().lower()[:30]
    if q:
        qs = qs.filter(search_text__contains=q).annotate(
            title_hit=Case(When(title__icontains=q, then=Value(1)), default=Value(0), output_field=IntegerField()))
    if category:
        qs = qs.filter(category=category)
    if price_type:
        qs = qs.filter(price_type=price_type)
    if community:
        qs = qs.filter(communities__code=community)
    if date is not None:
        qs = qs.filter(resource__rules__weekday=date.weekday())
    order = ["-title_hit", "-id"] if q else ["-id"]
    return qs.select_related("provider").order_by(*order).distinct()[:limit]


def offering(pk: int) -> Offering:
    found = visible().select_related("provider", "resource").filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("服务不存在或已下架"))
    return found


def reviews_of(offering_obj: Offering) -> QuerySet[Review]:
    return offering_obj.reviews.filter(hidden=False).select_related("user")


def recommendations(actor: Any, *, limit: int = 6) -> list[Offering]:
    """精准推送: only for residents who opted in; offerings for their tags in their community first."""
    resident = getattr(actor, "resident", None)
    consent = Consent.objects.filter(user=actor).first() if getattr(actor, "is_authenticated", False) else None
    if resident is None or consent is None or not consent.recommendations:
        return []
    community = resident.region_path[:12]
    qs = visible().filter(communities__path=community).select_related("provider").distinct()
    tags = set(resident.tags or [])
    rows = list(qs[:200])
    rows.sort(key=lambda o: (-len(tags & set(o.tags or [])), -o.pk))
    return [o for o in rows if tags & set(o.tags or [])][:limit] or rows[:limit]


def providers_to_vet(actor: Any, *, state: str = "") -> QuerySet[Provider]:
    qs = Provider.objects.filter(scope_q(scope_paths(actor, VET_ROLES)))
    return (qs.filter(state=state) if state else qs).order_by("state", "-id")


def my_providers(actor: Any) -> QuerySet[Provider]:
    return Provider.objects.filter(staff=actor).order_by("name")


@dataclass
class ProviderFigures:
    views: int
    bookings: int
    attended: int
    no_shows: int
    reviews: int
    rating: float | None


def provider_figures(provider: Provider, *, since: dt.datetime | None = None) -> ProviderFigures:
    from linli.booking.models import Reservation

    since = since or timezone.now() - dt.timedelta(days=30)
    res = Reservation.objects.filter(resource__offering__provider=provider, created_at__gte=since)
    agg = res.aggregate(total=Count("id", filter=~Q(status__in=("cancelled", "rejected", "waiting"))),
                        attended=Count("id", filter=Q(status="attended")), no_show=Count("id", filter=Q(status="no_show")))
    rv = Review.objects.filter(offering__provider=provider, hidden=False).aggregate(n=Count("id"), avg=Avg("rating"))
    views = sum(provider.offerings.values_list("views", flat=True))
    return ProviderFigures(views=views, bookings=agg["total"], attended=agg["attended"], no_shows=agg["no_show"],
                           reviews=rv["n"], rating=round(rv["avg"], 2) if rv["avg"] is not None else None)


def area_figures(actor: Any) -> list[dict[str, Any]]:
    """Per provider in the admin's area: offerings, views, bookings, attendance, rating."""
    qs = Provider.objects.filter(scope_q(scope_paths(actor, VET_ROLES)), state=Provider.State.APPROVED)
    return list(qs.annotate(
        n_offerings=Count("offerings", distinct=True),
        bookings=Count("offerings__resource__reservations", distinct=True,
                       filter=~Q(offerings__resource__reservations__status__in=("cancelled", "rejected", "waiting"))),
        attended=Count("offerings__resource__reservations", distinct=True,
                       filter=Q(offerings__resource__reservations__status="attended")),
        rating=Avg("offerings__reviews__rating", filter=Q(offerings__reviews__hidden=False)),
    ).values("id", "name", "region_path", "n_offerings", "bookings", "attended", "rating").order_by("-bookings")[:200])


def figures_by_place(actor: Any) -> dict[str, list[dict[str, Any]]]:
    """Views, bookings, attendance and ratings of the offerings in the admin's area, per street
    (the provider's vetting street) and per community served."""
    from linli.regions.models import RegionNode

    live = ~Q(resource__reservations__status__in=("cancelled", "rejected", "waiting"))
    rows = list(Offering.objects.filter(scope_q(scope_paths(actor, VET_ROLES), field="provider__region_path"))
                .annotate(n_bookings=Count("resource__reservations", filter=live, distinct=True),
                          n_attended=Count("resource__reservations", filter=Q(resource__reservations__status="attended"), distinct=True),
                          rating_sum=Avg("reviews__rating", filter=Q(reviews__hidden=False)))
                .values("id", "views", "n_bookings", "n_attended", "rating_sum", "provider__region_path"))
    served: dict[int, list[str]] = {}
    for oid, path in Offering.communities.through.objects.filter(offering_id__in=[r["id"] for r in rows]).values_list(
            "offering_id", "regionnode__path"):
        served.setdefault(oid, []).append(path)

    def group(keys_of: Any) -> list[dict[str, Any]]:
        acc: dict[str, dict[str, Any]] = {}
        for r in rows:
            for key in keys_of(r):
                a = acc.setdefault(key, {"path": key, "offerings": 0, "views": 0, "bookings": 0, "attended": 0, "ratings": []})
                a["offerings"] += 1
                a["views"] += r["views"]
                a["bookings"] += r["n_bookings"]
                a["attended"] += r["n_attended"]
                if r["rating_sum"] is not None:
                    a["ratings"].append(r["rating_sum"])
        names = dict(RegionNode.objects.filter(path__in=list(acc)).values_list("path", "name"))
        out = []
        for a in sorted(acc.values(), key=lambda x: -x["bookings"]):
            ratings = a.pop("ratings")
            out.append({**a, "name": names.get(a["path"], a["path"]),
                        "rating": round(sum(ratings) / len(ratings), 2) if ratings else None})
        return out

    return {"streets": group(lambda r: [r["provider__region_path"][:9]]), "communities": group(lambda r: served.get(r["id"], []))}
