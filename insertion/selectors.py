"""Insertion figures (charte nationale d'insertion), aggregated in SQL: see docs/insertion.md."""

from core import cache

FIGURES_CACHE = "insertion-figures"


def figures_cache_bump() -> None:
    """Called by every write of markets, participants or contracts (signals, bulk services)."""
    cache.bump(FIGURES_CACHE)
