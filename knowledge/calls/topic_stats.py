"""Topic statistics of a mining run: plain arithmetic over the calls' numbers (no database).

`services._mine` reads the call rows and the clustering (`mining.py`), then asks this module for
each topic's size last period, its trend and its call measures. Like `mining.py`, everything here
takes and returns plain values, so it is tested without the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def previous_sizes(predicted: Sequence[int], *, clusters: int, previous_total: int) -> np.ndarray:
    """Each topic's estimated size in the previous period: the topic counts of a sample of its
    calls (`predicted`: the topic of each sampled call, -1 for none) scaled to the period's total.
    Zeros when there is no previous period or no sample."""
    if not previous_total or not clusters or not len(predicted):
        return np.zeros(max(clusters, 1))
    topics = np.array(predicted)
    counts = np.bincount(topics[topics >= 0], minlength=clusters)
    return counts * (previous_total / len(predicted))


def size_and_trend(size: int, previous_size: float, previous_total: int) -> tuple[int | None, float | None]:
    """(previous size rounded, relative change): (None, None) without a previous period; a topic
    new since then (previous size 0) counts as +100 %."""
    if not previous_total:
        return None, None
    rounded = int(previous_size + 0.5)
    return rounded, ((size - rounded) / rounded if rounded else 1.0)


class CallMeasures:
    """Duration and the repeat, transfer and escalation flags of every call of a run, by position."""

    def __init__(
        self,
        *,
        durations: Sequence[float],
        repeats: Sequence[bool],
        transfers: Sequence[bool],
        escalations: Sequence[bool],
    ) -> None:
        self.durations = np.array(durations, dtype=float)
        self.repeats = np.array(repeats, dtype=float)
        self.transfers = np.array(transfers, dtype=float)
        self.escalations = np.array(escalations, dtype=float)

    def of(self, members: Sequence[int]) -> dict[str, float]:
        """The means over the calls at `members`, as Topic fields."""
        idx = np.array(members)
        return {
            "avg_duration": float(self.durations[idx].mean()),
            "repeat_rate": float(self.repeats[idx].mean()),
            "transfer_rate": float(self.transfers[idx].mean()),
            "escalation_rate": float(self.escalations[idx].mean()),
        }
