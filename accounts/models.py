from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.caching import VersionedQuerySet

from .caches import PERMISSIONS, USERS


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class PermissionQuerySet(VersionedQuerySet):
    """Rows that decide who may see which client: bulk writes drop every cached answer."""

    cache_versions = (PERMISSIONS,)


class UserQuerySet(VersionedQuerySet):
    """Bulk writes to users drop the cached signed-in users and every cached permission answer."""

    cache_versions = (USERS, PERMISSIONS)


class UserManager(DjangoUserManager["User"]):
    # get_queryset rather than from_queryset(): django-stubs resolves from_queryset bases only in
    # some import orders (typeddjango/django-stubs#2224), which made mypy's verdict vary by run.
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]  # e-mail login: no username argument
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class ClientCompany(models.Model):
    """A client company (고객사) whose customers the agents answer."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PermissionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client company")
        verbose_name_plural = _("client companies")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("The centre or division this team belongs to, for the directory's team tree."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PermissionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. The e-mail address is the login."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("full name"), max_length=60)
    employee_number = models.CharField(
        _("employee number"), max_length=20, unique=True, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The directory: 직급 (rank), 직책 (post), 내선번호 (desk extension), a photo.
    position = models.CharField(
        _("rank"), max_length=30, blank=True, help_text=_("e.g. 사원, 주임, 대리, 과장")
    )
    job_title = models.CharField(_("post"), max_length=30, blank=True, help_text=_("e.g. 팀장, 파트장, QA"))
    extension = models.CharField(_("extension"), max_length=10, blank=True, db_index=True)
    photo = models.CharField(_("photo"), max_length=100, blank=True, editable=False)
    # The name's initial consonants (김민지 → ㄱㅁㅈ), kept in step by save() for the directory search.
    name_initials = models.CharField(max_length=60, blank=True, editable=False, db_index=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    clients = models.ManyToManyField(
        ClientCompany,
        through="ClientAssignment",
        related_name="agents",
        blank=True,
        verbose_name=_("clients"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from core.korean import initials

        initials_now = initials(self.name)
        if initials_now != self.name_initials:
            self.name_initials = initials_now
            if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
                kwargs["update_fields"] = {*kwargs["update_fields"], "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.pk])

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    # The role rule, in one place: superusers count as admins; managers are also agents of a kind.
    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def effective_role(self) -> str:
        return Role.ADMIN if self.is_admin else self.role


class ClientAssignment(models.Model):
    """An agent serves a client company. One agent serves several clients."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PermissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("client assignment")
        verbose_name_plural = _("client assignments")
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="accounts_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(_("message"), max_length=255)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="accounts_notif_unread_idx")]

    def __str__(self) -> str:
        return self.verb

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class AuditEvent(models.Model):
    """A decision someone took: who, when, what and why. Written by services, never edited."""

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"], name="accounts_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


def api_token_expiry():
    from django.conf import settings

    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token for integrations (CTI, CRM). Only a hash is stored."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # API_TOKEN_DAYS after creation; a password change or a deactivation revokes earlier.
    expires_at = models.DateTimeField(_("expires"), default=api_token_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
