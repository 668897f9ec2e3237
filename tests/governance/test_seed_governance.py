import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Body,
    BodyKind,
    Decision,
    Feedback,
    FeedbackStatus,
    Meeting,
    MeetingStatus,
    PublicEvent,
)
from projects.models import Programme
from tests.conftest import DEMO_TODAY

TODAY = DEMO_TODAY
YEAR_AGO, IN_3_MONTHS = TODAY - datetime.timedelta(days=365), TODAY + datetime.timedelta(days=92)
DECIDING = [BodyKind.COPIL, BodyKind.COTEC, BodyKind.REVUE_PROJET]
FIRST_NAMES = {
    "Alain", "Anne", "Aurélie", "Camille", "Catherine", "Céline", "Chloé", "Christophe", "Claire",
    "Dominique", "Emma", "Fatima", "Frédéric", "Hugo", "Isabelle", "Jean", "Julie", "Julien", "Karim",
    "Laurent", "Léa", "Louis", "Lucas", "Marie", "Martine", "Michel", "Mohamed", "Nadia", "Nathalie",
    "Nicolas", "Paul", "Philippe", "Pierre", "Sandrine", "Sébastien", "Sophie", "Stéphane", "Sylvie",
    "Thomas", "Valérie",
}  # fmt: skip
S = MeetingStatus


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", today=options.pop("today", TODAY), stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo_programme(seeded_demo):
    """The shared demo, seeded once per run (tests/conftest.py); tests that change it roll back."""
    return Programme.objects.get(slug="npru-demo")


def governance_snapshot() -> dict[str, object]:
    """Every governance row of the seeded programmes, by natural key with the fields a run may change."""
    programmes = Programme.objects.filter(slug__in=["npru-demo", "npru-metro"])
    meetings = Meeting.objects.filter(body__programme__in=programmes)
    return {
        "bodies": sorted(
            Body.objects.filter(programme__in=programmes).values_list("name", "periodicity_months")
        ),
        "meetings": sorted(
            meetings.values_list("body__name", "starts_at", "status", "minutes", "updated_at")
        ),
        "agenda": AgendaItem.objects.filter(meeting__in=meetings).count(),
        "attendances": sorted(Attendance.objects.filter(meeting__in=meetings).values_list("pk", "attendee")),
        "decisions": sorted(Decision.objects.filter(meeting__in=meetings).values_list("pk", "order", "text")),
        "actions": sorted(
            Action.objects.filter(programme__in=programmes).values_list("pk", "due_on", "status", "done_on")
        ),
        "events": PublicEvent.objects.filter(programme__in=programmes).count(),
        "feedback": sorted(
            Feedback.objects.filter(programme__in=programmes).values_list("pk", "status", "action_id")
        ),
    }


def personal_names(text: str) -> list[str]:
    """First names from the list, alone or followed by a capitalised word (a name)."""
    words = re.findall(r"[\w'-]+", text)
    pairs = re.findall(r"\b([A-ZÀ-Ý][a-zà-ÿ]+)\s+[A-ZÀ-Ý][a-zà-ÿ]+", text)
    return [word for word in words + pairs if word in FIRST_NAMES]


# --- Demo programme ----------------------------------------------------------------------------------------


def check_bodies(programme):
    bodies = {body.name: body for body in programme.bodies.prefetch_related("members", "sectors")}
    assert len(bodies) == 10
    copil = bodies["COPIL NPRU"]
    assert copil.chair.name == "Métropole Européenne de Lille"
    assert copil.periodicity_months == 6
    assert not copil.sectors.exists()
    member_kinds = {member.kind for member in copil.members.all()}
    expected = {"epci", "ville", "etat", "anru", "bailleur", "action_logement", "banque_territoires"}
    assert expected | {"region", "departement", "caf"} <= member_kinds
    quarters = [body for body in bodies.values() if body.kind == BodyKind.COPIL and body.sectors.exists()]
    assert sorted(s.name for body in quarters for s in body.sectors.all()) == ["Concorde", "Moulins"]
    assert bodies["Revue de projet annuelle"].chair.name == "État / DDT du Nord"
    periodicity = {body.kind: body.periodicity_months for body in bodies.values()}
    assert periodicity[BodyKind.COTEC] == 2
    assert periodicity[BodyKind.CTE] == 1
    assert periodicity[BodyKind.GTR] == 2
    assert periodicity[BodyKind.INSERTION] == 6
    assert periodicity[BodyKind.PARTICIPATION] == 12
    assert periodicity[BodyKind.GUSP_TECHNIQUE] == 3


