"""Imports of the financial annex (operations) and of the QPV list, from the file to the database."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Organisation, OrganisationKind, Role
from core.imports import ImportFileError, import_run
from core.models import ImportRecord, ImportStatus
from projects.imports import OperationsImport, QpvImport
from projects.models import Family, FundingKind, FundingLine, Operation, OperationStatus, Qpv
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.data import (
    csv_bytes,
    modified_xlsx,
    sample_bytes,
    sample_path,
    xlsx_bytes,
    xml_bomb_xlsx,
    zip_bomb_xlsx,
)
from tests.projects.factories import ProgrammeFactory, SectorFactory
from tests.utils import run_after_commit

SECTORS = ["Moulins", "Pointe des Bois Blancs", "Concorde", "Faubourg d'Arras"]
SECTOR_SLUGS = ["moulins", "pointe-des-bois-blancs", "concorde", "faubourg-d-arras"]


@pytest.fixture
def lille(programme):
    """The programme of the sample annex: its four quartiers, its ville and its métropole."""
    for order, (name, slug) in enumerate(zip(SECTORS, SECTOR_SLUGS, strict=True)):
        SectorFactory(programme=programme, name=name, slug=slug, order=order, qpv_code_2024=f"QN0591{order}M")
    programme.organisations.add(
        OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE),
        OrganisationFactory(
            name="Métropole Européenne de Lille", kind=OrganisationKind.EPCI, short_name="MEL"
        ),
    )
    return programme


@pytest.fixture
def annex() -> bytes:
    return sample_bytes("operations_maquette.xlsx")


def run_operations(programme, data, *, filename="maquette.xlsx", commit=True):
    return import_run(
        spec_class=OperationsImport, data=data, filename=filename, programme=programme, commit=commit
    )


def line(identifier: str, kind: str, funder: str | None = None) -> FundingLine:
    lines = FundingLine.objects.filter(operation__identifier=identifier, kind=kind)
    if funder:
        lines = lines.filter(funder__name=funder)
    return lines.get()


def database_state():
    return (
        list(Operation.objects.order_by("pk").values_list("pk", "updated_at", "status", "cost_excl_tax")),
        list(FundingLine.objects.order_by("pk").values_list("pk", "planned", "committed", "paid")),
        Organisation.objects.count(),
    )


# The real sample ---------------------------------------------------------------------------------------


def test_the_sample_file_is_available():
    assert sample_path("operations_maquette.xlsx").exists()
    assert sample_path("qpv_liste_extrait.csv").exists()


def test_sample_annex_creates_every_operation_with_its_funding(lille, annex):
    result = run_operations(lille, annex)

    assert result.ok, result.errors
    assert result.committed
    assert result.counts == {"create": 45, "update": 0, "unchanged": 0}
    assert (result.sheet, result.header_row) == ("Opérations", 1)
    assert Operation.objects.filter(programme=lille).count() == 45

    op1 = Operation.objects.get(identifier="OP-001")
    assert op1.label == "Ingénierie — Rue de Marquillies"
    assert op1.sector.name == "Moulins"
    assert op1.family == Family.INGENIERIE
    assert op1.status == OperationStatus.LIVREE
    assert op1.moa.name == "Habitat Métropole"
    assert op1.cost_excl_tax == Decimal("7400000")
    assert op1.eligible_base == Decimal("6660000")
    # S2 2020 and 6 semesters: S2 2020, S1 2021, S2 2021, S1 2022, S2 2022, S1 2023.
    assert (op1.planned_start, op1.planned_end) == ("2020-S2", "2023-S1")

    assert line("OP-003", FundingKind.SUBVENTION, "ANRU").planned == Decimal("2236000")
    assert line("OP-003", FundingKind.PRET).planned == Decimal("708000")
    assert line("OP-003", FundingKind.PRET).funder.kind == OrganisationKind.ACTION_LOGEMENT
    assert line("OP-003", FundingKind.SUBVENTION, "Ville de Lille").planned == Decimal("75000")
    assert line("OP-003", FundingKind.SUBVENTION, "Métropole Européenne de Lille").planned == Decimal(
        "157000"
    )
    assert line("OP-003", FundingKind.SUBVENTION, "Région").planned == Decimal("168000")
    own_funds = line("OP-003", FundingKind.FONDS_PROPRES)
    assert (own_funds.funder.name, own_funds.planned) == ("Ville de Lille", Decimal("1956000"))
    assert (own_funds.committed, own_funds.paid) == (0, 0)

    # Zero amounts make no line: OP-001 has no Action Logement loan and no Région grant.
    assert not FundingLine.objects.filter(operation=op1, kind=FundingKind.PRET).exists()
    assert not FundingLine.objects.filter(operation=op1, funder__name="Région").exists()
    assert FundingLine.objects.filter(operation=op1).count() == 4

    # "Métropole" as maître d'ouvrage is the programme's métropole, not a new organisation.
    assert Operation.objects.get(identifier="OP-004").moa.name == "Métropole Européenne de Lille"
    assert Organisation.objects.get(name="ANRU").kind == OrganisationKind.ANRU
    assert Organisation.objects.get(name="Logis du Nord").kind == OrganisationKind.BAILLEUR
    assert set(lille.organisations.values_list("name", flat=True)) >= {
        "ANRU",
        "Logis du Nord",
        "SPL Aménagement",
    }
    assert (
        "Organisation « Logis du Nord » inconnue : elle sera créée (type : Bailleur social)."
        in result.warnings
    )
    assert not any("Métropole Européenne" in warning for warning in result.warnings)
    total_planned = sum(FundingLine.objects.values_list("planned", flat=True))
    assert total_planned == sum(Operation.objects.values_list("cost_excl_tax", flat=True))


def test_reimporting_the_same_file_changes_nothing(lille, annex):
    run_operations(lille, annex)
    before = database_state()

    preview = run_operations(lille, annex, commit=False)
    result = run_operations(lille, annex)

    assert preview.counts == result.counts == {"create": 0, "update": 0, "unchanged": 45}
    assert result.ok
    assert database_state() == before
    assert not any("sera créée" in warning for warning in result.warnings)


def test_one_modified_amount_is_one_update(lille, annex):
    run_operations(lille, annex)
    changed = modified_xlsx(annex, {"H4": 2_300_000, "M4": 1_892_000})  # OP-003: ANRU and own funds

    result = run_operations(lille, changed)

    assert result.counts == {"create": 0, "update": 1, "unchanged": 44}
    (plan,) = [plan for plan in result.plans if plan.action == "update"]
    assert (plan.key, plan.row, plan.changes) == ("OP-003", 4, ["Subvention ANRU", "Fonds propres"])
    assert line("OP-003", FundingKind.SUBVENTION, "ANRU").planned == Decimal("2300000")


def test_a_zero_amount_sets_the_existing_line_to_zero_and_keeps_committed(lille, annex):
    run_operations(lille, annex)
    anru = line("OP-003", FundingKind.SUBVENTION, "ANRU")
    anru.committed = Decimal("1000")
    anru.save()

    result = run_operations(lille, modified_xlsx(annex, {"H4": 0, "M4": 4_192_000}))

    assert result.counts["update"] == 1
    anru.refresh_from_db()
    assert (anru.planned, anru.committed) == (0, Decimal("1000"))


def test_status_change_against_the_transition_table_is_a_row_error(lille, annex):
    run_operations(lille, annex)
    before = database_state()

    result = run_operations(lille, modified_xlsx(annex, {"P2": "Étude", "P4": "Soldée"}))  # OP-001, OP-003

    assert not result.committed
    assert [(error.row, error.column) for error in result.errors] == [(2, "Statut"), (4, "Statut")]
    assert result.errors[0].message == "Passage de « Livrée » à « Étude » impossible."
    assert database_state() == before


def test_allowed_status_change_and_moved_semester(lille, annex):
    run_operations(lille, annex)
    result = run_operations(lille, modified_xlsx(annex, {"P4": "En travaux", "N4": "S2 2025"}))
    assert result.counts["update"] == 1
    op3 = Operation.objects.get(identifier="OP-003")
    assert (op3.status, op3.planned_start, op3.planned_end) == (OperationStatus.TRAVAUX, "2025-S2", "2029-S2")


# Bad files write nothing -------------------------------------------------------------------------------

HEADER = [
    "Identifiant opération",
    "Libellé",
    "Quartier",
    "Famille",
    "Maître d'ouvrage",
    "Coût HT (€)",
    "Base subventionnable (€)",
    "Subvention ANRU (€)",
    "Ville (€)",
    "Semestre de lancement",
    "Durée (semestres)",
    "Statut",
]


def good_row(identifier="OP-100", **changes):
    row = {
        "identifier": identifier,
        "label": "Démolition — Tour A",
        "sector": "Moulins",
        "family": "Démolition",
        "moa": "Logis du Nord",
        "cost": 1000,
        "base": 900,
        "anru": 600,
        "ville": 400,
        "start": "S1 2025",
        "duration": 4,
        "status": "Programmée",
    }
    row.update(changes)
    return list(row.values())


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_error(lille):
    organisations = Organisation.objects.count()
    data = xlsx_bytes(
        [
            HEADER,
            good_row("OP-100"),
            good_row("OP-101", sector="Wazemmes"),
            good_row("OP-102", family="Voirie", cost="beaucoup"),
            good_row("OP-103", base=2000),
            good_row("OP-104", start="printemps 2025", duration=0),
            good_row(None),
            good_row("OP-100"),
            good_row("OP-107", moa=None, status="Terminée"),
        ]
    )

    result = run_operations(lille, data)

    assert not result.committed
    assert Operation.objects.count() == 0
    assert Organisation.objects.count() == organisations
    located = [(error.row, error.column) for error in result.errors]
    assert located == [
        (3, "Quartier"),
        (4, "Famille"),
        (4, "Coût HT"),
        (5, "Base subventionnable"),
        (6, "Semestre de lancement"),
        (6, "Durée (semestres)"),
        (7, "Identifiant"),
        (8, "Identifiant"),
        (9, "Maître d'ouvrage"),
        (9, "Statut"),
    ]
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert messages[(3, "Quartier")] == (
        "Quartier « Wazemmes » inconnu dans le programme. "
        "Quartiers du programme : Concorde, Faubourg d'Arras, Moulins, Pointe des Bois Blancs."
    )
    assert messages[(4, "Famille")].startswith("« Voirie » n'est pas une valeur reconnue pour « Famille ».")
    assert "Équipement public de proximité" in messages[(4, "Famille")]
    assert messages[(4, "Coût HT")] == "« beaucoup » n'est pas un nombre (ex. « 1 234,56 »)."
    assert messages[(5, "Base subventionnable")].startswith(
        "La base subventionnable (2\u202f000\u202f€) dépasse"
    )
    assert messages[(8, "Identifiant")] == "« OP-100 » figure déjà ligne 2."
    assert str(result.errors[0]).startswith("Ligne 3, colonne « Quartier » : Quartier « Wazemmes »")


def test_local_funders_must_be_attached_to_the_programme(programme):
    SectorFactory(programme=programme, name="Moulins", slug="moulins")
    data = xlsx_bytes([HEADER, good_row("OP-100"), good_row("OP-101", ville=0, anru=1000)])

    result = run_operations(programme, data)

    assert [(error.row, error.column) for error in result.errors] == [(2, "Ville")]
    assert "Aucune organisation de type « Ville » n'est rattachée au programme" in result.errors[0].message
    assert Operation.objects.count() == 0


def test_funding_total_different_from_cost_is_a_warning(lille):
    result = run_operations(lille, xlsx_bytes([HEADER, good_row(anru=100)]))
    assert result.committed
    assert (
        "Ligne 2 (OP-100) : le total des financements (500\u202f€) diffère du coût HT (1\u202f000\u202f€) "
        "de 500\u202f€." in result.warnings
    )


def test_title_rows_alternative_headers_and_french_text_values(lille):
    data = xlsx_bytes(
        [
            ["Convention NPNRU — annexe financière"],
            ["Montants en euros HT", None, None, "version du 05/03/2025"],
            [],
            [
                "N° opération",
                "Intitulé",
                "Secteur",
                "Famille d'opération",
                "MOA",
                "Coût total HT (en €)",
                "Assiette subventionnable",
                "ANRU",
                "Commune",
                "EPCI",
                "Prêt bonifié Action Logement",
                "Fonds propres MOA",
                "Lancement",
                "Durée",
                "État",
            ],
            [
                "OP-900",
                "Équipement — Maison du projet",
                "qn05912m",
                "equipement public",
                "MEL",
                "1 234 567,89",
                "1.000.000",
                "600 000 €",
                "234\u00a0567,89",
                "300 000",
                "",
                "100000",
                "2025-S1",
                "3",
                "Études",
            ],
        ]
    )

    result = run_operations(lille, data)

    assert result.ok, result.errors
    assert result.header_row == 4
    operation = Operation.objects.get(identifier="OP-900")
    assert operation.sector.name == "Concorde"
    assert operation.family == Family.EQUIPEMENT
    assert operation.moa.name == "Métropole Européenne de Lille"
    assert operation.cost_excl_tax == Decimal("1234567.89")
    assert operation.eligible_base == Decimal("1000000")
    assert (operation.planned_start, operation.planned_end, operation.status) == (
        "2025-S1",
        "2026-S1",
        "etude",
    )
    assert line("OP-900", FundingKind.SUBVENTION, "Ville de Lille").planned == Decimal("234567.89")
    assert line("OP-900", FundingKind.FONDS_PROPRES).funder.name == "Métropole Européenne de Lille"
    assert not FundingLine.objects.filter(operation=operation, kind=FundingKind.PRET).exists()


def test_csv_windows_1252_semicolons(lille):
    rows = [
        ["Identifiant", "Libellé", "Quartier", "Famille", "Maître d'ouvrage", "Coût HT (€)", "Statut"],
        ["OP-500", "Résidentialisation — Îlot Saint-Sauveur", "Faubourg d'Arras", "Résidentialisation",
         "Logis du Nord", "12 000,50", "Engagée"],
    ]  # fmt: skip
    data = csv_bytes(rows, delimiter=";", encoding="cp1252")

    result = run_operations(lille, data, filename="maquette.csv")

    assert result.ok, result.errors
    operation = Operation.objects.get(identifier="OP-500")
    assert operation.label == "Résidentialisation — Îlot Saint-Sauveur"
    assert operation.sector.slug == "faubourg-d-arras"
    assert operation.cost_excl_tax == Decimal("12000.50")


def test_formula_like_text_is_stored_verbatim(lille):
    formulas = ['=HYPERLINK("http://exemple.fr","Voir")', "+33 rue Racine", "-Démolition", "@SUM(A1:A2)"]
    rows = [["Identifiant", "Libellé", "Famille", "Maître d'ouvrage"]]
    rows += [[f"OP-{n}", text, "Démolition", "Logis du Nord"] for n, text in enumerate(formulas)]
    data = csv_bytes(rows)

    result = run_operations(lille, data, filename="maquette.csv")

    assert result.ok, result.errors
    assert list(Operation.objects.order_by("identifier").values_list("label", flat=True)) == formulas


@pytest.mark.parametrize(
    ("make", "filename", "expected"),
    [
        (lambda annex: zip_bomb_xlsx(annex, megabytes=5), "maquette.xlsx", "anormalement volumineux"),
        (lambda annex: xml_bomb_xlsx(annex), "maquette.xlsx", "déclarations XML interdites"),
        (lambda annex: b"Identifiant;Libelle\nOP-1;x\n", "maquette.xlsx", "n'est pas un classeur Excel"),
        (lambda annex: annex + b"\0" * 30_000, "maquette.xlsx", "au-delà de la limite"),
    ],
)
def test_malicious_or_wrong_files_are_refused_and_write_nothing(
    lille, annex, settings, make, filename, expected
):
    settings.IMPORT_MAX_FILE_BYTES = len(annex) + 20_000
    with pytest.raises(ImportFileError) as error:
        run_operations(lille, make(annex), filename=filename)
    assert expected in error.value.message
    assert Operation.objects.count() == 0


# QPV list ----------------------------------------------------------------------------------------------


def run_qpv(programme, data, *, filename="qpv.csv", commit=True):
    return import_run(spec_class=QpvImport, data=data, filename=filename, programme=programme, commit=commit)


def test_qpv_sample_then_reimport(programme):
    data = sample_bytes("qpv_liste_extrait.csv")

    first = run_qpv(programme, data)
    second = run_qpv(programme, data)

    assert first.counts == {"create": 3, "update": 0, "unchanged": 0}
    assert second.counts == {"create": 0, "update": 0, "unchanged": 3}
    qpv = Qpv.objects.get(code="QN05999N")
    assert qpv.name == "Quartier intercommunal (exemple)"
    assert (qpv.insee_codes, qpv.communes) == (["59350", "59360"], ["Lille", "Loos"])


def test_qpv_update_and_errors(programme):
    run_qpv(programme, sample_bytes("qpv_liste_extrait.csv"))
    rows = [
        ["code_qp", "lib_qp", "insee_com", "lib_com"],
        ["QN05912M", "Secteur Sud (nouveau nom)", "59350", "Lille"],
        ["QP12345", "Code trop court", "59350", "Lille"],
        ["QN05914M", "Commune fausse", "5935", "Lille"],
        ["QN05915M", "Communes en trop", "59350", "Lille; Loos"],
    ]
    result = run_qpv(programme, csv_bytes(rows))
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "Code QPV"),
        (4, "Codes INSEE"),
        (5, "Communes"),
    ]
    assert Qpv.objects.get(code="QN05912M").name == "Secteur Sud (exemple)"

    result = run_qpv(programme, csv_bytes(rows[:2]))
    assert result.counts == {"create": 0, "update": 1, "unchanged": 0}
    assert Qpv.objects.get(code="QN05912M").name == "Secteur Sud (nouveau nom)"


# Command -----------------------------------------------------------------------------------------------


def test_command_imports_and_reports(lille, capsys):
    call_command(
        "import_xlsx", "operations", str(sample_path("operations_maquette.xlsx")), programme=lille.slug
    )
    out = capsys.readouterr().out
    assert "Maquette financière (opérations) — feuille « Opérations », en-tête ligne 1 : 45 créée(s)" in out
    assert Operation.objects.count() == 45
    record = ImportRecord.objects.get()
    assert (record.status, record.kind, record.summary["counts"]["create"]) == ("importe", "operations", 45)


def test_command_dry_run_writes_nothing(lille, capsys):
    call_command(
        "import_xlsx",
        "operations",
        str(sample_path("operations_maquette.xlsx")),
        programme=lille.slug,
        dry_run=True,
    )
    assert "45 à créer" in capsys.readouterr().out
    assert Operation.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    assert Organisation.objects.filter(name="ANRU").count() == 0


def test_command_fails_with_every_error(lille, tmp_path, capsys):
    path = tmp_path / "maquette.xlsx"
    path.write_bytes(
        xlsx_bytes([HEADER, good_row("OP-1", cost="mille"), good_row("OP-2", sector="Wazemmes")])
    )

    with pytest.raises(CommandError, match="2 erreur"):
        call_command("import_xlsx", "operations", str(path), programme=lille.slug)

    err = capsys.readouterr().err
    assert "Ligne 2, colonne « Coût HT » : « mille » n'est pas un nombre" in err
    assert "Ligne 3, colonne « Quartier » : Quartier « Wazemmes » inconnu" in err
    assert Operation.objects.count() == 0
    assert ImportRecord.objects.get().status == ImportStatus.REJECTED


def test_command_refused_file_and_unknown_programme(lille, tmp_path):
    path = tmp_path / "maquette.xlsx"
    path.write_bytes(b"pas un classeur")
    with pytest.raises(CommandError, match="Fichier refusé : « maquette.xlsx » n'est pas un classeur Excel"):
        call_command("import_xlsx", "operations", str(path), programme=lille.slug, dry_run=True)
    with pytest.raises(CommandError, match="Programme « inconnu » introuvable"):
        call_command("import_xlsx", "qpv", str(path), programme="inconnu")


def test_command_qpv(programme, capsys):
    call_command("import_xlsx", "qpv", str(sample_path("qpv_liste_extrait.csv")), programme=programme.slug)
    assert Qpv.objects.count() == 3


# Web ---------------------------------------------------------------------------------------------------


def upload(client, data: bytes, name: str, kind: str = "operations"):
    """Upload, then let the worker (eager Celery) analyse the file as it does after the request."""
    file = io.BytesIO(data)
    file.name = name
    with run_after_commit():
        return client.post(reverse("imports:upload", args=[kind]), {"file": file})


def confirm(client, record, **kwargs):
    with run_after_commit():
        return client.post(reverse("imports:confirm", args=[record.pk]), **kwargs)


def test_web_upload_preview_confirm(lille, mission_client, mission_user, annex):
    page = mission_client.get(reverse("imports:upload", args=["operations"]))
    assert page.status_code == 200
    assert 'accept=".xlsx,.csv' in page.content.decode()
    assert "Importer : Maquette financière (opérations)" in page.content.decode()
    assert "Prêt bonifié Action Logement" in page.content.decode()

    response = upload(mission_client, annex, "maquette.xlsx")

    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:preview", args=[record.pk])
    assert record.status == ImportStatus.PREVIEW
    assert record.created_by == mission_user
    with record.file.open("rb") as stored:
        assert stored.read() == annex
    assert len(record.file_hash) == 64
    assert Operation.objects.count() == 0

    preview = mission_client.get(response.url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirmer l'import" in html
    assert "OP-045" in html
    assert "Points d'attention (ils n'empêchent pas l'import) :" in html

    confirmed = confirm(mission_client, record)

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("imports:preview", args=[record.pk])
    assert Operation.objects.count() == 45
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert record.committed_at is not None
    assert record.confirmed_by == mission_user
    outcome = mission_client.get(confirmed.url).content.decode()
    assert "Import terminé : 45 créée(s), 0 modifiée(s), 0 inchangée(s)." in outcome
    assert "Points d'attention relevés à l'aperçu, avant l'import :" in outcome
    assert reverse("projects:operation_list") in outcome
    again = confirm(mission_client, record, follow=True)
    assert "Cet import a déjà été traité (statut : Importé)." in again.content.decode()
    assert Operation.objects.count() == 45

    listing = mission_client.get(reverse("imports:list"))
    assert listing.status_code == 200
    assert "maquette.xlsx" in listing.content.decode()

    again = upload(mission_client, annex, "maquette.xlsx")
    html = mission_client.get(again.url).content.decode()
    assert "Ce fichier a déjà été importé le" in html


def test_web_preview_with_errors_has_no_confirm_button(lille, mission_client):
    response = upload(mission_client, xlsx_bytes([HEADER, good_row(sector="Wazemmes")]), "maquette.xlsx")

    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REJECTED
    html = mission_client.get(response.url).content.decode()
    assert "Wazemmes" in html
    assert "Confirmer" not in html
    assert confirm(mission_client, record).status_code == 302
    assert Operation.objects.count() == 0


def test_header_without_data_rows_is_refused_by_the_command_and_the_web(lille, mission_client, tmp_path):
    # Every import reads through the same layer: a header alone is refused, whatever the kind.
    from core.imports import import_specs

    for kind, spec in import_specs().items():
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(csv_bytes([[column.label for column in spec.columns if not column.hidden]]))
        with pytest.raises(CommandError, match="Fichier refusé : Le fichier ne contient aucune ligne de"):
            call_command("import_xlsx", kind, str(path), programme=lille.slug)
    assert set(ImportRecord.objects.values_list("status", flat=True)) == {ImportStatus.REJECTED}

    response = upload(mission_client, xlsx_bytes([HEADER]), "maquette.xlsx")
    html = mission_client.get(response.url).content.decode()
    assert "aucune ligne de données sous l&#x27;en-tête (ligne 1, feuille" in html
    assert "Confirmer" not in html
    assert Operation.objects.count() == 0


def test_a_mixed_encoding_csv_is_refused_at_upload(lille, mission_client):
    data = csv_bytes([HEADER, good_row(label="Réhabilitation Bizet")]) + b"\r\nOP-101;R\xe9habilitation"
    response = upload(mission_client, data, "maquette.csv")
    assert response.status_code == 200
    assert "Ligne 3 du fichier : un caractère n&#x27;est pas en UTF-8" in response.content.decode()
    assert ImportRecord.objects.count() == 0
    assert Operation.objects.count() == 0


def test_web_refused_file_is_a_form_error(lille, mission_client, settings):
    response = upload(mission_client, b"pas un classeur", "maquette.xlsx")
    assert response.status_code == 200
    assert "n&#x27;est pas un classeur Excel" in response.content.decode()
    assert ImportRecord.objects.count() == 0

    settings.IMPORT_MAX_FILE_BYTES = 100
    response = upload(mission_client, b"x" * 5000, "maquette.csv")
    assert response.status_code == 200
    assert "Le fichier dépasse la taille maximale" in response.content.decode()
    assert ImportRecord.objects.count() == 0


def test_web_confirm_reparses_the_stored_file(lille, mission_client, annex):
    response = upload(mission_client, annex, "maquette.xlsx")
    record = ImportRecord.objects.get()
    lille.sectors.filter(name="Concorde").update(name="Concorde-Nord", slug="concorde-nord")

    confirmed = confirm(mission_client, record)

    assert confirmed.url == response.url
    record.refresh_from_db()
    assert record.status == ImportStatus.REJECTED
    assert any(error["column"] == "Quartier" for error in record.errors)
    assert Operation.objects.count() == 0


def test_web_cancel(lille, mission_client, annex):
    upload(mission_client, annex, "maquette.xlsx")
    record = ImportRecord.objects.get()
    response = mission_client.post(reverse("imports:cancel", args=[record.pk]))
    assert response.url == reverse("imports:list")
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert confirm(mission_client, record).status_code == 302
    assert Operation.objects.count() == 0


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.PARTNER, Role.REFERENT])
def test_web_is_forbidden_to_other_roles(lille, client, mission_user, annex, role):
    record = ImportRecord.objects.create(
        kind="operations", programme=lille, filename="m.xlsx", file_hash="0" * 64, status="apercu"
    )
    extra = {"referent_domain": "relogement"} if role == Role.REFERENT else {}
    client.force_login(MembershipFactory(programme=lille, role=role, **extra).user)
    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:upload", args=["operations"])).status_code == 403
    assert upload(client, annex, "maquette.xlsx").status_code == 403
    assert client.get(reverse("imports:preview", args=[record.pk])).status_code == 403
    assert client.post(reverse("imports:confirm", args=[record.pk])).status_code == 403
    assert client.post(reverse("imports:cancel", args=[record.pk])).status_code == 403
    assert Operation.objects.count() == 0


def test_web_records_of_another_programme_are_not_found(lille, mission_client):
    other = ProgrammeFactory()
    record = ImportRecord.objects.create(
        kind="operations", programme=other, filename="m.xlsx", file_hash="0" * 64, status="apercu"
    )
    assert mission_client.get(reverse("imports:preview", args=[record.pk])).status_code == 404
    assert confirm(mission_client, record).status_code == 404
    assert mission_client.get(reverse("imports:upload", args=["inconnu"])).status_code == 404


def test_web_list_is_paginated(lille, mission_client):
    ImportRecord.objects.bulk_create(
        ImportRecord(kind="qpv", programme=lille, filename=f"f{n}.csv", file_hash="0" * 64, status="annule")
        for n in range(51)
    )
    page = mission_client.get(reverse("imports:list")).content.decode()
    assert "51 imports" in page
    assert "1 / 2" in page


# Hypothesis: random cells never break the import --------------------------------------------------------

CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=30).map(lambda text: "".join(c for c in text if c.isprintable())),
    st.sampled_from(
        [
            "OP-1",
            "Moulins",
            "Démolition",
            "Logis du Nord",
            "Livrée",
            "S1 2024",
            "=1+1",
            "1 234,5",
            "-5",
            "TOTAL",
        ]
    ),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(2100, 1, 1)),  # noqa: DTZ001
)


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL_VALUES, min_size=len(HEADER), max_size=len(HEADER)), max_size=6))
def test_random_cells_give_row_errors_or_a_clean_commit(lille, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(
            ["'" + value if isinstance(value, str) and value.startswith("=") else value for value in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = database_state()

    try:
        result = run_operations(lille, buffer.getvalue())
    except ImportFileError as error:
        refusal = error.message
    else:
        refusal = ""
    if refusal:  # the only refusal: no data row under the header (rows empty, blank or totals)
        assert "aucune ligne de données" in refusal
        assert database_state() == before
        return

    if result.errors:
        assert not result.committed
        assert database_state() == before
        assert all(error.row and error.row >= 2 for error in result.errors)
    else:
        assert result.committed


def test_web_upload_checks_csrf_and_login(lille, mission_user, annex):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(reverse("imports:upload", args=["operations"])).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mission_user)
    assert upload(strict, annex, "maquette.xlsx").status_code == 403
    assert ImportRecord.objects.count() == 0


def test_funders_come_from_the_programme_and_ambiguity_is_an_error(lille):
    region = OrganisationFactory(name="Région Hauts-de-France", kind=OrganisationKind.REGION)
    lille.organisations.add(region)
    header = [*HEADER[:8], "Région", *HEADER[9:]]  # the Ville column becomes a Région column

    result = run_operations(lille, xlsx_bytes([header, good_row("OP-1")]))

    assert result.committed
    assert line("OP-1", FundingKind.SUBVENTION, "Région Hauts-de-France").planned == Decimal("400")
    lille.organisations.add(OrganisationFactory(name="Ville de Lomme", kind=OrganisationKind.VILLE))
    result = run_operations(lille, xlsx_bytes([HEADER, good_row("OP-2")]))
    assert [(error.row, error.column) for error in result.errors] == [(2, "Ville")]
    assert "Plusieurs organisations de type « Ville »" in result.errors[0].message
    assert "Ville de Lille, Ville de Lomme" in result.errors[0].message


def test_history_says_an_operation_came_from_an_import(lille, annex, mission_user):
    from core.imports import get_spec, import_run
    from projects.history import operation_history

    result = import_run(
        spec_class=get_spec("operations"),
        data=annex,
        filename="maquette.xlsx",
        programme=lille,
        user=mission_user,
        commit=True,
    )
    assert result.committed
    entry = operation_history(Operation.objects.get(programme=lille, identifier="OP-003"))[-1]
    assert "Import « maquette.xlsx »" in entry.who
    assert str(mission_user) in entry.who
