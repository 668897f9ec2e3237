"""Every write on bodies, meetings, decisions, actions and concertation goes through here."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from core.richtext import sanitize_html
from core.services import model_save
from core.transitions import State, StateMachine, step
from core.utils import assign_changed
from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Feedback,
    FeedbackStatus,
    Meeting,
    MeetingStatus,
    PublicEvent,
)
from projects.models import Programme, Sector

M = MeetingStatus
# The lifecycles of séances, actions and residents' remarks; see docs/STATUTS.md.
MEETING_LIFECYCLE = StateMachine(
    "governance.meeting",
    MeetingStatus,
    {
        M.PLANNED: State(
            to=[M.HELD, M.CANCELLED],
            case=(
                "la séance a eu lieu (on saisit alors présences, compte rendu et relevé de décisions) ou "
                "elle est annulée"
            ),
        ),
        M.HELD: State(to=[step(M.PLANNED, "correction")], case="séance marquée tenue par erreur"),
        M.CANCELLED: State(
            to=[M.PLANNED], case="séance annulée puis maintenue ou reportée (on modifie alors sa date)"
        ),
    },
    role="équipe projet, administrateur",
    services=["meeting_update"],
)
A = ActionStatus
ACTION_LIFECYCLE = StateMachine(
    "governance.action",
    ActionStatus,
    {
        A.TODO: State(
            to=[A.IN_PROGRESS, A.DONE, A.DROPPED],
            case="l'action démarre, est réalisée ou n'a plus lieu d'être",
        ),
        A.IN_PROGRESS: State(
            to=[step(A.TODO, "correction"), A.DONE, A.DROPPED], case="réalisée ou abandonnée"
        ),
        A.DONE: State(to=[A.IN_PROGRESS], case="action rouverte (réalisation contestée en séance)"),
        A.DROPPED: State(to=[A.TODO], case="action relancée"),
    },
    role="équipe projet, administrateur",
    services=["action_update"],
)
F = FeedbackStatus
FEEDBACK_LIFECYCLE = StateMachine(
    "governance.feedback",
    FeedbackStatus,
    {
        F.RECEIVED: State(
            to=[F.IN_PROGRESS, F.ANSWERED, F.CLOSED],
            services=["feedback_update", "feedback_answer", "feedback_to_action"],
            case="instruction de la remontée, réponse directe ou classement",
        ),
        F.IN_PROGRESS: State(
            to=[F.ANSWERED, F.CLOSED], case="une réponse est donnée ou la remontée est classée"
        ),
        F.ANSWERED: State(
            to=[F.IN_PROGRESS, F.CLOSED], case="clôture, ou réexamen si la réponse ne suffit pas"
        ),
        F.CLOSED: State(to=[F.IN_PROGRESS], case="remontée rouverte"),
    },
    role="équipe projet, administrateur",
    services=["feedback_update", "feedback_answer"],
)


@transaction.atomic
def body_upsert(
    *,
    programme: Programme,
    name: str,
    kind: str,
    chair: Organisation | None = None,
    periodicity_months: int | None = None,
    sectors: list[Sector] | None = None,
    members: list[Organisation] | None = None,
) -> Body:
    body = Body.objects.filter(programme=programme, name=name).first() or Body(programme=programme, name=name)
    created = body.pk is None
    if (
        assign_changed(body, {"kind": kind, "chair": chair, "periodicity_months": periodicity_months})
        or created
    ):
        model_save(body)
    if sectors is not None:
        body.sectors.set(sectors)
    if members is not None:
        body.members.set(members)
    return body


@transaction.atomic
def meeting_schedule(
    *, body: Body, starts_at: datetime.datetime, ends_at: datetime.datetime | None = None, place: str = ""
) -> Meeting:
    return model_save(Meeting(body=body, starts_at=starts_at, ends_at=ends_at, place=place))


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields: Any) -> Meeting:
    """Change a séance; its status follows MEETING_LIFECYCLE and minutes are sanitised."""
    if "status" in fields:
        current = Meeting.objects.filter(pk=meeting.pk).values_list("status", flat=True).get()
        MEETING_LIFECYCLE.check(current, fields["status"])
    if "minutes" in fields:
        fields["minutes"] = sanitize_html(fields["minutes"])
    assign_changed(meeting, fields)
    return model_save(meeting)


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, **fields: Any) -> AgendaItem:
    order = fields.pop("order", None)
    if order is None:
        order = meeting.agenda_items.count() + 1
    return model_save(AgendaItem(meeting=meeting, title=title, order=order, **fields))


@transaction.atomic
def attendance_set(
    *, meeting: Meeting, organisation: Organisation, status: str, attendee: str = ""
) -> Attendance:
    attendance = Attendance.objects.filter(meeting=meeting, organisation=organisation).first()
    attendance = attendance or Attendance(meeting=meeting, organisation=organisation)
    attendance.status, attendance.attendee = status, attendee
    return model_save(attendance)


@transaction.atomic
def decision_record(
    *, meeting: Meeting, text: str, sector: Sector | None = None, operation=None, order: int | None = None
) -> Decision:
    if order is None:
        order = meeting.decisions.count() + 1
    return model_save(Decision(meeting=meeting, text=text, sector=sector, operation=operation, order=order))


@transaction.atomic
def action_create(
    *, programme: Programme, title: str, owner_organisation: Organisation, due_on, **fields
) -> Action:
    return model_save(
        Action(
            programme=programme, title=title, owner_organisation=owner_organisation, due_on=due_on, **fields
        )
    )


@transaction.atomic
def action_update(*, action: Action, today: datetime.date | None = None, **fields: Any) -> Action:
    """Change an action; status follows ACTION_LIFECYCLE and "faite" records the date it was done."""
    if "status" in fields:
        current = Action.objects.filter(pk=action.pk).values_list("status", flat=True).get()
        ACTION_LIFECYCLE.check(current, fields["status"])
        if fields["status"] == ActionStatus.DONE:
            fields.setdefault("done_on", action.done_on or today or timezone.localdate())
        else:
            fields["done_on"] = None
    assign_changed(action, fields)
    return model_save(action)


@transaction.atomic
def public_event_record(
    *, programme: Programme, title: str, kind: str, theme: str, held_on, **fields
) -> PublicEvent:
    if "summary" in fields:
        fields["summary"] = sanitize_html(fields["summary"])
    return model_save(
        PublicEvent(programme=programme, title=title, kind=kind, theme=theme, held_on=held_on, **fields)
    )


@transaction.atomic
def feedback_record(*, programme: Programme, text: str, theme: str, received_on, **fields) -> Feedback:
    return model_save(
        Feedback(programme=programme, text=text, theme=theme, received_on=received_on, **fields)
    )


@transaction.atomic
def feedback_update(*, feedback: Feedback, **fields: Any) -> Feedback:
    if "status" in fields:
        current = Feedback.objects.filter(pk=feedback.pk).values_list("status", flat=True).get()
        FEEDBACK_LIFECYCLE.check(current, fields["status"])
    assign_changed(feedback, fields)
    return model_save(feedback)


@transaction.atomic
def feedback_to_action(
    *, feedback: Feedback, owner_organisation: Organisation, due_on: datetime.date, title: str = ""
) -> Action:
    """Turn a resident's remark into an action followed like any other (kept linked to the remark)."""
    if feedback.action_id:
        raise ValidationError("Cette remontée a déjà donné lieu à une action.")
    action = action_create(
        programme=feedback.programme,
        title=title or feedback.text[:300],
        description=feedback.text,
        owner_organisation=owner_organisation,
        due_on=due_on,
        sector=feedback.sector,
    )
    feedback.action = action
    if feedback.status == FeedbackStatus.RECEIVED:
        feedback.status = FeedbackStatus.IN_PROGRESS
    model_save(feedback)
    return action


