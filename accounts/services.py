"""Writes for accounts: users, clients, notifications, audit and API tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from core.korean import resolve_particles
from core.uploads import FileRejected, ImportRejected, RowError, RowLimit

from .audit import AuditAction
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
    position: str = ""
    job_title: str = ""
    extension: str = ""


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
    if spec.extension and not (spec.extension.replace("-", "").isdigit() and len(spec.extension) <= 10):
        errors.append(
            _("extension: '%(value)s' is not an extension number (digits, up to 10)")
            % {"value": spec.extension}
        )
    for label, value in (("position", spec.position), ("job_title", spec.job_title)):
        if len(value) > 30:
            errors.append(_("%(field)s: longer than 30 characters") % {"field": label})
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
        position=spec.position,
        job_title=spec.job_title,
        extension=spec.extension,
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


USERS_IMPORT_MAX_ROWS = 5_000
USERS_IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _user_rows(data: bytes, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: value}) of a users CSV, checked by content first, read as a stream."""
    found = uploads.identify(
        data,
        name=name,
        max_bytes=USERS_IMPORT_MAX_BYTES,
        zip_limits=uploads.ZipLimits(max_total=USERS_IMPORT_MAX_BYTES),
    )
    if found.kind != "text":
        raise FileRejected(_("This is an Excel workbook: save it as CSV (UTF-8 or CP949) and try again."))
    records = uploads.iter_csv(data, found.encoding)
    first = next(records, None)
    header = [h.strip().lstrip("\ufeff") for h in (first[1] if first else [])]
    missing = {"email", "name", "role"} - set(header)
    if missing:
        raise ImportRejected(
            [RowError(1, _("missing columns: %(cols)s") % {"cols": ", ".join(sorted(missing))})]
        )
    limit = RowLimit(USERS_IMPORT_MAX_ROWS)
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        limit.take(line)
        yield line, {h: (record[i] if i < len(record) else "").strip() for i, h in enumerate(header) if h}


@transaction.atomic(durable=True)
def users_import_csv(*, data: bytes, name: str = "users.csv") -> list[User]:
    """Create users from CSV (columns as for create_user). Any bad row: nothing is created."""
    known = set(ClientCompany.objects.values_list("slug", flat=True))
    specs: list[UserSpec] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    try:
        rows = list(_user_rows(data, name))
    except FileRejected as exc:
        raise ImportRejected.from_file(exc) from None
    for line, row in rows:
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
            position=row.get("position", ""),
            job_title=row.get("job_title", ""),
            extension=row.get("extension", ""),
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
    target: Model | None = None,
    url: str = "",
    body: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell people something: an in-app notification, and an e-mail sent once the transaction commits."""
    from .tasks import send_notification_emails

    if isinstance(recipients, User):
        recipients = [recipients]
    # Stored (and e-mailed) as finished Korean: {을/를} pairs picked now.
    verb, body = resolve_particles(verb), resolve_particles(body)
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
    *,
    actor: User | None,
    action: AuditAction,
    target: Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit row. `action` must be an `AuditAction`: a string outside the list raises ValueError."""
    return AuditEvent.objects.create(
        actor=actor,
        action=AuditAction(action).value,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )


# --- API tokens -------------------------------------------------------------------------------
@transaction.atomic(durable=True)
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token. The key is returned once and only its hash is kept."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=(name or _("Personal token")).strip()[:80],
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
    )
    audit_record(actor=user, action=AuditAction.API_TOKEN_CREATE, target=token)
    return token, key


@transaction.atomic(durable=True)
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action=AuditAction.API_TOKEN_REVOKE, target=token)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """End every live token of a person (a new password, a deactivation): integrations sign in again."""
    now = timezone.now()
    ids = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("pk", flat=True))
    if ids:
        ApiToken.objects.filter(pk__in=ids).update(revoked_at=now)
        audit_record(
            actor=None,
            action=AuditAction.API_TOKEN_REVOKE_ALL,
            target=user,
            reason=reason,
            data={"tokens": ids},
        )
    return len(ids)


# --- Directory photo ----------------------------------------------------------------------------
PHOTO_SIZE = 256  # pixels, square: the directory shows 48 px, the profile 96 px (sharp on 2× screens)
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000


def user_photo_set(*, user: User, by: User, upload: UploadedFile[Any]) -> User:
    """Store a directory photo: any JPEG, PNG or WebP, cropped to a square and resized with Pillow.

    Only the person or an admin may change it. Bad files raise ValidationError naming the field;
    the stored photo stays as it was.
    """
    from django.conf import settings
    from django.core.exceptions import PermissionDenied
    from PIL import Image, ImageOps, UnidentifiedImageError

    if by.pk != user.pk and not by.is_admin:
        raise PermissionDenied(_("Only the person or an administrator can change this photo."))
    if (upload.size or 0) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is larger than 8 MB.")})
    try:
        with Image.open(upload) as image:
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValidationError({"photo": _("Use a JPEG, PNG or WebP photo.")})
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": _("The photo has too many pixels.")})
            upright = ImageOps.exif_transpose(image).convert("RGB")
            square = ImageOps.fit(upright, (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": _("This file is not a photo we can read.")}) from exc
    folder = Path(settings.MEDIA_ROOT) / "accounts" / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.jpg"
    square.save(folder / name, "JPEG", quality=85, optimize=True)
    old = user.photo
    user.photo = name
    user.save(update_fields=["photo"])
    if old:
        (folder / Path(old).name).unlink(missing_ok=True)
    return user


def user_photo_path(user: User) -> Path | None:
    from django.conf import settings

    if not user.photo:
        return None
    path = Path(settings.MEDIA_ROOT) / "accounts" / "photos" / Path(user.photo).name
    return path if path.exists() else None
