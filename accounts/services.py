"""Writes for accounts: users, clients, notifications, audit and API tokens."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, AuditEvent, ClientAssignment, ClientCompany, Notification, Role, Team, User


# --- Client companies and users ---------------------------------------------------------------
@transaction.atomic
def client_create(*, slug: str, name: str, active: bool = True) -> ClientCompany:
    client, created = ClientCompany.objects.get_or_create(
        slug=slug, defaults={"name": name, "active": active}
    )
    if not created and (client.name != name or client.active != active):
        client.name, client.active = name, active
        client.save(update_fields=["name", "active"])
    return client


@dataclass
class UserSpec:
    """What it takes to create a user; shared by the CLI, the CSV import and the demo data."""

    email: str
    name: str
    role: str = Role.AGENT
    team: str = ""
    clients: list[str] = field(default_factory=list)
    password: str | None = None
    employee_number: str | None = None
    phone: str = ""
    hire_date: date | None = None


def _validate_spec(
    spec: UserSpec, *, known_clients: set[str], seen_emails: set[str] | None = None
) -> list[str]:
    errors: list[str] = []
    try:
        validate_email(spec.email)
    except ValidationError:
        errors.append(_("email: '%(value)s' is not a valid e-mail address") % {"value": spec.email})
    else:
        lowered = spec.email.lower()
        if User.objects.filter(email__iexact=lowered).exists() or (
            seen_emails is not None and lowered in seen_emails
        ):
            errors.append(_("email: %(value)s is already in use") % {"value": spec.email})
    if not spec.name.strip():
        errors.append(_("name: required"))
    if spec.role not in Role.values:
        errors.append(
            _("role: '%(value)s' is not one of %(choices)s")
            % {"value": spec.role, "choices": ", ".join(Role.values)}
        )
    unknown = sorted(set(spec.clients) - known_clients)
    if unknown:
        errors.append(_("clients: unknown client %(slugs)s") % {"slugs": ", ".join(unknown)})
    if spec.employee_number and User.objects.filter(employee_number=spec.employee_number).exists():
        errors.append(_("employee_number: %(value)s is already in use") % {"value": spec.employee_number})
    return errors


@transaction.atomic
def user_create(spec: UserSpec) -> User:
    """Create a staff account. Raises ValidationError (with every problem listed) and stores nothing on bad input."""
    known = set(ClientCompany.objects.filter(slug__in=spec.clients).values_list("slug", flat=True))
    errors = _validate_spec(spec, known_clients=known)
    if errors:
        raise ValidationError(errors)
    return _create_user_unchecked(spec)


def _create_user_unchecked(spec: UserSpec) -> User:
    team = None
    if spec.team:
        team, _created = Team.objects.get_or_create(name=spec.team)
    is_admin = spec.role == Role.ADMIN
    user = User.objects.create_user(
        email=spec.email,
        password=spec.password,
        name=spec.name.strip(),
        role=spec.role,
        team=team if spec.role != Role.MANAGER else None,
        employee_number=spec.employee_number or None,
        phone=spec.phone,
        hire_date=spec.hire_date,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    if not spec.password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if team is not None and spec.role == Role.MANAGER:
        team.manager = user
        team.save(update_fields=["manager"])
    clients = ClientCompany.objects.filter(slug__in=spec.clients)
    ClientAssignment.objects.bulk_create([ClientAssignment(user=user, client=c) for c in clients])
    return user


@transaction.atomic
def user_assign_clients(*, user: User, slugs: Iterable[str]) -> None:
    clients = list(ClientCompany.objects.filter(slug__in=list(slugs)))
    ClientAssignment.objects.bulk_create(
        [ClientAssignment(user=user, client=c) for c in clients], ignore_conflicts=True
    )


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """The file had bad rows; nothing was stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


USER_COLUMNS = [
    "email",
    "name",
    "role",
    "team",
    "clients",
    "password",
    "employee_number",
    "phone",
    "hire_date",
]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([RowError(1, _("the file is neither UTF-8 nor CP949 text"))])


@transaction.atomic
def users_import_csv(*, data: bytes) -> list[User]:
    """Create users from CSV (columns as for create_user). Any bad row: nothing is created."""
    reader = csv.DictReader(io.StringIO(_decode(data)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = {"email", "name", "role"} - set(header)
    if missing:
        raise ImportRejected(
            [RowError(1, _("missing columns: %(cols)s") % {"cols": ", ".join(sorted(missing))})]
        )
    known = set(ClientCompany.objects.values_list("slug", flat=True))
    specs: list[UserSpec] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        problems: list[str] = []
        hire = None
        if row.get("hire_date"):
            try:
                hire = date.fromisoformat(row["hire_date"])
            except ValueError:
                problems.append(
                    _("hire_date: '%(value)s' is not a date (YYYY-MM-DD)") % {"value": row["hire_date"]}
                )
        spec = UserSpec(
            email=row.get("email", ""),
            name=row.get("name", ""),
            role=row.get("role", "") or Role.AGENT,
            team=row.get("team", ""),
            clients=[s.strip() for s in row.get("clients", "").split(",") if s.strip()],
            password=row.get("password") or None,
            employee_number=row.get("employee_number") or None,
            phone=row.get("phone", ""),
            hire_date=hire,
        )
        problems += _validate_spec(spec, known_clients=known, seen_emails=seen)
        seen.add(spec.email.lower())
        errors += [RowError(line, p) for p in problems]
        specs.append(spec)
    if errors:
        raise ImportRejected(errors)
    if not specs:
        raise ImportRejected([RowError(2, _("the file has no rows"))])
    return [_create_user_unchecked(spec) for spec in specs]


# --- Notifications ----------------------------------------------------------------------------
def notify(
    recipients: User | Iterable[User],
    verb: str,
    *,
    actor: User | None = None,
    target=None,
    url: str = "",
    body: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell people something: an in-app notification, and an e-mail sent once the transaction commits."""
    from .tasks import send_notification_emails

    if isinstance(recipients, User):
        recipients = [recipients]
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = str(target.pk) if target is not None else ""
    if not url and target is not None and hasattr(target, "get_absolute_url"):
        url = target.get_absolute_url()
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=r,
                actor=actor,
                verb=verb[:255],
                body=body,
                url=url,
                target_type=target_type,
                target_id=target_id,
                created_at=now,
            )
            for r in recipients
            if r.is_active
        ]
    )
    # SQLite and PostgreSQL both return primary keys from bulk_create.
    if email and created:
        send_notification_emails.delay_on_commit([n.pk for n in created])
    return created


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- Audit ------------------------------------------------------------------------------------
def audit_record(
    *, actor: User | None, action: str, target=None, reason: str = "", data: dict | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )


# --- API tokens -------------------------------------------------------------------------------
@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token. The key is returned once and only its hash is kept."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=(name or _("Personal token")).strip()[:80],
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
    )
    audit_record(actor=user, action="api_token.create", target=token)
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="api_token.revoke", target=token)
    return token
