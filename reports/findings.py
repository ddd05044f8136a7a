"""The findings section: short statements computed from a report's figures.

Each finding names the section it comes from and carries the numbers it states, so every line can
be traced to a table or chart on the page (and to a row of the exports). The wording is produced at
display time, in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.korean import format_duration

RISING_MIN_TREND = 0.2  # +20 % against the previous period
LONG_AHT_RATIO = 1.25  # 25 % above the client's average handle time
RATE_CHANGE_POINTS = 0.02  # 2 percentage points
MIN_SHARE = 0.01  # topics or categories under 1 % of the calls are noise here


def _pct(value: float) -> int:
    return round(value * 100)


def _rising(items: list[dict], calls: int, kind: str) -> list[dict]:
    floor = max(10, MIN_SHARE * calls)
    rising = [
        i
        for i in items
        if i.get("trend") is not None and i["trend"] >= RISING_MIN_TREND and i["calls"] >= floor
    ]
    rising.sort(key=lambda i: (-(i["calls"] - (i["previous"] or 0)), i.get("label", i.get("name", ""))))
    return [
        {
            "kind": kind,
            "section": "topics" if kind == "rising_topic" else "categories",
            "params": {
                "label": i.get("label") or i.get("name") or "",
                "calls": i["calls"],
                "previous": i["previous"] or 0,
                "trend_pct": _pct(i["trend"]),
            },
        }
        for i in rising[:3]
    ]


def _long(items: list[dict], calls: int, aht: float, kind: str) -> list[dict]:
    if not aht:
        return []
    floor = max(1, MIN_SHARE * calls)
    slow = [i for i in items if i["calls"] >= floor and i["aht"] >= LONG_AHT_RATIO * aht]
    slow.sort(key=lambda i: -i["aht"])
    return [
        {
            "kind": kind,
            "section": "topics" if kind == "long_topic" else "categories",
            "params": {
                "label": i.get("label") or i.get("name") or "",
                "aht": round(i["aht"]),
                "overall": round(aht),
                "ratio": round(i["aht"] / aht, 1),
                "calls": i["calls"],
            },
        }
        for i in slow[:2]
    ]


def findings(figures: dict) -> list[dict]:
    totals, previous, changes = figures["totals"], figures["previous"], figures["changes"]
    calls = totals["calls"]
    out: list[dict] = []
    if not calls:
        return out
    if changes["calls"] is not None and abs(changes["calls"]) >= 0.1:
        out.append(
            {
                "kind": "volume_change",
                "section": "volume",
                "params": {
                    "calls": calls,
                    "previous": previous["calls"],
                    "change_pct": _pct(changes["calls"]),
                },
            }
        )
    topics = figures["mining"]["topics"]
    if topics:
        out += _rising(topics, calls, "rising_topic")
        out += _long(topics, calls, totals["aht"], "long_topic")
    else:
        categories = [c for c in figures["categories"] if c["name"]]
        out += _rising(categories, calls, "rising_category")
        out += _long(categories, calls, totals["aht"], "long_category")
    for gap in figures["mining"]["gaps"][:3]:
        out.append(
            {
                "kind": "costly_gap",
                "section": "coverage",
                "params": {
                    "label": gap["label"],
                    "calls": gap["calls"],
                    "share_pct": round(gap["share"] * 100, 1),
                },
            }
        )
    for metric in ("repeat_rate", "transfer_rate", "escalation_rate"):
        delta = changes.get(metric)
        if delta is not None and abs(delta) >= RATE_CHANGE_POINTS:
            out.append(
                {
                    "kind": "rate_change",
                    "section": "quality",
                    "params": {
                        "metric": metric,
                        "now_pct": round(totals[metric] * 100, 1),
                        "before_pct": round(previous[metric] * 100, 1),
                    },
                }
            )
    care = figures["care"]
    if care["abusive_calls"] >= 3 and care["abusive_calls"] > care["previous"]:
        out.append(
            {
                "kind": "abusive_rise",
                "section": "quality",
                "params": {"count": care["abusive_calls"], "previous": care["previous"]},
            }
        )
    zero = figures["search"]["zero_terms"]
    if zero and zero[0]["count"] >= 3:
        out.append(
            {
                "kind": "zero_search",
                "section": "search",
                "params": {"term": zero[0]["term"], "count": zero[0]["count"]},
            }
        )
    worst = figures["feedback"]["worst"]
    if worst and worst[0]["not_helpful"] >= 3 and worst[0]["not_helpful"] > worst[0]["helpful"]:
        out.append({"kind": "unhelpful_article", "section": "feedback", "params": dict(worst[0])})
    grid = figures["heatmap"]
    peak = max(((n, d, h) for d, row in enumerate(grid) for h, n in enumerate(row)), default=(0, 0, 0))
    if peak[0]:
        out.append(
            {
                "kind": "peak_hour",
                "section": "rhythm",
                "params": {"weekday": peak[1], "hour": peak[2], "calls": peak[0]},
            }
        )
    return out


def weekday_name(index: int) -> str:
    return [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ][index]


def metric_name(metric: str) -> str:
    return {
        "repeat_rate": _("Repeat-contact rate"),
        "transfer_rate": _("Transfer rate"),
        "escalation_rate": _("Escalation rate"),
    }.get(metric, metric)


def section_label(code: str) -> str:
    """A finding's section in words (exports show this, never the code)."""
    labels = {
        "volume": _("Call volume"),
        "rhythm": _("Days and hours"),
        "categories": _("Categories"),
        "topics": _("Topics"),
        "coverage": _("Manual coverage"),
        "quality": _("Repeat calls and transfers"),
        "search": _("Manual searches"),
        "feedback": _("Article feedback"),
        "care": _("Abusive calls"),
    }
    return str(labels.get(code, code))


