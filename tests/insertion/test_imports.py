"""Import of the clause facilitator's export, from the file to the database."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role
from core.imports import import_run
from core.models import AccessAction, AccessEvent, ImportRecord, ImportStatus
from insertion.imports import InsertionImport
from insertion.models import (
    AgeBand,
    ContractType,
    EndReason,
    Market,
    MarketKind,
    Modality,
    Participant,
    Public,
    Qualification,
    Sex,
    WorkContract,
)
from insertion.vocabularies import AGE_BAND
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.data import csv_bytes, sample_bytes, sample_path, xlsx_bytes
from tests.insertion.factories import MarketFactory, ParticipantFactory, WorkContractFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory
from tests.utils import run_after_commit

SAMPLE = "insertion_facilitateur.csv"
SAMPLE_ROWS, SAMPLE_PARTICIPANTS, SAMPLE_MARKETS = 120, 54, 80
# Two of the four operations the sample names, written the way a convention writes them.
OPERATIONS = [
    ("DEM-01", "Démolition de la tour Mozart (120 logements)"),
    ("AME-01", "AMÉNAGEMENT DU PARC CENTRAL"),
    ("REH-01", "Réhabilitation de la résidence Verlaine"),
]


@pytest.fixture
def site(programme):
    """The programme of the sample (« NPRU Lille »), its operations and three of its five MOAs."""
    for identifier, label in OPERATIONS:
        OperationFactory(programme=programme, identifier=identifier, label=label)
    programme.organisations.add(
        OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR),
        OrganisationFactory(name="Métropole Européenne de Lille", kind=OrganisationKind.EPCI),
        OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE),
    )
    return programme


@pytest.fixture
def sample() -> bytes:
    return sample_bytes(SAMPLE)


def run(programme, data, *, filename="export.csv", commit=True, user=None):
    return import_run(
        spec_class=InsertionImport,
        data=data,
        filename=filename,
        programme=programme,
        commit=commit,
        user=user,
    )


def sample_rows() -> list[list[str]]:
    """The sample's cells, header first (to write variants of it)."""
    text = sample_bytes(SAMPLE).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def edited(changes: dict[tuple[int, str], str]) -> bytes:
    """The sample as CSV with some cells changed: {(row as in the file, header): value}."""
    rows = sample_rows()
    header = rows[0]
    for (number, column), value in changes.items():
        rows[number - 1][header.index(column)] = value
    return csv_bytes(rows)


def database_state():
    return (
        list(Market.objects.order_by("pk").values_list()),
        list(Participant.objects.order_by("pk").values_list()),
        list(WorkContract.objects.order_by("pk").values_list()),
        Organisation.objects.count(),
    )


def warning_with(result, *parts: str) -> str:
    found = [warning for warning in result.warnings if all(part in warning for part in parts)]
    assert found, f"no warning with {parts}: {result.warnings}"
    return found[0]


# The real sample ---------------------------------------------------------------------------------------


def test_the_sample_file_is_available():
    assert sample_path(SAMPLE).exists()
    assert sample_bytes(SAMPLE).startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as the facilitator sends it


def test_sample_creates_every_contract_participant_and_market(site, sample):
    result = run(site, sample)

    assert result.ok, result.errors
    assert result.committed
    assert result.header_row == 1
    assert result.counts == {"create": SAMPLE_ROWS, "update": 0, "unchanged": 0}
    assert WorkContract.objects.filter(programme=site).count() == SAMPLE_ROWS
    assert Participant.objects.filter(programme=site).count() == SAMPLE_PARTICIPANTS
    assert Market.objects.filter(programme=site).count() == SAMPLE_MARKETS
    # No kind column: every market is a works market, at the charte's rate.
    assert set(Market.objects.values_list("kind", "target_rate")) == {(MarketKind.WORKS, Decimal("0.0500"))}
    # Labels matched without accents, case or stop words; two labels left « à rattacher ».
    linked = dict(Market.objects.exclude(operation=None).values_list("number", "operation__identifier"))
    assert set(linked.values()) == {"DEM-01", "AME-01"}
    assert Market.objects.filter(operation=None).count() == 80 - len(linked)
    # Unknown MOAs and companies are created; « Métropole » is the programme's EPCI.
    assert Organisation.objects.get(name="SPL Aménagement").kind == OrganisationKind.AMENAGEUR
    assert Organisation.objects.get(name="Habitat Métropole").kind == OrganisationKind.BAILLEUR
    assert Organisation.objects.get(name="GEIQ BTP Lille").kind == OrganisationKind.ENTREPRISE
    assert Market.objects.get(number="M-2024-014").moa.name == "Métropole Européenne de Lille"
    assert site.organisations.filter(name="SPL Aménagement").exists()
    # The sample's programme is this one: no warning about it.
    assert not [warning for warning in result.warnings if "Colonne « Programme »" in warning]


