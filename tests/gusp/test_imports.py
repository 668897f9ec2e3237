"""Import of a reporting tool's export (tests/data or ../shared/samples/gusp_signalements.csv)."""

import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind
from core.imports import import_run
from core.models import ImportMapping, ImportRecord
from gusp.imports import ReportImport
from gusp.models import EventKind, Report, ReportEvent, Theme
from gusp.models import ReportStatus as R
from gusp.services import theme_add_synonym, themes_ensure
from tests.accounts.factories import OrganisationFactory
from tests.core.test_import_mapping_views import save_mappings, value_names
from tests.data import csv_bytes, sample_bytes, sample_path, xlsx_bytes
from tests.projects.factories import SectorFactory
from tests.utils import run_after_commit

SAMPLE = "gusp_signalements.csv"
HEADER = [
    "Numéro",
    "Date de création",
    "Catégorie",
    "Adresse",
    "Quartier",
    "Latitude",
    "Longitude",
    "Statut",
    "Date de clôture",
    "Service en charge",
    "Origine",
    "Description",
]


def square(lon: float, lat: float, half: float = 0.01) -> dict:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def site(programme):
    """The sample's quartiers (with perimeters that do not overlap) and one of its landlords."""
    SectorFactory(
        programme=programme,
        name="Moulins",
        slug="moulins",
        qpv_code_2024="QN05910M",
        perimeter=square(3.068, 50.615, 0.008),
    )
    SectorFactory(
        programme=programme, name="Concorde", slug="concorde", perimeter=square(3.035, 50.620, 0.008)
    )
    SectorFactory(programme=programme, name="Faubourg d'Arras", slug="faubourg-d-arras")
    SectorFactory(programme=programme, name="Pointe des Bois Blancs", slug="pointe-des-bois-blancs")
    programme.organisations.add(OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR))
    return programme


def run(programme, data, *, filename="signalements.csv", commit=True):
    return import_run(
        spec_class=ReportImport, data=data, filename=filename, programme=programme, commit=commit
    )


def row(number="X-1", **cells):
    values = {
        "Numéro": number,
        "Date de création": "02/03/2026 09:30",
        "Catégorie": "Propreté",
        "Adresse": "12 rue de Marquillies, Lille",
        "Quartier": "Moulins",
        "Latitude": "50,616695",
        "Longitude": "3,070735",
        "Statut": "Nouveau",
        "Date de clôture": "",
        "Service en charge": "Logis du Nord",
        "Origine": "Habitant",
        "Description": "Sacs éventrés",
        **cells,
    }
    return [values[name] for name in HEADER]


def database_state():
    return (
        list(Report.objects.order_by("pk").values_list()),
        ReportEvent.objects.count(),
        Organisation.objects.count(),
        Theme.objects.count(),
    )


def test_the_sample_file_is_available():
    assert sample_path(SAMPLE).exists()


def test_the_sample_creates_every_report(site):
    result = run(site, sample_bytes(SAMPLE))
    assert result.ok, result.errors
    assert result.committed
    assert result.counts == {"create": 150, "update": 0, "unchanged": 0}
    reports = Report.objects.filter(programme=site)
    assert reports.count() == 150
    counts = dict(reports.values_list("status").annotate(n=Count("pk")).order_by())
    assert counts == {
        R.RESOLVED: 77,
        R.SENT: 19,
        R.IN_PROGRESS: 18,
        R.NEW: 12,
        R.NOT_OURS: 12,
        R.CLOSED_UNRESOLVED: 7,
        R.DUPLICATE: 5,
    }
    first = reports.get(reference="S-11-00001")
    assert first.theme.slug == "tranquillite-publique"
    assert first.sector.name == "Moulins"
    assert first.reported_at == datetime.datetime(2025, 11, 12, 11, 58, tzinfo=datetime.UTC)  # 12:58 in Paris
    assert first.closed_at == datetime.datetime(2025, 12, 22, 6, 58, tzinfo=datetime.UTC)
    assert first.due_on == datetime.date(2025, 11, 19)  # tranquillité publique: 7 days
    assert (first.source, str(first.latitude)) == ("conseil_citoyen", "50.618699")
    assert first.handler.name == "Ville de Lille — espaces verts"
    assert list(first.events.values_list("kind", "to_status")) == [
        (EventKind.CREATED, R.NEW),
        (EventKind.STATUS, R.RESOLVED),
    ]
    # Every category of the sample is a theme by name or other spelling: nothing falls in « Autre ».
    assert not reports.filter(theme__slug="autre").exists()
    assert reports.get(reference="S-11-00002").theme.slug == "encombrants"  # Dépôt sauvage / encombrants
    assert Theme.objects.filter(programme=site).count() == 12  # the default themes, created on commit
    created = Organisation.objects.filter(name__in=["Police municipale", "Métropole — voirie"])
    assert set(created.values_list("kind", flat=True)) == {OrganisationKind.AUTRE}
    assert set(site.organisations.filter(pk__in=created)) == set(created)
    assert any("Police municipale" in warning for warning in result.warnings)


