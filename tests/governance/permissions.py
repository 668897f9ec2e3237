"""Governance and concertation URLs in the permission matrix (tests/test_permissions.py, vocabulary in
tests/matrix.py). Objects named *_a are in sector A, *_b in sector B, *_prog concern the whole programme.
"""

from django.core.files.base import ContentFile

from governance import services
from governance.ics import feed_token
from projects.models import Confidentiality
from tests.governance.factories import (
    ActionFactory,
    AgendaItemFactory,
    BodyFactory,
    DecisionFactory,
    FeedbackFactory,
    MeetingFactory,
    PublicEventFactory,
)
from tests.matrix import LOGIN, OK, POST_ONLY, row

ALL = row(LOGIN, 200, 200, 200, 200, 200)
EDIT_PROGRAMME = row(LOGIN, 200, 403, 403, 403, 200)  # outsider is mission in its own programme
INTERNAL = row(LOGIN, 200, 200, 200, 403, 200)
READ_A = row(LOGIN, 200, 200, 200, 200, 404)
READ_B = row(LOGIN, 200, 200, 200, 404, 404)
EDIT_A = row(LOGIN, 200, 403, 403, 403, 404)
EDIT_B = row(LOGIN, 200, 403, 403, 404, 404)
POST_EDIT_A = row(LOGIN, OK, 403, 403, 403, 404)