def test_sample_values_of_one_contract(site, sample):
    run(site, sample)

    contract = WorkContract.objects.select_related("participant", "market", "employer", "user_company").get(
        reference="C00001"
    )
    assert (contract.contract_type, contract.modality, contract.job_code) == (
        ContractType.CDI,
        Modality.GEIQ,
        "F1703",
    )
    assert (contract.starts_on, contract.ends_on) == (datetime.date(2023, 5, 1), datetime.date(2023, 10, 13))
    assert (contract.hours_worked, contract.training_hours) == (Decimal("431.0"), Decimal("35.0"))
    assert contract.end_reason == EndReason.OTHER  # « Abandon »
    assert (contract.employer.name, contract.user_company.name) == ("GEIQ BTP Lille", "Bouygues Bâtiment")
    assert contract.market.number == "M-2023-014"
    participant = contract.participant
    assert participant.facilitator_reference == "D00007"
    assert participant.reference.startswith("P-")
    # « 48 »: the age itself is not kept, only its band.
    assert (participant.sex, participant.age_band, participant.qualification) == (
        Sex.MAN,
        AgeBand.FROM_45,
        Qualification.LEVEL_4,
    )
    assert (participant.commune, participant.qpv_resident, participant.qpv) == ("Lille", True, "QP059074")
    # A multi-valued « Public »: « Jeune -26 ans, RQTH ».
    assert participant.publics == [Public.UNDER_26, Public.RQTH]
    assert participant.prescriber == "France Travail"


def test_rows_of_one_participant_are_one_participant_from_the_latest_contract(site, sample):
    result = run(site, sample)

    participant = Participant.objects.get(facilitator_reference="D00055")
    assert participant.contracts.count() == 4
    # Its rows give ages 60, 40, 50 and 49: the latest contract (C00002, from 04/02/2024) is kept.
    assert (participant.age_band, participant.qualification, participant.commune) == (
        AgeBand.OVER_50,
        Qualification.LEVEL_5,
        "Villeneuve-d'Ascq",
    )
    assert participant.publics == [Public.OVER_50]
    warning = warning_with(result, "Dossier « D00055 »")
    assert "(3, 13, 39 et 99)" in warning
    assert "ligne 3, contrat C00002" in warning


def test_unknown_markets_and_operations_are_listed(site, sample):
    result = run(site, sample, commit=False)

    assert result.ok, result.errors
    created = warning_with(result, "Marché « M-2023-014 » inconnu : il sera créé")
    assert "maître d'ouvrage « Habitat Métropole »" in created
    assert "opération « Démolition de la tour Mozart (120 logements) »" in created
    to_link = warning_with(result, "Opération « Groupe scolaire Concorde » introuvable", "à rattacher")
    assert "M-2024-006" in to_link
    warning_with(result, "Opération « Requalification Résidence Verlaine » introuvable", "à rattacher")
    # Its two rows disagree (tie): the first row's values are kept, the other row is named.
    disagreement = warning_with(result, "Marché « M-2023-014 » : des lignes diffèrent")
    assert "maître d'ouvrage « Logis du Nord » (ligne 32) au lieu de « Habitat Métropole »" in disagreement
    warning_with(result, "Organisation « SPL Aménagement » inconnue")
    assert Market.objects.count() == 0
    assert not Organisation.objects.filter(name="SPL Aménagement").exists()


def test_reimporting_the_same_file_changes_nothing(site, sample):
    run(site, sample)
    before = database_state()

    result = run(site, sample)

    assert result.ok, result.errors
    assert result.counts == {"create": 0, "update": 0, "unchanged": SAMPLE_ROWS}
    assert database_state() == before


