"""Each figure of the diagnosis on the small November fixture (tests/reports/conftest.py), by hand."""

from __future__ import annotations

import pytest

from reports import figures

from .conftest import NOV

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(month_data):
    return figures.compute(client=month_data["client"], since=NOV[0], until=NOV[1])


def test_period_and_previous_period(f):
    assert f["period"] == {"start": "2026-11-01", "end": "2026-11-30", "days": 30}
    assert f["previous_period"] == {"start": "2026-10-01", "end": "2026-10-31"}


def test_totals_and_rates(f):
    t = f["totals"]
    # 120 + 300 + 60 + 600 + 30 + 1500 = 2610 s over 6 calls; December's and client_b's calls excluded.
    assert t["calls"] == 6
    assert t["handle_seconds"] == 2610
    assert t["aht"] == 435.0
    assert (t["repeat"], t["transferred"], t["escalated"]) == (2, 1, 1)
    assert t["repeat_rate"] == 0.3333
    assert t["transfer_rate"] == 0.1667
    assert t["escalation_rate"] == 0.1667
    assert t["agents"] == 1


def test_previous_period_and_changes(f):
    p = f["previous"]
    # 200 + 400 + 100 (10-31 23:59 Seoul is still October) = 700 s over 3 calls.
    assert (p["calls"], p["handle_seconds"], p["aht"]) == (3, 700, 233.3)
    assert p["transfer_rate"] == 0.3333
    assert f["changes"]["calls"] == 1.0  # 3 → 6
    assert f["changes"]["aht"] == round((435.0 - 233.3) / 233.3, 4)
    assert f["changes"]["repeat_rate"] == 0.3333  # 0 % → 33.33 %
    assert f["changes"]["transfer_rate"] == round(0.1667 - 0.3333, 4)


def test_volume_by_day_counts_in_seoul_time(f):
    daily = {d["date"]: d["calls"] for d in f["daily"]}
    assert len(daily) == 30 and sum(daily.values()) == 6
    assert daily["2026-11-02"] == 3
    assert daily["2026-11-03"] == 1
    assert daily["2026-11-04"] == 1  # 00:30 Seoul, 15:30 UTC the day before
    assert daily["2026-11-30"] == 1
    assert daily["2026-11-01"] == 0


def test_weekday_hour_heatmap(f):
    grid = f["heatmap"]
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert grid[0][9] == 2  # Monday 09h: two calls on 11-02
    assert grid[0][14] == 1 and grid[0][18] == 1
    assert grid[1][10] == 1  # Tuesday 10h
    assert grid[2][0] == 1  # Wednesday 00h
    assert sum(map(sum, grid)) == 6


def test_channel_mix(f):
    assert f["channels"] == [
        {"channel": "call", "calls": 4, "share": 0.6667, "aht": 630.0},  # (120+300+600+1500)/4
        {"channel": "chat", "calls": 2, "share": 0.3333, "aht": 45.0},  # (60+30)/2
    ]


def test_top_categories_with_trend(f):
    cats = {c["name"]: c for c in f["categories"]}
    assert [c["name"] for c in f["categories"]] == ["분실", "해외", "한도"]
    assert cats["분실"] | {} == {
        "name": "분실",
        "calls": 3,
        "share": 0.5,
        "previous": 2,
        "trend": 0.5,
        "aht": 150.0,
        "repeat_rate": 0.3333,
        "transfer_rate": 0.3333,
    }
    assert (cats["해외"]["calls"], cats["해외"]["previous"], cats["해외"]["trend"]) == (2, 1, 1.0)
    assert cats["해외"]["aht"] == 1050.0
    assert cats["한도"]["previous"] == 0 and cats["한도"]["trend"] is None  # new: nothing to compare


def test_handle_time_distribution_and_percentiles(f):
    ht = f["handle_time"]
    assert [b["calls"] for b in ht["buckets"]] == [1, 2, 0, 1, 1, 1]  # <1m, 1–3, 3–5, 5–10, 10–20, 20+
    assert sum(b["calls"] for b in ht["buckets"]) == 6
    # Sorted: 30 60 120 300 600 1500. Nearest rank: p50 = 3rd, p90 = 6th.
    assert (ht["p50"], ht["p90"], ht["longest"]) == (120, 1500, 1500)


def test_topics_coverage_and_gaps(f, month_data):
    m = f["mining"]
    assert m["run"]["id"] == month_data["run"].pk and m["run"]["exact"] is True
    assert [t["label"] for t in m["topics"]] == ["카드 분실", "해외 결제"]
    lost, abroad = m["topics"]
    assert lost["covered_by"] == month_data["lost"].pk and not lost["gap"]
    assert abroad["gap"] and abroad["trend"] == 1.0 and abroad["previous"] == 1
    assert m["coverage"] == {
        "rate": 0.5,
        "covered_calls": 3,
        "calls": 6,
        "topics": 2,
        "gap_topics": 1,
        "gap_calls": 2,
    }
    assert [g["label"] for g in m["gaps"]] == ["해외 결제"]


def test_no_mining_run_means_no_topics(org):
    result = figures.compute(client=org["client_b"], since=NOV[0], until=NOV[1])
    assert result["mining"] == {"run": None, "topics": [], "gaps": [], "coverage": None}
    assert result["totals"]["calls"] == 0 and result["findings"] == []


def test_abusive_calls(f):
    assert f["care"] == {"abusive_calls": 2, "previous": 1, "per_1000": 333.33, "counselling": 1}


def test_search_terms_and_zero_results(f):
    s = f["search"]
    assert (s["searches"], s["zero_results"], s["zero_rate"]) == (6, 3, 0.5)  # October's search excluded
    # " 애플페이 " is the same term as "애플페이".
    assert s["top_terms"] == [
        {"term": "애플페이", "count": 3, "zero": 3},
        {"term": "카드 분실", "count": 3, "zero": 0},
    ]
    assert s["zero_terms"] == [{"term": "애플페이", "count": 3}]


def test_article_feedback(f, month_data):
    fb = f["feedback"]
    assert (fb["helpful"], fb["not_helpful"], fb["helpful_rate"]) == (2, 3, 0.4)
    assert fb["worst"] == [
        {"id": month_data["lost"].pk, "title": "분실 신고", "helpful": 1, "not_helpful": 3}
    ]
    assert [c["comment"] for c in fb["comments"]] == ['=HYPERLINK("http://x")']


def test_figures_use_a_bounded_number_of_queries(month_data, django_assert_max_num_queries):
    # Aggregates only: the count does not grow with the number of call records.
    with django_assert_max_num_queries(25):
        figures.compute(client=month_data["client"], since=NOV[0], until=NOV[1])
