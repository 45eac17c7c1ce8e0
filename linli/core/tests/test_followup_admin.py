"""The admin list of follow-ups: read-only, cut to the viewer's area."""

import pytest
from django.contrib.auth.models import Permission

from linli.accounts.roles import Role
from linli.core import calendar, followups
from linli.core.models import FollowUp

pytestmark = pytest.mark.django_db


def test_follow_ups_in_admin_are_read_only_and_of_the_viewers_area(client, tree, make_user, root):
    calendar.invalidate()
    mine, _ = followups.open_for(tree.g_liede1, rating=1, region_path=tree.g_liede1.path)
    other, _ = followups.open_for(tree.g_pantang, rating=2, region_path=tree.g_pantang.path)
    staff = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.all())  # even with every permission
    client.force_login(staff)
    listing = client.get("/admin/core/followup/")
    assert listing.status_code == 200
    shown = list(listing.context["cl"].result_list)
    assert shown == [mine]
    assert client.get(f"/admin/core/followup/{other.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/core/followup/add/").status_code == 403
    page = client.get(f"/admin/core/followup/{mine.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    assert client.post(f"/admin/core/followup/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert FollowUp.objects.count() == 2
    client.force_login(root)
    assert len(client.get("/admin/core/followup/").context["cl"].result_list) == 2