# --- Added for the governance and concertation pages ------------------------------------------------


@transaction.atomic
def body_update(
    *,
    body: Body,
    sectors: list[Sector] | None = None,
    members: list[Organisation] | None = None,
    **fields: Any,
) -> Body:
    """Change a body (renaming included, which `body_upsert` cannot do since it looks bodies up by name)."""
    if assign_changed(body, fields):
        model_save(body)
    if sectors is not None:
        body.sectors.set(sectors)
    if members is not None:
        body.members.set(members)
    return body


@transaction.atomic
def meeting_prepare(
    *,
    body: Body,
    starts_at: datetime.datetime,
    items: list[dict[str, Any]],
    ends_at: datetime.datetime | None = None,
    place: str = "",
) -> Meeting:
    """Schedule the next séance of a body with its agenda, in the order given (all or nothing)."""
    meeting = meeting_schedule(body=body, starts_at=starts_at, ends_at=ends_at, place=place)
    for order, item in enumerate(items, start=1):
        agenda_item_add(meeting=meeting, order=order, **item)
    return meeting


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem) -> None:
    """A held séance's agenda is what was discussed: it is no longer changed."""
    if item.meeting.status == MeetingStatus.HELD:
        raise ValidationError("La séance a été tenue : son ordre du jour ne se modifie plus.")
    item.delete()


@transaction.atomic
def decision_update(*, decision: Decision, **fields: Any) -> Decision:
    assign_changed(decision, fields)
    return model_save(decision)


@transaction.atomic
def meeting_document_attach(*, meeting: Meeting, title: str, file, confidentiality: str, user):
    """Attach a document to a séance through the generic attachment of `projects`.

    A séance has no programme or sector column of its own: they come from its body (the sector only
    when the body covers exactly one).
    """
    from projects.services import document_attach

    sector_ids = list(meeting.body.sectors.values_list("pk", flat=True))
    meeting.programme_id = meeting.body.programme_id  # type: ignore[attr-defined]  # read by document_attach
    meeting.sector_id = sector_ids[0] if len(sector_ids) == 1 else None  # type: ignore[attr-defined]
    return document_attach(target=meeting, title=title, file=file, confidentiality=confidentiality, user=user)


@transaction.atomic
def public_event_update(*, event: PublicEvent, **fields: Any) -> PublicEvent:
    if "summary" in fields:
        fields["summary"] = sanitize_html(fields["summary"])
    assign_changed(event, fields)
    return model_save(event)


@transaction.atomic
def feedback_answer(
    *,
    feedback: Feedback,
    answer: str,
    status: str,
    answered_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Feedback:
    """Record the answer given to a remontée; the answer date defaults to today once an answer exists."""
    answer = answer.strip()
    if answer and not answered_on:
        answered_on = feedback.answered_on or today or timezone.localdate()
    if not answer:
        answered_on = None
    return feedback_update(feedback=feedback, answer=answer, status=status, answered_on=answered_on)
