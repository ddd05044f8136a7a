"""Stored snapshots: built once, never changed by later data; regenerate is explicit and audited;
the monthly beat task is idempotent and notifies the managers."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from knowledge.calls.models import ImportJob, ImportStatus
from reports import services
from reports.models import ReportSnapshot, SnapshotStatus, SnapshotTrigger
from reports.tasks import build_monthly_reports

from .conftest import NOV
from .factories import CallRecordFactory, kst

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(month_data, org):
    return services.snapshot_build_now(
        client=month_data["client"],
        since=NOV[0],
        until=NOV[1],
        by=org["manager_a"],
        trigger=SnapshotTrigger.REQUEST,
    )


def test_build_stores_figures_summary_and_version(built):
    assert built.status == SnapshotStatus.DONE
    assert built.version == 1 and built.built_at is not None
    assert built.figures["totals"]["calls"] == 6
    assert built.summary == {
        "calls": 6,
        "aht": 435.0,
        "coverage": 0.5,
        "findings": len(built.figures["findings"]),
    }
    assert built.progress == 1.0


def test_a_later_import_does_not_change_a_stored_report(built, month_data, as_user, org):
    CallRecordFactory(client=month_data["client"], started_at=kst(2026, 11, 20, 10, 0), duration_seconds=100)
    ImportJob.objects.create(
        client=month_data["client"],
        original_name="11월.csv",
        file_kind="csv",
        status=ImportStatus.DONE,
        period_start=kst(2026, 11, 20, 10, 0),
        period_end=kst(2026, 11, 20, 10, 0),
        finished_at=timezone.now(),
    )
    built.refresh_from_db()
    assert built.figures["totals"]["calls"] == 6 and built.version == 1
    # Asking for the same period again returns the stored report as it is.
    again, queued = services.snapshot_request(
        client=month_data["client"], since=NOV[0], until=NOV[1], by=org["manager_a"]
    )
    assert again.pk == built.pk and not queued
    again.refresh_from_db()
    assert again.figures["totals"]["calls"] == 6
    # The page says so, and still shows the stored numbers.
    page = as_user(org["manager_a"]).get(built.get_absolute_url()).content.decode()
    assert 'data-testid="newer-imports"' in page
    assert 'data-testid="kpi-calls">6<' in page


def test_regenerate_recomputes_and_is_audited(built, month_data, org, django_capture_on_commit_callbacks):
    CallRecordFactory(client=month_data["client"], started_at=kst(2026, 11, 20, 10, 0), duration_seconds=100)
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_regenerate(snapshot=built, by=org["manager_a"], reason="11월 재수입")
    built.refresh_from_db()
    assert built.status == SnapshotStatus.DONE
    assert built.version == 2 and built.figures["totals"]["calls"] == 7
    event = AuditEvent.objects.get(action="reports.snapshot.regenerate")
    assert event.actor == org["manager_a"] and event.reason == "11월 재수입"
    assert event.data["version"] == 1 and event.data["calls"] == 6
    assert event.target_id == str(built.pk)


def test_regenerate_is_for_managers_of_the_client(built, org):
    for user in (org["agent_a"], org["manager_b"], org["agent_b"]):
        with pytest.raises(PermissionDenied):
            services.snapshot_regenerate(snapshot=built, by=user, reason="x")
    built.refresh_from_db()
    assert built.version == 1 and not AuditEvent.objects.filter(action="reports.snapshot.regenerate").exists()


def test_regenerate_refuses_while_building(built, org):
    ReportSnapshot.objects.filter(pk=built.pk).update(status=SnapshotStatus.RUNNING)
    built.refresh_from_db()
    with pytest.raises(ValidationError):
        services.snapshot_regenerate(snapshot=built, by=org["manager_a"], reason="x")


def test_request_queues_a_build_that_reports_progress(month_data, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot, queued = services.snapshot_request(
            client=month_data["client"], since=NOV[0], until=NOV[1], by=org["manager_a"]
        )
        assert queued and snapshot.status == SnapshotStatus.QUEUED
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE and snapshot.version == 1
    # The requester is told.
    note = Notification.objects.get(recipient=org["manager_a"])
    assert "한빛카드" in note.verb and note.url == snapshot.get_absolute_url()


def test_build_progress_is_saved_step_by_step(month_data, org):
    snapshot = ReportSnapshot.objects.create(
        client=month_data["client"], period_start=NOV[0], period_end=NOV[1]
    )
    seen = []
    original = services.figures_module.compute

    def spy(**kwargs):
        inner = kwargs.pop("on_step")

        def on_step(name, fraction):
            inner(name, fraction)
            seen.append(ReportSnapshot.objects.values_list("step", "progress").get(pk=snapshot.pk))

        return original(**kwargs, on_step=on_step)

    with mock.patch.object(services.figures_module, "compute", spy):
        services.snapshot_build(snapshot_id=snapshot.pk)
    assert [s for s, _p in seen][:2] == ["volume", "rhythm"]
    assert [p for _s, p in seen] == sorted(p for _s, p in seen) and seen[-1][1] < 1


def test_a_redelivered_build_does_nothing(built):
    again = services.snapshot_build(snapshot_id=built.pk)
    assert again.version == 1


def test_a_failed_build_is_reported_and_can_be_retried(month_data, org, django_capture_on_commit_callbacks):
    boom = mock.patch.object(services.figures_module, "compute", side_effect=RuntimeError("boom"))
    with boom, django_capture_on_commit_callbacks(execute=True):
        snapshot, _q = services.snapshot_request(
            client=month_data["client"], since=NOV[0], until=NOV[1], by=org["manager_a"]
        )
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED and snapshot.figures == {}
    with django_capture_on_commit_callbacks(execute=True):
        snapshot, queued = services.snapshot_request(
            client=month_data["client"], since=NOV[0], until=NOV[1], by=org["manager_a"]
        )
    snapshot.refresh_from_db()
    assert queued and snapshot.status == SnapshotStatus.DONE


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        (date(2026, 11, 30), date(2026, 11, 1), "until"),
        (date(2025, 1, 1), date(2026, 11, 30), "until"),
        (date(2099, 1, 1), date(2099, 1, 31), "since"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_stored(month_data, org, since, until, field):
    with pytest.raises(ValidationError) as exc:
        services.snapshot_request(client=month_data["client"], since=since, until=until, by=org["manager_a"])
    assert field in exc.value.message_dict
    assert not ReportSnapshot.objects.exists()


def test_agents_cannot_request_builds(month_data, org):
    with pytest.raises(PermissionDenied):
        services.snapshot_request(client=month_data["client"], since=NOV[0], until=NOV[1], by=org["agent_a"])
    assert not ReportSnapshot.objects.exists()


def test_monthly_task_builds_last_month_once_and_notifies_the_managers(
    month_data, org, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(kst(2026, 12, 1, 6, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert build_monthly_reports() == 2  # client_a and client_b both had November calls
        with django_capture_on_commit_callbacks(execute=True):
            assert build_monthly_reports() == 0  # twice, or late: nothing again
    snaps = ReportSnapshot.objects.filter(period_start=NOV[0], period_end=NOV[1])
    assert snaps.count() == 2 and all(s.status == SnapshotStatus.DONE for s in snaps)
    assert all(s.trigger == SnapshotTrigger.SCHEDULE and s.version == 1 for s in snaps)
    a = snaps.get(client=month_data["client"])
    assert a.figures["totals"]["calls"] == 6
    # Each client's managers are told, once, by notification and e-mail.
    assert Notification.objects.filter(recipient=org["manager_a"]).count() == 1
    assert Notification.objects.filter(recipient=org["manager_b"]).count() == 1
    assert not Notification.objects.filter(recipient__in=[org["agent_a"], org["agent_b"]]).exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["manager.a@dasan.test", "manager.b@dasan.test"]


def test_monthly_task_catches_up_after_downtime_and_skips_quiet_or_inactive_clients(month_data, org):
    org["client_b"].active = False
    org["client_b"].save()
    with time_machine.travel(kst(2026, 12, 3, 9, 0), tick=False):
        queued = services.monthly_reports_build()
    assert [s.client for s in queued] == [month_data["client"]]
    with time_machine.travel(kst(2026, 11, 1, 6, 0), tick=False):
        # October: client_a had calls then too.
        assert [s.period_start for s in services.monthly_reports_build()] == [date(2026, 10, 1)]


def test_monthly_task_is_in_the_beat_schedule():
    from config.celery import app

    entry = app.conf.beat_schedule["reports-monthly-diagnosis"]
    assert entry["task"] == "reports.tasks.build_monthly_reports"
    assert entry["schedule"].day_of_month == {1}