def test_reimporting_the_sample_changes_nothing(site):
    run(site, sample_bytes(SAMPLE))
    before = database_state()
    result = run(site, sample_bytes(SAMPLE))
    assert result.counts == {"create": 0, "update": 0, "unchanged": 150}
    assert database_state() == before


def test_a_reimport_updates_without_duplicates_and_writes_the_history(site):
    run(site, csv_bytes([HEADER, row("X-1", Statut="Transmis")]))
    result = run(
        site,
        csv_bytes(
            [
                HEADER,
                row(
                    "X-1",
                    **{"Statut": "Traité", "Date de clôture": "05/03/2026 10:00", "Service en charge": ""},
                ),
                row("X-2"),
            ]
        ),
    )
    assert result.counts == {"create": 1, "update": 1, "unchanged": 0}
    assert Report.objects.filter(reference="X-1").count() == 1
    report = Report.objects.get(reference="X-1")
    assert report.status == R.RESOLVED
    assert report.handler.name == "Logis du Nord"  # empty cell: kept
    steps = list(report.events.order_by("pk").values_list("kind", "from_status", "to_status"))
    assert steps[-1] == (EventKind.STATUS, R.SENT, R.RESOLVED)


def test_a_reimport_follows_the_lifecycle(site):
    run(site, csv_bytes([HEADER, row("X-1", Statut="Doublon")]))
    before = database_state()
    result = run(site, csv_bytes([HEADER, row("X-1", Statut="En cours")]))
    assert not result.ok
    assert "Passage de « Doublon » à « En cours » impossible." in str(result.errors[0])
    assert database_state() == before


def test_bad_rows_write_nothing_and_say_where(site):
    before = database_state()
    rows = [
        HEADER,
        row("X-1"),
        row("X-2", **{"Statut": "Pas clair", "Service en charge": "Régie nouvelle"}),
        row("X-3", Quartier="Wazemmes"),
        row("X-4", **{"Date de clôture": "05/03/2026"}),  # an open report closed?
        row("X-5", **{"Date de création": "31/02/2026"}),
        row("X-6", Latitude="91"),
        row("X-1"),
    ]
    result = run(site, csv_bytes(rows))
    assert not result.committed
    messages = [str(error) for error in result.errors]
    assert any("Ligne 3, colonne « Statut »" in m and "« Pas clair »" in m for m in messages)
    assert any("Ligne 4, colonne « Quartier »" in m and "Wazemmes" in m for m in messages)
    assert any("Ligne 5, colonne « Date de clôture »" in m for m in messages)
    assert any("Ligne 6, colonne « Date de création »" in m for m in messages)
    assert any("Ligne 7, colonne « Latitude »" in m for m in messages)
    assert any("Ligne 8, colonne « Numéro »" in m and "figure déjà ligne 2" in m for m in messages)
    assert database_state() == before  # not even the new organisation nor the themes


def test_an_unknown_category_goes_to_autre_and_is_listed_then_mapped(site, tmp_path):
    data = csv_bytes([HEADER, row("X-1", Catégorie="Nids de poule géants"), row("X-2")])
    preview = run(site, data, commit=False)
    assert preview.ok
    [unknown] = preview.summary()["unknown_values"]
    assert unknown["field"] == "category"
    assert [value["value"] for value in unknown["values"]] == ["Nids de poule géants"]
    assert any(
        "« Nids de poule géants » inconnue" in warning and "Autre" in warning for warning in preview.warnings
    )
    run(site, data)
    assert Report.objects.get(reference="X-1").theme.slug == "autre"
    # Mapped once for the programme (the preview's mapping, or --map-value), the next import uses it.
    path = tmp_path / "signalements.csv"
    path.write_bytes(data)
    call_command(
        "import_xlsx",
        "gusp",
        str(path),
        programme=site.slug,
        map_value=["Catégorie:Nids de poule géants=voirie"],
        stdout=StringIO(),
    )
    # Kept as another spelling of the theme (seen and edited on the themes page), not as a mapping.
    assert not ImportMapping.objects.filter(programme=site, kind="gusp").exists()
    assert "Nids de poule géants" in Theme.objects.get(programme=site, slug="voirie").synonyms
    assert Report.objects.get(reference="X-1").theme.slug == "voirie"
    assert not run(site, data, commit=False).summary()["unknown_values"]


