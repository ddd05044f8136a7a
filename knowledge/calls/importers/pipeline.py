# ruff: noqa: S608  (table and column names below are ours, never user input)
"""The import pipeline: stream rows → validate → staging table → one upsert.

Rows are parsed and validated one at a time and written in chunks to a temporary staging table
(PostgreSQL: psycopg 3 COPY; SQLite: executemany). Nothing touches the call records until the whole
file has been read: then, unless bad rows forbid it (all-or-nothing), a single statement upserts the
staging table into knowledge_callrecord by (client, external id), changing only rows whose values
differ, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ClientCompany, User

from .. import models as m
from .fields import (
    FIELDS_BY_KEY,
    customer_key,
    parse_channel,
    parse_datetime,
    parse_duration,
    parse_flag,
    utc_naive,
)
from .files import FileInfo, iter_rows

CHUNK = 20_000
STAGE_COLUMNS = [
    ("line", "integer", "integer"),
    ("external_id", "varchar(100)", "text"),
    ("started_at", "timestamptz", "text"),
    ("duration_seconds", "integer", "integer"),
    ("channel", "varchar(8)", "text"),
    ("agent_id", "bigint", "integer"),
    ("agent_label", "varchar(120)", "text"),
    ("category", "varchar(200)", "text"),
    ("inquiry", "text", "text"),
    ("resolution", "text", "text"),
    ("transferred", "boolean", "integer"),
    ("escalated", "boolean", "integer"),
    ("repeat_contact", "boolean", "integer"),
    ("repeat_flag_given", "boolean", "integer"),
    ("customer_key", "varchar(64)", "text"),
]
# Columns compared to decide whether an existing record changes (repeat_contact handled apart).
DATA_COLUMNS = [
    "started_at",
    "duration_seconds",
    "channel",
    "agent_id",
    "agent_label",
    "category",
    "inquiry",
    "resolution",
    "transferred",
    "escalated",
    "customer_key",
]
TABLE = m.CallRecord._meta.db_table
UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class Progress:
    bytes_read: int = 0
    rows_read: int = 0


@dataclass
class Outcome:
    rows_total: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    stored: bool = False
    period_start: datetime | None = None
    period_end: datetime | None = None

    @property
    def bad(self) -> int:
        return len({e.line for e in self.errors})


def _salt() -> bytes:
    return str(settings.CALLS_CUSTOMER_KEY_SALT).encode()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # PostgreSQL text cannot hold NUL characters; exports sometimes carry them.
    return str(value).replace("\x00", "").strip()


def _same_client(value: str, client: ClientCompany) -> bool:
    wanted = {client.name.replace(" ", "").lower(), client.slug.lower()}
    return value.replace(" ", "").lower() in wanted


class RowParser:
    """Turns one row's cells into a staging tuple, or a list of problems."""

    def __init__(
        self, *, client: ClientCompany, headers: list[str], mapping: dict[str, str], encoding: str = ""
    ):
        self.client = client
        self.encoding = encoding.upper().replace("-SIG", "")
        self.index = {key: headers.index(h) for key, h in mapping.items() if h in headers}
        self.salt = _salt()
        self.seen: dict[str, int] = {}
        self.agents_by_number: dict[str, int] = {}
        self.agents_by_email: dict[str, int] = {}
        for pk, number, email in User.objects.values_list("pk", "employee_number", "email"):
            if number:
                self.agents_by_number[number.strip().lower()] = pk
            self.agents_by_email[email.lower()] = pk
        self.sqlite = connection.vendor == "sqlite"
        self.last_started: datetime | None = None

    def cell(self, cells: list, key: str):
        i = self.index.get(key)
        if i is None or i >= len(cells):
            return None
        return cells[i]

    def parse(self, line: int, cells: list) -> tuple[tuple | None, list[RowError]]:
        problems: list[RowError] = []
        get = self.cell
        if self.encoding and UNDECODABLE.search("\x1f".join(c for c in cells if isinstance(c, str))):
            problems.append(
                RowError(line, "—", _("the text is not valid %(encoding)s") % {"encoding": self.encoding})
            )
            return None, problems

        def bad(key: str, message) -> None:
            problems.append(RowError(line, str(FIELDS_BY_KEY[key].label), str(message)))

        started = None
        try:
            started = parse_datetime(get(cells, "started_at"), get(cells, "started_time"))
        except ValueError as exc:
            bad("started_at", exc)
        try:
            duration = parse_duration(get(cells, "duration"))
        except ValueError as exc:
            bad("duration", exc)
            duration = 0
        try:
            channel = parse_channel(get(cells, "channel"))
        except ValueError as exc:
            bad("channel", exc)
            channel = "call"
        flags = {}
        for key in ("transferred", "escalated", "repeat_contact"):
            try:
                flags[key] = parse_flag(get(cells, key))
            except ValueError as exc:
                bad(key, exc)
                flags[key] = None
        inquiry = _text(get(cells, "inquiry"))
        if not inquiry:
            bad("inquiry", _("required"))
        client_value = _text(get(cells, "client"))
        if client_value and not _same_client(client_value, self.client):
            bad(
                "client",
                _("'%(value)s' is not %(client)s: this row belongs to another client")
                % {"value": client_value[:40], "client": self.client.name},
            )
        agent_label = _text(get(cells, "agent"))[:120]
        agent_id = None
        if agent_label:
            agent_id = self.agents_by_number.get(agent_label.lower()) or self.agents_by_email.get(
                agent_label.lower()
            )
        key = customer_key(get(cells, "customer"), self.salt)
        if "external_id" in self.index:
            external_id = _text(get(cells, "external_id"))
            if not external_id:
                bad("external_id", _("required"))
            elif len(external_id) > 100:
                bad("external_id", _("longer than 100 characters"))
        else:
            # No call id in the export: a stable id from the call's content keeps re-imports idempotent.
            basis = f"{started.isoformat() if started else ''}|{key}|{agent_label}|{inquiry}"
            external_id = "h-" + hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()[:24]
        if external_id and not problems:
            first = self.seen.get(external_id)
            if first is not None:
                bad(
                    "external_id",
                    _("%(id)s appears twice (first on line %(first)s)") % {"id": external_id, "first": first},
                )
            else:
                self.seen[external_id] = line
        if problems:
            return None, problems
        self.last_started = started
        repeat = flags["repeat_contact"]
        row = (
            line,
            external_id,
            utc_naive(started).isoformat(" ") if self.sqlite else started,
            duration,
            channel,
            agent_id,
            "" if agent_id else agent_label,
            _text(get(cells, "category"))[:200],
            inquiry,
            _text(get(cells, "resolution")),
            bool(flags["transferred"]),
            bool(flags["escalated"]),
            repeat,
            repeat is not None,
            key,
        )
        return row, []


