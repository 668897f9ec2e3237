"""Short caches of computed figures, invalidated by a version number that writes bump.

A dashboard caches what its selectors computed under a key made of a namespace's version and the
reader's scope (`cached`); every write that can change those figures calls `bump(namespace)` (after
the transaction commits). A stale entry is never read again: its key holds the old version, and it
expires on its own after `timeout` seconds. When Redis does not answer, figures are computed as if
there were no cache: a page never fails for the cache.
"""

from collections.abc import Callable
from typing import TypeVar

import structlog
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
log = structlog.get_logger(__name__)
DEFAULT_TIMEOUT = 300


def _version_key(namespace: str) -> str:
    return f"version:{namespace}"


def version(namespace: str) -> int:
    return cache.get(_version_key(namespace)) or 0


def bump(namespace: str) -> None:
    """Make every cached entry of the namespace stale: now, and again once the current transaction
    commits (a page computed meanwhile from the data before the commit is not kept)."""

    def run() -> None:
        try:
            cache.incr(_version_key(namespace))
        except ValueError:  # no version yet
            cache.add(_version_key(namespace), 1, None)
        except Exception as error:  # Redis down: entries expire on their own
            log.warning("cache_bump_failed", namespace=namespace, error=str(error))

    run()
    transaction.on_commit(run)


def cached(namespace: str, scope: str, compute: Callable[[], T], *, timeout: int = DEFAULT_TIMEOUT) -> T:
    """`compute()`, kept `timeout` seconds for this namespace's version and scope."""
    try:
        key = f"{namespace}:{version(namespace)}:{scope}"
        found = cache.get(key)
    except Exception as error:
        log.warning("cache_read_failed", namespace=namespace, error=str(error))
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        log.warning("cache_write_failed", namespace=namespace, error=str(error))
    return value
