"""The GUSP demo: a year of reports over the demo sectors, varied and realistic, walk audits, the
convention and the projet de gestion, TFPB actions per landlord; idempotent and moving forward."""

import datetime
import re
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Round
from django.utils import timezone

from accounts.models import OrganisationKind
from gusp import geo, services
from gusp.models import (
    ActionStatus,
    GuspAction,
    GuspConvention,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    TfpbAbatement,
    TfpbAxis,
    Theme,
    ThemeHandlerDelay,
    WalkAudit,
)
from gusp.seeders.demo import demo_photos
from gusp.vocabularies import DEFAULT_THEMES
from projects.models import Programme
from tests.conftest import DEMO_TODAY

R = ReportStatus
REFERENCE = re.compile(r"^(GUSP-20\d{2}-\d{5}|DM-\d{8}-[a-z-]+-\d{2})$")


@pytest.fixture
def demo(seeded_demo):
    return Programme.objects.get(slug="npru-demo")


def snapshot(programme) -> list:
    return [
        *Report.objects.filter(programme=programme).order_by("pk").values_list(),
        *ReportEvent.objects.filter(report__programme=programme).order_by("pk").values_list(),
        *WalkAudit.objects.filter(programme=programme).order_by("pk").values_list(),
        *GuspAction.objects.filter(programme=programme).order_by("pk").values_list(),
        *TfpbAbatement.objects.filter(programme=programme).order_by("pk").values_list(),
        *ReportPhoto.objects.filter(report__programme=programme)
        .order_by("pk")
        .values_list("report", "image"),
    ]


def test_a_year_of_a_few_thousand_reports(demo):
    reports = Report.objects.filter(programme=demo)
    assert 2500 <= reports.count() <= 3600
    first = reports.order_by("reported_at").first().reported_at.date()
    assert DEMO_TODAY - datetime.timedelta(days=366) <= first
    assert all(REFERENCE.match(ref) for ref in reports.values_list("reference", flat=True))
    assert reports.values("sector").distinct().count() == demo.sectors.count()
    assert reports.values("theme").distinct().count() == len(DEFAULT_THEMES)
    assert reports.values("handler").distinct().count() >= 5
    assert set(reports.values_list("status", flat=True)) == set(R.values)
    for report in reports.select_related("sector", "theme")[::97]:
        report.full_clean()
        assert geo.contains(report.sector.perimeter, longitude=report.longitude, latitude=report.latitude)
        assert report.due_on == timezone.localdate(report.reported_at) + datetime.timedelta(
            days=services.target_days(report.theme, report.handler_id)
        )


def test_the_landlords_handle_gestion_locative_in_their_own_delay(demo):
    delays = ThemeHandlerDelay.objects.filter(theme__programme=demo).select_related("theme", "organisation")
    assert delays.exists()
    assert {(delay.theme.slug, delay.organisation.kind, delay.target_days) for delay in delays} == {
        ("gestion-locative", "bailleur", 10)
    }
    housing = Report.objects.filter(
        programme=demo, theme__slug="gestion-locative", handler__in=[delay.organisation for delay in delays]
    )
    assert housing.exists()
    for report in housing[:20]:
        assert report.delay_days == 10


def test_some_are_late_and_handlers_differ_in_pace(demo):
    reports = Report.objects.filter(programme=demo)
    assert reports.late(DEMO_TODAY).count() >= 10
    assert reports.filter(status=R.NEW).count() >= 5
    closed_late = reports.filter(closed_at__isnull=False, status=R.RESOLVED).filter(
        closed_at__date__gt=F("due_on")
    )
    assert 0.1 <= closed_late.count() / reports.filter(status=R.RESOLVED).count() <= 0.7


def test_every_report_has_its_history(demo):
    reports = Report.objects.filter(programme=demo)
    assert not reports.annotate(n=Count("events")).filter(n=0).exists()
    sample = reports.filter(status=R.RESOLVED).first()
    steps = list(sample.events.order_by("at", "pk").values_list("to_status", flat=True))
    assert steps[:4] == [R.NEW, R.SENT, R.IN_PROGRESS, R.RESOLVED]
    assert not reports.filter(status__in=[R.RESOLVED, R.DUPLICATE], closed_at__isnull=True).exists()
    assert not reports.filter(status=R.NOT_OURS, competent_body="").exists()
    assert reports.filter(status=R.DUPLICATE, duplicate_of__isnull=False).exists()


def test_hotspots_recur(demo):
    places = (
        Report.objects.filter(programme=demo)
        .annotate(lat=Round("latitude", 3), lon=Round("longitude", 3))
        .values("lat", "lon", "theme")
        .annotate(n=Count("pk"))
        .filter(n__gte=10)
    )
    assert places.count() >= demo.sectors.count()


