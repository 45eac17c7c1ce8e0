import io

import pytest
from django.core.management import call_command

from linli.accounts.models import User
from linli.core import idcard
from linli.regions.models import RegionNode, Resident
from linli.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_realistic():
    out = io.StringIO()
    call_command("seed_demo", residents=600, stdout=out)
    text = out.getvalue()
    assert "liede_caseworker" in text and "13800138000" in text and "Linli@2026" in text
    counts = (Resident.objects.count(), WorkOrder.objects.count(), User.objects.count())
    call_command("seed_demo", residents=600, quiet=True, stdout=io.StringIO())
    assert (Resident.objects.count(), WorkOrder.objects.count(), User.objects.count()) == counts
    assert RegionNode.objects.filter(level="district").count() == 11
    assert RegionNode.objects.get(code="440103001001").name == "泮塘社区"
    for r in Resident.objects.all()[:200]:
        assert idcard.parse(r.id_number).birth_date == r.birth_date
    assert WorkOrder.objects.filter(status="rated").exists() and WorkOrder.objects.filter(status="submitted").exists()
    from linli.core.models import FollowUp
    from linli.station.models import Review

    bad = Review.objects.get(rating=2)  # the provider's follow-up list has a bad review to answer
    from django.contrib.contenttypes.models import ContentType

    assert FollowUp.objects.filter(content_type=ContentType.objects.get_for_model(Review), object_id=bad.pk, status="open", region_path=bad.offering.provider.region_path).exists()
