"""Reads about packs beyond the list and the detail (those scope `Pack.objects.visible_to`)."""

import datetime
from dataclasses import dataclass

from django.apps import apps

from accounts.models import User
from reporting.models import Pack


@dataclass(frozen=True)
class PublicationEntry:
    when: datetime.datetime
    what: str  # « Publication » or « Retrait »
    who: User | None


def publication_history(pack: Pack, *, limit: int = 50) -> list[PublicationEntry]:
    """Each publication and withdrawal of the pack, the latest first (from its pghistory events)."""
    event_model = apps.get_model("reporting", "PackPublicationEvent")  # written by pghistory's trigger
    events = (
        event_model.objects.filter(pgh_obj=pack)
        .select_related("published_by", "withdrawn_by")
        .order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    return [
        PublicationEntry(when=event.pgh_created_at, what="Publication", who=event.published_by)
        if event.published_at is not None
        else PublicationEntry(when=event.pgh_created_at, what="Retrait", who=event.withdrawn_by)
        for event in events
    ]
