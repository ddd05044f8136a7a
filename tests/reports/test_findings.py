"""Findings: computed from the figures, each carrying the numbers it states and its section."""

from __future__ import annotations

import pytest

from reports import figures
from reports.findings import describe, findings

from .conftest import NOV

pytestmark = pytest.mark.django_db


def test_findings_of_the_fixture_month(month_data):
    f = figures.compute(client=month_data["client"], since=NOV[0], until=NOV[1])
    by_kind = {}
    for x in f["findings"]:
        by_kind.setdefault(x["kind"], []).append(x)
    assert by_kind["volume_change"][0]["params"] == {"calls": 6, "previous": 3, "change_pct": 100}
    # 해외 결제: 1050 s against the overall 435 s.
    assert by_kind["long_topic"][0]["params"] == {
        "label": "해외 결제",
        "aht": 1050,
        "overall": 435,
        "ratio": 2.4,
        "calls": 2,
    }
    assert by_kind["costly_gap"][0]["params"] == {"label": "해외 결제", "calls": 2, "share_pct": 33.3}
    assert {x["params"]["metric"] for x in by_kind["rate_change"]} == {
        "repeat_rate",
        "transfer_rate",
        "escalation_rate",
    }
    assert by_kind["zero_search"][0]["params"] == {"term": "애플페이", "count": 3}
    assert by_kind["unhelpful_article"][0]["params"]["not_helpful"] == 3
    assert by_kind["peak_hour"][0]["params"] == {"weekday": 0, "hour": 9, "calls": 2}
    # Too few calls for a "rising" topic (at least 10 calls), and 2 abusive calls is under the bar of 3.
    assert "rising_topic" not in by_kind and "abusive_rise" not in by_kind
    # Every finding points at a section of the page.
    assert {x["section"] for x in f["findings"]} <= {
        "volume",
        "topics",
        "categories",
        "coverage",
        "quality",
        "search",
        "feedback",
        "rhythm",
    }


def _base(**over):
    f = {
        "totals": {
            "calls": 1000,
            "aht": 300.0,
            "repeat_rate": 0.1,
            "transfer_rate": 0.05,
            "escalation_rate": 0.01,
        },
        "previous": {
            "calls": 1000,
            "aht": 300.0,
            "repeat_rate": 0.1,
            "transfer_rate": 0.05,
            "escalation_rate": 0.01,
        },
        "changes": {
            "calls": 0.0,
            "aht": 0.0,
            "repeat_rate": 0.0,
            "transfer_rate": 0.0,
            "escalation_rate": 0.0,
        },
        "mining": {"topics": [], "gaps": [], "coverage": None, "run": None},
        "categories": [],
        "care": {"abusive_calls": 0, "previous": 0},
        "search": {"zero_terms": []},
        "feedback": {"worst": []},
        "heatmap": [[0] * 24 for _ in range(7)],
    }
    f.update(over)
    return f


def _topic(label, calls, previous, trend, aht=300.0):
    return {"label": label, "calls": calls, "previous": previous, "trend": trend, "aht": aht}


def test_rising_topics_are_the_largest_increases_first():
    f = _base(
        mining={
            "topics": [
                _topic("요금 문의", 200, 100, 1.0),  # +100 calls
                _topic("해지", 150, 30, 4.0),  # +120 calls: first although a smaller topic
                _topic("배송", 50, 45, 0.111),  # under +20 %
                _topic("쿠폰", 9, 1, 8.0),  # under 10 calls
            ],
            "gaps": [],
            "coverage": None,
            "run": None,
        }
    )
    rising = [x for x in findings(f) if x["kind"] == "rising_topic"]
    assert [x["params"]["label"] for x in rising] == ["해지", "요금 문의"]
    assert rising[0]["params"] == {"label": "해지", "calls": 150, "previous": 30, "trend_pct": 400}


def test_categories_stand_in_when_nothing_was_mined():
    f = _base(categories=[{"name": "분실", "calls": 300, "previous": 100, "trend": 2.0, "aht": 500.0}])
    kinds = [x["kind"] for x in findings(f)]
    assert "rising_category" in kinds and "long_category" in kinds


def test_small_changes_make_no_findings():
    f = _base(
        changes={
            "calls": 0.05,
            "aht": 0.0,
            "repeat_rate": 0.01,
            "transfer_rate": -0.019,
            "escalation_rate": 0.0,
        }
    )
    assert [x["kind"] for x in findings(f)] == []


def test_no_calls_no_findings():
    assert findings(_base(totals={"calls": 0, "aht": 0})) == []


def test_sentences_carry_the_numbers():
    assert describe(
        {
            "kind": "volume_change",
            "section": "volume",
            "params": {"calls": 1200, "previous": 1000, "change_pct": 20},
        }
    ) == ("Calls rose 20% against the previous period (1,000 → 1,200).")
    assert (
        describe(
            {
                "kind": "costly_gap",
                "section": "coverage",
                "params": {"label": "해외 결제", "calls": 2, "share_pct": 33.3},
            }
        )
        == "The manual does not cover “해외 결제”: 2 calls (33.3% of all) had no article."
    )
    assert "7 min 30 s" in describe(
        {
            "kind": "long_topic",
            "section": "topics",
            "params": {"label": "x", "aht": 450, "overall": 300, "ratio": 1.5, "calls": 9},
        }
    )