def test_reimport_updates_contracts_and_participants_without_duplicates(site, sample):
    run(site, sample)
    # C00001 (row 2): more hours; D00007's only row: another qualification.
    result = run(
        site,
        edited({(2, "Heures travaillées"): "512,5", (2, "Niveau de qualification"): "CAP"}),
    )

    assert result.ok, result.errors
    assert result.counts == {"create": 0, "update": 1, "unchanged": SAMPLE_ROWS - 1}
    assert result.summary()["changes"] == [
        {
            "row": 2,
            "key": "C00001",
            "action": "update",
            "columns": ["Heures travaillées", "Niveau de qualification"],
        }
    ]
    contract = WorkContract.objects.get(reference="C00001")
    assert contract.hours_worked == Decimal("512.5")
    assert contract.participant.qualification == Qualification.LEVEL_3
    assert WorkContract.objects.count() == SAMPLE_ROWS
    assert Participant.objects.count() == SAMPLE_PARTICIPANTS


def test_windows_1252_utf8_without_bom_and_xlsx_give_the_same_data(site, sample):
    rows = sample_rows()
    variants = {
        "export-cp1252.csv": csv_bytes(rows, encoding="cp1252"),
        "export-utf8.csv": csv_bytes(rows),
        "export.xlsx": xlsx_bytes(typed(rows)),
    }
    run(site, sample)
    expected = database_state()

    for filename, data in variants.items():
        result = run(site, data, filename=filename)

        assert result.ok, (filename, result.errors)
        assert result.counts["unchanged"] == SAMPLE_ROWS, (filename, result.summary()["changes"][:3])
        assert database_state() == expected, filename


def typed(rows: list[list[str]]) -> list[list]:
    """The sample as a spreadsheet types it: numbers, hours and dates as cells of their kind."""
    header = rows[0]
    numbers = {header.index("Âge")}
    hours = {header.index("Heures travaillées"), header.index("Heures de formation")}
    dates = {header.index("Date de début"), header.index("Date de fin")}
    typed_rows = [header]
    for row in rows[1:]:
        cells: list = []
        for index, value in enumerate(row):
            if value and index in numbers:
                cells.append(int(value))
            elif value and index in hours:
                cells.append(float(value.replace(",", ".")))
            elif value and index in dates:
                day, month, year = (int(part) for part in value.split("/"))
                cells.append(datetime.date(year, month, day))
            else:
                cells.append(value or None)
        typed_rows.append(cells)
    return typed_rows


def test_an_xlsx_export_imports_into_an_empty_programme(site, sample):
    result = run(site, xlsx_bytes(typed(sample_rows()), title="Contrats"), filename="export.xlsx")

    assert result.ok, result.errors
    assert (result.sheet, result.counts["create"]) == ("Contrats", SAMPLE_ROWS)
    assert WorkContract.objects.get(reference="C00002").hours_worked == Decimal("917.5")


# Bad cells ---------------------------------------------------------------------------------------------


def test_a_file_with_bad_cells_writes_nothing_and_lists_every_error(site, sample):
    run(site, sample)
    before = database_state()
    data = edited(
        {
            (2, "Heures travaillées"): "beaucoup",
            (3, "Date de début"): "31/02/2024",
            (4, "Sexe"): "X",
            (5, "Public"): "DELD, Inconnu",
            (6, "Âge"): "7",
            (7, "Code ROME"): "1703",
            (8, "Date de fin"): "01/01/2020",
            (9, "Type de contrat"): "",
            (10, "ID contrat"): "C00001",
            (11, "Habitant QPV"): "Peut-être",
        }
    )

    result = run(site, data)

    assert not result.ok
    located = [(error.row, error.column) for error in result.errors]
    assert located == [
        (2, "Heures travaillées"),
        (3, "Date de début"),
        (4, "Sexe"),
        (5, "Public"),
        (6, "Âge"),
        (7, "Code ROME"),
        (8, "Date de fin"),
        (9, "Type de contrat"),
        (10, "ID contrat"),
        (11, "Habitant QPV"),
    ]
    messages = {error.row: str(error) for error in result.errors}
    assert messages[2] == (
        "Ligne 2, colonne « Heures travaillées » : « beaucoup » n'est pas un nombre (ex. « 1 234,56 »)."
    )
    assert "« 31/02/2024 » n'est pas une date valide" in messages[3]
    assert "« X » n'est pas une valeur reconnue pour « Sexe »" in messages[4]
    assert "« Inconnu » n'est pas une valeur reconnue pour « Public »" in messages[5]
    assert "« 7 » n'est pas un âge plausible" in messages[6]
    assert "n'est pas un code ROME" in messages[7]
    assert "La fin du contrat précède son début" in messages[8]
    assert "Valeur obligatoire manquante" in messages[9]
    assert "« C00001 » figure déjà ligne 2" in messages[10]
    assert "Oui ou Non" in messages[11]
    assert database_state() == before
    assert result.unknown_values["publics"] == {"Inconnu": 1}


