"""Reads of the service station: only approved providers' active offerings are visible; search
works for two-character queries (理发, 助餐) by substring over a prepared text column — at tens of
thousands of offerings a scan is a few milliseconds, where trigram indexes cannot serve queries
shorter than three characters.

Figures (views, bookings, attendance, reviews, ratings) cover one period, shown with them: views
are counted per day, bookings by when they were made, reviews by when they were written; each
is summed per offering in its own subquery (no join that multiplies one by another), and a
rating over several offerings is the mean over their reviews, not a mean of means."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import scope_paths, scope_q
from linli.core.errors import NotFound
from linli.core.lifecycle import Actions
from linli.core.models import FollowUp

from . import states
from .models import Consent, Offering, OfferingViews, Provider, Review
from .services import VET_ROLES
from .states import ProviderAction

PERIODS = (7, 30, 90, 365)  # days a figure may cover
DEFAULT_PERIOD = 30
NOT_BOOKED = ("cancelled", "rejected", "waiting")
DATE_SCAN_LIMIT = 400  # offerings examined for a free slot on the asked date, at most


def visible() -> QuerySet[Offering]:
    return Offering.objects.filter(active=True, provider__state=Provider.State.APPROVED, resource__active=True)


def search(*, q: str = "", category: str = "", price_type: str = "", community: str = "", date: dt.date | None = None,
           limit: int = 50, now: dt.datetime | None = None, area: str = "") -> QuerySet[Offering] | list[Offering]:
    """Offerings matching the filters, title hits first. With ``date``: only those with a slot
    that day one can still book with a free seat — the engine's real schedule of that date
    (term or holiday hours, closures, extra openings), not just the weekday of the rules."""
    qs = visible()
    q = (q or "").strip().lower()[:30]
    if q:
        qs = qs.filter(search_text__contains=q).annotate(
            title_hit=Case(When(title__icontains=q, then=Value(1)), default=Value(0), output_field=IntegerField()))
    if category:
        qs = qs.filter(category=category)
    if price_type:
        qs = qs.filter(price_type=price_type)
    # EXISTS rather than joins: no row is repeated, so no DISTINCT over every column
    if community:
        qs = qs.filter(Exists(Offering.communities.through.objects.filter(offering_id=OuterRef("pk"),
                                                                          regionnode__code=community)))
    if area:  # a street's or district's region path: offerings serving one of its communities
        qs = qs.filter(Exists(Offering.communities.through.objects.filter(offering_id=OuterRef("pk"),
                                                                          regionnode__path__startswith=area)))
    order = ["-title_hit", "-id"] if q else ["-id"]
    if date is None:
        return qs.select_related("provider").order_by(*order)[:limit]
    # the rules of that weekday or an extra opening that date: a cheap first cut in the database
    from linli.booking.selectors import open_on

    qs = qs.filter(open_on(date, resource="resource_id"))
    candidates = list(qs.select_related("provider", "resource").order_by(*order)[:DATE_SCAN_LIMIT])
    found: list[Offering] = []
    for i in range(0, len(candidates), 100):
        chunk = candidates[i:i + 100]
        free = bookable_on([o.resource for o in chunk], date, now=now)
        found += [o for o in chunk if o.resource_id in free]
        if len(found) >= limit:
            break
    return found[:limit]


def bookable_on(resources: list[Any], day: dt.date, *, now: dt.datetime | None = None) -> set[int]:
    """Ids of the resources with a slot on ``day`` that can still be booked with a seat free: the
    periods from the engine's schedule (booking.selectors.slot_periods), the seats taken of all
    of them in one statement."""
    from linli.booking import selectors as booking_selectors

    now = now or timezone.now()
    periods: dict[int, list[dt.datetime]] = {}
    capacity: dict[int, int] = {}
    for res in resources:
        if not res.active:
            continue
        horizon = now + dt.timedelta(days=res.book_ahead_days)
        starts = [p.start for p in booking_selectors.slot_periods(res, day) if now < p.start <= horizon]
        if starts:
            periods[res.pk] = starts
            capacity[res.pk] = res.capacity
    if not periods:
        return set()
    lo = min(min(v) for v in periods.values())
    hi = max(max(v) for v in periods.values())
    full = {(rid, start) for rid, start, booked in booking_selectors.seats_taken(list(periods), lo, hi)
            if booked >= capacity[rid]}
    return {rid for rid, starts in periods.items() if any((rid, s) not in full for s in starts)}


def communities_served(*, near: str = "", chosen: str = "") -> QuerySet[Any]:
    """For the search's community filter: the communities of the street ``near`` (a region path)
    that some visible offering serves, and the one already chosen — a short list, not the city's
    thousands."""
    from linli.regions import selectors as regions
    from linli.regions.selectors import Level

    if not near and not chosen:
        return regions.nodes().none()
    served = Exists(Offering.communities.through.objects.filter(regionnode_id=OuterRef("pk"), offering__active=True))
    place = Q(path__startswith=near[:9]) if near else Q(pk__in=[])
    return regions.nodes(level=Level.COMMUNITY).filter((place & served) | Q(code=chosen or "-"))


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


# ---------------------------------------------------------------- what a person may do now

PROVIDER_ACTIONS = Actions({
    ProviderAction.APPROVE: "station.vet", ProviderAction.REJECT: "station.vet", ProviderAction.SUSPEND: "station.vet",
    "offer": "station.run",  # publish a new offering: its staff, once approved
}, lifecycle=states.LIFECYCLE, when={"offer": lambda p: p.state == Provider.State.APPROVED})

OFFERING_ACTIONS = Actions({"publish": "station.run_offering", "unpublish": "station.run_offering"}, when={
    "publish": lambda o: not o.active and o.provider.state == Provider.State.APPROVED,
    "unpublish": lambda o: o.active,
})

REVIEW_ACTIONS = Actions({"reply": "station.reply", "hide": "station.moderate"}, when={
    "reply": lambda r: not r.reply,  # one reply
    "hide": lambda r: not r.hidden,
})


def available_actions(actor: Any, obj: Provider | Offering | Review) -> list[str]:
    """What ``actor`` may do to a provider, an offering or a review now: the buttons of the
    vetting page and the console, the ``actions`` of the API's answers; the services refuse the rest."""
    if isinstance(obj, Provider):
        return PROVIDER_ACTIONS.for_(actor, obj)
    if isinstance(obj, Offering):
        return OFFERING_ACTIONS.for_(actor, obj)
    return REVIEW_ACTIONS.for_(actor, obj)


