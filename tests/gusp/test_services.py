"""GUSP services against a frozen clock: creation and due dates, routing and re-routing, the report
lifecycle and its history, bulk status change, answers, walk-audit observations, themes and actions."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import OrganisationKind
from gusp import services
from gusp.models import ActionStatus, EventKind, Report, ReportEvent, ReportSource, Theme
from gusp.models import ReportStatus as R
from gusp.vocabularies import DEFAULT_THEMES
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.gusp.factories import GuspActionFactory, ReportFactory, ThemeFactory, WalkAuditFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def at(days: float, hours: float = 0) -> datetime.datetime:
    return MONDAY + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def city():
    return OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE)


@pytest.fixture
def metropole():
    return OrganisationFactory(name="Métropole Européenne de Lille", kind=OrganisationKind.EPCI)


@pytest.fixture
def theme(programme, city):
    return ThemeFactory(
        programme=programme, slug="encombrants", name="Encombrants", default_handler=city, target_days=7
    )


@pytest.fixture
def agent():
    return UserFactory(email="agent@ville.fr")


def create(programme, sector_a, theme, **fields):
    return services.report_create(
        programme=programme,
        sector=sector_a,
        theme=theme,
        description="  Matelas déposé devant le hall  ",
        source=ReportSource.RESIDENT,
        **fields,
    )


def history(report) -> list[tuple]:
    return list(
        ReportEvent.objects.filter(report=report)
        .order_by("at", "pk")
        .values_list("kind", "from_status", "to_status", "from_handler__name", "to_handler__name")
    )


@time_machine.travel(MONDAY, tick=False)
def test_a_new_report_takes_its_theme_s_handler_and_delay(programme, sector_a, theme, city, agent):
    report = create(programme, sector_a, theme, by=agent)
    report.refresh_from_db()
    assert report.status == R.NEW
    assert report.handler == city
    assert report.reported_at == MONDAY
    assert report.due_on == datetime.date(2026, 3, 9)
    assert report.description == "Matelas déposé devant le hall"
    assert report.reference == "GUSP-2026-00001"
    assert create(programme, sector_a, theme).reference == "GUSP-2026-00002"
    assert history(report) == [(EventKind.CREATED, "", R.NEW, None, "Ville de Lille")]
    assert report.events.get().user == agent


def test_a_report_of_late_evening_is_due_from_its_local_day(programme, sector_a, theme):
    # 23:30 in Paris is the next day in UTC: the due date counts from the local day.
    report = create(
        programme, sector_a, theme, reported_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=PARIS)
    )
    assert report.due_on == datetime.date(2026, 3, 8)


def test_a_new_theme_brings_its_delay(programme, sector_a, theme):
    report = create(programme, sector_a, theme, reported_at=MONDAY)
    lighting = ThemeFactory(programme=programme, slug="eclairage", name="Éclairage", target_days=10)
    services.report_update(report=report, theme=lighting)
    assert report.due_on == datetime.date(2026, 3, 12)
    with pytest.raises(ValueError, match="report_set_status"):
        services.report_update(report=report, status=R.RESOLVED)


def test_routing_then_rerouting_is_written_with_who_and_when(
    programme, sector_a, theme, city, metropole, agent
):
    report = create(programme, sector_a, theme, reported_at=MONDAY)
    with time_machine.travel(at(1), tick=False):
        services.report_route(report=report, handler=city, by=agent)
    assert report.status == R.SENT
    assert report.acknowledged_at == at(1)
    with time_machine.travel(at(2), tick=False):
        services.report_set_status(report=report, status=R.IN_PROGRESS, by=agent)
    with time_machine.travel(at(3), tick=False):
        services.report_route(report=report, handler=metropole, by=agent, note="Voirie métropolitaine")
    report.refresh_from_db()
    assert (report.status, report.handler) == (R.SENT, metropole)
    assert report.acknowledged_at == at(1)  # the first acknowledgement stays
    assert history(report) == [
        (EventKind.CREATED, "", R.NEW, None, "Ville de Lille"),
        (EventKind.ROUTED, R.NEW, R.SENT, "Ville de Lille", "Ville de Lille"),
        (EventKind.STATUS, R.SENT, R.IN_PROGRESS, "Ville de Lille", "Ville de Lille"),
        (EventKind.ROUTED, R.IN_PROGRESS, R.SENT, "Ville de Lille", "Métropole Européenne de Lille"),
    ]
    last = report.events.order_by("at", "pk").last()
    assert (last.at, last.user, last.note) == (at(3), agent, "Voirie métropolitaine")


def test_a_closed_report_is_reopened_before_it_is_rerouted(programme, sector_a, theme, metropole):
    report = ReportFactory(programme=programme, sector=sector_a, theme=theme, resolved=True)
    with pytest.raises(ValidationError) as error:
        services.report_route(report=report, handler=metropole)
    assert "rouvrez" in str(error.value)


def test_the_lifecycle_dates_acknowledgement_and_closure(programme, sector_a, theme, city):
    report = create(programme, sector_a, theme, reported_at=MONDAY)
    services.report_route(report=report, handler=city, now=at(0, 4))
    services.report_set_status(report=report, status=R.IN_PROGRESS, now=at(1))
    services.report_set_status(report=report, status=R.RESOLVED, now=at(5))
    report.refresh_from_db()
    assert (report.acknowledged_at, report.closed_at) == (at(0, 4), at(5))
    # Reopened: the closure goes, and the next one dates anew.
    services.report_set_status(report=report, status=R.IN_PROGRESS, now=at(9))
    assert report.closed_at is None
    services.report_set_status(report=report, status=R.CLOSED_UNRESOLVED, now=at(12), note="Pas de budget")
    report.refresh_from_db()
    assert report.closed_at == at(12)
    assert report.acknowledged_at == at(0, 4)


def test_an_illegal_move_is_a_clear_error_and_changes_nothing(programme, sector_a, theme):
    report = ReportFactory(programme=programme, sector=sector_a, theme=theme, resolved=True)
    with pytest.raises(ValidationError) as error:
        services.report_set_status(report=report, status=R.DUPLICATE)
    assert error.value.message_dict["status"] == ["Passage de « Résolu » à « Doublon » impossible."]
    report.refresh_from_db()
    assert report.status == R.RESOLVED
    assert not report.events.exists()


def test_not_ours_names_the_competent_body(programme, sector_a, theme):
    report = ReportFactory(programme=programme, sector=sector_a, theme=theme, sent=True)
    with pytest.raises(ValidationError) as error:
        services.report_set_status(report=report, status=R.NOT_OURS)
    assert "competent_body" in error.value.message_dict
    services.report_set_status(report=report, status=R.NOT_OURS, competent_body="Enedis", now=at(1))
    report.refresh_from_db()
    assert (report.competent_body, report.closed_at) == ("Enedis", at(1))
    assert report.events.get().note == "Enedis"
    # Back to triage: the body named goes with the status.
    services.report_set_status(report=report, status=R.NEW, now=at(2))
    report.refresh_from_db()
    assert (report.competent_body, report.closed_at) == ("", None)


def test_a_duplicate_names_its_original(programme, sector_a, theme):
    original = ReportFactory(programme=programme, sector=sector_a, theme=theme)
    report = ReportFactory(programme=programme, sector=sector_a, theme=theme)
    with pytest.raises(ValidationError) as error:
        services.report_set_status(report=report, status=R.DUPLICATE)
    assert "duplicate_of" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.report_set_status(report=report, status=R.DUPLICATE, duplicate_of=report)
    services.report_set_status(report=report, status=R.DUPLICATE, duplicate_of=original)
    assert Report.objects.get(pk=report.pk).duplicate_of == original
    assert list(original.duplicates.all()) == [report]


def test_bulk_status_change_is_all_or_nothing(programme, sector_a, theme, agent):
    first, second = (
        ReportFactory(programme=programme, sector=sector_a, theme=theme, sent=True) for _ in "ab"
    )
    closed = ReportFactory(programme=programme, sector=sector_a, theme=theme, status=R.DUPLICATE)
    with pytest.raises(ValidationError) as error:
        services.reports_bulk_set_status(reports=[first, second, closed], status=R.IN_PROGRESS, by=agent)
    assert closed.reference in str(error.value)
    assert set(Report.objects.values_list("status", flat=True)) == {R.SENT, R.DUPLICATE}
    assert not ReportEvent.objects.exists()
    changed = services.reports_bulk_set_status(
        reports=[first, second], status=R.RESOLVED, by=agent, note="Passage de la balayeuse", now=at(4)
    )
    assert changed == 2
    for report in Report.objects.filter(pk__in=[first.pk, second.pk]):
        assert (report.status, report.closed_at) == (R.RESOLVED, at(4))
    events = ReportEvent.objects.order_by("report_id")
    assert [(e.report_id, e.to_status, e.user, e.note) for e in events] == [
        (first.pk, R.RESOLVED, agent, "Passage de la balayeuse"),
        (second.pk, R.RESOLVED, agent, "Passage de la balayeuse"),
    ]
    # Already there: nothing to change, nothing written.
    assert services.reports_bulk_set_status(reports=[first], status=R.RESOLVED) == 0


def test_an_answer_is_kept_and_written_in_the_history(programme, sector_a, theme, agent):
    report = ReportFactory(programme=programme, sector=sector_a, theme=theme)
    services.report_answer(report=report, text=" Intervention prévue jeudi. ", by=agent, now=at(1))
    report.refresh_from_db()
    assert report.answer == "Intervention prévue jeudi."
    assert report.events.get().kind == EventKind.ANSWERED
    with pytest.raises(ValidationError):
        services.report_answer(report=report, text="  ")


def test_walk_audit_observations_become_reports_of_the_walk(programme, sector_a, theme, city):
    audit = WalkAuditFactory(programme=programme, sector=sector_a, held_on=datetime.date(2026, 4, 14))
    with time_machine.travel(datetime.datetime(2026, 4, 16, 18, 0, tzinfo=PARIS), tick=False):
        report = services.walk_audit_observation_add(
            walk_audit=audit, theme=theme, description="Banc cassé square des Moulins"
        )
    report.refresh_from_db()
    assert (report.walk_audit, report.sector, report.source) == (audit, sector_a, ReportSource.WALK_AUDIT)
    assert report.reported_at == datetime.datetime(2026, 4, 14, 10, 0, tzinfo=PARIS)  # the walk's day
    assert report.due_on == datetime.date(2026, 4, 21)
    assert list(audit.reports.all()) == [report]


def test_default_themes_are_created_once_and_never_overwritten(programme, city, metropole):
    landlords = [OrganisationFactory(kind=OrganisationKind.BAILLEUR) for _ in range(2)]
    programme.organisations.add(city, metropole, *landlords)
    themes = services.themes_ensure(programme=programme)
    assert list(themes) == [theme.slug for theme in DEFAULT_THEMES]
    assert themes["proprete"].default_handler == city
    assert themes["voirie"].default_handler == metropole
    assert themes["gestion-locative"].default_handler is None  # two landlords: routed at triage
    assert "Dépôt sauvage / encombrants" in themes["encombrants"].synonyms
    services.theme_update(theme=themes["proprete"], target_days=2)
    services.theme_add_synonym(theme=themes["autre"], word=" Mobilier  cassé ")
    again = services.themes_ensure(programme=programme)
    assert Theme.objects.filter(programme=programme).count() == len(DEFAULT_THEMES)
    assert again["proprete"].target_days == 2
    assert again["autre"].synonyms[-1] == "Mobilier cassé"


def test_actions_follow_their_lifecycle(programme):
    action = GuspActionFactory(programme=programme)
    services.gusp_action_update(action=action, status=ActionStatus.DONE, today=datetime.date(2026, 5, 2))
    assert action.done_on == datetime.date(2026, 5, 2)
    with pytest.raises(ValidationError):
        services.gusp_action_update(action=action, status=ActionStatus.TODO)
    services.gusp_action_update(action=action, status=ActionStatus.IN_PROGRESS)
    assert action.done_on is None


def test_a_convention_with_its_commitments(programme, sector_a, city):
    convention = services.convention_create(
        programme=programme,
        title="Convention GUSP 2024-2027",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        sectors=[sector_a],
        signatories=[city],
        commitments=[("travaux", "Nettoyer les abords des chantiers chaque semaine", city)],
    )
    assert list(convention.sectors.all()) == [sector_a]
    assert convention.commitments.get().organisation == city
