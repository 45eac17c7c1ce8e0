import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
J = {"content_type": "application/json"}


def test_prof(client, world, sms):
    a = world.voting()
    client.force_login(world.wang_user)
    r = client.post(f"/api/v1/assemblies/{a.pk}/vote-code")
    assert r.status_code == 204
    with CaptureQueriesContext(connection) as q:
        r = client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": {"1": "agree", "2": "abstain"}, "code": sms[world.wang_user.phone]}, **J)
    assert r.status_code == 201, r.content
    for x in q.captured_queries:
        print(x["time"], x["sql"][:220])
    print("N", len(q.captured_queries))
    with CaptureQueriesContext(connection) as q:
        r = client.get(f"/api/v1/assemblies/{a.pk}/turnout")
    print("turnout", r.status_code)
    for x in q.captured_queries:
        print(x["time"], x["sql"][:220])
