"""Main-menu entries of the GUSP app (see core/navigation.py)."""

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(label="GUSP", url_name="gusp:dashboard", order=47, highlights=("gusp:*",)),
]
