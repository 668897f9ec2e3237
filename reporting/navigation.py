"""Main-menu entries of the reporting app (see core/navigation.py)."""

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(label="Dossiers", url_name="reporting:pack_list", order=80, highlights=("reporting:pack_*",)),
]