def providers_to_vet(actor: Any, *, state: str = "") -> QuerySet[Provider]:
    qs = Provider.objects.filter(scope_q(scope_paths(actor, VET_ROLES)))
    return (qs.filter(state=state) if state else qs).order_by("state", "-id")


def my_providers(actor: Any) -> QuerySet[Provider]:
    return Provider.objects.filter(staff=actor).order_by("name")


def offering_of_provider(actor: Any, pk: int) -> Offering:
    """An offering of one of the actor's providers (published or not), for its console pages."""
    found = Offering.objects.filter(pk=pk, provider__staff=actor).select_related("provider", "resource").first()
    if found is None:
        raise NotFound("not_found", _("服务不存在"))
    return found


def bookings_on(offerings: list[Offering], day: dt.date) -> dict[int, list[Any]]:
    """The day's bookings of the offerings (by resource id) for their provider's console, in
    one statement. The caller passes only offerings of the actor's own providers."""
    from linli.booking.selectors import reservations_on

    out: dict[int, list[Any]] = {o.resource_id: [] for o in offerings}
    for r in reservations_on(list(out), day):
        out[r.resource_id].append(r)
    return out


def user_by_login(text: str) -> Any:
    """An account by its username or phone number (exact), or None."""
    from django.contrib.auth import get_user_model

    from linli.core.crypto import lookup_hash

    text = (text or "").strip()[:64]
    if not text:
        return None
    return get_user_model().objects.filter(Q(username=text) | Q(phone_hash=lookup_hash(text)), is_active=True).first()


