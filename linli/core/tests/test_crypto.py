import base64
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

from linli.core import crypto
from linli.regions.models import Resident


def _key():
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def keys(settings):
    old = f"k1:{_key()}"
    settings.LINLI_DATA_KEYS = old
    settings.LINLI_LOOKUP_KEY = _key()
    crypto.reset_key_cache()
    yield settings
    crypto.reset_key_cache()


def test_roundtrip_tamper_and_unknown_key(keys):
    token = crypto.encrypt("44010619900307001X")
    assert token.startswith("k1$") and "4401" not in token
    assert crypto.decrypt(token) == "44010619900307001X"
    assert crypto.encrypt("同一值") != crypto.encrypt("同一值")  # random nonce
    blob = bytearray(base64.b64decode(token.split("$")[1]))
    blob[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - AES-GCM authentication failure
        crypto.decrypt("k1$" + base64.b64encode(bytes(blob)).decode())
    with pytest.raises(crypto.KeyConfigError):
        crypto.decrypt("k9$" + token.split("$")[1])
    assert crypto.lookup_hash("44010619900307001x") == crypto.lookup_hash("44010619900307001X")


@pytest.mark.django_db
def test_rotation_reencrypts_and_keeps_search(keys, tree, registry):
    r = registry.resident(household=registry.household(tree.g_liede1), phone="13812345678")
    hash_before = Resident.objects.get(pk=r.pk).id_hash
    keys.LINLI_DATA_KEYS = f"k2:{_key()},{keys.LINLI_DATA_KEYS}"
    crypto.reset_key_cache()
    call_command("reencrypt_personal_data", stdout=io.StringIO())
    with connection.cursor() as cur:
        cur.execute("select id_number, phone from regions_resident where id = %s", [r.pk])
        raw = cur.fetchone()
    assert all(v.startswith("k2$") for v in raw)
    keys.LINLI_DATA_KEYS = keys.LINLI_DATA_KEYS.split(",")[0]  # the old key is gone
    crypto.reset_key_cache()
    fresh = Resident.objects.get(pk=r.pk)
    assert fresh.id_number == r.id_number and fresh.phone == "13812345678"
    assert fresh.id_hash == hash_before == crypto.lookup_hash(r.id_number)
