"""The revue de projet: its own sections (the year against the convention), figures checked by hand on a
small programme whose history is dated, and the PDF read back with pdftotext."""

import base64
import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import OrganisationKind
from core.audience import pack_audience
from core.pack_sections import PackScope
from projects import charts, reports, selectors
from projects.models import Family, FundingLine, Operation, OperationStatus
from reporting import kinds
from reporting.generator import document_html, render_document_pdf
from reporting.models import PackKind
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import FundingLineFactory, OperationFactory

pytestmark = pytest.mark.django_db

YEAR_START = datetime.date(2026, 1, 1)
SITUATION = datetime.date(2026, 6, 30)
SPACES = re.compile(r"[\s\u202f\u00a0]+")


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _backdate(obj, day: datetime.date) -> None:
    """Date the object's latest history event (the triggers write the current time)."""
    event_model = apps.get_model("projects", f"{type(obj).__name__}Event")
    latest = event_model.objects.filter(pgh_obj_id=obj.pk).order_by("-pgh_id").first()
    event_model.objects.filter(pk=latest.pk).update(pgh_created_at=_at(day))


def _update(obj, day: datetime.date, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    _backdate(obj, day)


def _scope(programme, *, kind=PackKind.REVUE) -> PackScope:
    return PackScope(
        programme=programme,
        sector=None,
        kind=kind,
        kind_label="Dossier de revue de projet",
        period_start=YEAR_START,
        period_end=SITUATION,
        audience=pack_audience(partners=False),
    )


@pytest.fixture
def revue_data(programme, sector_a):
    """Four operations and three funding lines whose history is dated around the year 2026:

    - late: planned to end S2 2025, delivered S1 2026 (+1 semester); travaux → livrée on 10/05/2026;
    - overdue: planned to end S2 2025, still in works at 30/06/2026 (at least +1); engagée → en travaux
      on 15/03/2026, then livrée on 01/09/2026 (after the situation date: not counted);
    - on_time: planned to end S2 2027, programmée (0);
    - abandoned: no slippage.
    """
    anru = OrganisationFactory(name="ANRU", kind=OrganisationKind.ANRU)
    ville = OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE)
    common = {"programme": programme, "sector": sector_a, "planned_start": "2024-S1"}
    late = OperationFactory(
        **common,
        identifier="OP-LATE",
        label="Démolition de la tour Mozart",
        family=Family.DEMOLITION,
        status=OperationStatus.TRAVAUX,
        planned_end="2025-S2",
        actual_start="2024-S1",
    )
    _backdate(late, datetime.date(2025, 1, 10))
    _update(late, datetime.date(2026, 5, 10), status=OperationStatus.LIVREE, actual_end="2026-S1")
    overdue = OperationFactory(
        **common,
        identifier="OP-OVERDUE",
        label=(
            "Réhabilitation thermique de la résidence Verlaine et résidentialisation des îlots Rimbaud et "
            "Baudelaire, tranche 2"
        ),
        family=Family.REQUALIFICATION,
        status=OperationStatus.ENGAGEE,
        planned_end="2025-S2",
        actual_start="2024-S2",
    )
    _backdate(overdue, datetime.date(2025, 1, 10))
    _update(overdue, datetime.date(2026, 3, 15), status=OperationStatus.TRAVAUX)
    on_time = OperationFactory(
        **{**common, "planned_start": "2026-S2"},
        identifier="OP-ONTIME",
        label="Aménagement du mail",
        family=Family.AMENAGEMENT,
        status=OperationStatus.PROGRAMMEE,
        planned_end="2027-S2",
    )
    _backdate(on_time, datetime.date(2025, 1, 10))
    abandoned = OperationFactory(
        **common,
        identifier="OP-ABANDON",
        label="Parking silo",
        family=Family.AMENAGEMENT,
        status=OperationStatus.ABANDONNEE,
        planned_end="2026-S2",
    )
    _backdate(abandoned, datetime.date(2025, 1, 10))

    # L1 (ANRU, démolition): created 2025, committed 60 000 in 2025, then 80 000 committed and 20 000 paid in
    # 2026; 50 000 paid after the situation date (not counted).
    first = FundingLineFactory(
        operation=late, funder=anru, planned=Decimal(100_000), committed=Decimal(0), paid=Decimal(0)
    )
    _backdate(first, datetime.date(2025, 3, 1))
    _update(first, datetime.date(2025, 10, 1), committed=Decimal(60_000))
    _update(first, datetime.date(2026, 4, 1), committed=Decimal(80_000), paid=Decimal(20_000))
    _update(first, datetime.date(2026, 8, 1), paid=Decimal(50_000))
    # L2 (Ville, requalification): created in the year.
    second = FundingLineFactory(
        operation=overdue, funder=ville, planned=Decimal(50_000), committed=Decimal(10_000), paid=Decimal(0)
    )
    _backdate(second, datetime.date(2026, 2, 1))
    # L3 (ANRU, requalification): recorded before the history existed (no event): counts at both dates.
    third = FundingLineFactory(
        operation=overdue,
        funder=anru,
        planned=Decimal(30_000),
        committed=Decimal(30_000),
        paid=Decimal(30_000),
    )
    apps.get_model("projects", "FundingLineEvent").objects.filter(pgh_obj_id=third.pk).delete()
    return {"late": late, "overdue": overdue, "on_time": on_time, "abandoned": abandoned}


