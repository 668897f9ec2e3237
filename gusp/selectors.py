"""GUSP figures, aggregated in SQL: docs/gusp.md defines each one."""

from core import cache

FIGURES_CACHE = "gusp-figures"


def figures_cache_bump() -> None:
    """Called by every write of reports, themes, walk audits or actions (signals, bulk services)."""
    cache.bump(FIGURES_CACHE)