MATRIX = {
    # Instances
    "governance:body_list": [("none", ALL)],
    "governance:body_create": [("none", EDIT_PROGRAMME)],
    "governance:body_detail": [("body_a", READ_A), ("body_b", READ_B), ("body_prog", READ_A)],
    "governance:body_edit": [("body_a", EDIT_A), ("body_b", EDIT_B)],
    "governance:body_prepare": [("body_a", EDIT_A), ("body_b", EDIT_B), ("body_prog", EDIT_A)],
    # Séances
    "governance:meeting_calendar": [("none", ALL)],
    "governance:meeting_list": [("none", ALL)],
    "governance:meeting_create": [("none", EDIT_PROGRAMME)],
    "governance:meeting_detail": [("meeting_a", READ_A), ("meeting_b", READ_B), ("meeting_prog", READ_A)],
    "governance:meeting_edit": [("meeting_a", EDIT_A), ("meeting_b", EDIT_B)],
    "governance:meeting_operation_choices": [("meeting_a", READ_A), ("meeting_b", READ_B)],
    "governance:meeting_ics": [("meeting_a", READ_A), ("meeting_b", READ_B)],
    # GET: the add form, loaded when its panel is opened (htmx) or as a page without JavaScript
    "governance:agenda_item_add": [("meeting_a", EDIT_A, POST_EDIT_A), ("meeting_b", EDIT_B)],
    "governance:agenda_item_remove": [("agenda_item_a", POST_ONLY, POST_EDIT_A)],
    "governance:attendance_set": [("meeting_a", POST_ONLY, POST_EDIT_A)],
    "governance:decision_add": [("meeting_a", EDIT_A, POST_EDIT_A), ("meeting_b", EDIT_B)],
    "governance:decision_edit": [("decision_a", EDIT_A), ("decision_b", EDIT_B)],
    "governance:meeting_document_upload": [("meeting_a", POST_ONLY, POST_EDIT_A)],
    "governance:meeting_document_download": [
        ("meeting_document_a", READ_A),
        # a partner sees the programme-wide séance, not its internal note
        ("meeting_document_prog_internal", READ_B),
    ],
    "governance:meeting_minutes_download": [("meeting_a", READ_A), ("meeting_b", READ_B)],
    # the feed is opened by calendar clients without a session: only the token counts
    "governance:ics_feed": [
        ("feed_token_mission", row(200, 200, 200, 200, 200, 200)),
        ("feed_token_forged", row(404, 404, 404, 404, 404, 404)),
    ],
    # Actions
    "governance:action_board": [("none", ALL)],
    "governance:action_export": [("none", ALL)],
    "governance:action_create": [("none", EDIT_PROGRAMME)],
    "governance:action_detail": [("action_a", READ_A), ("action_b", READ_B)],
    "governance:action_edit": [("action_a", EDIT_A), ("action_b", EDIT_B)],
    "governance:action_status": [("action_a", POST_ONLY, POST_EDIT_A)],
    # Concertation
    "governance:concertation_dashboard": [("none", ALL)],
    "governance:event_list": [("none", ALL)],
    "governance:event_create": [("none", EDIT_PROGRAMME)],
    "governance:event_detail": [("event_a", READ_A), ("event_b", READ_B)],
    "governance:event_edit": [("event_a", EDIT_A), ("event_b", EDIT_B)],
    "governance:feedback_list": [("none", INTERNAL)],
    "governance:feedback_create": [("none", EDIT_PROGRAMME)],
    "governance:feedback_detail": [
        ("feedback_a", row(LOGIN, 200, 200, 200, 403, 404)),
        ("feedback_b", row(LOGIN, 200, 200, 200, 403, 404)),
    ],
    "governance:feedback_answer": [("feedback_a", POST_ONLY, POST_EDIT_A)],
    "governance:feedback_convert": [("feedback_a", POST_ONLY, POST_EDIT_A)],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict[str, dict]:
    body_a = BodyFactory(programme=programme, copil=True, sectors=[sector_a])
    body_b = BodyFactory(programme=programme, copil=True, sectors=[sector_b])
    body_prog = BodyFactory(programme=programme)
    meeting_a = MeetingFactory(body=body_a)
    meeting_b = MeetingFactory(body=body_b)
    meeting_prog = MeetingFactory(body=body_prog)
    for meeting in (meeting_a, meeting_b):
        services.meeting_update(meeting=meeting, minutes_file=ContentFile(b"%PDF-1.4", name="cr.pdf"))
    document_a = services.meeting_document_attach(
        meeting=meeting_a,
        title="Diaporama",
        file=ContentFile(b"%PDF-1.4", name="diaporama.pdf"),
        confidentiality=Confidentiality.PARTNERS,
        user=users["mission"],
    )
    document_prog = services.meeting_document_attach(
        meeting=meeting_prog,
        title="Note interne",
        file=ContentFile(b"%PDF-1.4", name="note.pdf"),
        confidentiality=Confidentiality.INTERNAL,
        user=users["mission"],
    )
    token = feed_token(users["mission"])
    return {
        "body_a": {"pk": body_a.pk},
        "body_b": {"pk": body_b.pk},
        "body_prog": {"pk": body_prog.pk},
        "meeting_a": {"pk": meeting_a.pk},
        "meeting_b": {"pk": meeting_b.pk},
        "meeting_prog": {"pk": meeting_prog.pk},
        "agenda_item_a": {"pk": meeting_a.pk, "item_pk": AgendaItemFactory(meeting=meeting_a).pk},
        "decision_a": {"pk": DecisionFactory(meeting=meeting_a).pk},
        "decision_b": {"pk": DecisionFactory(meeting=meeting_b).pk},
        "meeting_document_a": {"pk": meeting_a.pk, "document_pk": document_a.pk},
        "meeting_document_prog_internal": {"pk": meeting_prog.pk, "document_pk": document_prog.pk},
        "feed_token_mission": {"token": token},
        "feed_token_forged": {"token": token[:-4] + "0000"},
        "action_a": {"pk": ActionFactory(programme=programme, sector=sector_a).pk},
        "action_b": {"pk": ActionFactory(programme=programme, sector=sector_b).pk},
        "event_a": {"pk": PublicEventFactory(programme=programme, sector=sector_a).pk},
        "event_b": {"pk": PublicEventFactory(programme=programme, sector=sector_b).pk},
        "feedback_a": {"pk": FeedbackFactory(programme=programme, sector=sector_a).pk},
        "feedback_b": {"pk": FeedbackFactory(programme=programme, sector=sector_b).pk},
    }
