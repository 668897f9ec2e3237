"""Main-menu entries of the relogement app (see core/navigation.py)."""

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(label="Relogement", url_name="relogement:dashboard", order=40, highlights=("relogement:*",)),
]