def check_meetings(programme):
    meetings = Meeting.objects.filter(body__programme=programme)
    past = meetings.filter(starts_at__date__lt=TODAY)
    ahead = meetings.filter(starts_at__date__gte=TODAY)
    assert set(past.values_list("status", flat=True)) == {S.HELD}
    assert 30 <= past.filter(starts_at__date__gt=YEAR_AGO).count() <= 45
    assert not meetings.filter(starts_at__date__lte=YEAR_AGO).exists()
    assert not ahead.filter(starts_at__date__gt=IN_3_MONTHS).exists()
    assert ahead.filter(status=S.PLANNED).count() >= 5
    assert ahead.filter(status=S.CANCELLED).count() == 1
    held = Counter(past.values_list("body__kind", flat=True))
    assert held[BodyKind.CTE] >= 10
    assert held[BodyKind.COTEC] == 6
    assert held[BodyKind.COPIL] == 6  # 2 for the programme and 2 for each of 2 quartiers
    assert held[BodyKind.REVUE_PROJET] == 1
    for meeting in meetings:
        meeting.full_clean()
        assert meeting.ends_at > meeting.starts_at
        assert meeting.starts_at.weekday() < 5


def check_held_meetings_content(programme):
    held = Meeting.objects.filter(body__programme=programme, status=S.HELD).annotate(
        members=Count("body__members", distinct=True), rows=Count("attendances", distinct=True)
    )
    assert all(meeting.rows == meeting.members for meeting in held)
    statuses = set(Attendance.objects.filter(meeting__in=held).values_list("status", flat=True))
    assert {"present", "excuse"} <= statuses
    present = Attendance.objects.filter(meeting__in=held, status="present")
    assert not present.filter(attendee="").exists()
    assert not Meeting.objects.filter(body__programme=programme, agenda_items=None).exists()
    with_minutes = held.exclude(minutes="")
    assert 8 <= with_minutes.count() < held.count()
    for meeting in with_minutes:
        assert meeting.minutes.startswith("<p><strong>Présidence")
        assert "<script" not in meeting.minutes
    linked = AgendaItem.objects.filter(meeting__body__programme=programme).exclude(operation=None)
    assert linked.count() >= 5
    assert set(linked.values_list("operation__at_risk", flat=True)) == {True}


def check_decisions(programme):
    deciding = Meeting.objects.filter(body__programme=programme, status=S.HELD, body__kind__in=DECIDING)
    counts = deciding.annotate(count=Count("decisions")).values_list("count", flat=True)
    assert set(counts) <= {2, 3, 4, 5}
    assert len(counts) == 13
    decisions = Decision.objects.filter(meeting__body__programme=programme)
    assert not decisions.exclude(meeting__in=deciding).exists()
    assert decisions.exclude(sector=None).count() >= 5
    assert decisions.exclude(operation=None).count() >= 3


def check_actions(programme):
    actions = Action.objects.filter(programme=programme)
    assert 40 <= actions.count() <= 90
    assert actions.exclude(decision=None).count() >= 35
    assert not actions.filter(owner_name="").exists()
    done = actions.filter(status=ActionStatus.DONE)
    assert done.count() >= 15
    assert not done.filter(done_on=None).exists()
    assert not done.filter(done_on__gt=TODAY).exists()
    assert actions.open().count() >= 10
    overdue = actions.overdue(TODAY).count()
    assert 0.1 <= overdue / actions.count() <= 0.35
    next_week = actions.open().filter(due_on__gte=TODAY, due_on__lte=TODAY + datetime.timedelta(days=7))
    assert next_week.count() >= 2
    assert not next_week.filter(owner_user=None).exists()
    week_late = actions.overdue(TODAY).filter(due_on__gte=TODAY - datetime.timedelta(days=30))
    assert week_late.exclude(owner_user=None).count() >= 2  # reminders after the due date
    owners = set(actions.exclude(owner_user=None).values_list("owner_user__email", flat=True))
    assert owners == {"mission@demo.npru.fr", "referent@demo.npru.fr"}
    due = sorted(actions.values_list("due_on", flat=True))
    assert (due[-1] - due[0]).days >= 200
    for action in actions:
        action.full_clean()