def test_a_bad_row_in_a_first_import_writes_nothing(site, sample):
    result = run(site, edited({(121, "Heures travaillées"): "-3"}))

    assert [(error.row, error.column) for error in result.errors] == [(121, "Heures travaillées")]
    assert "ne peut pas être négatif" in result.errors[0].message
    assert (Market.objects.count(), Participant.objects.count(), WorkContract.objects.count()) == (0, 0, 0)
    assert not Organisation.objects.filter(name="SPL Aménagement").exists()


def test_a_new_market_without_moa_is_an_error_on_its_row(site):
    rows = sample_rows()[:2]
    rows[1][rows[0].index("Maître d'ouvrage")] = ""

    result = run(site, csv_bytes(rows))

    assert [(error.row, error.column) for error in result.errors] == [(2, "Maître d'ouvrage")]
    assert "Marché « M-2023-014 » inconnu : indiquez son maître d'ouvrage" in result.errors[0].message


def test_a_mapped_public_is_accepted_next_time(site):
    from core.imports import MappingSet

    rows = sample_rows()[:2]
    rows[1][rows[0].index("Public")] = "Jeune -26 ans, Résident QPV prioritaire"
    data = csv_bytes(rows)
    assert not run(site, data, commit=False).ok

    mappings = MappingSet(values={"publics": {"resident qpv prioritaire": Public.OTHER}})
    result = import_run(
        spec_class=InsertionImport,
        data=data,
        filename="e.csv",
        programme=site,
        mappings=mappings,
        commit=True,
    )

    assert result.ok, result.errors
    assert Participant.objects.get().publics == [Public.UNDER_26, Public.OTHER]


# Matching rules ----------------------------------------------------------------------------------------


def test_a_known_market_keeps_its_stored_values_and_rows_that_disagree_are_named(site):
    stored_moa = site.organisations.get(name="Ville de Lille")
    market = MarketFactory(
        programme=site,
        number="M-2023-014",
        moa=stored_moa,
        operation=site.operations.get(identifier="REH-01"),
        kind=MarketKind.ENGINEERING,
        lot="Gros œuvre",
    )
    rows = sample_rows()
    data = csv_bytes([rows[0], rows[1], rows[31]])  # its two rows (file rows 2 and 32)

    result = run(site, data)

    assert result.ok, result.errors
    market.refresh_from_db()
    assert (market.moa, market.operation.identifier, market.kind, market.lot) == (
        stored_moa,
        "REH-01",
        MarketKind.ENGINEERING,
        "Gros œuvre",
    )
    warning = warning_with(result, "Marché « M-2023-014 » : des lignes diffèrent des valeurs enregistrées")
    assert "maître d'ouvrage « Habitat Métropole » (ligne 2) ; « Logis du Nord » (ligne 3)" in warning
    assert "au lieu de « Ville de Lille »" in warning
    assert "opération « Démolition Tour Mozart » (ligne 2)" in warning
    assert Market.objects.count() == 1


def test_a_known_market_without_operation_is_linked_by_its_rows(site):
    market = MarketFactory(programme=site, number="M-2022-027", operation=None)
    rows = sample_rows()
    data = csv_bytes([rows[0], rows[2], rows[6], rows[104]])  # M-2022-027: Parc central, Mozart, Mozart

    result = run(site, data)

    assert result.ok, result.errors
    market.refresh_from_db()
    assert market.operation.identifier == "DEM-01"
    warning_with(result, "Marché « M-2022-027 » : rattaché à l'opération « Démolition de la tour Mozart")
    assert run(site, data).counts["unchanged"] == 3


