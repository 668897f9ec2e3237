"""Imports of the funders' and the finance department's statements: committed and paid amounts of the
funding lines (`engagements`, one row per operation × funder; `versements`, one row per payment)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Organisation, OrganisationKind, User
from core.imports import ImportFileError, get_spec, import_run
from core.models import ImportRecord, ImportStatus
from projects.history import operation_history
from projects.models import FundingKind, FundingLine, Programme
from tests.accounts.factories import OrganisationFactory
from tests.data import csv_bytes, sample_bytes, sample_path
from tests.projects.factories import FundingLineFactory, OperationFactory
from tests.utils import run_after_commit

COMMITMENTS = "etat_engagements_paiements.xlsx"
PAYMENTS = "versements_service_financier.csv"
HEADER = ["N° opération", "Financeur", "Nature", "Montant engagé", "Montant versé", "Date de situation"]


@pytest.fixture
def demo(seeded_demo) -> Programme:
    return Programme.objects.get(slug="npru-demo")


@pytest.fixture
def demo_mission() -> User:
    return User.objects.get(email="mission@demo.npru.fr")


def run(kind, programme, data, *, filename=None, commit=True, user=None):
    filename = filename or ("etat.xlsx" if data.startswith(b"PK") else "etat.csv")
    return import_run(
        spec_class=get_spec(kind), data=data, filename=filename, programme=programme, commit=commit, user=user
    )


def amounts(identifier: str, funder: str, kind: str = FundingKind.SUBVENTION) -> tuple[Decimal, Decimal]:
    line = FundingLine.objects.get(operation__identifier=identifier, funder__name=funder, kind=kind)
    return line.committed, line.paid


def database_state():
    return (
        list(FundingLine.objects.order_by("pk").values_list("pk", "planned", "committed", "paid")),
        Organisation.objects.count(),
    )


def plain(text: str) -> str:
    """Amounts are written with narrow no-break spaces (1 234 €): plain spaces, to compare."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def changes(result) -> dict[str, list]:
    return {
        plan.key: [tuple(plain(part) for part in detail) for detail in plan.details]
        for plan in result.plans
        if plan.details
    }


# État des engagements et paiements (one row per operation × funder) -----------------------------------


def test_commitments_sample_updates_committed_and_paid_with_history(demo, demo_mission):
    assert amounts("C0591-14-0001", "ANRU") == (Decimal("668300"), Decimal("409900"))
    assert amounts("C0591-24-0002", "Région Hauts-de-France") == (0, 0)

    preview = run("engagements", demo, sample_bytes(COMMITMENTS), commit=False)

    assert preview.ok, preview.errors
    assert (preview.sheet, preview.header_row) == ("Engagements", 5)
    assert preview.counts == {"create": 1, "update": 8, "unchanged": 2}
    details = changes(preview)
    assert details["C0591-14-0001 · ANRU (subvention)"] == [
        ("Engagé", "668 300 €", "707 000 €"),
        ("Versé", "409 900 €", "452 300 €"),
    ]
    assert details["C0591-24-0002 · Région Hauts-de-France (subvention)"][0] == ("Engagé", "0 €", "253 000 €")
    assert "Ligne 17 : ligne de total ignorée." in preview.warnings
    assert (
        "Financeur « Conseil régional Hauts-de-France » compris comme « Région Hauts-de-France », "
        "rattaché au programme." in preview.warnings
    )
    assert any("Département du Nord (subvention) n'est pas dans la maquette" in w for w in preview.warnings)
    assert amounts("C0591-14-0001", "ANRU") == (Decimal("668300"), Decimal("409900"))  # nothing written

    result = run("engagements", demo, sample_bytes(COMMITMENTS), user=demo_mission)

    assert result.committed
    assert amounts("C0591-14-0001", "ANRU") == (Decimal("707000"), Decimal("452300"))
    assert amounts("C0591-21-0003", "ANRU") == (Decimal("980000"), Decimal("980000"))
    assert amounts("C0591-24-0002", "Région Hauts-de-France") == (
        Decimal("253000"),
        0,
    )  # « Conseil régional »
    assert amounts("C0591-24-0005", "Ville de Lille") == (Decimal("2100000"), Decimal("1727000"))  # « Ville »
    created = FundingLine.objects.get(
        operation__identifier="C0591-24-0003", funder__name="Département du Nord"
    )
    assert (created.planned, created.committed, created.paid) == (0, Decimal("150000"), Decimal("45000"))
    # The history says who changed the amounts, and from which file.
    line = FundingLine.objects.get(operation__identifier="C0591-14-0001", funder__name="ANRU")
    entry = operation_history(line.operation)[0]
    assert entry.who == f"{demo_mission} — Import « etat.xlsx »"
    assert "ANRU" in entry.subject

    # A statement is cumulative: importing it again changes nothing.
    before = database_state()
    again = run("engagements", demo, sample_bytes(COMMITMENTS))
    assert again.committed
    assert again.counts == {"create": 0, "update": 0, "unchanged": 11}
    assert database_state() == before


