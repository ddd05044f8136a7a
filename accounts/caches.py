"""The versions of the accounts caches (core.caching), in one place so models, the permission rule
and the authentication backends share them without importing each other."""

from __future__ import annotations

from core.caching import Version

# Who may see which client (accounts.permissions): any assignment, team, client or person change.
PERMISSIONS = Version("accounts:permissions:version")
# The signed-in user rows (accounts.backends): any write to users that sends no post_save.
USERS = Version("accounts:users:version")
