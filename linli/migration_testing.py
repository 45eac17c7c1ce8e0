"""What the data-migration tests share: run the test with the schema migrated back to the state
before a migration, and always bring the whole schema forward again afterwards (the rest of the
suite needs it); the two region nodes most of them build their old rows on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def migrated_to(targets: list[tuple[str, str]]) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    try:
        yield executor
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def city_and_community(node_model: Any) -> tuple[Any, Any]:
    """广州市 and 猎德社区 as rows of the historical ``RegionNode``."""
    city = node_model.objects.create(code="440100000000", path="4401", name="广州市", full_name="广州市", level="city")
    sq = node_model.objects.create(code="440106001001", path="440106001001", name="猎德社区", full_name="猎德社区",
                                   level="community", parent=city)
    return city, sq