def check_concertation(programme):
    events = PublicEvent.objects.filter(programme=programme)
    assert 15 <= events.count() <= 25
    assert not events.filter(held_on__gte=TODAY).exists()
    assert not events.filter(held_on__lte=YEAR_AGO).exists()
    assert len(set(events.values_list("kind", flat=True))) >= 5
    assert events.values("sector").distinct().count() == 4
    for event in events:
        assert 10 <= event.residents <= 120
        assert 2 <= event.conseil_citoyen <= 10
        assert 2 <= event.partners <= 12
        assert event.summary.startswith("<p>")
    feedback = Feedback.objects.filter(programme=programme)
    assert 40 <= feedback.count() <= 60
    answered = feedback.filter(status__in=[FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED])
    assert 0.35 <= answered.count() / feedback.count() <= 0.7
    assert not answered.filter(answer="").exists()
    assert not answered.filter(answered_on=None).exists()
    assert feedback.exclude(action=None).count() >= 3
    assert feedback.exclude(event=None).count() >= 3
    assert len(set(feedback.values_list("theme", flat=True))) >= 6
    for remark in feedback:
        remark.full_clean()


def check_no_personal_names(programme):
    attendees = Attendance.objects.filter(meeting__body__programme=programme).values_list(
        "attendee", flat=True
    )
    owners = Action.objects.filter(programme=programme).values_list("owner_name", flat=True)
    minutes = Meeting.objects.filter(body__programme=programme).values_list("minutes", flat=True)
    texts = {*attendees, *owners, *minutes}
    assert len(texts) > 20
    assert [text for text in texts if personal_names(text)] == []


def test_demo_bodies_and_meetings(demo_programme):
    check_bodies(demo_programme)
    check_meetings(demo_programme)
    check_held_meetings_content(demo_programme)


def test_demo_decisions_and_actions(demo_programme):
    check_decisions(demo_programme)
    check_actions(demo_programme)


def test_demo_concertation(demo_programme):
    check_concertation(demo_programme)


def test_no_personal_names(demo_programme):
    check_no_personal_names(demo_programme)


def test_the_name_check_finds_names():
    assert personal_names("Directrice de l'habitat") == []
    assert personal_names("Karim Benali, chargé de mission") == ["Karim", "Karim"]
    assert personal_names("Représentée par Claire") == ["Claire"]


def test_output_reports_governance(demo_programme):
    output = seed()
    assert "10 instances" in output
    assert "temps de concertation" in output


# --- Runs: idempotence, dry run, reset, a later day -------------------------------------------------------


def test_running_twice_changes_nothing(demo_programme):
    before = governance_snapshot()
    seed()
    assert governance_snapshot() == before


def test_dry_run_writes_no_governance(demo_dry_run):
    assert not Body.objects.filter(programme__slug="npru-demo").exists()
    assert not PublicEvent.objects.filter(programme__slug="npru-demo").exists()


def test_reset_recreates_the_same_governance(demo_programme):
    before = {
        key: len(value) if isinstance(value, list) else value for key, value in governance_snapshot().items()
    }
    seed(reset=True)
    after = {
        key: len(value) if isinstance(value, list) else value for key, value in governance_snapshot().items()
    }
    assert after == before


def test_a_later_run_moves_meetings_and_actions_forward(demo_programme):
    later = TODAY + datetime.timedelta(days=45)
    meetings = Meeting.objects.filter(body__programme=demo_programme)
    was_planned = set(
        meetings.filter(status=S.PLANNED, starts_at__date__lt=later).values_list("pk", flat=True)
    )
    was_done = set(Action.objects.filter(status=ActionStatus.DONE).values_list("pk", flat=True))
    seed(today=later)
    assert was_planned
    assert set(meetings.filter(pk__in=was_planned).values_list("status", flat=True)) == {S.HELD}
    assert meetings.filter(status=S.CANCELLED).count() <= 2
    assert meetings.values("body", "starts_at").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    actions = Action.objects.filter(programme=demo_programme)
    assert set(actions.filter(pk__in=was_done).values_list("status", flat=True)) == {ActionStatus.DONE}
    assert (
        actions.exclude(decision=None)
        .values("decision", "title")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
        == 0
    )
    next_week = actions.open().filter(due_on__gte=later, due_on__lte=later + datetime.timedelta(days=7))
    assert next_week.count() >= 2
