"""Elections in the admin: read-only (every write goes through the services: the list's
corrections must be logged, the lifecycle kept), scoped to the area."""

from __future__ import annotations

from django.contrib import admin

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import (
    Candidate,
    CommitteeMember,
    Election,
    Nomination,
    PaperSheet,
    Participation,
    Round,
    Voter,
    VoterChange,
)

SCOPE = (Role.CASEWORKER, *ADMIN_ROLES)


class CommitteeInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    can_delete = False
    fields = ("resident", "role", "added_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("title", "community", "election_day", "mode", "status", "voters_total", "voters_published_at")
    list_filter = ("status", "mode")
    search_fields = ("title",)
    list_select_related = ("community",)
    inlines = (CommitteeInline,)


@admin.register(Voter)
class VoterAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    list_display = ("election", "resident_id", "number", "eligible", "votes", "basis", "refusals", "corrected")
    list_filter = ("eligible", "votes", "corrected")
    list_select_related = ("election",)
    raw_id_fields = ("election", "resident", "household")


@admin.register(VoterChange)
class VoterChangeAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    scope_field = "voter__region_path"
    list_display = ("election", "voter", "actor", "at", "reason", "after_publication")
    list_select_related = ("election", "actor")
    raw_id_fields = ("election", "voter", "actor")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    scope_field = "election__region_path"
    list_display = ("election", "post", "nominee", "by_committee", "status", "on_behalf", "entered_at")
    list_filter = ("post", "status", "by_committee")
    list_select_related = ("election", "nominee")
    raw_id_fields = ("election", "nominee", "entered_by", "answered_by")


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    scope_field = "election__region_path"
    list_display = ("election", "post", "position", "voter")
    list_filter = ("post",)
    list_select_related = ("election", "voter")
    raw_id_fields = ("election", "voter", "nomination")


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope_roles = SCOPE
    scope_field = "election__region_path"
    list_display = ("election", "no", "kind", "status", "registered", "opened_at", "closed_at", "counted_at")
    list_filter = ("kind", "status")
    list_select_related = ("election",)
    raw_id_fields = ("election",)


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Who voted, by which channel (never how: ballots are not in the admin)."""

    scope_roles = SCOPE
    scope_field = "round__election__region_path"
    list_display = ("round", "voter", "channel", "by", "at")
    list_filter = ("channel",)
    list_select_related = ("round__election", "voter", "by")
    raw_id_fields = ("round", "voter", "by")


@admin.register(PaperSheet)
class PaperSheetAdmin(ReadOnlyAdmin, ScopedAdmin):
    """The paper ballots' double entry: who entered and decided each sheet, never a voter."""

    scope_roles = SCOPE
    scope_field = "round__election__region_path"
    list_display = ("round", "no", "channel", "status", "first_by", "second_by", "decided_by")
    list_filter = ("channel", "status")
    list_select_related = ("round__election", "first_by", "second_by", "decided_by")
    raw_id_fields = ("round", "first_by", "second_by", "decided_by", "ballot")
