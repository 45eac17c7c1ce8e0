"""Who may do what with a message and a notification setting: a message is its recipient's alone
(staff of every rank included: an admin reads no one else's inbox); a kind's channel may be
switched off by a signed-in person unless the kind is a legal notice (``mutable=False``)."""

import rules


@rules.predicate
def is_recipient(user, message) -> bool:  # type: ignore[no-untyped-def]
    return message is not None and getattr(user, "is_authenticated", False) and message.user_id == user.pk


@rules.predicate
def kind_is_mutable(user, kind) -> bool:  # type: ignore[no-untyped-def]
    return kind is not None and bool(getattr(kind, "mutable", False))


signed_in = rules.is_authenticated

rules.add_perm("messaging.read", is_recipient)
rules.add_perm("messaging.mark_read", is_recipient)
rules.add_perm("messaging.mute", signed_in & kind_is_mutable)
