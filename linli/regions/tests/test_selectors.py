"""Selectors of the region tree that intake calls with codes from outside."""

from __future__ import annotations

import warnings

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning

from linli.regions import selectors

pytestmark = pytest.mark.django_db


def test_node_by_code_finds_a_node_and_names_none_for_anything_else(tree):
    cache.clear()
    assert selectors.node_by_code(tree.g_liede1.code) == tree.g_liede1
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # nothing odd reaches the cache as a key
        for junk in ("", "ø\x10¶", "4401 06", "440106001001001001", "４４０１０６", "abc:def", " " * 10):
            assert selectors.node_by_code(junk) is None
