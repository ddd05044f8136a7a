"""A client's call export as Korean Excel saves it (CP949 CSV), for the browser journeys."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from core.dates import SEOUL
from knowledge.calls import samples

# The inquiry column is named in a way no alias knows: the manager maps it by hand.
HEADER = [
    "상담번호",
    "상담일시",
    "채널",
    "상담원",
    "상담유형",
    "고객 말씀",
    "처리내용",
    "통화시간",
    "이관여부",
    "전화번호",
]


def write_cp949_export(folder: Path, *, count: int, seed: int) -> Path:
    """October's calls of a card client, `count` rows, in `folder`."""
    path = folder / "한빛카드_10월_상담이력.csv"
    calls = samples.generate(
        kind="card",
        count=count,
        start=datetime(2026, 10, 1, tzinfo=SEOUL),
        end=datetime(2026, 10, 30, tzinfo=SEOUL),
        seed=seed,
        details=True,
    )
    with path.open("w", encoding="cp949", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(samples.as_row(call) for call in calls)
    return path
