import rules

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.rules import holds_over

from .states import APPLICANT_WITHDRAWS_IN

CASE_ROLES = (Role.CASEWORKER, *ADMIN_ROLES)

handle = holds_over(*CASE_ROLES)  # over the accepting community (the application's region_path)
supervise = holds_over(*ADMIN_ROLES)  # 督办: the admins of the community, street, district or city


@rules.predicate
def is_applicant(user, application) -> bool:  # type: ignore[no-untyped-def]
    return application is not None and application.applicant_user_id is not None and \
        application.applicant_user_id == getattr(user, "pk", None)


@rules.predicate
def not_started(user, application) -> bool:  # type: ignore[no-untyped-def]
    """The window has not started the work (or waits for the applicant's corrections)."""
    return application is not None and application.status in APPLICANT_WITHDRAWS_IN


rules.add_perm("affairs.handle", handle)
rules.add_perm("affairs.supervise", supervise)
rules.add_perm("affairs.apply", is_applicant)
rules.add_perm("affairs.view", is_applicant | handle)
# 撤回: the window at any open step; the applicant on their own only before the work has started
rules.add_perm("affairs.withdraw", handle | (is_applicant & not_started))
# 补正: the applicant uploads, the window receives paper copies
rules.add_perm("affairs.supply", is_applicant | handle)
