"""Who may do what with a shared space. A venue is run through its bookable resource: whoever
sets the resource's schedule (``booking.edit_schedule``: the admins of its area, the staff named
on it) edits, closes and reopens the venue; whoever runs the resource (``booking.manage``) keeps
its day sheet; whoever may book the resource books the venue while it is listed."""

from __future__ import annotations

import rules

from linli.accounts.roles import ADMIN_ROLES
from linli.accounts.selectors import has_role, in_scope


@rules.predicate
def admin_over_node(user, node) -> bool:  # type: ignore[no-untyped-def]
    """An admin over the community a venue would be opened in (without one: an admin somewhere)."""
    if node is None:
        return has_role(user, ADMIN_ROLES)
    return in_scope(user, ADMIN_ROLES, node.path)


@rules.predicate
def edits_its_resource(user, venue) -> bool:  # type: ignore[no-untyped-def]
    return venue is not None and bool(user.has_perm("booking.edit_schedule", venue.resource))


@rules.predicate
def runs_its_resource(user, venue) -> bool:  # type: ignore[no-untyped-def]
    return venue is not None and bool(user.has_perm("booking.manage", venue.resource))


@rules.predicate
def may_book_it(user, venue) -> bool:  # type: ignore[no-untyped-def]
    return venue is not None and venue.public and bool(user.has_perm("booking.book", venue.resource))


rules.add_perm("spaces.open_venue", admin_over_node)
rules.add_perm("spaces.edit_venue", edits_its_resource)
rules.add_perm("spaces.manage_bookings", runs_its_resource)
rules.add_perm("spaces.book_venue", may_book_it)
