# ruff: noqa: S608  (table and column names below are ours, never user input)
"""The import pipeline: stream rows → validate → staging table → one upsert.

Rows are parsed and validated one at a time and written in chunks to a temporary staging table
(PostgreSQL: psycopg 3 COPY; SQLite: executemany). Nothing touches the call records until the whole
file has been read: then, unless bad rows forbid it (all-or-nothing), a single statement upserts the
staging table into knowledge_callrecord by (client, external id), changing only rows whose values
differ, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import re
import threading
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
from core.uploads import RowError, decode_error_count

from .. import models as m
from ..privacy import mask
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
    ("article_ref", "varchar(300)", "text"),
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
    bad: int = 0  # rows with at least one problem
    # The first problems by line, for the page; every one of them is in the errors CSV.
    errors: list[RowError] = field(default_factory=list)
    errors_written: int = 0
    stored: bool = False
    period_start: datetime | None = None
    period_end: datetime | None = None


def _salt() -> bytes:
    return str(settings.CALLS_CUSTOMER_KEY_SALT).encode()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # PostgreSQL text cannot hold NUL characters; exports sometimes carry them.
    return str(value).replace("\x00", "").strip()


class RowParser:
    """Turns one row's cells into a staging tuple, or a list of problems.

    The hot loop of an import (a million rows): cells are read by precomputed index and the common
    formats take fast paths in fields.py. Duplicate call ids are found afterwards in the staging
    table (Stage.duplicates), so memory does not grow with the file.
    """

    def __init__(
        self, *, client: ClientCompany, headers: list[str], mapping: dict[str, str], encoding: str = ""
    ):
        self.client = client
        self.encoding = encoding.upper().replace("-SIG", "")
        self.index = {key: headers.index(h) for key, h in mapping.items() if h in headers}
        self.width = len(headers) + 1
        self.at = {key: self.index.get(key, -1) for key in FIELDS_BY_KEY}
        self.salt = _salt()
        self.agents_by_number: dict[str, int] = {}
        self.agents_by_email: dict[str, int] = {}
        for pk, number, email in User.objects.values_list("pk", "employee_number", "email"):
            if number:
                self.agents_by_number[number.strip().lower()] = pk
            self.agents_by_email[email.lower()] = pk
        self.sqlite = connection.vendor == "sqlite"
        self.last_started: datetime | None = None
        self.has_external_id = "external_id" in self.index
        self.client_names = {client.name.replace(" ", "").lower(), client.slug.lower()}
        self.decode_errors = decode_error_count()

    def cell(self, cells: list, key: str):
        i = self.index.get(key)
        if i is None or i >= len(cells):
            return None
        return cells[i]

    def parse(self, line: int, cells: list) -> tuple[tuple | None, list[RowError]]:
        problems: list[RowError] = []
        # Pad short rows and add one None at the end: an unmapped field reads index -1.
        missing = max(self.width - len(cells), 1)
        cells = [*cells, *([None] * missing)]
        at = self.at

        def get(key: str):
            return cells[at[key]]

        # Undecodable bytes became surrogates (core.uploads.iter_csv); look for them only once some were seen.
        if (
            self.encoding
            and decode_error_count() != self.decode_errors
            and UNDECODABLE.search("\x1f".join(c for c in cells if isinstance(c, str)))
        ):
            problems.append(
                RowError(
                    line, _("the text is not valid %(encoding)s") % {"encoding": self.encoding}, field="—"
                )
            )
            return None, problems

        def bad(key: str, message) -> None:
            problems.append(RowError(line, str(message), field=str(FIELDS_BY_KEY[key].label)))

        started = None
        try:
            started = parse_datetime(get("started_at"), get("started_time"))
        except ValueError as exc:
            bad("started_at", exc)
        try:
            duration = parse_duration(get("duration"))
        except ValueError as exc:
            bad("duration", exc)
            duration = 0
        try:
            channel = parse_channel(get("channel"))
        except ValueError as exc:
            bad("channel", exc)
            channel = "call"
        flags = {}
        for key in ("transferred", "escalated", "repeat_contact"):
            try:
                flags[key] = parse_flag(get(key))
            except ValueError as exc:
                bad(key, exc)
                flags[key] = None
        inquiry = _text(get("inquiry"))
        if not inquiry:
            bad("inquiry", _("required"))
        client_value = _text(get("client"))
        if client_value and client_value.replace(" ", "").lower() not in self.client_names:
            bad(
                "client",
                _("'%(value)s' is not %(client)s: this row belongs to another client")
                % {"value": client_value[:40], "client": self.client.name},
            )
        agent_label = _text(get("agent"))[:120]
        agent_id = None
        if agent_label:
            lowered = agent_label.lower()
            agent_id = self.agents_by_number.get(lowered) or self.agents_by_email.get(lowered)
        key = customer_key(get("customer"), self.salt)
        if self.has_external_id:
            external_id = _text(get("external_id"))
            if not external_id:
                bad("external_id", _("required"))
            elif len(external_id) > 100:
                bad("external_id", _("longer than 100 characters"))
        else:
            # No call id in the export: a stable id from the call's content keeps re-imports idempotent.
            basis = f"{started.isoformat() if started else ''}|{key}|{agent_label}|{inquiry}"
            external_id = "h-" + hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()[:24]
        if problems:
            return None, problems
        assert started is not None  # parsed without problems
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
            _text(get("category"))[:200],
            # personal data in the free text is masked before anything is stored (privacy.mask);
            # the hashed id above keeps using the text as exported, so re-imports stay idempotent
            mask(inquiry),
            mask(_text(get("resolution"))),
            bool(flags["transferred"]),
            bool(flags["escalated"]),
            repeat,
            repeat is not None,
            key,
            _text(get("article"))[:300],
        )
        return row, []


# --- Staging per database ------------------------------------------------------------------------
class Stage:
    """Two temporary tables per import: the valid rows, and every problem found (line, field, message)."""

    def __init__(self, name: str):
        self.name = name
        self.errors = f"{name}_err"
        self.vendor = connection.vendor

    def create(self) -> None:
        with connection.cursor() as cursor:
            self.drop()
            if self.vendor == "postgresql":
                columns = ", ".join(f"{n} {pg}" for n, pg, _lite in STAGE_COLUMNS)
            else:
                columns = ", ".join(f"{n} {lite}" for n, _pg, lite in STAGE_COLUMNS)
            cursor.execute(f"CREATE TEMPORARY TABLE {self.name} ({columns})")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.errors} (line integer, field text, message text)")

    def write_errors(self, errors: list[RowError]) -> None:
        if not errors:
            return
        rows = [(e.line, e.field, e.message) for e in errors]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.errors} (line, field, message) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {self.errors} (line, field, message) VALUES (%s, %s, %s)", rows
                )

    def duplicates(self, message: Callable[[str, int], str]) -> int:
        """Rows whose call id appeared on an earlier line become problems and leave the stage."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT line, external_id, first FROM (SELECT line, external_id, "
                f"min(line) OVER (PARTITION BY external_id) AS first FROM {self.name} "
                f"WHERE external_id IN (SELECT external_id FROM {self.name} GROUP BY external_id "
                f"HAVING count(*) > 1)) d WHERE line <> first ORDER BY line"
            )
            found = cursor.fetchall()
            if not found:
                return 0
            self.write_errors([RowError(line, message(ext, first)) for line, ext, first in found])
            cursor.execute(
                f"DELETE FROM {self.name} WHERE line IN (SELECT line FROM {self.errors} WHERE field = '')"
            )
            return len(found)

    def error_summary(self, sample: int) -> tuple[int, list[RowError]]:
        """(rows with problems, the first `sample` problems by line)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(DISTINCT line) FROM {self.errors}")
            bad = cursor.fetchone()[0]
            cursor.execute(f"SELECT line, field, message FROM {self.errors} ORDER BY line LIMIT %s", [sample])
            return bad, [RowError(line, message, field=field) for line, field, message in cursor.fetchall()]

    def export_errors(self, path: Path, header: list[str], blank_field: str) -> int:
        """Every problem, by line, as CSV with a BOM (Excel opens Korean correctly). Streamed."""
        import csv

        from core.exports import safe_cell

        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as fh, connection.cursor() as cursor:
            writer = csv.writer(fh)
            writer.writerow(header)
            cursor.execute(f"SELECT line, field, message FROM {self.errors} ORDER BY line")
            while batch := cursor.fetchmany(5000):
                # The messages quote the bad cells: neutralise formulas (CSV injection) like every export.
                writer.writerows(
                    (line, field or blank_field, safe_cell(mask(str(msg)))) for line, field, msg in batch
                )
                count += len(batch)
        return count

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
            cursor.execute(f"DROP TABLE IF EXISTS {self.errors}")

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

    def link_articles(self, client_id: int) -> None:
        """Calls whose export named the manual article used (external id, else exact title, within
        the client) are linked to it; a name matching no article links nothing."""
        sql = (
            f"UPDATE {TABLE} SET article_id = a.id FROM {self.name} s, knowledge_article a "
            f"WHERE s.article_ref <> '' AND a.client_id = %s AND a.id = (SELECT min(b.id) FROM "
            f"knowledge_article b WHERE b.client_id = %s AND (b.external_id = s.article_ref "
            f"OR b.title = s.article_ref)) AND {TABLE}.client_id = %s AND {TABLE}.external_id = s.external_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, client_id, client_id])

    def upsert(self, client_id: int, job_id: int | None) -> tuple[int, int, int]:
        """Insert new rows, update changed ones; returns (created, updated, unchanged)."""
        now = timezone.now()
        if self.vendor == "sqlite":
            new, changed, unchanged = self.counts(client_id)
            now_value: str | datetime = utc_naive(now).isoformat(" ")
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
            f"%s, %s, %s FROM {self.name} s WHERE true ORDER BY s.external_id "
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

    def upsert_lines(self, client_id: int, job_id: int | None, first: int, last: int) -> tuple[int, int, int]:
        """PostgreSQL: upsert the staged rows of lines first..last (one chunk); (created, updated, unchanged).

        Within the chunk only the first row of a call id is taken (one statement may not touch a row
        twice); duplicates across the file are found afterwards by Stage.duplicates()."""
        data = ", ".join(DATA_COLUMNS)
        select = ", ".join(f"s.{c}" for c in DATA_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in DATA_COLUMNS)
        now = timezone.now()
        sql = (
            f"INSERT INTO {TABLE} (client_id, external_id, {data}, repeat_contact, repeat_flag_given, "
            f"import_job_id, created_at, updated_at) "
            f"SELECT %s, s.external_id, {select}, coalesce(s.repeat_contact, false), s.repeat_flag_given, "
            f"%s, %s, %s FROM (SELECT DISTINCT ON (external_id) * FROM {self.name} "
            f"WHERE line BETWEEN %s AND %s ORDER BY external_id, line) s "
            f"ON CONFLICT (client_id, external_id) DO UPDATE SET {updates}, "
            f"repeat_contact = CASE WHEN excluded.repeat_flag_given THEN excluded.repeat_contact "
            f"ELSE {TABLE}.repeat_contact END, "
            f"repeat_flag_given = {TABLE}.repeat_flag_given OR excluded.repeat_flag_given, "
            f"import_job_id = excluded.import_job_id, updated_at = excluded.updated_at "
            f"WHERE {self._changed(TABLE, 'excluded')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH up AS ({sql} RETURNING (xmax = 0) AS inserted) "
                f"SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
                [client_id, job_id, now, now, first, last],
            )
            new, changed = cursor.fetchone()
            cursor.execute(
                f"SELECT count(DISTINCT external_id) FROM {self.name} WHERE line BETWEEN %s AND %s",
                [first, last],
            )
            return new, changed, cursor.fetchone()[0] - new - changed


def recompute_repeat_contacts(*, client_id: int, start: datetime, end: datetime) -> int:
    """Mark calls whose customer called within the previous 7 days (where the export did not say).

    Calls up to 7 days after the imported period are recomputed too: an imported call can make them
    repeats. PostgreSQL does it in one pass with a window over (customer, time); SQLite per row.
    """
    window = timedelta(days=7)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The window sorts every call of the period by customer: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(
                f"UPDATE {TABLE} t SET repeat_contact = w.rep FROM ("
                f"  SELECT id, repeat_contact, repeat_flag_given, count(*) OVER (PARTITION BY customer_key "
                f"    ORDER BY started_at RANGE BETWEEN interval '7 days' PRECEDING "
                f"    AND interval '1 microsecond' PRECEDING) > 0 AS rep"
                f"  FROM {TABLE} WHERE client_id = %s AND customer_key <> '' "
                f"    AND started_at >= %s AND started_at <= %s"
                f") w WHERE t.id = w.id AND NOT w.repeat_flag_given AND w.rep <> w.repeat_contact "
                f"AND t.started_at >= %s",
                [client_id, start - window, end + window, start],
            )
            return cursor.rowcount
    from django.db.models import Exists, OuterRef

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


ERROR_SAMPLE = 200


class _Rollback(Exception):
    pass


class _Writer(threading.Thread):
    """PostgreSQL: stores chunks while the main thread parses the next ones (the database works on
    the other core). Everything happens in one transaction on this thread's own connection, rolled
    back at the end if the file is refused, so all-or-nothing still holds."""

    def __init__(self, *, client_id, job_id, name, valid_only, errors_path, duplicate_message, label):
        super().__init__(daemon=True, name=f"calls-import-{job_id}")
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.kw = {"client_id": client_id, "job_id": job_id, "name": name}
        self.valid_only, self.errors_path = valid_only, errors_path
        self.duplicate_message, self.label = duplicate_message, label
        self.counts = [0, 0, 0]
        self.result: dict = {}
        self.error: BaseException | None = None

    def send(self, item) -> None:
        while True:
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                if not self.is_alive():
                    raise self.error or RuntimeError("the import writer stopped") from None

    def run(self) -> None:
        try:
            with transaction.atomic():
                stage = Stage(self.kw["name"])
                stage.create()
                try:
                    self._consume(stage)
                finally:
                    stage.drop()
        except _Rollback:
            pass
        except BaseException as exc:  # handed to the main thread
            self.error = exc
        finally:
            connection.close()

    def _consume(self, stage: Stage) -> None:
        client_id, job_id = self.kw["client_id"], self.kw["job_id"]
        while True:
            kind, payload = self.queue.get()
            if kind == "rows":
                stage.write(payload)
                for i, n in enumerate(stage.upsert_lines(client_id, job_id, payload[0][0], payload[-1][0])):
                    self.counts[i] += n
            elif kind == "errors":
                stage.write_errors(payload)
            elif kind == "abort":
                raise _Rollback
            else:  # "end"
                break
        period_start, period_end, recompute = payload
        duplicates = stage.duplicates(self.duplicate_message)
        bad, sample = stage.error_summary(ERROR_SAMPLE)
        written = 0
        if bad and self.errors_path is not None:
            written = stage.export_errors(
                self.errors_path, [_("line"), _("column"), _("problem")], self.label
            )
        self.result = {"duplicates": duplicates, "bad": bad, "sample": sample, "written": written}
        if bad and not self.valid_only:
            raise _Rollback  # all or nothing
        if duplicates:
            # A later duplicate may have overwritten the first: start again the sequential way.
            self.result["redo"] = True
            raise _Rollback
        if period_start and recompute:
            if sum(self.counts[:2]) > 50_000:
                with connection.cursor() as cursor:  # fresh statistics for the plan below
                    cursor.execute(f"ANALYZE {TABLE}")
            recompute_repeat_contacts(client_id=client_id, start=period_start, end=period_end)
        stage.link_articles(client_id)
        self.result["stored"] = True


def _overlapped(
    *, client, path, info, mapping, valid_only, job_id, on_progress, errors_path
) -> Outcome | None:
    """run_import on PostgreSQL with parsing and storing overlapped; None when it must be redone."""
    outcome = Outcome()
    parser = RowParser(client=client, headers=info.headers, mapping=mapping, encoding=info.encoding)
    progress = Progress()
    label = str(FIELDS_BY_KEY["external_id"].label)
    writer = _Writer(
        client_id=client.pk,
        job_id=job_id,
        name=f"calls_stage_{job_id or 0}_{int(clock.time() * 1000) % 10_000_000}",
        valid_only=valid_only,
        errors_path=errors_path,
        duplicate_message=_duplicate_message,
        label=label,
    )
    writer.start()
    finished = False
    try:
        chunk: list[tuple] = []
        problems: list[RowError] = []
        period_start: datetime | None = None
        period_end: datetime | None = None
        bad_seen = False
        last_report = clock.monotonic()
        parse = parser.parse
        for line, cells in iter_rows(path, info, progress):
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            outcome.rows_total += 1
            row, row_problems = parse(line, cells)
            if row_problems:
                problems.extend(row_problems)
                bad_seen = True
                if len(problems) >= CHUNK:
                    writer.send(("errors", problems))
                    problems = []
            else:
                outcome.valid += 1
                started = parser.last_started
                assert started is not None and row is not None  # a row without problems is parsed
                if period_start is None or started < period_start:
                    period_start = started
                if period_end is None or started > period_end:
                    period_end = started
                # Once a row is bad and the file will be refused, storing more rows is wasted work.
                if not (bad_seen and not valid_only):
                    chunk.append(row)
                    if len(chunk) >= CHUNK:
                        writer.send(("rows", chunk))
                        chunk = []
            if on_progress and outcome.rows_total % 2000 == 0 and clock.monotonic() - last_report > 0.5:
                on_progress(_fraction(progress, info), outcome.rows_total)
                last_report = clock.monotonic()
        if chunk:
            writer.send(("rows", chunk))
        if problems:
            writer.send(("errors", problems))
        writer.send(("end", (period_start, period_end, "repeat_contact" not in parser.index)))
        finished = True
    finally:
        if not finished:
            # the writer may already be gone; the original error is the one to raise
            with contextlib.suppress(BaseException):
                writer.send(("abort", None))
        writer.join()
    if writer.error is not None:
        raise writer.error
    result = writer.result
    if result.get("redo"):
        return None
    outcome.period_start, outcome.period_end = period_start, period_end
    outcome.valid -= result["duplicates"]
    outcome.bad = result["bad"]
    outcome.errors = [RowError(e.line, e.message, field=e.field or label) for e in result["sample"]]
    outcome.errors_written = result["written"]
    if result.get("stored"):
        outcome.created, outcome.updated, outcome.unchanged = writer.counts
        outcome.stored = outcome.valid > 0
    return outcome


def _duplicate_message(external_id: str, first: int) -> str:
    return _("%(id)s appears twice (first on line %(first)s)") % {"id": external_id, "first": first}


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
    errors_path: Path | None = None,
) -> Outcome:
    """Read, validate and (unless refused) store one file. Call outside a transaction for live progress.

    Memory stays flat whatever the size: rows and problems go to temporary tables in chunks; the
    outcome holds counts and the first ERROR_SAMPLE problems; every problem goes to `errors_path`.
    """
    if connection.vendor == "postgresql" and not dry_run and not connection.in_atomic_block:
        # Outside a transaction (the Celery task, the CLI) a second connection can store while this
        # one parses. Inside one (tests, callers' atomic blocks) it could not see uncommitted rows.
        outcome = _overlapped(
            client=client,
            path=path,
            info=info,
            mapping=mapping,
            valid_only=valid_only,
            job_id=job_id,
            on_progress=on_progress,
            errors_path=errors_path,
        )
        if outcome is not None:
            return outcome
    outcome = Outcome()
    parser = RowParser(client=client, headers=info.headers, mapping=mapping, encoding=info.encoding)
    progress = Progress()
    stage = Stage(f"calls_stage_{job_id or 0}_{int(clock.time() * 1000) % 10_000_000}")
    stage.create()
    try:
        chunk: list[tuple] = []
        problems: list[RowError] = []
        last_report = clock.monotonic()
        period_start: datetime | None = None
        period_end: datetime | None = None
        parse = parser.parse
        for line, cells in iter_rows(path, info, progress):
            if not any(c is not None and str(c).strip() for c in cells):
                continue  # blank lines are not rows
            outcome.rows_total += 1
            row, row_problems = parse(line, cells)
            if row_problems:
                problems.extend(row_problems)
                if len(problems) >= CHUNK:
                    stage.write_errors(problems)
                    problems = []
            else:
                started = parser.last_started
                assert started is not None and row is not None  # a row without problems is parsed
                chunk.append(row)
                if period_start is None or started < period_start:
                    period_start = started
                if period_end is None or started > period_end:
                    period_end = started
                if len(chunk) >= CHUNK:
                    stage.write(chunk)
                    outcome.valid += len(chunk)
                    chunk = []
            if on_progress and outcome.rows_total % 2000 == 0 and clock.monotonic() - last_report > 0.5:
                on_progress(_fraction(progress, info), outcome.rows_total)
                last_report = clock.monotonic()
        stage.write(chunk)
        stage.write_errors(problems)
        outcome.valid += len(chunk)
        outcome.period_start, outcome.period_end = period_start, period_end
        label = str(FIELDS_BY_KEY["external_id"].label)
        duplicates = stage.duplicates(
            lambda ext, first: (
                _("%(id)s appears twice (first on line %(first)s)") % {"id": ext, "first": first}
            )
        )
        outcome.valid -= duplicates
        outcome.bad, outcome.errors = stage.error_summary(ERROR_SAMPLE)
        outcome.errors = [RowError(e.line, e.message, field=e.field or label) for e in outcome.errors]
        if outcome.bad and errors_path is not None:
            outcome.errors_written = stage.export_errors(
                errors_path, [_("line"), _("column"), _("problem")], label
            )
        if outcome.bad and not valid_only:
            return outcome
        if dry_run:
            outcome.created, outcome.updated, outcome.unchanged = stage.counts(client.pk)
            return outcome
        with transaction.atomic():
            outcome.created, outcome.updated, outcome.unchanged = stage.upsert(client.pk, job_id)
            stage.link_articles(client.pk)
            if outcome.period_start and outcome.period_end and "repeat_contact" not in parser.index:
                recompute_repeat_contacts(
                    client_id=client.pk, start=outcome.period_start, end=outcome.period_end
                )
        outcome.stored = outcome.valid > 0
        return outcome
    finally:
        stage.drop()
