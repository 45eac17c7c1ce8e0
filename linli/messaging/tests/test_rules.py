"""The rules grid of messaging: every action on a message (unread, read) and on a kind (mutable,
a legal notice) for every role — a message is its recipient's alone, whatever the rank of whoever
else asks; a legal notice cannot be switched off by anyone."""

import pytest

from linli.core.tests.rules_grid import OWNER, ROLES, check_cell, make_actor, words
from linli.messaging import kinds, selectors
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db

MESSAGE_GRID = {"unread": "read mark_read", "read": "read"}  # the recipient's; everyone else: nothing


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["unread", "read"])
def test_message_grid(role, state, tree, make_user, registry):
    from django.utils import timezone

    actor = make_actor(role, tree, make_user, registry)
    recipient = actor if role == OWNER else make_user("resident", tree.g_liede1)
    message = Message.objects.create(user=recipient, kind="messaging.legacy", text="通知",
                                     read_at=timezone.now() if state == "read" else None)
    expected = words(MESSAGE_GRID[state]) if role == OWNER else set()
    check_cell(selectors.MESSAGE_ACTIONS, actor, message, expected)
    assert set(selectors.available_actions(actor, message)) == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("mutable", [True, False])
def test_kind_grid(role, mutable, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    kind = kinds.get("workorders.progress" if mutable else "affairs.certificate")
    assert kind.mutable is mutable
    expected = {"mute"} if mutable and role != "anonymous" else set()
    check_cell(selectors.KIND_ACTIONS, actor, kind, expected)
