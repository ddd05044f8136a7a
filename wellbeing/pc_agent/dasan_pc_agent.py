#!/usr/bin/env python3
"""Dasan PC agent: warns before the end-of-day shutdown (PC 셧다운제) and powers the PC off on time.

Standard library only; Windows, macOS and Linux; Python 3.8+. Run it at login (see README.md):

    python dasan_pc_agent.py --server https://dasan.example --register dt_xxxx   # once, with the web UI's token
    python dasan_pc_agent.py --server https://dasan.example                      # every login

What it does:
- polls the shutdown plan every 60 s with its device credential (never a user session);
- keeps time by the server's clock (the plan's `server_time`, else the Date header) advanced with a
  monotonic clock, so changing the PC's clock neither delays nor hastens the shutdown; a jump of the
  PC's clock is reported as tampering;
- shows each warning as a desktop notification with a "request overtime" link;
- at `shutdown_at` runs the OS shutdown command (or, with --dry-run, records it);
- offline, it keeps enforcing the last plan it received, `grace_minutes` later (the plan might have
  moved while it could not ask), and queues its events (heartbeat, shutdown, postponed, tamper) to
  report them once the server answers again.
"""

from __future__ import annotations

import argparse
import email.utils
import ipaddress
import json
import os
import platform
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

VERSION = "1.0"
PLAN_PATH = "/api/v1/wellbeing/device/plan/"
EVENTS_PATH = "/api/v1/wellbeing/device/events/"
REGISTER_PATH = "/api/v1/wellbeing/devices/register/"
TAMPER_THRESHOLD = 120.0  # seconds the PC clock may drift from the monotonic clock between checks
HEARTBEAT_EVERY = 300.0
LATE_START = 60.0  # seconds past shutdown_at at which a plan counts as "already late" when first seen

# The pop-ups' scripts are fixed text: the title and message travel as data (environment variables on
# Windows, argv on macOS), so nothing the server or the network sends is ever parsed as code.
WINDOWS_POPUP_SCRIPT = (
    "$w = New-Object -ComObject WScript.Shell; "
    "$w.Popup($env:DASAN_NOTICE_MESSAGE, 60, $env:DASAN_NOTICE_TITLE, 48) | Out-Null"
)
MAC_NOTIFY_SCRIPT = [
    "on run argv",
    "display notification (item 1 of argv) with title (item 2 of argv)",
    "end run",
]


def windows_popup_command(title: str, message: str) -> tuple[list[str], dict[str, str]]:
    """PowerShell pop-up: a fixed script, the text in environment variables (never interpolated)."""
    env = dict(os.environ)
    env["DASAN_NOTICE_TITLE"] = title
    env["DASAN_NOTICE_MESSAGE"] = message
    return [
        "powershell",
        "-NoProfile",
        "-NonInteractive",
        "-WindowStyle",
        "Hidden",
        "-Command",
        WINDOWS_POPUP_SCRIPT,
    ], env


def mac_notify_command(title: str, message: str) -> list[str]:
    argv = ["osascript"]
    for line in MAC_NOTIFY_SCRIPT:
        argv += ["-e", line]
    return [*argv, "--", message, title]


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """The server address, or SystemExit: https://, or http:// only to this PC (or with the flag)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SystemExit("--server must be an https:// address")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        raise SystemExit(
            "--server must be an https:// address: over plain http:// anyone on the network could change "
            "the plan. Use --allow-insecure-http only on a network you trust."
        )
    return url.rstrip("/")


def default_state_path() -> Path:
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA", Path.home()))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return base / "dasan-pc-agent" / "state.json"


def default_shutdown_command(grace_seconds: int) -> list[str]:
    if sys.platform.startswith("win"):
        return ["shutdown", "/s", "/t", str(grace_seconds), "/c", "Dasan: PC shutdown (PC 셧다운)"]
    if sys.platform == "darwin":
        return ["osascript", "-e", 'tell application "System Events" to shut down']
    return (
        ["systemctl", "poweroff"]
        if grace_seconds <= 0
        else ["shutdown", "-h", f"+{max(1, grace_seconds // 60)}"]
    )


def default_abort_command() -> list[str] | None:
    if sys.platform.startswith("win"):
        return ["shutdown", "/a"]
    if sys.platform == "darwin":
        return None
    return ["shutdown", "-c"]


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class Clock:
    """The server's time as the agent knows it: a sync point advanced by the monotonic clock."""

    def __init__(self) -> None:
        self.server_at_sync: datetime | None = None
        self.mono_at_sync = 0.0
        self.last_wall = time.time()
        self.last_mono = time.monotonic()

    def sync(self, server_now: datetime) -> None:
        self.server_at_sync = server_now
        self.mono_at_sync = time.monotonic()

    def now(self) -> datetime:
        if self.server_at_sync is None:
            return datetime.now(timezone.utc)
        return self.server_at_sync + timedelta(seconds=time.monotonic() - self.mono_at_sync)

    def jump(self) -> float:
        """Seconds the PC's wall clock moved beyond the real elapsed time since the last check."""
        wall, mono = time.time(), time.monotonic()
        drift = (wall - self.last_wall) - (mono - self.last_mono)
        self.last_wall, self.last_mono = wall, mono
        return drift