def test_the_programme_column_is_informative(sample):
    other = ProgrammeFactory(name="NPRU de Roubaix", slug="npru-roubaix")
    # « Métropole » in the file names the programme's EPCI.
    other.organisations.add(
        OrganisationFactory(name="Métropole Européenne de Lille", kind=OrganisationKind.EPCI)
    )

    result = run(other, sample)

    assert result.ok, result.errors
    warning = warning_with(result, "Colonne « Programme » : « NPRU Lille »")
    assert "n'est pas le programme choisi, « NPRU de Roubaix »" in warning
    assert WorkContract.objects.filter(programme=other).count() == SAMPLE_ROWS
    # No operation in that programme: every market is « à rattacher ».
    assert Market.objects.filter(programme=other, operation=None).count() == SAMPLE_MARKETS


def test_a_qpv_code_is_kept_only_for_a_qpv_resident(site, sample):
    result = run(site, sample)

    participant = Participant.objects.get(facilitator_reference="D00046")  # row 36: « Non », QP059062
    assert (participant.qpv_resident, participant.qpv) == (False, "")
    warning_with(result, "« Habitant QPV » à Non avec un code QPV", "lignes 4, 14")


def test_a_qpv_code_names_the_programme_s_sector(site, sector_a):
    sector_a.qpv_code_2024 = "QP059074"
    sector_a.save()

    run(site, edited({}))

    assert Participant.objects.get(facilitator_reference="D00007").qpv == "Moulins"


def test_contracts_of_anonymised_participants_are_left_alone(site, sample):
    run(site, sample)
    participant = Participant.objects.get(facilitator_reference="D00007")
    Participant.objects.filter(pk=participant.pk).update(
        facilitator_reference=f"ANON-{participant.pk}", commune="", qpv="", anonymised_at=timezone.now()
    )

    result = run(site, edited({(2, "Heures travaillées"): "999"}))

    assert result.ok, result.errors
    assert result.counts == {"create": 0, "update": 0, "unchanged": SAMPLE_ROWS - 1}
    warning_with(result, "1 contrat(s) de participants anonymisés", "ligne 2")
    assert WorkContract.objects.get(reference="C00001").hours_worked == Decimal("431.0")
    assert not Participant.objects.filter(facilitator_reference="D00007").exists()


def test_personal_columns_are_dropped_and_a_birth_date_gives_the_band(site):
    rows = sample_rows()[:2]
    header = [*rows[0], "Nom", "Téléphone", "Date de naissance"]
    header[header.index("Âge")] = "Observations"
    data = csv_bytes([header, [*rows[1], "DUPONT", "0600000000", "15/03/1999"]])

    result = run(site, data)

    assert result.ok, result.errors
    assert Participant.objects.get().age_band == AgeBand.UNDER_26  # 24 on 01/05/2023
    warning_with(result, "Colonne « Nom » ignorée : les données personnelles")
    warning_with(result, "Colonne « Date de naissance » : seule la tranche d'âge")
    stored = str(database_state())
    for kept in ("DUPONT", "0600000000", repr(datetime.date(1999, 3, 15))):
        assert kept not in stored


@pytest.mark.parametrize(
    ("cell", "band"),
    [
        (18, AgeBand.UNDER_26),
        ("25", AgeBand.UNDER_26),
        ("26 ans", AgeBand.FROM_26),
        (44.0, AgeBand.FROM_26),
        ("45", AgeBand.FROM_45),
        ("49", AgeBand.FROM_45),
        ("50", AgeBand.OVER_50),
        ("moins de 26 ans", AgeBand.UNDER_26),
        ("50 ans et plus", AgeBand.OVER_50),
        ("", None),
    ],
)
def test_an_age_becomes_its_band(cell, band):
    assert AGE_BAND(cell) == band


# Permissions, command and web page ---------------------------------------------------------------------


