"""Main-menu entries of the projects app (see core/navigation.py)."""

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(
        label="Tableau de bord",
        url_name="projects:dashboard",
        order=10,
        highlights=("projects:dashboard", "projects:convention_*", "projects:amendment_*"),
    ),
    NavEntry(
        label="Quartiers",
        url_name="projects:sector_list",
        order=20,
        highlights=("projects:sector_list", "projects:sector_detail"),
    ),
    NavEntry(
        label="Opérations",
        url_name="projects:operation_list",
        order=30,
        highlights=("projects:operation_*", "projects:funding_line_*", "projects:milestone_*"),
    ),
]