def test_commitments_bad_rows_write_nothing_and_every_error_is_named(demo):
    rows = [
        HEADER,
        ["C0591-14-0001", "ANRU", "Subvention", "707 000,00", "452 300,00", "31/10/2026"],
        ["C0591-99-0042", "ANRU", "Subvention", "100 000,00", "0,00", "31/10/2026"],
        ["C0591-21-0006", "ANRU", "", "3 132 000,00", "3 500 000,00", "31/10/2026"],
        ["C0591-21-0008", "ANRU", "Don", "713 000,5x", "0", "31/13/2026"],
        ["C0591-14-0001", "anru", "subvention", "707 000,00", "452 300,00", ""],
        ["C0591-21-0003", "Ville de Lomme", "Subvention", "0", "", "12/12/2099"],
        ["C0591-21-0003", "Ville", "Subvention", "1,00", "2,00", ""],
    ]
    before = database_state()

    result = run("engagements", demo, csv_bytes(rows))

    assert not result.committed
    assert database_state() == before
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "Opération"),
        (4, "Montant versé"),
        (5, "Nature"),
        (5, "Montant engagé"),
        (5, "Date de situation"),
        (6, "Financeur"),
        (7, "Montant versé"),
        (7, "Date de situation"),
        (8, "Montant versé"),
    ]
    messages = [plain(error.message) for error in result.errors]
    assert messages[0].startswith("Opération « C0591-99-0042 » introuvable dans le programme")
    assert messages[1] == (
        "Le montant versé (3 500 000 €) dépasse le montant engagé (3 132 000 €) de la ligne "
        "C0591-21-0006 · ANRU (subvention) : le versé ne peut dépasser l'engagé."
    )
    assert messages[2].startswith("« Don » n'est pas une valeur reconnue pour « Nature ».")
    assert messages[3] == "« 713 000,5x » n'est pas un nombre (ex. « 1 234,56 »)."
    assert messages[4] == "« 31/13/2026 » n'est pas une date valide."
    assert messages[5] == "La ligne de financement C0591-14-0001 · ANRU (subvention) figure déjà ligne 2."
    assert messages[6] == "Valeur obligatoire manquante."
    assert messages[7] == "« 12/12/2099 » : la date est dans le futur."
    assert str(result.errors[1]).startswith("Ligne 4, colonne « Montant versé » : Le montant versé")
    # An unknown funder is announced, as in every import (created on commit).
    assert "Organisation « Ville de Lomme » inconnue : elle sera créée (type : Ville)." in result.warnings
    # Unknown operations and natures are offered a mapping in the preview, as in every import.
    assert result.unknown_values == {"operation": {"C0591-99-0042": 1}, "kind": {"Don": 1}}