def test_walk_audits_and_their_observations(demo):
    walks = WalkAudit.objects.filter(programme=demo)
    held = walks.held(DEMO_TODAY)
    assert held.count() >= 2 * demo.sectors.count()
    assert walks.filter(held_on__gt=DEMO_TODAY).exists()  # the next one
    for walk in held:
        observations = walk.reports.all()
        assert 6 <= observations.count() <= 14
        assert set(observations.values_list("source", flat=True)) == {ReportSource.WALK_AUDIT}
        assert set(observations.values_list("sector", flat=True)) == {walk.sector_id}
        assert walk.participants > 0
        assert walk.proposals
    assert not walks.filter(held_on__gt=DEMO_TODAY).exclude(proposals="").exists()


def test_the_last_walk_of_each_quartier_has_follow_up_actions(demo):
    follow_ups = GuspAction.objects.filter(programme=demo, walk_audit__isnull=False).select_related(
        "walk_audit"
    )
    assert follow_ups.values("walk_audit").distinct().count() == demo.sectors.count()
    for action in follow_ups:
        action.full_clean()
        assert action.sector_id == action.walk_audit.sector_id
        assert action.walk_audit.held_on <= DEMO_TODAY
        last = WalkAudit.objects.filter(sector=action.sector, held_on__lte=DEMO_TODAY).latest("held_on")
        assert action.walk_audit == last
    assert follow_ups.filter(status=ActionStatus.DONE).exists() or all(
        action.walk_audit.held_on > DEMO_TODAY - datetime.timedelta(days=30) for action in follow_ups
    )


def test_a_few_photos_shared_by_reports(demo):
    photos = ReportPhoto.objects.filter(report__programme=demo)
    assert 100 <= photos.count() <= 600
    names = set(photos.values_list("image", flat=True))
    assert len(names) <= 6
    # Each run stores the shared files when they are missing (here, in this test's media folder).
    assert names <= {name for name, *_ in demo_photos()}
    assert all(default_storage.exists(name) for name in names)


def test_the_convention_and_the_projet_de_gestion(demo):
    conventions = GuspConvention.objects.filter(programme=demo)
    assert conventions.count() == 2
    management = conventions.get(is_management_project=True)
    assert management.npnru_convention.programme == demo
    convention = conventions.get(is_management_project=False)
    assert convention.commitments.values("volet").distinct().count() == 4
    assert convention.sectors.count() == demo.sectors.count()
    assert convention.signatories.filter(kind=OrganisationKind.BAILLEUR).exists()


def test_tfpb_actions_per_landlord(demo):
    actions = GuspAction.objects.filter(programme=demo)
    tfpb = actions.tfpb()
    landlords = tfpb.values("owner").distinct()
    assert landlords.count() >= 3
    assert not tfpb.filter(tfpb_axis=TfpbAxis.SMALL_WORKS).exists()
    assert not tfpb.filter(Q(tfpb_amount__isnull=True) | Q(tfpb_year__isnull=True)).exists()
    assert tfpb.values("tfpb_year").distinct().count() == 2
    assert actions.exclude(pk__in=tfpb).exists()
    for action in actions.select_related("owner", "sector")[::5]:
        action.full_clean()


def test_each_landlord_has_an_abatement_for_each_year_of_valued_actions(demo):
    """A few hundred thousand euros at most per landlord and year, its valued actions covering 60 to 110 %."""
    valued = {
        (row["owner"], row["tfpb_year"]): row["total"]
        for row in GuspAction.objects.filter(programme=demo)
        .tfpb()
        .values("owner", "tfpb_year")
        .annotate(total=Sum("tfpb_amount"))
    }
    abatements = TfpbAbatement.objects.filter(programme=demo)
    assert {(a.landlord_id, a.year) for a in abatements} == set(valued)
    for abatement in abatements.select_related("landlord", "programme"):
        abatement.full_clean()
        assert abatement.sector is None
        assert 80_000 <= abatement.amount <= 900_000
        rate = valued[(abatement.landlord_id, abatement.year)] / abatement.amount
        assert 0.59 <= rate <= 1.11, (abatement, rate)
        assert "logements en QPV" in abatement.note


def test_themes_have_their_demo_handlers(demo):
    themes = {theme.slug: theme for theme in Theme.objects.filter(programme=demo)}
    assert themes["voirie"].default_handler.kind == OrganisationKind.EPCI
    assert themes["proprete"].default_handler.kind == OrganisationKind.VILLE
    # gestion locative goes to each sector's landlord
    landlords = Report.objects.filter(programme=demo, theme=themes["gestion-locative"]).values(
        "handler__kind"
    )
    assert {row["handler__kind"] for row in landlords} == {OrganisationKind.BAILLEUR}


def test_seed_is_idempotent(demo):
    before = snapshot(demo)
    out = StringIO()
    call_command("seed_demo", today=DEMO_TODAY, stdout=out)
    assert snapshot(demo) == before
    assert "(0 signalements créés, 0 mis à jour, 0 photos, 0 actions écrites)" in out.getvalue()


def test_a_later_run_moves_reports_forward_without_duplicates(demo):
    count = Report.objects.filter(programme=demo).count()
    call_command("seed_demo", today=DEMO_TODAY + datetime.timedelta(days=30), stdout=StringIO())
    references = list(Report.objects.filter(programme=demo).values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert count < len(references) <= count * 1.15