# --- Staging per database ------------------------------------------------------------------------
class Stage:
    def __init__(self, name: str):
        self.name = name
        self.vendor = connection.vendor

    def create(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            if self.vendor == "postgresql":
                columns = ", ".join(f"{n} {pg}" for n, pg, _lite in STAGE_COLUMNS)
            else:
                columns = ", ".join(f"{n} {lite}" for n, _pg, lite in STAGE_COLUMNS)
            cursor.execute(f"CREATE TEMPORARY TABLE {self.name} ({columns})")

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(n for n, _pg, _lite in STAGE_COLUMNS)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _c in STAGE_COLUMNS)
                cursor.executemany(f"INSERT INTO {self.name} ({names}) VALUES ({marks})", rows)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")

    # SQL pieces that differ by vendor
    def _differs(self, left: str, right: str) -> str:
        op = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        return f"{left} {op} {right}"

    def _changed(self, t: str, s: str) -> str:
        parts = [self._differs(f"{t}.{c}", f"{s}.{c}") for c in DATA_COLUMNS]
        parts.append(
            f"({s}.repeat_flag_given AND {self._differs(f'{t}.repeat_contact', f'{s}.repeat_contact')})"
        )
        parts.append(f"({s}.repeat_flag_given AND NOT {t}.repeat_flag_given)")
        return " OR ".join(parts)

    def counts(self, client_id: int) -> tuple[int, int, int]:
        """(new, changed, unchanged) rows, without writing anything."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.name}")
            total = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT count(*), coalesce(sum(CASE WHEN {self._changed('t', 's')} THEN 1 ELSE 0 END), 0) "
                f"FROM {self.name} s JOIN {TABLE} t ON t.client_id = %s AND t.external_id = s.external_id",
                [client_id],
            )
            existing, changed = cursor.fetchone()
        return total - existing, int(changed), existing - int(changed)

    def upsert(self, client_id: int, job_id: int | None) -> tuple[int, int, int]:
        """Insert new rows, update changed ones; returns (created, updated, unchanged)."""
        now = timezone.now()
        if self.vendor == "sqlite":
            new, changed, unchanged = self.counts(client_id)
            now_value = utc_naive(now).isoformat(" ")
        else:
            now_value = now
        data = ", ".join(DATA_COLUMNS)
        select = ", ".join(f"s.{c}" for c in DATA_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in DATA_COLUMNS)
        changed_sql = self._changed(TABLE, "excluded")
        sql = (
            f"INSERT INTO {TABLE} (client_id, external_id, {data}, repeat_contact, repeat_flag_given, "
            f"import_job_id, created_at, updated_at) "
            f"SELECT %s, s.external_id, {select}, coalesce(s.repeat_contact, false), s.repeat_flag_given, "
            f"%s, %s, %s FROM {self.name} s WHERE true "
            f"ON CONFLICT (client_id, external_id) DO UPDATE SET {updates}, "
            f"repeat_contact = CASE WHEN excluded.repeat_flag_given THEN excluded.repeat_contact "
            f"ELSE {TABLE}.repeat_contact END, "
            f"repeat_flag_given = {TABLE}.repeat_flag_given OR excluded.repeat_flag_given, "
            f"import_job_id = excluded.import_job_id, updated_at = excluded.updated_at "
            f"WHERE {changed_sql}"
        )
        params = [client_id, job_id, now_value, now_value]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    f"WITH up AS ({sql} RETURNING (xmax = 0) AS inserted) "
                    f"SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
                    params,
                )
                new, changed = cursor.fetchone()
                cursor.execute(f"SELECT count(*) FROM {self.name}")
                unchanged = cursor.fetchone()[0] - new - changed
            else:
                cursor.execute(sql, params)
        return new, changed, unchanged


def recompute_repeat_contacts(*, client_id: int, start: datetime, end: datetime) -> int:
    """Mark calls whose customer called within the previous 7 days (where the export did not say)."""
    from django.db.models import Exists, OuterRef

    window = timedelta(days=7)
    earlier = m.CallRecord.objects.filter(
        client_id=client_id,
        customer_key=OuterRef("customer_key"),
        started_at__lt=OuterRef("started_at"),
        started_at__gte=OuterRef("started_at") - window,
    )
    scope = m.CallRecord.objects.filter(
        client_id=client_id,
        started_at__gte=start,
        started_at__lte=end + window,
        repeat_flag_given=False,
    ).exclude(customer_key="")
    changed = scope.filter(repeat_contact=False).filter(Exists(earlier)).update(repeat_contact=True)
    changed += scope.filter(repeat_contact=True).filter(~Exists(earlier)).update(repeat_contact=False)
    return changed


def _fraction(progress: Progress, info: FileInfo) -> float:
    if info.kind == "xlsx":
        return progress.rows_read / max(info.estimated_rows, 1)
    return progress.bytes_read / max(info.size, 1)


def run_import(
    *,
    client: ClientCompany,
    path: Path,
    info: FileInfo,
    mapping: dict[str, str],
    valid_only: bool = False,
    dry_run: bool = False,
    job_id: int | None = None,
    on_progress: Callable[[float, int], None] | None = None,
) -> Outcome:
    """Read, validate and (unless refused) store one file. Call outside a transaction for live progress."""
    outcome = Outcome()
    parser = RowParser(client=client, headers=info.headers, mapping=mapping, encoding=info.encoding)
    progress = Progress()
    stage = Stage(f"calls_stage_{job_id or 0}_{int(clock.time() * 1000) % 10_000_000}")
    stage.create()
    try:
        chunk: list[tuple] = []
        last_report = clock.monotonic()
        for line, cells in iter_rows(path, info, progress):
            if not any(c is not None and str(c).strip() for c in cells):
                continue  # blank lines are not rows
            outcome.rows_total += 1
            row, problems = parser.parse(line, cells)
            if problems:
                outcome.errors.extend(problems)
            else:
                chunk.append(row)
                started = parser.last_started
                if outcome.period_start is None or started < outcome.period_start:
                    outcome.period_start = started
                if outcome.period_end is None or started > outcome.period_end:
                    outcome.period_end = started
                if len(chunk) >= CHUNK:
                    stage.write(chunk)
                    outcome.valid += len(chunk)
                    chunk = []
            if on_progress and outcome.rows_total % 2000 == 0 and clock.monotonic() - last_report > 0.5:
                on_progress(_fraction(progress, info), outcome.rows_total)
                last_report = clock.monotonic()
        stage.write(chunk)
        outcome.valid += len(chunk)
        if outcome.errors and not valid_only:
            return outcome
        if dry_run:
            outcome.created, outcome.updated, outcome.unchanged = stage.counts(client.pk)
            return outcome
        with transaction.atomic():
            outcome.created, outcome.updated, outcome.unchanged = stage.upsert(client.pk, job_id)
            if outcome.period_start and "repeat_contact" not in parser.index:
                recompute_repeat_contacts(
                    client_id=client.pk, start=outcome.period_start, end=outcome.period_end
                )
        outcome.stored = outcome.valid > 0
        return outcome
    finally:
        stage.drop()
