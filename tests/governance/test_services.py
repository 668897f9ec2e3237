import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from governance import services
from governance.models import (
    ActionStatus,
    Body,
    BodyKind,
    FeedbackStatus,
    MeetingStatus,
)
from projects.models import Confidentiality
from tests.accounts.factories import OrganisationFactory
from tests.governance.factories import (
    ActionFactory,
    BodyFactory,
    FeedbackFactory,
    MeetingFactory,
    PublicEventFactory,
)
from tests.projects.factories import OperationFactory

M, A, F = MeetingStatus, ActionStatus, FeedbackStatus


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (M.PLANNED, M.HELD, True),
        (M.PLANNED, M.CANCELLED, True),
        (M.HELD, M.PLANNED, True),
        (M.HELD, M.CANCELLED, False),
        (M.CANCELLED, M.HELD, False),
        (M.CANCELLED, M.PLANNED, True),
    ],
)
def test_meeting_transitions(current, target, allowed):
    meeting = MeetingFactory(status=current)
    if allowed:
        assert services.meeting_update(meeting=meeting, status=target).status == target
    else:
        with pytest.raises(ValidationError) as error:
            services.meeting_update(meeting=meeting, status=target)
        assert error.value.message_dict["status"] == [
            f"Passage de « {M(current).label} » à « {M(target).label} » impossible."
        ]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (A.TODO, A.DONE, True),
        (A.IN_PROGRESS, A.DROPPED, True),
        (A.DONE, A.IN_PROGRESS, True),
        (A.DONE, A.TODO, False),
        (A.DROPPED, A.DONE, False),
        (A.DROPPED, A.TODO, True),
    ],
)
def test_action_transitions(current, target, allowed):
    action = ActionFactory(status=current, done_on=datetime.date(2026, 1, 5) if current == A.DONE else None)
    if allowed:
        updated = services.action_update(action=action, status=target, today=datetime.date(2026, 2, 1))
        assert updated.status == target
        assert updated.done_on == (datetime.date(2026, 2, 1) if target == A.DONE else None)
    else:
        with pytest.raises(ValidationError, match="impossible"):
            services.action_update(action=action, status=target)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (F.RECEIVED, F.IN_PROGRESS, True),
        (F.IN_PROGRESS, F.RECEIVED, False),
        (F.ANSWERED, F.CLOSED, True),
        (F.CLOSED, F.ANSWERED, False),
        (F.CLOSED, F.IN_PROGRESS, True),
    ],
)
def test_feedback_transitions(current, target, allowed):
    feedback = FeedbackFactory(status=current, answer="Réponse" if current == F.ANSWERED else "")
    if allowed:
        assert services.feedback_update(feedback=feedback, status=target).status == target
    else:
        with pytest.raises(ValidationError, match="impossible"):
            services.feedback_update(feedback=feedback, status=target)


def test_feedback_answer_sets_the_date_and_requires_an_answer():
    feedback = FeedbackFactory()
    answered = services.feedback_answer(
        feedback=feedback,
        answer="  Réponse donnée en réunion.  ",
        status=F.ANSWERED,
        today=datetime.date(2026, 4, 2),
    )
    assert answered.answer == "Réponse donnée en réunion."
    assert answered.answered_on == datetime.date(2026, 4, 2)
    other = FeedbackFactory()
    with pytest.raises(ValidationError) as error:
        services.feedback_answer(feedback=other, answer="", status=F.ANSWERED)
    assert error.value.message_dict["answer"] == ["Indiquez la réponse apportée."]


def test_body_update_renames_and_changes_members(programme, sector_a):
    body = services.body_upsert(programme=programme, name="COPIL", kind=BodyKind.COPIL, sectors=[sector_a])
    member = OrganisationFactory()
    services.body_update(body=body, name="COPIL Moulins", members=[member], periodicity_months=6)
    body = Body.objects.get()
    assert (body.name, body.periodicity_months) == ("COPIL Moulins", 6)
    assert list(body.members.all()) == [member]
    assert list(body.sectors.all()) == [sector_a]


def test_meeting_prepare_is_all_or_nothing(programme):
    body = BodyFactory(programme=programme)
    starts_at = datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        services.meeting_prepare(
            body=body, starts_at=starts_at, items=[{"title": "ok"}, {"title": "x" * 400}]
        )
    assert not body.meetings.exists()
    meeting = services.meeting_prepare(
        body=body, starts_at=starts_at, items=[{"title": "Un"}, {"title": "Deux"}]
    )
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "Un"), (2, "Deux")]


def test_meeting_document_takes_the_sector_of_a_single_sector_body(
    programme, sector_a, sector_b, mission_user
):
    single = MeetingFactory(body=BodyFactory(programme=programme, sectors=[sector_a]))
    double = MeetingFactory(body=BodyFactory(programme=programme, sectors=[sector_a, sector_b]))
    documents = [
        services.meeting_document_attach(
            meeting=meeting,
            title="CR",
            file=ContentFile(b"%PDF", name="cr.pdf"),
            confidentiality=Confidentiality.PARTNERS,
            user=mission_user,
        )
        for meeting in (single, double)
    ]
    assert [(d.programme_id, d.sector_id) for d in documents] == [
        (programme.pk, sector_a.pk),
        (programme.pk, None),
    ]
    assert documents[0].target == single


def test_public_event_update_sanitises_the_summary(programme):
    event = PublicEventFactory(programme=programme)
    services.public_event_update(event=event, summary='<p>ok</p><iframe src="x"></iframe>')
    event.refresh_from_db()
    assert event.summary == "<p>ok</p>"


def test_decision_update_checks_the_fields(programme):
    from tests.governance.factories import DecisionFactory

    decision = DecisionFactory(meeting=MeetingFactory(body=BodyFactory(programme=programme)))
    operation = OperationFactory(programme=programme)
    assert services.decision_update(decision=decision, operation=operation).operation == operation
    with pytest.raises(ValidationError):
        services.decision_update(decision=decision, text="")


def test_action_sector_must_belong_to_the_programme(programme):
    from tests.projects.factories import SectorFactory

    foreign = SectorFactory()
    with pytest.raises(ValidationError) as error:
        services.action_create(
            programme=programme,
            title="x",
            owner_organisation=OrganisationFactory(),
            due_on=datetime.date(2026, 1, 1),
            sector=foreign,
        )
    assert error.value.message_dict["sector"] == ["Ce quartier n'appartient pas au programme."]
