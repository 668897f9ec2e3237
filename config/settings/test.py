"""Test settings: fast hasher, in-memory mail, eager Celery, real PostgreSQL and Redis."""

import os
import re

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@localhost:5432/pilotage_npru")
# Tests flush their cache: give them their own Redis database, never the one `make run` uses, and one
# per pytest-xdist worker (gw0 → 15, gw1 → 14…) so that a worker's flush never wipes another's keys.
_redis_url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
_xdist_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_redis_db = 15 - _xdist_worker % 8
os.environ["REDIS_URL"] = re.sub(r"/\d*$", "", _redis_url) + f"/{_redis_db}" if _redis_url else ""

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import BASE_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
AXES_FAILURE_LIMIT = 3
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# django-zeal: an N+1 query in any request made by a test fails it.
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]  # noqa: F405
MIDDLEWARE = ["zeal.middleware.zeal_middleware", *MIDDLEWARE]
ZEAL_RAISE = True