def test_nature_is_needed_when_the_funder_has_several_lines(programme):
    operation = OperationFactory(programme=programme, identifier="OP-1")
    anru = OrganisationFactory(name="Action Logement", kind=OrganisationKind.ACTION_LOGEMENT)
    FundingLineFactory(operation=operation, funder=anru, kind=FundingKind.PRET, committed=0, paid=0)
    FundingLineFactory(operation=operation, funder=anru, kind=FundingKind.SUBVENTION, committed=0, paid=0)
    rows = [HEADER[:5], ["OP-1", "Action Logement", "", "10", "5"]]

    result = run("engagements", programme, csv_bytes(rows))

    assert [(error.row, error.column) for error in result.errors] == [(2, "Financeur")]
    assert (
        "plusieurs lignes de financement de « Action Logement » (prêt, subvention)"
        in result.errors[0].message
    )
    result = run(
        "engagements", programme, csv_bytes([HEADER[:5], ["OP-1", "Action Logement", "Prêt", "10", "5"]])
    )
    assert result.committed
    line = FundingLine.objects.get(kind=FundingKind.PRET)
    assert (line.committed, line.paid) == (Decimal(10), Decimal(5))


def test_funders_named_in_full_are_the_programmes_funders(programme):
    """A funder's statement names itself in full: no second ANRU, Banque des Territoires or FEDER (the
    organisation the annex's « FEDER » column names) is created."""
    operation = OperationFactory(programme=programme, identifier="OP-1")
    for name, kind in (
        ("ANRU", OrganisationKind.ANRU),
        ("Banque des Territoires", OrganisationKind.BANQUE_TERRITOIRES),
        ("FEDER", OrganisationKind.AUTRE),
    ):
        FundingLineFactory(operation=operation, funder=OrganisationFactory(name=name, kind=kind))
    organisations = Organisation.objects.count()
    rows = [
        HEADER[:5],
        ["OP-1", "Agence nationale pour la rénovation urbaine", "", "10", "5"],
        ["OP-1", "Caisse des Dépôts et Consignations", "", "20", "0"],
        ["OP-1", "Union européenne", "", "30", "0"],
    ]

    result = run("engagements", programme, csv_bytes(rows))

    assert result.committed, result.errors
    assert Organisation.objects.count() == organisations
    assert amounts("OP-1", "ANRU") == (Decimal(10), Decimal(5))
    assert amounts("OP-1", "Banque des Territoires") == (Decimal(20), 0)
    assert amounts("OP-1", "FEDER") == (Decimal(30), 0)


def test_own_funds_are_the_maitre_d_ouvrages_own_funds_line(programme):
    """« Fonds propres » in the funder column is the operation's maître d'ouvrage (its own-funds line), as
    in the financial annex, not a new organisation named « Fonds propres »."""
    moa = OrganisationFactory(name="Habitat Métropole", kind=OrganisationKind.BAILLEUR)
    operation = OperationFactory(programme=programme, identifier="OP-1", moa=moa)
    FundingLineFactory(operation=operation, funder=moa, kind=FundingKind.SUBVENTION, committed=0, paid=0)
    FundingLineFactory(operation=operation, funder=moa, kind=FundingKind.FONDS_PROPRES, committed=0, paid=0)
    organisations = Organisation.objects.count()
    rows = [
        HEADER[:5],
        ["OP-1", "Fonds propres", "", "300", "100"],
        ["OP-1", "Autofinancement", "", "1", "0"],
    ]

    result = run("engagements", programme, csv_bytes(rows))

    assert [(error.row, error.column) for error in result.errors] == [(3, "Financeur")]
    assert "figure déjà ligne 2" in result.errors[0].message
    result = run("engagements", programme, csv_bytes(rows[:2]))
    assert result.committed, result.errors
    assert Organisation.objects.count() == organisations
    assert amounts("OP-1", "Habitat Métropole", FundingKind.FONDS_PROPRES) == (Decimal(300), Decimal(100))


def test_an_amount_going_down_is_pointed_out_before_the_import(programme):
    """An older statement, or a correction, lowers the committed or the paid amount: the preview says so."""
    operation = OperationFactory(programme=programme, identifier="OP-1")
    anru = OrganisationFactory(name="ANRU", kind=OrganisationKind.ANRU)
    FundingLineFactory(operation=operation, funder=anru, committed=Decimal(1000), paid=Decimal(500))

    result = run(
        "engagements", programme, csv_bytes([HEADER[:5], ["OP-1", "ANRU", "", "800", "400"]]), commit=False
    )

    assert [plain(warning) for warning in result.warnings] == [
        f"Ligne 2 : {what} de OP-1 · ANRU (subvention) baisse de {before} à {after} "
        "(état précédent corrigé, ou état plus ancien ?)."
        for what, before, after in (("l'engagé", "1 000 €", "800 €"), ("le versé", "500 €", "400 €"))
    ]


