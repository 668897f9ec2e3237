"""Import of a landlord's relogement tracking workbook, from the file to the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from core.imports import ImportFileError, import_run
from core.models import ImportRecord, ImportStatus
from relogement.imports import RelogementImport, parse_age_band, parse_income_band
from relogement.models import (
    AgeBand,
    Household,
    HouseholdStatus,
    IncomeBand,
    Rehousing,
    RehousingKind,
)
from relogement.services import household_create
from tests.accounts.factories import OrganisationFactory
from tests.data import csv_bytes, modified_xlsx, sample_bytes, sample_path, xlsx_bytes, zip_bomb_xlsx
from tests.projects.factories import OperationFactory, ProgrammeFactory

SAMPLE = "relogement_bailleur.xlsx"
SAMPLE_ROWS = 60
# Labels written the way the demo catalogue writes them: the file says "Démolition Tour Mozart".
OPERATIONS = [
    ("DEM-01", "Démolition de la tour Mozart (120 logements)"),
    ("DEM-02", "Démolition de la barre Ravel (84 logements)"),
    ("DEM-03", "Démolition Tour Bizet"),
    ("DEM-04", "Démolition du plot Fauré"),
    ("AME-01", "Aménagement de l'îlot Mozart après démolition"),
]


@pytest.fixture
def site(programme):
    """The programme of the sample: its demolitions and two of its three landlords."""
    for identifier, label in OPERATIONS:
        OperationFactory(programme=programme, identifier=identifier, label=label)
    programme.organisations.add(
        OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR),
        OrganisationFactory(name="Partenord Solidaire", kind=OrganisationKind.BAILLEUR),
    )
    return programme


@pytest.fixture
def workbook() -> bytes:
    return sample_bytes(SAMPLE)


def run(programme, data, *, filename="suivi.xlsx", commit=True):
    return import_run(
        spec_class=RelogementImport, data=data, filename=filename, programme=programme, commit=commit
    )


def database_state():
    return (
        list(Household.objects.order_by("pk").values_list()),
        list(Rehousing.objects.order_by("pk").values_list()),
        Organisation.objects.count(),
    )


# The real sample ---------------------------------------------------------------------------------------


def test_the_sample_file_is_available():
    assert sample_path(SAMPLE).exists()


def test_sample_creates_every_household_and_rehousing(site, workbook):
    result = run(site, workbook)

    assert result.ok, result.errors
    assert result.committed
    assert (result.sheet, result.header_row) == ("Suivi relogement", 3)
    assert result.counts == {"create": SAMPLE_ROWS, "update": 0, "unchanged": 0}
    assert Household.objects.filter(programme=site).count() == SAMPLE_ROWS
    statuses = dict(Household.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses == {
        HouseholdStatus.REHOUSED: 30,
        HouseholdStatus.TEMPORARY: 2,
        HouseholdStatus.OFFER: 10,
        HouseholdStatus.LEFT: 7,
        HouseholdStatus.TO_SURVEY: 6,
        HouseholdStatus.SEARCHING: 5,  # "En cours"
    }
    assert Rehousing.objects.filter(kind=RehousingKind.DEFINITIVE).count() == 30
    assert Rehousing.objects.filter(kind=RehousingKind.TEMPORARY).count() == 2
    assert not Household.objects.exclude(rehousings=None).exclude(
        status__in=[HouseholdStatus.REHOUSED, HouseholdStatus.TEMPORARY]
    )
    # Landlords: two known, one created as a bailleur with a warning.
    created = Organisation.objects.get(name="Habitat Métropole")
    assert created.kind == OrganisationKind.BAILLEUR
    assert site.organisations.filter(pk=created.pk).exists()
    assert any("Bailleur « Habitat Métropole » inconnu" in warning for warning in result.warnings)
    assert any("« Nb propositions » non reconnue" in warning for warning in result.warnings)
    # Operations matched on the words of their label.
    assert Household.objects.filter(origin_operation__identifier="DEM-01").count() == 14
    assert Household.objects.filter(origin_operation__identifier="AME-01").count() == 0
    # Departures are closed today.
    assert not Household.objects.filter(status=HouseholdStatus.LEFT, closed_on=None).exists()


def test_sample_values_of_one_household(site, workbook):
    run(site, workbook)

    household = Household.objects.get(landlord_reference="CON-0001")
    assert household.reference.startswith("M-")
    assert household.reference != "CON-0001"
    assert household.origin_landlord.name == "Logis du Nord"
    assert household.origin_operation.identifier == "DEM-04"
    assert (household.origin_typology, household.adults, household.children) == ("T3", 2, 0)
    assert (household.holder_age_band, household.income_band) == (AgeBand.UNDER_30, IncomeBand.FROM_1501)
    assert (household.origin_rent, household.origin_charges, household.origin_aid) == (
        Decimal("473.53"),
        Decimal("140.23"),
        Decimal("23.91"),
    )
    assert household.diagnostic_on == datetime.date(2021, 2, 2)
    assert household.status == HouseholdStatus.REHOUSED
    rehousing = household.rehousings.get()
    assert rehousing.kind == RehousingKind.DEFINITIVE
    assert rehousing.rehoused_on == datetime.date(2022, 7, 20)
    assert (rehousing.commune, rehousing.in_qpv, rehousing.new_or_recent) == (
        "Villeneuve-d'Ascq",
        True,
        False,
    )
    assert rehousing.landlord.name == "Logis du Nord"
    assert (rehousing.typology, rehousing.rent, rehousing.charges, rehousing.aid) == (
        "T4",
        Decimal("579.93"),
        Decimal("125.02"),
        Decimal("28.30"),
    )
    assert rehousing.same_site is False  # no "Sur site" column


def test_reimporting_the_same_file_changes_nothing(site, workbook):
    run(site, workbook)
    before = database_state()

    result = run(site, workbook)

    assert result.ok, result.errors
    assert result.counts == {"create": 0, "update": 0, "unchanged": SAMPLE_ROWS}
    assert database_state() == before


def test_one_modified_cell_is_one_update(site, workbook):
    run(site, workbook)
    # CON-0003 (row 6): "À enquêter" → "Enquêté", a legal step.
    result = run(site, modified_xlsx(workbook, {"N6": "Enquêté"}))

    assert result.ok, result.errors
    assert result.counts == {"create": 0, "update": 1, "unchanged": SAMPLE_ROWS - 1}
    assert result.summary()["changes"] == [
        {"row": 6, "key": "CON-0003", "action": "update", "columns": ["Statut"]}
    ]
    assert Household.objects.get(landlord_reference="CON-0003").status == HouseholdStatus.SURVEYED
    assert Household.objects.count() == SAMPLE_ROWS


def test_a_changed_destination_updates_the_one_rehousing(site, workbook):
    run(site, workbook)
    result = run(site, modified_xlsx(workbook, {"U4": "612,40 €", "O4": "21/07/2022"}))

    assert result.counts["update"] == 1
    rehousing = Rehousing.objects.get(household__landlord_reference="CON-0001")
    assert (rehousing.rent, rehousing.rehoused_on) == (Decimal("612.40"), datetime.date(2022, 7, 21))
    assert Rehousing.objects.count() == 32


def test_status_change_on_update_must_follow_the_transition_table(site, workbook):
    run(site, workbook)
    before = database_state()
    # CON-0002 left without rehousing: it cannot come back "En recherche".
    result = run(site, modified_xlsx(workbook, {"N5": "En recherche"}))

    assert not result.ok
    assert [(error.row, error.column) for error in result.errors] == [(5, "Statut")]
    assert "Passage de « Parti sans relogement » à « En recherche » impossible" in result.errors[0].message
    assert database_state() == before


# Bad cells ---------------------------------------------------------------------------------------------

HEADER = [
    "N° ménage",
    "Bailleur d'origine",
    "Opération",
    "Typologie origine",
    "Nb adultes",
    "Âge titulaire",
    "Revenus mensuels",
    "Loyer origine (€)",
    "Date diagnostic social",
    "Statut",
    "Date relogement",
    "Commune relogement",
    "Relogé en QPV (O/N)",
    "Neuf ou conventionné < 5 ans",
    "Bailleur d'accueil",
    "Typologie accueil",
    "Loyer accueil (€)",
]


def good_row(reference="LN-1", **changes):
    row = {
        "reference": reference,
        "landlord": "Logis du Nord",
        "operation": "DEM-02",
        "typology": "T3",
        "adults": 2,
        "age": "30-44 ans",
        "income": "601 - 1000 €",
        "rent": "412,50",
        "diagnostic": "12/03/2023",
        "status": "Relogé définitivement",
        "rehoused_on": "01/02/2024",
        "commune": "Lille",
        "in_qpv": "N",
        "new": "O",
        "dest_landlord": "Partenord Solidaire",
        "dest_typology": "T3",
        "dest_rent": "455",
    }
    row.update(changes)
    return list(row.values())


def test_a_file_with_bad_cells_writes_nothing_and_lists_every_error(site):
    rows = [
        ["Suivi du relogement — bailleur Logis du Nord"],
        [],
        HEADER,
        good_row("LN-1"),
        good_row("LN-2", age="18 ans", income="2 000 à 3 000 €"),
        good_row("LN-3", rent="cinq cents", diagnostic="32/13/2023"),
        good_row("LN-4", operation="Démolition Tour Chopin"),
        good_row("LN-5", in_qpv="Peut-être", status="Relogé on verra"),
        good_row("LN-6", commune=None, dest_rent=None),
        good_row("LN-7", status="En recherche"),
        good_row("LN-8", typology="T9", rehoused_on=None),
        good_row("LN-1"),
        good_row("LN-9", operation="Mozart"),
    ]
    before = database_state()

    result = run(site, xlsx_bytes(rows))

    assert not result.ok
    located = [(error.row, error.column) for error in result.errors]
    assert located == [
        (5, "Âge titulaire"),
        (5, "Revenus mensuels"),
        (6, "Loyer origine (€)"),
        (6, "Date diagnostic social"),
        (7, "Opération"),
        (8, "Statut"),
        (8, "Relogé en QPV (O/N)"),
        (9, "Commune relogement"),
        (9, "Loyer accueil (€)"),
        (10, "Statut"),
        (11, "Typologie origine"),
        (11, "Date relogement"),
        (12, "N° ménage"),
        (13, "Opération"),
    ]
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert (
        "« 18 ans » n'est pas une valeur reconnue pour « Âge du titulaire »" in messages[5, "Âge titulaire"]
    )
    assert "moins de 30 ans, 30 à 44 ans" in messages[5, "Âge titulaire"]
    assert "plus de 2 000 €" in messages[5, "Revenus mensuels"]
    assert "« cinq cents » n'est pas un nombre" in messages[6, "Loyer origine (€)"]
    assert "Opération « Démolition Tour Chopin » introuvable" in messages[7, "Opération"]
    assert "Valeurs acceptées" in messages[8, "Statut"]
    assert "Oui ou Non" in messages[8, "Relogé en QPV (O/N)"]
    assert "obligatoire quand la date de relogement" in messages[9, "Commune relogement"]
    assert "ne peut pas avoir le statut « En recherche »" in messages[10, "Statut"]
    assert "indiquez la date de relogement" in messages[11, "Date relogement"]
    assert "figure déjà ligne 4" in messages[12, "N° ménage"]
    assert "ambiguë" in messages[13, "Opération"]
    assert database_state() == before


def test_preview_writes_nothing_then_commit_writes(site):
    data = xlsx_bytes([HEADER, good_row("LN-1"), good_row("LN-2", dest_landlord="Nouveau Logis")])

    preview = run(site, data, commit=False)

    assert preview.ok, preview.errors
    assert preview.counts == {"create": 2, "update": 0, "unchanged": 0}
    assert Household.objects.count() == 0
    assert not Organisation.objects.filter(name="Nouveau Logis").exists()
    assert run(site, data).committed
    assert Household.objects.count() == 2
    assert Organisation.objects.get(name="Nouveau Logis").kind == OrganisationKind.BAILLEUR


def test_any_status_on_creation_closing_ones_are_dated(site):
    data = xlsx_bytes(
        [
            HEADER,
            good_row("LN-1", status="Clos"),
            good_row("LN-2", status="Suivi post-relogement"),
            good_row("LN-3", status="Proposition en cours", rehoused_on=None, commune=None, in_qpv=None,
                     new=None, dest_landlord=None, dest_typology=None, dest_rent=None),
        ]
    )  # fmt: skip

    result = run(site, data)

    assert result.ok, result.errors
    statuses = dict(Household.objects.values_list("landlord_reference", "status"))
    assert statuses == {
        "LN-1": HouseholdStatus.CLOSED,
        "LN-2": HouseholdStatus.FOLLOW_UP,
        "LN-3": HouseholdStatus.OFFER,
    }
    assert Household.objects.get(landlord_reference="LN-1").closed_on is not None
    assert Rehousing.objects.count() == 2


def test_updates_in_bulk_date_closures_add_rehousings_and_create_landlords_once(site):
    offer = {"rehoused_on": None, "commune": None, "in_qpv": None, "new": None, "dest_landlord": None,
             "dest_typology": None, "dest_rent": None}  # fmt: skip
    run(
        site,
        xlsx_bytes(
            [HEADER, good_row("LN-1"), good_row("LN-2", status="Proposition", **offer), good_row("LN-3")]
        ),
    )
    closed_before = Household.objects.get(landlord_reference="LN-3")
    Household.objects.filter(pk=closed_before.pk).update(
        status=HouseholdStatus.CLOSED, closed_on="2024-05-02"
    )

    result = run(
        site,
        xlsx_bytes(
            [
                HEADER,
                good_row("LN-1", status="Clos"),
                good_row("LN-2", dest_landlord="Habitat Neuf du Nord"),
                good_row("LN-3", status="Clos"),
                good_row("LN-4", landlord="Habitat Neuf du Nord"),
            ]
        ),
    )

    assert result.ok, result.errors
    assert result.counts == {"create": 1, "update": 2, "unchanged": 1}
    households = {h.landlord_reference: h for h in Household.objects.all()}
    assert households["LN-1"].status == HouseholdStatus.CLOSED
    assert households["LN-1"].closed_on == timezone.localdate()
    assert households["LN-3"].closed_on == datetime.date(2024, 5, 2)  # already closed: its date is kept
    assert households["LN-2"].status == HouseholdStatus.REHOUSED
    rehousing = households["LN-2"].rehousings.get()
    assert (rehousing.kind, rehousing.landlord.name) == (RehousingKind.DEFINITIVE, "Habitat Neuf du Nord")
    assert households["LN-4"].origin_landlord == rehousing.landlord
    assert Organisation.objects.filter(name="Habitat Neuf du Nord").count() == 1
    assert len({h.reference for h in households.values()}) == 4
    assert all(h.reference.startswith("M-") for h in households.values())


def test_writes_cross_batches(site, monkeypatch):
    from relogement import imports

    monkeypatch.setattr(imports, "WRITE_BATCH", 2)
    offer = {"rehoused_on": None, "commune": None, "in_qpv": None, "new": None, "dest_landlord": None,
             "dest_typology": None, "dest_rent": None}  # fmt: skip
    rows = [
        good_row(f"LN-{n}") if n % 2 else good_row(f"LN-{n}", status="Proposition", **offer) for n in range(5)
    ]
    progress: list[float] = []

    result = import_run(
        spec_class=RelogementImport,
        data=xlsx_bytes([HEADER, *rows]),
        filename="suivi.xlsx",
        programme=site,
        commit=True,
        on_progress=progress.append,
    )

    assert result.committed, result.errors
    assert Household.objects.count() == 5
    assert sorted(Rehousing.objects.values_list("household__landlord_reference", flat=True)) == [
        "LN-1",
        "LN-3",
    ]
    assert progress[-1] == 1.0


def test_a_conflict_while_writing_rolls_everything_back(site, workbook, monkeypatch):
    from django.db import IntegrityError

    from relogement import imports

    def conflicting(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(imports, "rehousings_bulk_set", conflicting)

    result = run(site, workbook)

    assert not result.committed
    assert [(error.row, error.message) for error in result.errors] == [
        (None, "Conflit avec une autre modification enregistrée en même temps : relancez l'import.")
    ]
    assert Household.objects.count() == 0


def test_a_validation_error_while_writing_is_reported_on_its_column(site, workbook, monkeypatch):
    from django.core.exceptions import ValidationError

    from relogement import imports

    def refused(**kwargs):
        raise ValidationError({"commune": ["Commune inconnue."]})

    monkeypatch.setattr(imports, "rehousings_bulk_set", refused)

    result = run(site, workbook)

    assert not result.committed
    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (None, "Commune relogement", "Commune inconnue.")
    ]
    assert Household.objects.count() == 0


def test_a_household_followed_in_another_programme_is_an_error(site):
    other = ProgrammeFactory()
    household_create(
        programme=other,
        origin_operation=OperationFactory(programme=other),
        origin_landlord=Organisation.objects.get(name="Logis du Nord"),
        landlord_reference="LN-1",
    )

    result = run(site, xlsx_bytes([HEADER, good_row("LN-1")]))

    assert [(error.row, error.column) for error in result.errors] == [(2, "N° ménage")]
    assert "autre programme" in result.errors[0].message
    assert Household.objects.filter(programme=site).count() == 0


def test_an_anonymised_household_cannot_be_updated(site):
    run(site, xlsx_bytes([HEADER, good_row("LN-1")]))
    Household.objects.update(anonymised_at=timezone.now())

    result = run(site, xlsx_bytes([HEADER, good_row("LN-1", rent="999")]))

    assert [(error.row, error.column) for error in result.errors] == [(2, "N° ménage")]
    assert "anonymisé" in result.errors[0].message


def test_csv_windows_1252_with_semicolons(site):
    data = csv_bytes([HEADER, good_row("LN-1", rent="1 012,30")], encoding="cp1252")

    result = run(site, data, filename="suivi.csv")

    assert result.ok, result.errors
    household = Household.objects.get()
    assert household.origin_rent == Decimal("1012.30")
    assert household.holder_age_band == AgeBand.FROM_30


# Other spellings, French text and personal data ---------------------------------------------------------


def test_synonyms_french_text_and_personal_data_ignored(site):
    rows = [
        ["Bailleur : Partenord Solidaire"],
        ["Tableau RIME — extraction"],
        [
            "Réf. ménage",
            "Nom",
            "Prénom",
            "Téléphone",
            "Adresse",
            "Bailleur",
            "Opération d'origine",
            "Typologie",
            "Nombre d'adultes",
            "Nombre d'enfants",
            "Tranche d'âge",
            "Tranche de revenus",
            "Loyer actuel",
            "Charges",
            "Montant APL",
            "Date du diagnostic",
            "État",
            "Date de relogement",
            "Commune d'accueil",
            "Relogé QPV",
            "Logement neuf",
            "Nouveau bailleur",
            "Nouvelle typologie",
            "Nouveau loyer",
            "Sur site",
        ],
        [
            "PS 0042",
            "DUPONT",
            "Jeanne",
            "06 12 34 56 78",
            "12 rue des Lilas",
            "partenord solidaire",
            "demolition barre ravel",
            "F4",
            "2",
            "3",
            "moins de 30 ans",
            "1 001 à 1 500 €",
            "1 234,50 €",
            "98,7",
            "310",
            "05/03/2022",
            "relogé définitif",
            "2023-09-15",
            "Lomme",
            "non",
            "oui",
            "Logis du Nord",
            "T5",
            "1 302,00",
            "O",
        ],
        [
            "PS 0043",
            "MARTIN",
            "Paul",
            "",
            "3 place Verte",
            "Partenord Solidaire",
            "DEM-03",
            "T2",
            1,
            0,
            "75 ans et +",
            "> 2000 €",
            380,
            None,
            None,
            datetime.date(2022, 1, 3),
            "À enquêter",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]

    result = run(site, xlsx_bytes(rows))

    assert result.ok, result.errors
    assert result.header_row == 3
    for column in ("Nom", "Prénom", "Téléphone", "Adresse"):
        assert any(
            f"Colonne « {column} » ignorée : les données personnelles" in warning
            for warning in result.warnings
        ), column
    first = Household.objects.get(landlord_reference="PS 0042")
    assert first.origin_operation.identifier == "DEM-02"
    assert (first.origin_typology, first.adults, first.children) == ("T4", 2, 3)
    assert (first.holder_age_band, first.income_band) == (AgeBand.UNDER_30, IncomeBand.FROM_1001)
    assert (first.origin_rent, first.origin_charges, first.origin_aid) == (
        Decimal("1234.50"),
        Decimal("98.70"),
        Decimal("310.00"),
    )
    assert first.diagnostic_on == datetime.date(2022, 3, 5)
    rehousing = first.rehousings.get()
    assert (rehousing.rehoused_on, rehousing.commune, rehousing.in_qpv, rehousing.new_or_recent) == (
        datetime.date(2023, 9, 15),
        "Lomme",
        False,
        True,
    )
    assert (rehousing.same_site, rehousing.rent, rehousing.charges, rehousing.aid) == (
        True,
        Decimal("1302.00"),
        Decimal(0),
        Decimal(0),
    )
    second = Household.objects.get(landlord_reference="PS 0043")
    assert (second.holder_age_band, second.income_band) == (AgeBand.OVER_75, IncomeBand.OVER_2000)
    assert second.status == HouseholdStatus.TO_SURVEY
    # Nothing personal is stored anywhere on the households.
    stored = " ".join(str(value) for row in database_state()[0] for value in row)
    for personal in ("DUPONT", "Jeanne", "06 12", "Lilas", "MARTIN", "Paul", "place Verte"):
        assert personal not in stored


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("< 30 ans", AgeBand.UNDER_30),
        ("moins de 30 ans", AgeBand.UNDER_30),
        ("30-44 ans", AgeBand.FROM_30),
        ("30 à 44 ans", AgeBand.FROM_30),
        ("45 - 59", AgeBand.FROM_45),
        ("60-74 ans", AgeBand.FROM_60),
        ("75 ans et +", AgeBand.OVER_75),
        ("75 ans et plus", AgeBand.OVER_75),
        ("gte75", AgeBand.OVER_75),
    ],
)
def test_age_bands(text, expected):
    assert parse_age_band(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("< 600 €", IncomeBand.UNDER_600),
        ("601 - 1000 €", IncomeBand.FROM_601),
        ("601 à 1 000 €", IncomeBand.FROM_601),
        ("1001 - 1500 €", IncomeBand.FROM_1001),
        ("1501 - 2000 €", IncomeBand.FROM_1501),
        ("1 501 à 2 000 euros", IncomeBand.FROM_1501),
        ("> 2000 €", IncomeBand.OVER_2000),
        ("plus de 2 000 €", IncomeBand.OVER_2000),
    ],
)
def test_income_bands(text, expected):
    assert parse_income_band(text) == expected


# Malicious files and the command -------------------------------------------------------------------------


def test_zip_bomb_named_xlsx_is_refused(site, workbook):
    with pytest.raises(ImportFileError) as error:
        run(site, zip_bomb_xlsx(workbook, megabytes=5), filename="suivi_bailleur.xlsx")
    assert "anormalement volumineux" in error.value.message
    assert Household.objects.count() == 0


def test_command_imports_the_sample(site, capsys):
    call_command("import_xlsx", "relogement", str(sample_path(SAMPLE)), programme=site.slug)

    out = capsys.readouterr().out
    assert (
        "Suivi du relogement (bailleur) — feuille « Suivi relogement », en-tête ligne 3 : 60 créée(s)" in out
    )
    assert Household.objects.count() == SAMPLE_ROWS
    record = ImportRecord.objects.get()
    assert (record.status, record.kind) == (ImportStatus.COMMITTED, "relogement")


def test_command_dry_run_writes_nothing(site, capsys):
    call_command("import_xlsx", "relogement", str(sample_path(SAMPLE)), programme=site.slug, dry_run=True)

    assert "60 à créer" in capsys.readouterr().out
    assert Household.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    assert not Organisation.objects.filter(name="Habitat Métropole").exists()


def test_command_fails_with_every_error(site, tmp_path, capsys):
    path = tmp_path / "suivi.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, good_row("LN-1", age="jeune"), good_row("LN-2", operation="?")]))

    with pytest.raises(CommandError, match="2 erreur"):
        call_command("import_xlsx", "relogement", str(path), programme=site.slug)

    err = capsys.readouterr().err
    assert "Ligne 2, colonne « Âge titulaire » : « jeune » n'est pas une valeur reconnue" in err
    assert "Ligne 3, colonne « Opération » : Opération « ? » introuvable" in err
    assert Household.objects.count() == 0


def test_web_import_of_households_needs_the_personal_data_grant(client, programme):
    from django.urls import reverse

    from accounts.models import Membership, Role
    from tests.accounts.factories import MembershipFactory

    without = MembershipFactory(programme=programme, role=Role.MISSION)
    client.force_login(without.user)
    assert client.get(reverse("imports:upload", args=["relogement"])).status_code == 403
    assert client.get(reverse("imports:upload", args=["operations"])).status_code == 200
    granted = MembershipFactory(programme=programme, role=Role.MISSION)
    Membership.objects.filter(pk=granted.pk).update(personal_data_domains=["relogement"])
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=granted.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(granted.user)
    assert client.get(reverse("imports:upload", args=["relogement"])).status_code == 200


def test_web_import_of_households_runs_in_the_worker_and_is_access_logged(client, site, workbook):
    import io

    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    from accounts.models import Role
    from core.models import AccessAction, AccessEvent
    from tests.accounts.factories import MembershipFactory
    from tests.utils import run_after_commit

    granted = MembershipFactory(programme=site, role=Role.MISSION, personal_data_domains=["relogement"])
    Authenticator.objects.create(user=granted.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(granted.user)
    upload = io.BytesIO(workbook)
    upload.name = "suivi.xlsx"
    with run_after_commit():
        response = client.post(reverse("imports:upload", args=["relogement"]), {"file": upload})
    record = ImportRecord.objects.get()

    preview = client.get(response.url).content.decode()
    assert "60 à créer" in preview
    with run_after_commit():
        confirmed = client.post(reverse("imports:confirm", args=[record.pk]))

    assert Household.objects.count() == SAMPLE_ROWS
    outcome = client.get(confirmed.url).content.decode()
    assert reverse("relogement:household_list") in outcome
    events = list(
        AccessEvent.objects.order_by("pk").values_list("user", "action", "domain", "object_ref", "count")
    )
    reference = f"import n° {record.pk}"
    assert events == [
        (granted.user.pk, AccessAction.LIST, "relogement", reference, SAMPLE_ROWS),
        (granted.user.pk, AccessAction.EDIT, "relogement", reference, SAMPLE_ROWS),
        (granted.user.pk, AccessAction.LIST, "relogement", reference, SAMPLE_ROWS),
    ]
