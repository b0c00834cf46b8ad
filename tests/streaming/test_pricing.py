"""usage → cost arithmetic, price tables, latency statistics (exact numbers)."""

from __future__ import annotations

import pytest

from editor.core.pricing import (
    Cost,
    Prices,
    PriceTable,
    Usage,
    add_usage,
    cost_of,
    default_prices,
    parse_usage,
)
from editor.core.stats import LatencyStats, ProfileStats, percentile

USAGE = {
    "input_tokens": 1_500,
    "output_tokens": 4_000,
    "total_tokens": 5_500,
    "input_tokens_details": {"text_tokens": 500, "image_tokens": 1_000},
}


def test_parse_usage() -> None:
    assert parse_usage(USAGE) == Usage(1500, 4000, 5500, 500, 1000)
    assert parse_usage({"input_tokens": 3, "output_tokens": 4}) == Usage(3, 4, 7, None, None)
    assert parse_usage(None) is None and parse_usage({"foo": 1}) is None
    assert parse_usage({"input_tokens": True, "output_tokens": 2}) == Usage(0, 2, 2)


def test_cost_arithmetic_exact() -> None:
    prices = Prices(5.0, 10.0, 40.0)
    cost = cost_of(parse_usage(USAGE) or Usage(), prices)
    # 500·5/1e6 + 1000·10/1e6 + 4000·40/1e6 = 0.0025 + 0.01 + 0.16
    assert cost.text_input == pytest.approx(0.0025, abs=1e-12)
    assert cost.image_input == pytest.approx(0.01, abs=1e-12)
    assert cost.image_output == pytest.approx(0.16, abs=1e-12)
    assert cost.amount == pytest.approx(0.1725, abs=1e-12)
    assert cost.estimate is True  # default-style prices are estimates


def test_unsplit_input_is_charged_at_the_image_rate_and_marked() -> None:
    table = PriceTable()
    table.set("gw-model", 1.0, 2.0, 4.0)
    cost = table.cost("gw-model", {"input_tokens": 1_000_000, "output_tokens": 500_000})
    assert cost == Cost(2.0 + 2.0, True, 0.0, 2.0, 2.0)
    exact = table.cost("gw-model", USAGE)
    assert exact is not None and exact.estimate is False
    assert exact.amount == pytest.approx(500 * 1e-6 + 1000 * 2e-6 + 4000 * 4e-6, abs=1e-12)


def test_table_defaults_snapshots_and_json_round_trip() -> None:
    table = PriceTable()
    assert table.for_model("gpt-image-1") == default_prices()["gpt-image-1"]
    assert table.for_model("gpt-image-1-2025-04-15") == default_prices()["gpt-image-1"]
    assert table.for_model("unknown-gw-model") is None
    assert table.cost("unknown-gw-model", USAGE) is None
    local = table.cost("patchmatch", {"input_tokens": 0, "output_tokens": 0})
    assert local is not None and local.amount == 0 and local.estimate is False
    table.set("gpt-image-1", 1, 1, 1)
    restored = PriceTable.from_json(table.to_json())
    assert restored.for_model("gpt-image-1") == Prices(1, 1, 1, estimate=False, as_of=None)
    off = PriceTable.from_json({"use_defaults": False, "prices": {"x": {"text_input": "bad"}}})
    assert off.for_model("gpt-image-1") is None and off.prices == {}


def test_adding_usage_and_costs() -> None:
    both = add_usage(USAGE, USAGE)
    assert both is not None and both["total_tokens"] == 11_000
    assert both["input_tokens_details"] == {"text_tokens": 1000, "image_tokens": 2000}
    assert add_usage(None, None) is None
    assert Usage(1, 2, 3, 1, None) + Usage(1, 1, 2, 1, 0) == Usage(2, 3, 5, 2, None)
    total = Cost(1.0, False) + Cost(0.5, True)
    assert total.amount == 1.5 and total.estimate is True


def test_latency_stats() -> None:
    stats = LatencyStats()
    for seconds in (1.0, 2.0, 3.0, 4.0):
        stats.add(seconds)
    stats.add(None, failed=True)
    assert (stats.count, stats.failures) == (5, 1)
    assert stats.median == 2.5
    assert stats.p95 == pytest.approx(3.85)
    assert stats.sparkline() == [1.0, 2.0, 3.0, 4.0]
    assert percentile([], 50) is None
    for i in range(100):
        stats.add(float(i))
    assert len(stats.recent) == 50 and stats.recent[0] == 50.0


def test_profile_stats_sum_cost() -> None:
    profile = ProfileStats()
    profile.add_job(failed=False, cost=Cost(0.25, True))
    profile.add_job(failed=True)
    profile.add_job(failed=False, cost=Cost(0.5, False))
    profile.add_request(2.0, 0.5, failed=False)
    doc = profile.as_json()
    assert doc["jobs"] == 3 and doc["failed_jobs"] == 1
    assert doc["cost"]["amount"] == 0.75 and doc["cost"]["estimate"] is True
