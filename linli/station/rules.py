"""Who may do what in the station: the street and community admins vet the providers of their
area and moderate their reviews; a provider's own staff run it, its offerings and its replies."""

import rules

from linli.accounts.roles import ADMIN_ROLES
from linli.accounts.rules import holds_over

VET_ROLES = ADMIN_ROLES  # the admins over the provider's area (its street or community)

vet = holds_over(*VET_ROLES)


def _staff_of(user, provider) -> bool:  # type: ignore[no-untyped-def]
    if provider is None or not getattr(user, "is_authenticated", False):
        return False
    prefetched = getattr(provider, "_prefetched_objects_cache", {}).get("staff")
    if prefetched is not None:  # a page listing providers read their staff once for all
        return any(u.pk == user.pk for u in prefetched)
    return bool(provider.staff.filter(pk=user.pk).exists())


@rules.predicate
def runs_provider(user, provider) -> bool:  # type: ignore[no-untyped-def]
    """On the provider's staff."""
    return _staff_of(user, provider)


@rules.predicate
def runs_offering(user, offering) -> bool:  # type: ignore[no-untyped-def]
    return offering is not None and _staff_of(user, offering.provider)


@rules.predicate
def answers_review(user, review) -> bool:  # type: ignore[no-untyped-def]
    """On the staff of the provider whose offering was reviewed."""
    return review is not None and _staff_of(user, review.offering.provider)


@rules.predicate
def moderates_review(user, review) -> bool:  # type: ignore[no-untyped-def]
    return review is not None and vet.test(user, review.offering.provider)


rules.add_perm("station.vet", vet)
rules.add_perm("station.run", runs_provider)
rules.add_perm("station.run_offering", runs_offering)
rules.add_perm("station.reply", answers_review)
rules.add_perm("station.moderate", moderates_review)