def test_revue_has_its_own_sections_and_the_copil_keeps_its_own():
    revue = kinds.section_keys(PackKind.REVUE)
    assert revue[:4] == ["chiffres-cles", "revue-avancement", "revue-calendrier", "revue-financements"]
    assert {"relogement-synthese", "concertation-synthese", "insertion-synthese", "gusp-synthese"} <= set(
        revue
    )
    # Not the COPIL's content again: no per-sector Gantt, no minutes, no per-operation relogement tables.
    assert {
        "calendrier",
        "gouvernance",
        "relogement",
        "insertion",
        "gusp",
        "operations",
        "financements",
        "concertation",
    }.isdisjoint(revue)
    assert kinds.section_keys(PackKind.COPIL) == [
        "chiffres-cles",
        "operations",
        "calendrier",
        "risques",
        "financements",
        "gouvernance",
        "concertation",
        "relogement",
        "insertion",
        "gusp",
    ]


def test_slippage_against_the_convention_by_hand(revue_data):
    progress = {
        row.operation.identifier: row
        for row in selectors.convention_progress(
            operations=Operation.objects.all(), year_start=YEAR_START, situation=SITUATION
        )
    }
    late, overdue = progress["OP-LATE"], progress["OP-OVERDUE"]
    assert (late.end, late.end_is_forecast, late.at_least, late.slippage) == ("2026-S1", False, False, 1)
    # Not finished, planned end past: at least the situation's semester.
    assert (overdue.end, overdue.end_is_forecast, overdue.at_least, overdue.slippage) == (
        "2026-S1",
        True,
        True,
        1,
    )
    on_time = progress["OP-ONTIME"]
    assert (on_time.end, on_time.end_is_forecast, on_time.slippage) == ("2027-S2", True, 0)
    assert progress["OP-ABANDON"].slippage is None
    # Families in the order of the RGA, then identifiers.
    assert list(progress) == ["OP-LATE", "OP-ABANDON", "OP-ONTIME", "OP-OVERDUE"]


def test_status_changes_of_the_year_from_the_history(revue_data):
    progress = {
        row.operation.identifier: row
        for row in selectors.convention_progress(
            operations=Operation.objects.all(), year_start=YEAR_START, situation=SITUATION
        )
    }
    late, overdue = progress["OP-LATE"], progress["OP-OVERDUE"]
    assert late.status_before == OperationStatus.TRAVAUX
    assert late.status_after == OperationStatus.LIVREE
    assert [(c.on.date(), c.before, c.after) for c in late.changes] == [
        (datetime.date(2026, 5, 10), "En travaux", "Livrée")
    ]
    context = reports.revue_progress(_scope(revue_data["late"].programme))
    counts = {row["value"]: (row["before"], row["after"]) for row in context["statuses"]}
    assert counts[OperationStatus.TRAVAUX] == (1, 1)  # late before, overdue after
    assert counts[OperationStatus.LIVREE] == (0, 1)
    assert counts[OperationStatus.ENGAGEE] == (1, 0)
    assert context["total"] == {"operations": 4, "finished": 1, "changed": 2, "late": 2, "slippage": 2}
    # A change after the situation date is not the year's (yet).
    _update(
        revue_data["overdue"], datetime.date(2026, 9, 1), status=OperationStatus.LIVREE, actual_end="2026-S2"
    )
    overdue = next(
        row
        for row in selectors.convention_progress(
            operations=Operation.objects.all(), year_start=YEAR_START, situation=SITUATION
        )
        if row.operation.identifier == "OP-OVERDUE"
    )
    assert [(c.before, c.after) for c in overdue.changes] == [("Engagée", "En travaux")]
    assert overdue.status_after == OperationStatus.TRAVAUX
    assert progress["OP-ONTIME"].changes == []