# Versements (one row per payment) ---------------------------------------------------------------------


def test_payments_sample_sets_paid_to_the_sum_and_a_reimport_counts_nothing_twice(demo):
    assert amounts("C0591-24-0003", "ANRU") == (Decimal("3399000"), Decimal("1300900"))
    assert amounts("C0591-14-0001", "Banque des Territoires")[1] == Decimal("220100")

    result = run("versements", demo, sample_bytes(PAYMENTS), filename=PAYMENTS)

    assert result.committed, result.errors
    assert result.counts == {"create": 0, "update": 3, "unchanged": 0}
    assert changes(result)[
        "C0591-24-0003 · ANRU (subvention) — 3 versement(s) du 15/03/2024 au 18/09/2026"
    ] == [("Versé", "1 300 900 €", "1 640 900 €")]
    assert amounts("C0591-24-0003", "ANRU") == (Decimal("3399000"), Decimal("1640900"))
    # « Caisse des Dépôts » is the programme's Banque des Territoires; a cancelled receipt counts negative.
    assert amounts("C0591-14-0001", "Banque des Territoires")[1] == Decimal("280100")
    # ANRU's three receipts (180 000 + 229 900 + 42 400) are the paid amount the ANRU's statement gives.
    assert amounts("C0591-14-0001", "ANRU")[1] == Decimal("452300")
    before = database_state()

    again = run("versements", demo, sample_bytes(PAYMENTS), filename=PAYMENTS)

    assert again.committed
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3}
    assert database_state() == before


def test_payments_beyond_the_committed_amount_are_refused_naming_the_rows(demo):
    header = ["Opération", "Financeur", "Date de versement", "N° de titre", "Montant"]
    rows = [
        header,
        ["C0591-21-0008", "ANRU", "10/01/2025", "T-1", "400 000,00"],
        ["Démolition du bâtiment Europe C (40 logements)", "ANRU", "10/06/2025", "T-2", "400 000,00"],
        ["C0591-21-0003", "ANRU", "10/06/2025", "T-3", "-5 000,00"],
        ["C0591-24-0005", "Ville de Lille", "10/06/2025", "T-4", "1 000,00"],
        ["C0591-24-0005", "Ville de Lille", "10/06/2025", "T-4", "1 000,00"],
    ]
    before = database_state()

    result = run("versements", demo, csv_bytes(rows))

    assert not result.committed
    assert database_state() == before
    assert [(error.row, error.column) for error in result.errors] == [(3, "Montant"), (4, "Montant")]
    assert plain(result.errors[0].message) == (
        "Le total des versements de C0591-21-0008 · ANRU (subvention) (800 000 €, lignes 2, 3) dépasse le "
        "montant engagé (713 000 €) : le versé ne peut dépasser l'engagé. Importez d'abord l'état des "
        "engagements, ou corrigez le fichier."
    )
    assert "est négatif" in result.errors[1].message
    assert any(w.startswith("Ligne 6 : même versement qu'à la ligne 5") for w in result.warnings)
    assert any("le versé de C0591-24-0005 · Ville de Lille (subvention) baisse" in w for w in result.warnings)


# Command and web ---------------------------------------------------------------------------------------