def test_a_synonym_added_to_a_theme_maps_the_next_import(site):
    data = csv_bytes([HEADER, row("X-1", Catégorie="Tags sauvages")])
    run(site, data)
    theme_add_synonym(theme=Theme.objects.get(programme=site, slug="degradations"), word="Tags sauvages")
    result = run(site, data)
    assert result.counts["update"] == 1
    assert not result.summary()["unknown_values"]
    report = Report.objects.get(reference="X-1")
    assert report.theme.slug == "degradations"
    assert report.due_on == datetime.date(2026, 3, 17)  # the new theme's 15 days


@pytest.mark.parametrize(
    ("cell", "latitude", "longitude", "sector"),
    [
        ("QPV Faubourg d'Arras", "", "", "Faubourg d'Arras"),
        ("faubourg d’arras", "", "", "Faubourg d'Arras"),
        ("QN05910M", "", "", "Moulins"),
        ("", "50,617", "3,036", "Concorde"),  # inside Concorde's perimeter
        ("", "50,612", "3,066", "Moulins"),
    ],
)
def test_the_quartier_by_name_code_or_point(site, cell, latitude, longitude, sector):
    result = run(site, csv_bytes([HEADER, row("X-1", Quartier=cell, Latitude=latitude, Longitude=longitude)]))
    assert result.ok, result.errors
    assert Report.objects.get(reference="X-1").sector.name == sector


def test_a_point_outside_every_quartier_is_an_error(site):
    result = run(site, csv_bytes([HEADER, row("X-1", Quartier="", Latitude="48,85", Longitude="2,35")]))
    assert "n'est dans aucun quartier" in str(result.errors[0])


def test_a_duplicate_may_lack_its_original(site):
    header = [*HEADER, "Doublon de"]
    result = run(
        site,
        csv_bytes(
            [
                header,
                [*row("X-1"), ""],
                [*row("X-2", Statut="Doublon"), "X-1"],
                [*row("X-3", Statut="Doublon"), ""],
                [*row("X-4", Statut="Doublon"), "Z-404"],
            ]
        ),
    )
    assert result.ok, result.errors
    assert Report.objects.get(reference="X-2").duplicate_of.reference == "X-1"
    assert Report.objects.get(reference="X-3").duplicate_of is None
    assert Report.objects.get(reference="X-4").duplicate_of is None
    assert any("« Z-404 » est inconnu" in warning for warning in result.warnings)


def test_an_xlsx_export_with_dates_as_cells(site):
    cells = row("X-1")
    cells[1] = datetime.datetime(2026, 3, 2, 9, 30)  # noqa: DTZ001 (an Excel cell has no time zone)
    result = run(site, xlsx_bytes([HEADER, cells]), filename="export.xlsx")
    assert result.ok, result.errors
    assert Report.objects.get(reference="X-1").reported_at == datetime.datetime(
        2026, 3, 2, 8, 30, tzinfo=datetime.UTC
    )


def test_the_command_imports_the_sample(site):
    out = StringIO()
    call_command(
        "import_xlsx", "gusp", str(sample_path(SAMPLE)), programme=site.slug, dry_run=True, stdout=out
    )
    assert "150 à créer" in out.getvalue()
    assert not Report.objects.exists()
    call_command("import_xlsx", "gusp", str(sample_path(SAMPLE)), programme=site.slug, stdout=StringIO())
    assert Report.objects.count() == 150


def test_the_preview_adds_an_unknown_category_to_the_theme_it_is_mapped_to(site, mission_client):
    themes_ensure(programme=site)
    file = io.BytesIO(csv_bytes([HEADER, row("X-1", Catégorie="Nids de poule géants")]))
    file.name = "signalements.csv"
    with run_after_commit():
        mission_client.post(reverse("imports:upload", args=["gusp"]), {"file": file})
    record = ImportRecord.objects.order_by("-pk").first()
    assert (
        "« Nids de poule géants »"
        in mission_client.get(reverse("imports:preview", args=[record.pk])).content.decode()
    )

    again = save_mappings(mission_client, record, {value_names(record)["Nids de poule géants"]: "voirie"})

    assert "Nids de poule géants" in Theme.objects.get(programme=site, slug="voirie").synonyms
    assert not ImportMapping.objects.exists()
    assert not again.summary["unknown_values"]
    assert "Nids de poule géants" in mission_client.get(reverse("gusp:theme_list")).content.decode()
