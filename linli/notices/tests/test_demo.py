import io

import pytest
from django.core.management import call_command

from linli.notices.models import Notice, NoticeHousehold

pytestmark = pytest.mark.django_db


def test_demo_notices_include_a_must_reach_one_in_a_compound():
    call_command("seed_demo", residents=400, quiet=True, stdout=io.StringIO())
    call_command("seed_notices_demo", stdout=io.StringIO())  # again: nothing twice
    Notice.objects.filter(title__startswith="关于召开").delete()  # the demo owners' assembly's notice
    from linli.consultation.models import Meeting

    Notice.objects.filter(pk__in=Meeting.objects.values("notice_id")).delete()  # the demo consultation meetings' notices
    assert Notice.objects.count() == 3
    must = Notice.objects.get(must_reach=True)
    assert must.scope == "compound" and must.status == "published" and must.households_total > 0
    assert NoticeHousehold.objects.filter(notice=must).count() == must.households_total
    assert Notice.objects.filter(version=2).count() == 1
