"""Main-menu entries of the governance app (see core/navigation.py)."""

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(
        label="Instances",
        url_name="governance:meeting_calendar",
        order=50,
        highlights=("governance:meeting_*", "governance:body_*"),
    ),
    NavEntry(
        label="Actions", url_name="governance:action_board", order=60, highlights=("governance:action_*",)
    ),
    NavEntry(
        label="Concertation",
        url_name="governance:concertation_dashboard",
        order=70,
        highlights=("governance:concertation_*", "governance:event_*", "governance:feedback_*"),
    ),
]
