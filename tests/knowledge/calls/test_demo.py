"""The demo call data: thousands of calls per demo client, imported and mined; seeding twice is harmless."""

from __future__ import annotations

import re

import pytest

from accounts import demo as accounts_demo
from knowledge.calls import demo
from knowledge.calls.models import CallRecord, MiningRun, MiningStatus
from knowledge.manuals import demo as knowledge_demo
from knowledge.search.interface import rebuild


@pytest.mark.django_db
def test_demo_calls_are_imported_and_mined_and_seeding_twice_changes_nothing(monkeypatch):
    monkeypatch.setattr(demo, "CALLS_PER_CLIENT", 400)  # 3000 in the real demo; fewer keeps this quick
    accounts_demo.seed()
    knowledge_demo.seed()
    rebuild()  # the published manuals, for coverage (on-commit indexing does not run in a test)
    demo.seed()
    slugs = ("hanbit-card", "nuri-telecom", "baro-mall", "dunde-insurance")
    for slug in slugs:
        records = CallRecord.objects.filter(client__slug=slug)
        assert records.count() == 400
        assert records.exclude(agent=None).exists()  # agents matched by employee number
        assert records.filter(repeat_contact=True).exists() and records.exclude(customer_key="").exists()
        run = MiningRun.objects.get(client__slug=slug)
        assert run.status == MiningStatus.DONE and run.topic_count >= 3 and 0 < run.coverage <= 1
    before = (CallRecord.objects.count(), MiningRun.objects.count())
    finished = dict(MiningRun.objects.values_list("pk", "finished_at"))
    mined = []
    monkeypatch.setattr(demo.services, "mining_run_now", lambda **kw: mined.append(kw))
    demo.seed()  # what `make run` does at every start
    assert (CallRecord.objects.count(), MiningRun.objects.count()) == before
    assert mined == []  # nothing mined again: every period already has its topics
    assert dict(MiningRun.objects.values_list("pk", "finished_at")) == finished
    # customer numbers the generated calls mention are masked like any import's
    texts = " ".join(CallRecord.objects.values_list("inquiry", flat=True))
    assert "[고객번호]" in texts and "[주문번호]" in texts
    assert not re.search(r"고객번호 [0-9]", texts)
