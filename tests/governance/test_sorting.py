"""Every list of governance and concertation sorts on each of its sortable columns."""

import pytest
from django.urls import reverse

from tests.governance.factories import ActionFactory, FeedbackFactory, MeetingFactory, PublicEventFactory

CASES = [
    (
        "governance:body_list",
        ["name", "-kind", "chair", "periodicity_months", "next_meeting_at", "-last_meeting_at"],
    ),
    ("governance:meeting_list", ["starts_at", "-body", "place", "status", "decision_count"]),
    ("governance:action_board", ["title", "-owner_organisation", "due_on", "status", "sector", "meeting"]),
    ("governance:event_list", ["held_on", "title", "kind", "theme", "sector"]),
    ("governance:feedback_list", ["received_on", "text", "theme", "sector", "status"]),
]


@pytest.mark.parametrize(("name", "sorts"), CASES)
def test_every_sortable_column_sorts(mission_client, programme, body_a, sector_a, name, sorts):
    MeetingFactory(body=body_a)
    ActionFactory(programme=programme, sector=sector_a)
    PublicEventFactory(programme=programme, sector=sector_a)
    FeedbackFactory(programme=programme, sector=sector_a)
    for sort in sorts:
        assert mission_client.get(reverse(name), {"sort": sort}).status_code == 200, sort
