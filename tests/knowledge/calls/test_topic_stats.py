"""knowledge.calls.topic_stats: a topic's size last period, its trend and call measures, without the database."""

from __future__ import annotations

import pytest

from knowledge.calls.topic_stats import CallMeasures, previous_sizes, size_and_trend


def test_a_sample_s_topic_counts_are_scaled_to_the_previous_period():
    # 4 sampled calls out of 100: two in topic 0, one in topic 2, one in none.
    sizes = previous_sizes([0, 2, -1, 0], clusters=3, previous_total=100)
    assert list(sizes) == [50.0, 0.0, 25.0]


@pytest.mark.parametrize(("predicted", "total"), [([], 100), ([0, 1], 0)])
def test_no_previous_period_or_no_sample_gives_zeros(predicted, total):
    assert list(previous_sizes(predicted, clusters=2, previous_total=total)) == [0.0, 0.0]


def test_trend_is_the_relative_change_and_a_new_topic_counts_as_doubling():
    assert size_and_trend(30, 19.6, 100) == (20, 0.5)
    assert size_and_trend(10, 0.2, 100) == (0, 1.0)
    assert size_and_trend(10, 5.0, 0) == (None, None)


def test_call_measures_are_means_over_the_topic_s_calls():
    measures = CallMeasures(
        durations=[60, 120, 300], repeats=[True, False, False], transfers=[0, 1, 1], escalations=[0, 0, 1]
    )
    assert measures.of([1, 2]) == {
        "avg_duration": 210.0,
        "repeat_rate": 0.0,
        "transfer_rate": 1.0,
        "escalation_rate": 0.5,
    }
