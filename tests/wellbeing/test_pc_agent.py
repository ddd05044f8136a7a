"""The PC agent, run as its own process against a live test server, with a dry-run shutdown."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine

from wellbeing import services
from wellbeing.models import Device, DeviceEvent

from .conftest import MONDAY, seoul

AGENT = Path(__file__).resolve().parents[2] / "wellbeing" / "pc_agent" / "dasan_pc_agent.py"

pytestmark = pytest.mark.django_db(transaction=True)


def run_agent(*args: str, timeout: float = 40) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(AGENT), "--quiet", "--tick", "0.1", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_agent_registers_warns_and_shuts_down_at_the_planned_time(live_server, org, tmp_path):
    _device, token = services.device_issue(user=org["agent_a"], name="사무실 PC")
    out, notes = tmp_path / "shutdown.jsonl", tmp_path / "notices.jsonl"
    # The server's clock says 18:29:52 on a working Monday; the PC's own clock says something else.
    with time_machine.travel(seoul(MONDAY, 18, 29, 52), tick=True):
        started = time.monotonic()
        result = run_agent(
            "--server", live_server.url, "--register", token, "--state", str(tmp_path / "state.json"),
            "--poll", "2", "--dry-run", "--dry-run-file", str(out), "--notify-file", str(notes),
            "--exit-after-shutdown", "--max-runtime", "30",
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    [record] = lines(out)
    assert record["planned"] == "2026-11-16T18:30:00+09:00" and not record["offline"]
    assert 0 <= record["late_seconds"] < 2, record
    assert 6 <= elapsed < 20  # it waited for the server's 18:30, not the PC's clock
    shown = lines(notes)
    assert "1분 전" in shown[0]["title"] and "/wellbeing/overtime/new/" in shown[0]["message"]
    device = Device.objects.get(user=org["agent_a"])
    assert device.registered_at is not None and device.hostname
    kinds = set(DeviceEvent.objects.filter(device=device).values_list("kind", flat=True))
    assert {"shutdown", "notice_shown", "heartbeat"} <= kinds
    assert DeviceEvent.objects.get(device=device, kind="shutdown").plan_version == 1


def test_offline_agent_enforces_the_last_plan_after_a_grace_period_and_reports_later(
    live_server, org, tmp_path
):
    device, token = services.device_issue(user=org["agent_a"], name="재택 PC")
    state, out = tmp_path / "state.json", tmp_path / "shutdown.jsonl"
    with time_machine.travel(seoul(MONDAY, 18, 29, 55), tick=True):
        first = run_agent("--server", live_server.url, "--register", token, "--state", str(state), "--once")
        assert first.returncode == 0, first.stderr
        assert json.loads(state.read_text())["plan"]["shutdown_at"] == "2026-11-16T18:30:00+09:00"
        # The network goes away: nothing answers on the server address any more.
        started = time.monotonic()
        offline = run_agent(
            "--server", "http://127.0.0.1:9", "--state", str(state), "--poll", "1", "--timeout", "0.5",
            "--offline-grace", "3", "--dry-run", "--dry-run-file", str(out), "--exit-after-shutdown", "--max-runtime", "30",
        )  # fmt: skip
        elapsed = time.monotonic() - started
        assert offline.returncode == 0, offline.stderr
        [record] = lines(out)
        assert record["offline"] and 3 <= record["late_seconds"] < 5.5, record
        assert elapsed >= 4
        assert not DeviceEvent.objects.filter(device=device, kind="shutdown").exists()  # queued, not sent
        # Back online: the queued events are reported (once).
        back = run_agent("--server", live_server.url, "--state", str(state), "--once")
        assert back.returncode == 0, back.stderr
        run_agent("--server", live_server.url, "--state", str(state), "--once")
    kinds = list(DeviceEvent.objects.filter(device=device).values_list("kind", flat=True))
    assert kinds.count("shutdown") == 1 and "offline" in kinds
    shutdown = DeviceEvent.objects.get(device=device, kind="shutdown")
    assert shutdown.data["offline"] is True
    assert json.loads(state.read_text())["queue"] == []


def test_a_revoked_device_stops(live_server, org, tmp_path):
    device, token = services.device_issue(user=org["agent_a"], name="PC")
    state = tmp_path / "state.json"
    assert (
        run_agent(
            "--server", live_server.url, "--register", token, "--state", str(state), "--once"
        ).returncode
        == 0
    )
    services.device_revoke(by=org["agent_a"], device_id=device.pk)
    assert run_agent("--server", live_server.url, "--state", str(state), "--once").returncode == 2


def test_a_clock_jump_is_reported_as_tampering(tmp_path):
    from wellbeing.pc_agent import dasan_pc_agent as agent_module

    args = agent_module.build_parser().parse_args(
        ["--server", "http://127.0.0.1:9", "--state", str(tmp_path / "s.json")]
    )
    agent = agent_module.Agent(args)
    agent.clock.last_wall -= 600  # the PC clock moved ten minutes since the last check
    agent.tick()
    assert [e["kind"] for e in agent.state["queue"]] == ["tamper"]
    assert abs(agent.state["queue"][0]["data"]["clock_jump_seconds"]) >= 599


def _offline_agent(tmp_path, plan: dict, now):
    from wellbeing.pc_agent import dasan_pc_agent as agent_module

    args = agent_module.build_parser().parse_args(
        ["--server", "http://127.0.0.1:9", "--state", str(tmp_path / "s.json"), "--notify-file", str(tmp_path / "n.jsonl"),
         "--dry-run", "--abort-command", "true"]
    )  # fmt: skip
    agent = agent_module.Agent(args)
    agent.state["plan"] = plan
    agent.clock.sync(now)
    return agent


def test_after_a_sleep_only_the_latest_due_warning_is_shown(tmp_path):
    from datetime import datetime

    from wellbeing.timeutils import SEOUL

    plan = {
        "date": "2026-11-16",
        "version": 1,
        "shutdown_at": "2026-11-16T18:30:00+09:00",
        "grace_minutes": 5,
        "overtime_url": "http://x/wellbeing/overtime/new/",
        "notices": [
            {"minutes_before": 30, "at": "2026-11-16T18:00:00+09:00"},
            {"minutes_before": 10, "at": "2026-11-16T18:20:00+09:00"},
            {"minutes_before": 5, "at": "2026-11-16T18:25:00+09:00"},
        ],
    }
    agent = _offline_agent(tmp_path, plan, datetime(2026, 11, 16, 18, 22, tzinfo=SEOUL))
    assert agent.tick() is False
    agent.tick()
    shown = lines(tmp_path / "n.jsonl")
    assert len(shown) == 1 and "8분 전" in shown[0]["title"]
    assert [e["data"] for e in agent.state["queue"] if e["kind"] == "notice_shown"] == [
        {"minutes_before": 10}
    ]


def test_a_later_plan_during_a_pending_shutdown_is_reported_as_postponed(tmp_path):
    from datetime import datetime

    from wellbeing.timeutils import SEOUL

    agent = _offline_agent(tmp_path, {}, datetime(2026, 11, 16, 18, 30, 5, tzinfo=SEOUL))
    agent.shutdown_issued_for = datetime(2026, 11, 16, 18, 30, tzinfo=SEOUL)
    agent._maybe_postponed({}, {"shutdown_at": "2026-11-16T20:00:00+09:00", "version": 2})
    [event] = agent.state["queue"]
    assert event["kind"] == "postponed" and event["data"]["to"] == "2026-11-16T20:00:00+09:00"
    assert agent.shutdown_issued_for is None


def test_a_plan_already_past_when_first_seen_warns_and_waits_the_grace_period(tmp_path):
    from datetime import datetime, timedelta

    from wellbeing.timeutils import SEOUL

    plan = {
        "date": "2026-11-16",
        "version": 3,
        "shutdown_at": "2026-11-16T18:30:00+09:00",
        "grace_minutes": 5,
        "notices": [],
    }
    now = datetime(2026, 11, 16, 19, 45, tzinfo=SEOUL)
    agent = _offline_agent(tmp_path, plan, now)
    agent.online = True  # the plan just came from the server
    assert agent.tick() is False
    assert "5분 후 PC를 종료" in lines(tmp_path / "n.jsonl")[0]["message"]
    agent.clock.sync(now + timedelta(minutes=4, seconds=50))
    assert agent.tick() is False
    agent.clock.sync(now + timedelta(minutes=5, seconds=1))
    assert agent.tick() is True
    assert [e["kind"] for e in agent.state["queue"]][-1] == "shutdown"


def test_the_first_heartbeat_is_sent_even_just_after_the_pc_booted(tmp_path, monkeypatch):
    """time.monotonic() counts from boot: two minutes after boot the first poll must still beat."""
    from wellbeing.pc_agent import dasan_pc_agent as agent_module

    args = agent_module.build_parser().parse_args(
        ["--server", "http://127.0.0.1:9", "--state", str(tmp_path / "s.json"), "--heartbeat", "300"]
    )
    agent = agent_module.Agent(args)
    uptime = [120.0]
    monkeypatch.setattr(agent_module.time, "monotonic", lambda: uptime[0])
    agent.heartbeat()
    uptime[0] += 299
    agent.heartbeat()  # not yet: one heartbeat per interval
    uptime[0] += 2
    agent.heartbeat()
    assert [e["kind"] for e in agent.state["queue"]] == ["heartbeat", "heartbeat"]


def test_the_agent_stays_runnable_on_python_3_8():
    """The README promises Python 3.8+ on office PCs: no newer syntax, no newer standard-library names."""
    import ast

    source = AGENT.read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 8))
    newer = {("datetime", "UTC"), ("typing", "Self"), ("typing", "TypeAlias"), ("enum", "StrEnum")}
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported & newer == set()
    assert ".removeprefix(" not in source and ".removesuffix(" not in source  # 3.9


HOSTILE = '연장근무 신청: https://dasan.example/"; $(Start-Process calc) `" \\" $env:USERNAME'


def _captured_popen(monkeypatch, agent_module, platform_name: str) -> list[dict]:
    import types

    calls: list[dict] = []
    monkeypatch.setattr(agent_module, "sys", types.SimpleNamespace(platform=platform_name, stderr=sys.stderr))
    monkeypatch.setattr(
        agent_module.subprocess, "Popen", lambda argv, **kw: calls.append({"argv": argv, **kw})
    )
    return calls


def test_the_windows_popup_runs_a_fixed_script_with_the_message_as_data(tmp_path, monkeypatch):
    """A message from the server (or from whoever altered the traffic) never becomes PowerShell code."""
    from wellbeing.pc_agent import dasan_pc_agent as agent_module

    args = agent_module.build_parser().parse_args(
        ["--server", "http://127.0.0.1:9", "--state", str(tmp_path / "s.json")]
    )
    agent = agent_module.Agent(args)
    calls = _captured_popen(monkeypatch, agent_module, "win32")
    agent.notify("PC 종료 예고", HOSTILE)

    (call,) = calls
    script = call["argv"][call["argv"].index("-Command") + 1]
    assert script == agent_module.WINDOWS_POPUP_SCRIPT  # the same text whatever the message
    assert all("calc" not in part and "연장근무" not in part for part in call["argv"])
    assert call["env"]["DASAN_NOTICE_MESSAGE"] == HOSTILE  # Korean as Korean, not \uXXXX
    assert call["env"]["DASAN_NOTICE_TITLE"] == "PC 종료 예고"


def test_the_macos_notification_passes_the_message_as_arguments(tmp_path, monkeypatch):
    from wellbeing.pc_agent import dasan_pc_agent as agent_module

    args = agent_module.build_parser().parse_args(
        ["--server", "http://127.0.0.1:9", "--state", str(tmp_path / "s.json")]
    )
    agent = agent_module.Agent(args)
    calls = _captured_popen(monkeypatch, agent_module, "darwin")
    agent.notify("PC 종료 예고", HOSTILE)

    (call,) = calls
    argv = call["argv"]
    assert argv[-3:] == ["--", HOSTILE, "PC 종료 예고"]
    assert all("calc" not in part for part in argv[:-3])


@pytest.mark.parametrize(
    ("server", "flag", "accepted"),
    [
        ("https://dasan.example", False, True),
        ("http://127.0.0.1:8000", False, True),
        ("http://localhost:8000", False, True),
        ("http://[::1]:8000", False, True),
        ("http://dasan.example", False, False),
        ("http://10.0.0.5", False, False),
        ("http://dasan.example", True, True),
        ("ftp://dasan.example", True, False),
    ],
)
def test_the_agent_refuses_plain_http_servers_except_this_pc_unless_told(tmp_path, server, flag, accepted):
    from wellbeing.pc_agent import dasan_pc_agent as agent_module

    argv = ["--server", server, "--state", str(tmp_path / "s.json")] + (
        ["--allow-insecure-http"] if flag else []
    )
    args = agent_module.build_parser().parse_args(argv)
    if accepted:
        assert agent_module.Agent(args).server == server
    else:
        with pytest.raises(SystemExit, match="https://"):
            agent_module.Agent(args)