def period_days(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def _since(days: int, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    start = timezone.localtime(now).date() - dt.timedelta(days=days - 1)  # today and the days before: ``days`` days
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def _count(qs: QuerySet[Any], key: str) -> Any:
    return Coalesce(Subquery(qs.order_by().values(key).annotate(n=Count("id")).values("n")[:1]), 0)


def offering_stats(offerings: QuerySet[Offering], *, days: int = DEFAULT_PERIOD, now: dt.datetime | None = None
                   ) -> list[dict[str, Any]]:
    """Per offering over the last ``days`` days: views, bookings (made, and not cancelled,
    rejected or only waiting), attended, no-shows, visible reviews and the sum of their ratings.
    Every figure is its own subquery: no join fans one out by another."""
    from linli.booking.selectors import reservations_of

    since = _since(days, now)
    res = reservations_of(OuterRef("resource_id")).filter(created_at__gte=since)
    reviews = Review.objects.filter(offering_id=OuterRef("pk"), hidden=False, created_at__gte=since)
    views = OfferingViews.objects.filter(offering_id=OuterRef("pk"), day__gte=since.date())
    return list(offerings.order_by().annotate(
        f_views=Coalesce(Subquery(views.order_by().values("offering_id").annotate(n=Sum("views")).values("n")[:1]), 0),
        f_bookings=_count(res.exclude(status__in=NOT_BOOKED), "resource_id"),
        f_attended=_count(res.filter(status="attended"), "resource_id"),
        f_no_shows=_count(res.filter(status="no_show"), "resource_id"),
        f_reviews=_count(reviews, "offering_id"),
        f_rating_sum=Coalesce(Subquery(reviews.order_by().values("offering_id").annotate(n=Sum("rating")).values("n")[:1]), 0),
    ).values("id", "provider_id", "provider__region_path", "f_views", "f_bookings", "f_attended", "f_no_shows", "f_reviews",
             "f_rating_sum"))


@dataclass
class Figures:
    offerings: int = 0
    views: int = 0
    bookings: int = 0
    attended: int = 0
    no_shows: int = 0
    reviews: int = 0
    rating_sum: int = 0

    @property
    def rating(self) -> float | None:
        """The mean over the reviews (not over offerings' means)."""
        return round(self.rating_sum / self.reviews, 2) if self.reviews else None

    def add(self, row: dict[str, Any]) -> None:
        self.offerings += 1
        self.views += row["f_views"]
        self.bookings += row["f_bookings"]
        self.attended += row["f_attended"]
        self.no_shows += row["f_no_shows"]
        self.reviews += row["f_reviews"]
        self.rating_sum += row["f_rating_sum"]


@dataclass
class ProviderFigures:
    views: int
    bookings: int
    attended: int
    no_shows: int
    reviews: int
    rating: float | None
    days: int
    since: dt.date


def provider_figures(provider: Provider, *, days: int = DEFAULT_PERIOD, now: dt.datetime | None = None) -> ProviderFigures:
    total = Figures()
    for row in offering_stats(Offering.objects.filter(provider=provider), days=days, now=now):
        total.add(row)
    return ProviderFigures(views=total.views, bookings=total.bookings, attended=total.attended, no_shows=total.no_shows,
                           reviews=total.reviews, rating=total.rating, days=days, since=_since(days, now).date())


def per_offering_figures(provider: Provider, *, days: int = DEFAULT_PERIOD) -> dict[int, Figures]:
    out: dict[int, Figures] = {}
    for row in offering_stats(Offering.objects.filter(provider=provider), days=days):
        out.setdefault(row["id"], Figures()).add(row)
    return out


def area_figures(actor: Any, *, days: int = DEFAULT_PERIOD) -> list[dict[str, Any]]:
    """Per approved provider in the admin's area: offerings, views, bookings, attendance, reviews
    and rating over the period."""
    providers = {p.pk: p for p in Provider.objects.filter(scope_q(scope_paths(actor, VET_ROLES)), state=Provider.State.APPROVED)[:2000]}
    acc: dict[int, Figures] = {pk: Figures() for pk in providers}
    for row in offering_stats(Offering.objects.filter(provider_id__in=list(providers)), days=days):
        acc[row["provider_id"]].add(row)
    rows: list[dict[str, Any]] = [{"id": pk, "name": providers[pk].name, "region_path": providers[pk].region_path, "n_offerings": f.offerings,
             "views": f.views, "bookings": f.bookings, "attended": f.attended, "reviews": f.reviews, "rating": f.rating}
            for pk, f in acc.items()]
    return sorted(rows, key=lambda r: (-r["bookings"], r["name"]))[:200]


def figures_by_place(actor: Any, *, days: int = DEFAULT_PERIOD) -> dict[str, list[dict[str, Any]]]:
    """Views, bookings, attendance and ratings of the offerings in the admin's area over the
    period, per street (the provider's vetting street) and per community served."""
    from linli.regions.selectors import names_of

    rows = offering_stats(Offering.objects.filter(scope_q(scope_paths(actor, VET_ROLES), field="provider__region_path")),
                          days=days)
    served: dict[int, list[str]] = {}
    for oid, path in Offering.communities.through.objects.filter(offering_id__in=[r["id"] for r in rows]).values_list(
            "offering_id", "regionnode__path"):
        served.setdefault(oid, []).append(path)

    def group(keys_of: Any) -> list[dict[str, Any]]:
        acc: dict[str, Figures] = {}
        for r in rows:
            for key in keys_of(r):
                acc.setdefault(key, Figures()).add(r)
        names = names_of(acc)
        return [{"path": key, "name": names.get(key, key), "offerings": f.offerings, "views": f.views, "bookings": f.bookings,
                 "attended": f.attended, "reviews": f.reviews, "rating": f.rating}
                for key, f in sorted(acc.items(), key=lambda kv: -kv[1].bookings)]

    return {"streets": group(lambda r: [r["provider__region_path"][:9]]), "communities": group(lambda r: served.get(r["id"], []))}


def review_follow_ups_for(actor: Any, *, overdue: bool = False) -> QuerySet[FollowUp]:
    """The open follow-ups of bad reviews (core.followups) the actor answers or oversees: those of
    the providers they work for (the reply answers them) and, for station admins, those of their
    area. Overdue first; ``overdue`` keeps only those past their deadline."""
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    mine = Review.objects.filter(offering__provider__staff=actor).values("pk")
    qs = FollowUp.objects.of_model(Review).filter(status=FollowUp.Status.OPEN).filter(
        Q(object_id__in=mine) | scope_q(scope_paths(actor, VET_ROLES)))
    if overdue:
        qs = qs.filter(due_date__lt=timezone.localdate())
    reviews = Review.objects.select_related("offering__provider", "user")
    return qs.prefetch_related(GenericPrefetch("target", [reviews])).order_by("due_date", "id")  # type: ignore[type-var]


def answers_review_follow_ups(actor: Any) -> bool:
    """Whether the follow-up list is for this person: a provider's staff or a station admin."""
    from linli.accounts.selectors import has_role

    return has_role(actor, VET_ROLES) or Provider.staff.through.objects.filter(user_id=actor.pk).exists()


# ---------------------------------------------------------------- the public portal (core.registry)

def _portal_item(o: Offering) -> Any:
    from django.urls import reverse

    from linli.core.registry import PortalItem

    price = o.price or o.get_price_type_display()
    return PortalItem(title=o.title, url=reverse("station:offering", args=[o.pk]),
                      summary=f"{o.get_category_display()} · {price}")


def _serving(region_path: str) -> QuerySet[Offering]:
    """Visible offerings serving a community under ``region_path`` (the provider's name is not shown)."""
    return visible().filter(Exists(Offering.communities.through.objects.filter(
        offering_id=OuterRef("pk"), regionnode__path__startswith=region_path)))


def portal_offerings(region_path: str, limit: int) -> list[Any]:
    """The portal's 驿站服务 section: the services offered to the area's communities, newest first."""
    return [_portal_item(o) for o in _serving(region_path).order_by("-id")[:limit]]


def portal_search(region_path: str, q: str, limit: int) -> list[Any]:
    q = (q or "").strip().lower()[:30]
    if not q:
        return []
    return [_portal_item(o) for o in _serving(region_path).filter(search_text__contains=q).order_by("-id")[:limit]]


def portal_more(region_path: str) -> str:
    """The list the portal's "more" opens: filtered to the community, or to the street or district
    (``?area=``, its region path) — the same offerings the section shows."""
    from urllib.parse import urlencode

    from django.urls import reverse

    url = reverse("station:browse")
    if not region_path:
        return url
    return f"{url}?{urlencode({'community' if len(region_path) == 12 else 'area': region_path})}"
