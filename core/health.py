"""Liveness of the database, the cache (Redis) and Celery workers, for deployments."""

import time

import structlog
from django.core.cache import cache
from django.db import connection

logger = structlog.get_logger(__name__)


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # a health probe reports every failure instead of raising
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "PostgreSQL"


def check_cache() -> str:
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("lecture du cache impossible")
    return "Redis"


def check_celery() -> str:
    from config.celery import app

    replies = app.control.inspect(timeout=1.0).ping() or {}
    if not replies:
        raise RuntimeError("aucun worker Celery ne répond")
    return f"{len(replies)} worker(s)"


def health_report(*, include_celery: bool = True) -> dict:
    checks = {"database": _timed(check_database), "cache": _timed(check_cache)}
    if include_celery:
        checks["celery"] = _timed(check_celery)
    status = "ok" if all(check["ok"] for check in checks.values()) else "error"
    if status != "ok":
        logger.warning("healthcheck_failed", checks=checks)
    return {"status": status, "checks": checks}