def test_a_delivery_after_the_situation_date_is_still_a_forecast_there(revue_data):
    """The late operation was delivered on 10/05/2026 (actual end S1 2026): at 31/03/2026 it was in works,
    its end a forecast « at least » the situation's semester, not an actual end read from today's row."""
    progress = {
        row.operation.identifier: row
        for row in selectors.convention_progress(
            operations=Operation.objects.all(), year_start=YEAR_START, situation=datetime.date(2026, 3, 31)
        )
    }
    late = progress["OP-LATE"]
    assert late.status_after == OperationStatus.TRAVAUX
    assert (late.end, late.end_is_forecast, late.at_least, late.slippage) == ("2026-S1", True, True, 1)
    assert progress["OP-ONTIME"].end_is_forecast
    # Abandoned on 01/05/2026: at 31/03/2026 its line still shows its forecast semesters.
    _update(revue_data["on_time"], datetime.date(2026, 5, 1), status=OperationStatus.ABANDONNEE)
    on_time = next(
        row
        for row in selectors.convention_progress(
            operations=Operation.objects.all(), year_start=YEAR_START, situation=datetime.date(2026, 3, 31)
        )
        if row.operation.identifier == "OP-ONTIME"
    )
    assert on_time.status_after == OperationStatus.PROGRAMMEE
    assert "f" in "".join(reports.calendar_cells(on_time, ["2026-S2", "2027-S1"], "2026-S1"))


def test_funding_year_over_year_by_hand(revue_data):
    context = reports.revue_finance(_scope(revue_data["late"].programme))
    figures = context["figures"]
    amounts = {"planned", "committed", "paid"}
    assert figures.total.before == {"planned": 130_000, "committed": 90_000, "paid": 30_000}
    assert figures.total.after == {"planned": 180_000, "committed": 120_000, "paid": 50_000}
    assert figures.total.committed_in_year == 30_000
    assert figures.total.paid_in_year == 20_000
    funders = {row.name: row for row in figures.funders}
    assert list(funders) == ["ANRU", "Ville de Lille"]  # largest planned first
    assert funders["ANRU"].before == {"planned": 130_000, "committed": 90_000, "paid": 30_000}
    assert funders["ANRU"].after == {"planned": 130_000, "committed": 110_000, "paid": 50_000}
    assert funders["Ville de Lille"].before == dict.fromkeys(amounts, 0)
    assert funders["Ville de Lille"].after == {"planned": 50_000, "committed": 10_000, "paid": 0}
    families = {row.name: row for row in figures.families}
    assert list(families) == ["Démolition de logements sociaux", "Requalification de logements sociaux"]
    assert families["Requalification de logements sociaux"].after == {
        "planned": 80_000,
        "committed": 40_000,
        "paid": 30_000,
    }
    # Today's figures are the lines as they are now (the payment of August included).
    assert FundingLine.objects.get(funder__name="ANRU", planned=100_000).paid == 50_000
    assert not context["history_after_year_start"]


def test_calendar_grid_marks_the_convention_the_actual_and_the_late_semesters(revue_data):
    context = reports.revue_calendar(_scope(revue_data["late"].programme))
    assert context["first"] == "2024-S1"
    assert context["last"] == "2027-S2"
    assert context["current"] == "2026-S1"
    late = next(
        item
        for group in context["groups"]
        for item in group["rows"]
        if item["row"].operation.identifier == "OP-LATE"
    )
    cells = reports.calendar_cells(late["row"], context["span"], context["current"])
    # 2024-S1 … 2025-S2 planned and done, 2026-S1 done beyond the planned end, then nothing.
    assert cells == ["pr", "pr", "pr", "pr", "l", "", "", ""]
    assert str(context["years_svg"]).count("<text") == 4  # 24, 25, 26, 27: whole years
    grid = base64.b64decode(late["grid"].split(",", 1)[1]).decode()
    assert grid.startswith("<svg")
    assert 'stroke="#b3261e"' in grid  # the situation's semester