def granted_member(programme, role=Role.MISSION):
    membership = MembershipFactory(programme=programme, role=role, personal_data_domains=["insertion"])
    Authenticator.objects.create(user=membership.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return membership


def test_import_needs_the_insertion_grant_even_in_the_worker(site, sample):
    without = MembershipFactory(programme=site, role=Role.MISSION).user
    relogement_only = MembershipFactory(
        programme=site, role=Role.MISSION, personal_data_domains=["relogement"]
    )
    referent = granted_member(site, Role.REFERENT)  # the relogement referent: does not write insertion

    for user in (without, relogement_only.user, referent.user):
        result = run(site, sample, user=user)

        assert not result.committed
        assert "réservé aux personnes habilitées aux données personnelles de l'insertion" in str(
            result.errors[0]
        )
    assert WorkContract.objects.count() == 0
    assert run(site, sample, user=granted_member(site).user).committed


def test_web_import_page_needs_the_insertion_grant(client, site):
    upload = reverse("imports:upload", args=["insertion"])
    client.force_login(MembershipFactory(programme=site, role=Role.MISSION).user)
    assert client.get(upload).status_code == 403
    relogement_only = MembershipFactory(
        programme=site, role=Role.MISSION, personal_data_domains=["relogement"]
    )
    Authenticator.objects.create(
        user=relogement_only.user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(relogement_only.user)
    assert client.get(upload).status_code == 403
    client.force_login(granted_member(site).user)
    assert client.get(upload).status_code == 200


def test_web_import_runs_in_the_worker_keeps_the_file_and_is_access_logged(client, site, sample):
    granted = granted_member(site)
    client.force_login(granted.user)
    upload = io.BytesIO(sample)
    upload.name = "insertion_facilitateur.csv"
    with run_after_commit():
        response = client.post(reverse("imports:upload", args=["insertion"]), {"file": upload})
    record = ImportRecord.objects.get()

    preview = client.get(response.url).content.decode()
    assert "120 à créer" in preview
    assert "Marché « M-2023-014 » inconnu" in preview
    assert WorkContract.objects.count() == 0
    with run_after_commit():
        confirmed = client.post(reverse("imports:confirm", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    with record.file.open("rb") as kept:
        assert kept.read() == sample
    assert WorkContract.objects.count() == SAMPLE_ROWS
    assert client.get(confirmed.url).status_code == 200
    events = list(AccessEvent.objects.order_by("pk").values_list("action", "domain", "object_ref", "count"))
    reference = f"import n° {record.pk}"
    assert events == [
        (AccessAction.LIST, "insertion", reference, SAMPLE_ROWS),
        (AccessAction.EDIT, "insertion", reference, SAMPLE_ROWS),
        (AccessAction.LIST, "insertion", reference, SAMPLE_ROWS),
    ]


def test_command_imports_the_sample_and_dry_run_writes_nothing(site, capsys):
    path = str(sample_path(SAMPLE))

    call_command("import_xlsx", "insertion", path, programme=site.slug, dry_run=True)
    assert "120 à créer" in capsys.readouterr().out
    assert (WorkContract.objects.count(), ImportRecord.objects.count()) == (0, 0)

    call_command("import_xlsx", "insertion", path, programme=site.slug)
    out = capsys.readouterr().out
    assert "Clauses d'insertion (export du facilitateur) — en-tête ligne 1 : 120 créée(s)" in out
    assert "Import enregistré" in out
    assert WorkContract.objects.count() == SAMPLE_ROWS


def test_command_refuses_a_bad_file_naming_row_and_column(site, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(edited({(5, "Modalité"): "Bénévolat"}))

    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_xlsx", "insertion", str(path), programme=site.slug)

    assert (
        "Ligne 5, colonne « Modalité » : « Bénévolat » n'est pas une valeur reconnue"
        in capsys.readouterr().err
    )
    assert WorkContract.objects.count() == 0


def test_existing_contract_moved_to_another_participant_and_market(site):
    contract = WorkContractFactory(programme=site, reference="C00001", hours_worked=Decimal(10))
    old_participant = contract.participant
    ParticipantFactory(programme=site, facilitator_reference="D00007")

    result = run(site, csv_bytes(sample_rows()[:2]))

    assert result.ok, result.errors
    assert result.counts == {"create": 0, "update": 1, "unchanged": 0}
    contract.refresh_from_db()
    assert contract.participant.facilitator_reference == "D00007"
    assert contract.market.number == "M-2023-014"
    assert old_participant.contracts.count() == 0
    assert WorkContract.objects.count() == 1


def test_a_large_export_lists_its_repeated_warnings_then_counts_them(site, sample, monkeypatch):
    monkeypatch.setattr("insertion.imports.NOTES_LISTED", 3)

    result = run(site, sample, commit=False)

    dossiers = [warning for warning in result.warnings if warning.startswith("Dossier « ")]
    assert len(dossiers) == 3
    counted = warning_with(result, "autre(s) dossier(s) dont les lignes diffèrent")
    assert counted.startswith("… et ")
    assert len([warning for warning in result.warnings if "inconnu : il sera créé" in warning]) == 3
    warning_with(result, "autre(s) marché(s) inconnu(s), qui seront créés")
