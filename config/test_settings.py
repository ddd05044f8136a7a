"""Settings for the test suite: the real settings, made fast and self-contained."""

import os

from .settings import *  # noqa: F403
from .settings import CELERY_BROKER_URL, DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in the calling thread. The browser journeys' real worker
# (tests/e2e/worker.py) starts with DASAN_REAL_WORKER=1 and is fed through the broker instead.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("DASAN_REAL_WORKER") != "1"
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Its own folders: a `make run` worker in the same checkout must not take the tests' tasks.
    _broker_dir = VAR_DIR / "test-celery"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
# The real worker connects to the test database the suite created (its name is known only then).
if os.environ.get("DASAN_WORKER_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["DASAN_WORKER_DB_NAME"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = VAR_DIR / "test-media"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Assertions read the English source strings; the browser journeys (Accept-Language: ko-KR) and
# tests/accounts/test_i18n.py check that the product itself speaks Korean by default.
LANGUAGE_CODE = "en"