def test_revue_pdf_text(revue_data, tmp_path, pdftotext):
    scope = _scope(revue_data["late"].programme)
    html = document_html(scope, section_keys=kinds.section_keys(PackKind.REVUE))
    assert "Avancement au regard de la convention" in html
    path = tmp_path / "revue.pdf"
    path.write_bytes(render_document_pdf(scope, section_keys=kinds.section_keys(PackKind.REVUE)).content)
    text = SPACES.sub(
        " ",
        subprocess.run(
            [pdftotext, "-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout,
    )
    for expected in (
        "Avancement au regard de la convention",
        "Calendrier au regard de la convention",
        "Financements au regard de la maquette",
        "du 1er janvier 2026 au 30 juin 2026",
        "Statuts au 31 décembre 2025 et au 30 juin 2026",
        "En travaux → Livrée",
        "Engagée → En travaux",
        "OP-OVERDUE — Réhabilitation thermique de la résidence Verlaine",
        "≥ S1 2026",
        "≥ +1",
        "Total 130 000 € 180 000 € 90 000 € 120 000 € 30 000 € 50 000 €",
    ):
        assert expected in text, text[
            text.find("Changements de statut en") : text.find("Changements de statut en") + 900
        ]
    # The KPI counts operations (one changed twice would be two rows of the list of changes).
    assert re.search(
        r'kpi-value">2</p>\s*<p class="kpi-label">\s*opérations ayant changé de statut en 2026', html
    )
    assert "Compte rendu de la séance" not in text
    assert "2 025" not in text
    assert "2 026" not in text


def test_gantt_wraps_long_labels_and_marks_today(revue_data):
    operations = selectors.sector_timeline(operations=Operation.objects.all())
    svg = base64.b64decode(charts.timeline_chart(operations, today=SITUATION).split(",", 1)[1]).decode()
    label_text = " ".join(re.sub(r"<[^>]+>", " ", part) for part in re.findall(r"<text[^>]*>.*?</text>", svg))
    words = " ".join(label_text.split())
    # The whole label, over several lines (nothing cut, no ellipsis).
    for word in ("Réhabilitation", "Verlaine", "Baudelaire,", "tranche", "2"):
        assert word in words
    assert "…" not in svg
    assert "Aujourd'hui" in svg or "Aujourd&#39;hui" in svg or "Aujourd&apos;hui" in svg
    # In a pack, the line is the situation date.
    pack_svg = base64.b64decode(
        reports.calendar(_scope(revue_data["late"].programme, kind=PackKind.COPIL))["groups"][0][
            "chart"
        ].split(",", 1)[1]
    ).decode()
    assert "Situation au 30/06/2026" in pack_svg


def test_calendar_grids_say_what_they_show_and_the_pdf_logs_no_missing_alt(revue_data, caplog):
    scope = _scope(revue_data["late"].programme)
    alts = {
        item["row"].operation.identifier: item["alt"]
        for group in reports.revue_calendar(scope)["groups"]
        for item in group["rows"]
    }
    assert alts["OP-LATE"] == "Convention S1 2024 à S2 2025 ; réalisation S1 2024 à S1 2026"
    assert alts["OP-OVERDUE"] == "Convention S1 2024 à S2 2025 ; réalisation S2 2024 à au moins S1 2026"
    assert alts["OP-ONTIME"] == "Convention S2 2026 à S2 2027 ; réalisation S2 2026 (prévu) à S2 2027 (prévu)"
    assert alts["OP-ABANDON"] == "Convention S1 2024 à S2 2026 ; abandonnée"
    html = document_html(scope, section_keys=kinds.section_keys(PackKind.REVUE))
    assert f'alt="{alts["OP-ABANDON"]}"' in html
    with caplog.at_level("WARNING"):
        render_document_pdf(scope, section_keys=kinds.section_keys(PackKind.REVUE))
    assert not [record for record in caplog.records if "alt" in record.getMessage()]


def test_many_status_changes_are_counted_per_transition_and_only_outcomes_listed(revue_data, monkeypatch):
    """On a large programme the year's changes ran over pages: all are counted per transition, and beyond
    DETAILED_CHANGES_MAX only deliveries, soldes and abandonments are listed one by one."""
    monkeypatch.setattr(reports, "DETAILED_CHANGES_MAX", 1)

    context = reports.revue_progress(_scope(revue_data["late"].programme))

    assert {(row["before"], row["after"], row["count"]) for row in context["transitions"]} == {
        ("Engagée", "En travaux", 1),
        ("En travaux", "Livrée", 1),
    }
    assert context["detail_is_partial"] is True
    assert [(operation.identifier, change.after) for operation, change in context["detailed"]] == [
        ("OP-LATE", "Livrée")
    ]


def test_a_few_status_changes_are_all_listed(revue_data):
    context = reports.revue_progress(_scope(revue_data["late"].programme))

    assert context["detail_is_partial"] is False
    assert len(context["detailed"]) == 2
