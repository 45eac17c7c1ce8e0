"""Django admin for scoped staff: every section is cut to their area or kept for superusers,
whatever model permissions they were given; the sections of other packages are in Chinese."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from linli.accounts.roles import Role

pytestmark = pytest.mark.django_db

SUPERUSER_ONLY = ["/admin/messaging/message/", "/admin/messaging/delivery/", "/admin/axes/accessattempt/", "/admin/axes/accesslog/",
                  "/admin/axes/accessfailurelog/", "/admin/django_tasks_database/dbtaskresult/", "/admin/auth/group/",
                  "/admin/accounts/user/", "/admin/accounts/apitoken/", "/admin/workorders/open311client/"]


@pytest.fixture
def rows(tree, registry, make_user):
    """Personal rows of two areas: a notification, a login record, a task result, a suspension
    and a venue in 猎德 and in 泮塘."""
    from axes.models import AccessAttempt
    from django_tasks_db.models import DBTaskResult

    from linli.booking.models import Resource, Suspension
    from linli.messaging.models import Message
    from linli.spaces.models import Venue

    people = {}
    for key, grid, name, phone in (("liede", tree.g_liede1, "猎德居民", "13900005551"),
                                   ("pantang", tree.g_pantang, "泮塘居民", "13900005552")):
        person = registry.resident(household=registry.household(grid), name=name)
        people[key] = make_user(Role.RESIDENT, grid, phone=phone, resident=person)
        Message.objects.create(user=people[key], kind="booking.reservation", text=f"{name}的预约签到码 K{key.upper()}")
        Suspension.objects.create(user=people[key], until=timezone.now() + dt.timedelta(days=7), reason=f"{name}多次爽约")
        community = tree.liede_sq if key == "liede" else tree.pantang
        res = Resource.objects.create(name=f"{name}活动室", region=community, region_path=community.path)
        Venue.objects.create(name=f"{community.name}活动室", kind="room", owner="社区", address="某路1号", resource=res)
    AccessAttempt.objects.create(username="13900005552", ip_address="192.0.2.1", user_agent="x", http_accept="x",
                                 path_info="/accounts/login/", get_data="", post_data="", failures_since_start=3)
    DBTaskResult.objects.create(task_path="linli.core.tasks.supervision_sweep", args_kwargs={"args": [], "kwargs": {}},
                                backend_name="default", queue_name="default", run_after=timezone.now())
    return people


@pytest.fixture
def community_admin(tree, make_user):
    staff = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.all())  # even given every permission
    return staff


def test_a_community_admin_sees_only_their_area_and_no_superuser_section(client, rows, community_admin):
    client.force_login(community_admin)
    index = client.get("/admin/").content.decode()
    for url in SUPERUSER_ONLY:
        assert url not in index, url
        assert client.get(url).status_code == 403, url
    assert "登录记录" not in index and "后台任务" not in index
    venues = client.get("/admin/spaces/venue/").content.decode()
    assert "猎德社区活动室" in venues and "泮塘社区活动室" not in venues
    suspensions = client.get("/admin/booking/suspension/").content.decode()
    assert "猎德居民多次爽约" in suspensions and "泮塘居民多次爽约" not in suspensions
    from linli.spaces.models import Venue

    theirs = Venue.objects.get(name="泮塘社区活动室")
    assert client.get(f"/admin/spaces/venue/{theirs.pk}/change/").status_code == 302  # not found in scope: back to the list
    for url in ("/admin/station/offering/", "/admin/station/review/"):
        assert client.get(url).status_code == 200
    assert "KPANTANG" not in client.get("/admin/messaging/message/").content.decode()


def test_superusers_see_those_sections_in_chinese(client, rows, root):
    client.force_login(root)
    index = client.get("/admin/").content.decode()
    assert "登录记录" in index and "登录失败计数" in index and "后台任务" in index and "任务记录" in index
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "13900005552" in page and "失败次数" in page
    assert "KPANTANG" in client.get("/admin/messaging/message/").content.decode()
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 200