class Agent:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.server = check_server_url(args.server, allow_insecure_http=args.allow_insecure_http)
        self.state_path = Path(args.state) if args.state else default_state_path()
        self.state = self._load()
        self.clock = Clock()
        self.online = False
        self.shown: set[str] = set(self.state.get("shown", []))
        self.done: set[str] = set(self.state.get("done", []))
        self.shutdown_issued_for: datetime | None = None
        self.late_seen: dict[str, datetime] = {}
        # None, not 0.0: time.monotonic() counts from boot on Linux/Windows, so "0.0 means long ago"
        # would skip the first heartbeat during a PC's first minutes after boot.
        self.last_heartbeat: float | None = None
        if self.state.get("server_time_sync"):
            # After a restart offline: trust the last sync point, advanced by the wall clock (best effort).
            synced = parse_time(self.state["server_time_sync"])
            wall = self.state.get("wall_at_sync")
            if synced and wall:
                self.clock.sync(synced + timedelta(seconds=max(0.0, time.time() - float(wall))))

    # --- state -----------------------------------------------------------------------------------
    def _load(self) -> dict:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self) -> None:
        self.state["shown"] = sorted(self.shown)[-50:]
        self.state["done"] = sorted(self.done)[-20:]
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def log(self, message: str) -> None:
        if not self.args.quiet:
            print(f"[dasan-pc-agent] {message}", file=sys.stderr, flush=True)

    # --- HTTP ------------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None, auth: str | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method)  # noqa: S310 (http(s) checked)
        req.add_header("Accept", "application/json")
        req.add_header("User-Agent", f"dasan-pc-agent/{VERSION}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", auth)
        with urllib.request.urlopen(req, timeout=self.args.timeout) as resp:  # noqa: S310 (http(s) checked)
            return json.loads(resp.read().decode() or "{}"), resp.headers

    def register(self, token: str) -> None:
        payload = {
            "hostname": socket.gethostname(),
            "platform": f"{platform.system()} {platform.release()}"[:40],
        }
        data, _headers = self._request("POST", REGISTER_PATH, payload, auth=f"Register {token}")
        self.state.update(
            {"server": self.server, "credential": data["credential"], "device_id": data["device_id"]}
        )
        self.save()
        self.log(f"registered as device {data['device_id']} ({data.get('name', '')})")

    def poll(self) -> bool:
        """Fetch the plan. True when the server answered."""
        credential = self.state.get("credential")
        if not credential:
            self.log("not registered: run once with --register <token> from the web page 'My PC'")
            return False
        try:
            plan, headers = self._request("GET", PLAN_PATH, auth=f"Device {credential}")
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                self.log("the server refused this device (revoked?): stopping")
                raise SystemExit(2) from exc
            self._went_offline(f"HTTP {exc.code}")
            return False
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self._went_offline(str(exc))
            return False
        server_now = parse_time(plan.get("server_time"))
        if server_now is None and headers.get("Date"):
            server_now = email.utils.parsedate_to_datetime(headers["Date"])
        if server_now is not None:
            self.clock.sync(server_now)
            self.state["server_time_sync"] = server_now.isoformat()
            self.state["wall_at_sync"] = time.time()
        previous = self.state.get("plan") or {}
        self.state["plan"] = plan
        if not self.online:
            self.log(f"online; shutdown at {plan.get('shutdown_at')} (plan v{plan.get('version')})")
        self.online = True
        self._maybe_postponed(previous, plan)
        self.flush()
        self.save()
        return True

    def _went_offline(self, why: str) -> None:
        if self.online or not self.state.get("offline_since"):
            self.log(f"offline ({why}); enforcing the last plan")
            self.state["offline_since"] = self.clock.now().isoformat()
            self.queue("offline", {"reason": why[:200]})
        self.online = False
        self.save()

    def flush(self) -> None:
        queue = self.state.get("queue") or []
        if not queue or not self.state.get("credential"):
            return
        try:
            self._request("POST", EVENTS_PATH, {"events": queue}, auth=f"Device {self.state['credential']}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.log(f"could not report {len(queue)} event(s) yet: {exc}")
            return
        self.state["queue"] = []
        self.state.pop("offline_since", None)

    def queue(self, kind: str, data: dict | None = None) -> None:
        plan = self.state.get("plan") or {}
        self.state.setdefault("queue", []).append(
            {
                "id": uuid.uuid4().hex,
                "kind": kind,
                "at": self.clock.now().isoformat(),
                "plan_version": plan.get("version"),
                "data": data or {},
            }
        )
        self.state["queue"] = self.state["queue"][-500:]  # a week offline must not fill the disk

    # --- behaviour ------------------------------------------------------------------------------
    def _maybe_postponed(self, previous: dict, plan: dict) -> None:
        """A shutdown already under way, and the plan now ends later (overtime approved): abort it."""
        new_at = parse_time(plan.get("shutdown_at"))
        if self.shutdown_issued_for is None or new_at is None or new_at <= self.shutdown_issued_for:
            return
        abort = shlex.split(self.args.abort_command) if self.args.abort_command else default_abort_command()
        if abort and not self.args.dry_run:
            subprocess.run(abort, check=False)
        self.log(f"shutdown postponed to {new_at.isoformat()}")
        self.queue("postponed", {"from": self.shutdown_issued_for.isoformat(), "to": new_at.isoformat()})
        self.shutdown_issued_for = None

    def notify(self, title: str, message: str) -> None:
        if self.args.notify_file:
            with open(self.args.notify_file, "a", encoding="utf-8") as fh:
                fh.write(
                    json.dumps(
                        {"title": title, "message": message, "at": self.clock.now().isoformat()},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            return
        try:
            if sys.platform.startswith("win"):
                argv, env = windows_popup_command(title, message)
                subprocess.Popen(argv, env=env)
            elif sys.platform == "darwin":
                subprocess.Popen(mac_notify_command(title, message))
            else:
                subprocess.Popen(["notify-send", "-u", "critical", "-a", "Dasan", title, message])
        except OSError:
            self.log(f"{title}: {message}")

    def tick(self) -> bool:
        """Check the clock against the plan. True once the PC has been shut down (or dry-run recorded)."""
        jump = self.clock.jump()
        if abs(jump) > TAMPER_THRESHOLD:
            self.log(f"the PC clock jumped by {jump:+.0f} s: reported")
            self.queue("tamper", {"clock_jump_seconds": round(jump)})
            self.save()
        plan = self.state.get("plan") or {}
        shutdown_at = parse_time(plan.get("shutdown_at"))
        if shutdown_at is None:
            return False
        now = self.clock.now()
        version = plan.get("version")
        key = f"{plan.get('date')}:v{version}"
        # Offline, wait a grace period past the last known time: the plan may have moved meanwhile.
        grace = 0.0
        if not self.online:
            grace = (
                self.args.offline_grace
                if self.args.offline_grace is not None
                else 60.0 * int(plan.get("grace_minutes") or 0)
            )
        if now < shutdown_at:
            due = [n for n in plan.get("notices") or [] if parse_time(n["at"]) and parse_time(n["at"]) <= now]
            if due:
                latest = min(due, key=lambda n: n["minutes_before"])
                notice_key = f"{key}:{latest['minutes_before']}"
                if notice_key not in self.shown:
                    self.shown.add(notice_key)
                    left = max(1, round((shutdown_at - now).total_seconds() / 60))
                    local = shutdown_at.astimezone().strftime("%H:%M")
                    self.notify(
                        f"PC 종료 {left}분 전 ({local})",
                        f"작업을 저장하세요. 연장근무가 필요하면 신청하세요: {plan.get('overtime_url', '')}",
                    )
                    self.queue("notice_shown", {"minutes_before": latest["minutes_before"]})
                    self.save()
            return False
        if key in self.done:
            return self.args.exit_after_shutdown
        deadline = shutdown_at + timedelta(seconds=grace)
        if (now - shutdown_at).total_seconds() > LATE_START:
            # The time had already passed when this plan reached the PC (a login after the shutdown,
            # approved overtime cancelled late): warn first, and give the grace period to save work.
            first_seen = self.late_seen.setdefault(key, now)
            wait = max(60.0, 60.0 * int(plan.get("grace_minutes") or 0))
            if first_seen == now:
                self.notify(
                    "PC 종료 예정",
                    f"종료 시각이 지났습니다. {round(wait / 60)}분 후 PC를 종료합니다. 작업을 저장하세요. "
                    f"연장근무 신청: {plan.get('overtime_url', '')}",
                )
            deadline = max(deadline, first_seen + timedelta(seconds=wait))
        if now < deadline:
            return False
        self.done.add(key)
        self.shutdown(plan, shutdown_at, now, offline=not self.online)
        return True

    def shutdown(self, plan: dict, shutdown_at: datetime, now: datetime, *, offline: bool) -> None:
        grace_seconds = 60 * int(plan.get("grace_minutes") or 0)
        record = {
            "planned": shutdown_at.isoformat(),
            "at": now.isoformat(),
            "late_seconds": round((now - shutdown_at).total_seconds(), 1),
            "offline": offline,
            "plan_version": plan.get("version"),
        }
        self.queue("shutdown", record)
        self.save()
        self.flush()
        self.save()
        self.notify("PC를 종료합니다", "오늘도 수고하셨습니다. (Dasan PC 셧다운)")
        if self.args.dry_run:
            self.log(f"dry run: would shut down now ({record})")
            if self.args.dry_run_file:
                with open(self.args.dry_run_file, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record) + "\n")
            return
        command = (
            shlex.split(self.args.shutdown_command.format(grace_seconds=grace_seconds))
            if self.args.shutdown_command
            else default_shutdown_command(grace_seconds)
        )
        self.log(f"shutting down: {' '.join(command)}")
        self.shutdown_issued_for = shutdown_at
        subprocess.run(command, check=False)

    def heartbeat(self) -> None:
        now = time.monotonic()
        if self.last_heartbeat is None or now - self.last_heartbeat >= self.args.heartbeat:
            self.last_heartbeat = now
            self.queue("heartbeat", {"online": self.online})

    def run(self) -> int:
        if self.args.register:
            self.register(self.args.register)
        started = time.monotonic()
        next_poll = 0.0
        while True:
            if time.monotonic() >= next_poll:
                self.heartbeat()
                self.poll()
                next_poll = time.monotonic() + self.args.poll
                if self.args.once:
                    return 0
            if self.tick() and self.args.exit_after_shutdown:
                return 0
            if self.args.max_runtime and time.monotonic() - started > self.args.max_runtime:
                return 0
            time.sleep(min(self.args.tick, self.args.poll))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Dasan PC agent: shutdown warnings and the end-of-day PC shutdown."
    )
    p.add_argument("--server", required=True, help="Dasan address, e.g. https://dasan.example")
    p.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="accept a plain http:// server that is not this PC (only on a network you trust)",
    )
    p.add_argument("--register", metavar="TOKEN", help="one-time device token from the web page 'My PC'")
    p.add_argument("--state", help="state file (default: per-user application data folder)")
    p.add_argument("--poll", type=float, default=60.0, help="seconds between plan polls (default 60)")
    p.add_argument("--tick", type=float, default=1.0, help="seconds between clock checks (default 1)")
    p.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout in seconds")
    p.add_argument(
        "--heartbeat", type=float, default=HEARTBEAT_EVERY, help="seconds between heartbeat events"
    )
    p.add_argument("--dry-run", action="store_true", help="never shut down; log (and --dry-run-file) instead")
    p.add_argument("--dry-run-file", help="append a JSON line here at each dry-run shutdown")
    p.add_argument("--shutdown-command", help="command to run at shutdown; {grace_seconds} is filled in")
    p.add_argument("--abort-command", help="command that cancels a pending shutdown")
    p.add_argument("--notify-file", help="write notices here as JSON lines instead of desktop notifications")
    p.add_argument(
        "--offline-grace",
        type=float,
        help="seconds to wait past shutdown_at when offline (default: plan's grace)",
    )
    p.add_argument("--once", action="store_true", help="poll once and exit")
    p.add_argument("--exit-after-shutdown", action="store_true", help="exit once the shutdown ran (tests)")
    p.add_argument("--max-runtime", type=float, default=0, help="exit after this many seconds (tests)")
    p.add_argument("--quiet", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return Agent(args).run()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