def describe(finding: dict) -> str:
    """The sentence for one finding, in the active language."""
    p = finding["params"]
    kind = finding["kind"]
    if kind == "volume_change":
        if p["change_pct"] >= 0:
            return _("Calls rose %(pct)s%% against the previous period (%(before)s → %(now)s).") % {
                "pct": p["change_pct"],
                "before": f"{p['previous']:,}",
                "now": f"{p['calls']:,}",
            }
        return _("Calls fell %(pct)s%% against the previous period (%(before)s → %(now)s).") % {
            "pct": -p["change_pct"],
            "before": f"{p['previous']:,}",
            "now": f"{p['calls']:,}",
        }
    if kind in ("rising_topic", "rising_category"):
        return _("“%(label)s” is rising: %(before)s → %(now)s calls (+%(pct)s%%).") % {
            "label": p["label"],
            "before": f"{p['previous']:,}",
            "now": f"{p['calls']:,}",
            "pct": p["trend_pct"],
        }
    if kind in ("long_topic", "long_category"):
        return _(
            "“%(label)s” takes the longest to handle: %(aht)s on average, %(ratio)s× the overall %(overall)s."
        ) % {
            "label": p["label"],
            "aht": duration(p["aht"]),
            "ratio": p["ratio"],
            "overall": duration(p["overall"]),
        }
    if kind == "costly_gap":
        return _(
            "The manual does not cover “%(label)s”: %(calls)s calls (%(share)s%% of all) had no article."
        ) % {
            "label": p["label"],
            "calls": f"{p['calls']:,}",
            "share": p["share_pct"],
        }
    if kind == "rate_change":
        return _("%(metric)s moved from %(before)s%% to %(now)s%%.") % {
            "metric": metric_name(p["metric"]),
            "before": p["before_pct"],
            "now": p["now_pct"],
        }
    if kind == "abusive_rise":
        return _("Abusive calls reported by agents rose from %(before)s to %(now)s.") % {
            "before": p["previous"],
            "now": p["count"],
        }
    if kind == "zero_search":
        return _("Agents searched the manual for “%(term)s” %(count)s times and found nothing.") % {
            "term": p["term"],
            "count": p["count"],
        }
    if kind == "unhelpful_article":
        return _("“%(title)s” was marked not helpful %(bad)s times (helpful: %(good)s).") % {
            "title": p["title"],
            "bad": p["not_helpful"],
            "good": p["helpful"],
        }
    if kind == "peak_hour":
        return _("The busiest hour is %(weekday)s %(hour)s:00–%(next)s:00 with %(calls)s calls.") % {
            "weekday": weekday_name(p["weekday"]),
            "hour": f"{p['hour']:02d}",
            "next": f"{(p['hour'] + 1) % 24:02d}",
            "calls": f"{p['calls']:,}",
        }
    return kind


def duration(seconds: float | int) -> str:
    """4분 35초 / 4 min 35 s (core.korean: one way of writing durations everywhere)."""
    return format_duration(seconds)
