"""Main-menu entries of the insertion app (see core/navigation.py)."""

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(label="Insertion", url_name="insertion:dashboard", order=45, highlights=("insertion:*",)),
]
