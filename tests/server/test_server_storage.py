"""The url-result store stays within its file and byte budgets."""

from __future__ import annotations

from editor.server.storage import ResultStore


def test_oldest_results_go_first_past_the_byte_budget() -> None:
    store = ResultStore(capacity=100, max_bytes=1000)
    names = [store.put(bytes(400), "image/png", "png") for _ in range(4)]
    assert len(store) == 2
    assert store.get(names[0]) is None and store.get(names[1]) is None
    assert store.get(names[3]) is not None


def test_a_single_result_over_budget_is_still_served() -> None:
    store = ResultStore(max_bytes=10)
    name = store.put(bytes(50), "image/png", "png")
    assert store.get(name) is not None