def test_command_dry_run_then_import(demo, capsys):
    call_command(
        "import_xlsx", "engagements", str(sample_path(COMMITMENTS)), programme="npru-demo", dry_run=True
    )
    out = plain(capsys.readouterr().out)
    assert "1 à créer, 8 à modifier, 2 inchangée(s)" in out
    assert (
        "Ligne 6 — C0591-14-0001 · ANRU (subvention) : Engagé 668 300 € → 707 000 € ; Versé 409 900 €" in out
    )
    assert "Simulation (--dry-run) : rien n'a été écrit." in out
    assert amounts("C0591-14-0001", "ANRU")[0] == Decimal("668300")

    call_command("import_xlsx", "versements", str(sample_path(PAYMENTS)), programme="npru-demo")
    assert amounts("C0591-24-0003", "ANRU")[1] == Decimal("1640900")


def test_command_fails_on_a_bad_row(demo, tmp_path):
    path = tmp_path / "etat.csv"
    path.write_bytes(csv_bytes([HEADER, ["C0591-21-0006", "ANRU", "", "10", "20", ""]]))
    with pytest.raises(CommandError, match="Import refusé : 1 erreur"):
        call_command("import_xlsx", "engagements", str(path), programme="npru-demo")
    assert ImportRecord.objects.filter(kind="engagements").get().status == ImportStatus.REJECTED


def test_web_preview_shows_before_and_after_then_confirms(demo, client, demo_mission):
    client.force_login(demo_mission)
    page = client.get(reverse("imports:upload", args=["engagements"]))
    assert page.status_code == 200
    file = io.BytesIO(sample_bytes(COMMITMENTS))
    file.name = COMMITMENTS
    with run_after_commit():
        response = client.post(reverse("imports:upload", args=["engagements"]), {"file": file})
    record = ImportRecord.objects.get(kind="engagements")
    assert record.status == ImportStatus.PREVIEW, record.errors

    html = plain(client.get(response.url).content.decode())
    assert "Ligne de financement" in html
    assert "Avant → après" in html
    assert "Lignes à créer ou à modifier" in html  # nothing is created before the confirmation
    assert "C0591-14-0001 · ANRU (subvention)" in html
    assert "668 300 € → <strong>707 000 €</strong>" in html
    assert "Confirmer l'import" in html

    with run_after_commit():
        client.post(reverse("imports:confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert "Lignes créées ou modifiées" in client.get(response.url).content.decode()
    assert amounts("C0591-14-0001", "ANRU") == (Decimal("707000"), Decimal("452300"))


AMOUNTS = st.one_of(
    st.decimals(min_value=-10, max_value=10**7, places=2).map(lambda amount: f"{amount}".replace(".", ",")),
    st.sampled_from(["", "0", "1 000,50", "abc", "=1+1", "12.5", "-3"]),
)


@settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["OP-1", "OP-2", "OP-9", "Opération 1"]), AMOUNTS, AMOUNTS), max_size=5
    ),
    payments=st.booleans(),
)
def test_random_statements_give_row_errors_or_a_commit_keeping_paid_within_committed(
    programme, rows, payments
):
    if not FundingLine.objects.exists():
        anru = OrganisationFactory(name="ANRU", kind=OrganisationKind.ANRU)
        for identifier in ("OP-1", "OP-2"):
            operation = OperationFactory(
                programme=programme, identifier=identifier, label=f"Opération {identifier[-1]}"
            )
            FundingLineFactory(
                operation=operation, funder=anru, committed=Decimal(500_000), paid=Decimal(1000)
            )
    if payments:
        data = csv_bytes(
            [
                ["Opération", "Financeur", "Date", "Montant"],
                *[[op, "ANRU", "01/02/2025", a] for op, a, _b in rows],
            ]
        )
    else:
        data = csv_bytes(
            [["Opération", "Financeur", "Engagé", "Versé"], *[[op, "ANRU", a, b] for op, a, b in rows]]
        )
    before = database_state()

    try:
        result = run("versements" if payments else "engagements", programme, data)
    except ImportFileError as error:
        refusal = error.message
    else:
        refusal = ""
    if refusal:  # the only refusal: no row under the header
        assert "aucune ligne de données" in refusal
        return
    if result.errors:
        assert not result.committed
        assert database_state() == before
        assert all(error.row and error.row >= 2 and error.column for error in result.errors)
    else:
        assert result.committed
    assert not FundingLine.objects.filter(paid__gt=F("committed")).exists()
