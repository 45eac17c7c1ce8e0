"""Serial numbers: unique under concurrent callers, blocks outside transactions, exact inside."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from linli.core import numbers
from linli.core.models import NumberSequence


@pytest.mark.django_db
def test_inside_a_transaction_a_rollback_gives_the_number_back() -> None:
    first = numbers.next_value("t", start=lambda: 100)
    assert first == 100
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbers.next_value("t") == 101
        raise RuntimeError
    assert numbers.next_value("t") == 101
    assert NumberSequence.objects.get(name="t").next_value == 102


@pytest.mark.django_db(transaction=True)
def test_outside_transactions_blocks_are_reserved_and_never_repeat() -> None:
    values = [numbers.next_value("blk") for _ in range(numbers.BLOCK + 5)]
    assert values == list(range(1, numbers.BLOCK + 6))
    # two blocks reserved, the row points past both
    assert NumberSequence.objects.get(name="blk").next_value == 2 * numbers.BLOCK + 1
    numbers.forget_blocks()  # another process (or a restart) skips the rest, never repeats
    assert numbers.next_value("blk") == 2 * numbers.BLOCK + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_get_distinct_numbers() -> None:
    got: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            mine = [numbers.next_value("conc") for _ in range(40)]
            with lock:
                got.extend(mine)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 240 and len(set(got)) == 240
