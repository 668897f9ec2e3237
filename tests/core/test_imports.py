"""The import framework on a small spec of its own: reading, header detection, checks, errors."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.imports import (
    Action,
    Column,
    ImportFileError,
    ImportSpec,
    RowError,
    RowPlan,
    check_file,
    header_key,
    import_run,
    import_specs,
)
from core.parsing import parse_amount, parse_date_fr, parse_yes_no
from tests.data import (
    csv_bytes,
    replace_member,
    xlsx_bytes,
    xml_bomb_xlsx,
    zip_bomb_xlsx,
)


class ItemsImport(ImportSpec, register=False):
    """Writes nothing: `applied` collects what apply() received."""

    kind = "items-test"
    label = "Articles (test)"
    key_field = "code"
    columns = (
        Column("code", "Code", synonyms=("Référence", "Réf."), required=True),
        Column("name", "Libellé", synonyms=("Intitulé",), required=True),
        Column("amount", "Montant HT", parser=parse_amount, synonyms=("Montant",)),
        Column("due_on", "Échéance", parser=parse_date_fr),
        Column("done", "Réalisé", parser=parse_yes_no),
    )
    applied: list = []

    def validate_row(self, row):
        if row.get("name") == "refusé":
            row.error("name", "Libellé refusé.")
        if row.get("amount") is not None and row.get("amount") > 1_000_000:
            raise ValidationError({"amount": ["Montant trop élevé."]})
        return RowPlan(row=row.number, key=row.get("code"), action=Action.CREATE, data=dict(row.values))

    def apply(self, plan):
        self.applied.append(plan.data)


HEADER = ["Code", "Libellé", "Montant HT (€)", "Échéance", "Réalisé"]


def run(data, *, filename="articles.xlsx", programme=None, commit=False):
    return import_run(
        spec_class=ItemsImport, data=data, filename=filename, programme=programme, commit=commit
    )


def refused(data, *, filename="articles.xlsx") -> str:
    with pytest.raises(ImportFileError) as error:
        run(data, filename=filename)
    return error.value.message


def test_header_key_ignores_case_accents_punctuation_and_euro_units():
    assert header_key("Coût HT (€)") == header_key("COUT HT") == "cout ht"
    assert header_key("Coût HT\n(en €)") == "cout ht"
    assert header_key("Montant en euros") == "montant"
    assert header_key("Maître d’ouvrage") == header_key("maitre d'ouvrage")


def test_reads_xlsx_values_with_row_numbers_as_in_excel():
    data = xlsx_bytes(
        [HEADER, ["A1", "Premier", 12.5, "05/03/2024", "O"], [], ["A2", "Second", "1 000", None, "non"]]
    )
    result = run(data)
    assert result.ok, result.errors
    assert result.header_row == 1
    assert [plan.row for plan in result.plans] == [2, 4]
    first, second = (plan.data for plan in result.plans)
    assert first["amount"] == Decimal("12.50")
    assert first["due_on"].isoformat() == "2024-03-05"
    assert first["done"] is True
    assert second == {
        "code": "A2",
        "name": "Second",
        "amount": Decimal("1000.00"),
        "due_on": None,
        "done": False,
    }


def test_title_rows_are_skipped_and_synonyms_recognised():
    data = xlsx_bytes(
        [
            ["Suivi des articles — export du 05/03/2024"],
            [],
            ["Programme NPRU", None, "(montants en euros)"],
            ["RÉF.", "intitulé", "Montant", "Remarque"],
            ["A1", "Premier", "12 000,50", "à revoir"],
        ]
    )
    result = run(data)
    assert result.ok, result.errors
    assert result.header_row == 4
    assert result.plans[0].row == 5
    assert result.plans[0].data["amount"] == Decimal("12000.50")
    assert "Colonne « Remarque » non reconnue : ignorée." in result.warnings


def test_the_named_sheet_or_the_first_sheet_with_the_columns_is_used():
    data = xlsx_bytes(
        [["Notice", "Lisez-moi"]], title="Notice", extra_sheets={"Données": [HEADER, ["A1", "Un"]]}
    )
    result = run(data)
    assert result.sheet == "Données"
    assert [plan.key for plan in result.plans] == ["A1"]


def test_csv_in_windows_1252_with_semicolons():
    data = csv_bytes(
        [["Réf.", "Libellé", "Montant HT (€)"], ["É1", "Équipement café", "1 234,5"]], encoding="cp1252"
    )
    assert data.decode("cp1252").startswith("Réf.")
    result = run(data, filename="articles.csv")
    assert result.ok, result.errors
    assert result.plans[0].data == {"code": "É1", "name": "Équipement café", "amount": Decimal("1234.50")}


def test_csv_in_utf8_with_bom_and_commas():
    data = csv_bytes(
        [["Code", "Libellé", "Montant"], ["A1", "Œuvre, « sociale »", "12,5"]], delimiter=",", bom=True
    )
    result = run(data, filename="articles.csv")
    assert result.ok, result.errors
    assert result.plans[0].data["name"] == "Œuvre, « sociale »"
    assert result.plans[0].data["amount"] == Decimal("12.50")


def test_every_error_is_collected_with_row_and_column():
    data = xlsx_bytes(
        [
            ["Titre"],
            HEADER,
            ["A1", "Bon", 10, "01/01/2024", "O"],
            ["A2", None, "douze", "31/02/2024", "peut-être"],
            ["A1", "refusé", 2_000_000, None, None],
            [None, "Sans code", None, None, None],
        ]
    )
    result = run(data)
    assert not result.ok
    assert [(error.row, error.column) for error in result.errors] == [
        (4, "Libellé"),
        (4, "Montant HT"),
        (4, "Échéance"),
        (4, "Réalisé"),
        (5, "Code"),
        (5, "Libellé"),
        (5, "Montant HT"),
        (6, "Code"),
    ]
    assert result.errors[0].message == "Valeur obligatoire manquante."
    assert "« douze »" in result.errors[1].message
    assert result.errors[4].message == "« A1 » figure déjà ligne 3."
    assert str(result.errors[1]).startswith("Ligne 4, colonne « Montant HT » : « douze »")


def test_total_rows_are_skipped():
    data = xlsx_bytes([HEADER, ["A1", "Un", 5], ["TOTAL", None, 5], [None, "Total général", 5]])
    result = run(data)
    assert result.ok
    assert [plan.key for plan in result.plans] == ["A1"]
    assert "Ligne 3 : ligne de total ignorée." in result.warnings


def test_missing_required_column_is_a_clear_error():
    message = refused(xlsx_bytes([["Code", "Montant"], ["A1", 3]]))
    assert (
        "Colonnes obligatoires absentes de l'en-tête (ligne 1, feuille « Feuille 1 ») : « Libellé »."
        in message
    )


def test_no_header_at_all():
    message = refused(xlsx_bytes([["x", "y"], [1, 2]]))
    assert "Aucune ligne d'en-tête reconnue dans les 15 premières lignes" in message
    assert "« Code », « Libellé »" in message


def test_duplicate_column_is_refused():
    message = refused(xlsx_bytes([["Code", "Libellé", "Montant", "Montant HT"]]))
    assert message == "La colonne « Montant HT » apparaît deux fois (colonnes C et D)."


def test_formula_like_text_is_kept_as_text():
    data = xlsx_bytes(
        [HEADER, ["A1", '=HYPERLINK("http://exemple.fr")'], ["A2", "@SUM(A1:A2)"], ["A3", "+33"]]
    )
    # openpyxl writes strings starting with "=" as formulas; store a text cell like a partner's file would.
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook.active["B2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue())
    assert [plan.data["name"] for plan in result.plans] == [
        '=HYPERLINK("http://exemple.fr")',
        "@SUM(A1:A2)",
        "+33",
    ]
    csv_result = run(csv_bytes([["Code", "Libellé"], ["A1", "=1+1"], ["A2", "-2"]]), filename="a.csv")
    assert [plan.data["name"] for plan in csv_result.plans] == ["=1+1", "-2"]


def test_commit_applies_every_row_only_without_errors(programme):
    ItemsImport.applied = []
    good = xlsx_bytes([HEADER, ["A1", "Un"], ["A2", "Deux"]])
    result = run(good, programme=programme, commit=True)
    assert result.committed
    assert [item["code"] for item in ItemsImport.applied] == ["A1", "A2"]
    ItemsImport.applied = []
    bad = xlsx_bytes([HEADER, ["A1", "Un"], ["A2", "refusé"]])
    result = run(bad, programme=programme, commit=True)
    assert not result.committed
    assert ItemsImport.applied == []
    assert result.errors == [RowError(3, "Libellé", "Libellé refusé.")]


# Malicious and wrong files -----------------------------------------------------------------------------


def test_oversize_file_is_refused_before_reading(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    message = refused(b"x" * 1001, filename="gros.csv")
    assert "au-delà de la limite" in message


def test_too_many_rows(settings):
    settings.IMPORT_MAX_ROWS = 3
    message = refused(xlsx_bytes([HEADER] + [[f"A{n}", "x"] for n in range(5)]))
    assert message == "Le fichier dépasse 3 lignes : découpez-le."
    assert "dépasse 3 lignes" in refused(
        csv_bytes([HEADER] + [[f"A{n}", "x"] for n in range(5)]), filename="a.csv"
    )


def test_zip_bomb_is_refused():
    message = refused(zip_bomb_xlsx(xlsx_bytes([HEADER, ["A1", "Un"]])))
    assert "anormalement volumineux" in message


def test_uncompressed_size_limit(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    message = refused(xlsx_bytes([HEADER] + [[f"A{n}", "Libellé assez long"] for n in range(300)]))
    assert "anormalement volumineux" in message


def test_too_many_zip_entries_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(1_001):
            archive.writestr(f"x/{number}.txt", b"")
    assert "anormalement volumineux" in refused(buffer.getvalue())


@pytest.mark.parametrize("hide_after_comment", [False, True])
def test_xml_bomb_is_refused_quickly(hide_after_comment):
    data = xml_bomb_xlsx(xlsx_bytes([HEADER, ["A1", "Un"]]), hide_after_comment=hide_after_comment)
    message = refused(data)
    assert "déclarations XML interdites" in message


def test_entity_in_workbook_xml_is_refused():
    data = xlsx_bytes([HEADER])
    workbook_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    poisoned = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + workbook_xml
    assert "déclarations XML interdites" in refused(replace_member(data, "xl/workbook.xml", poisoned))


def test_not_a_workbook_renamed_xlsx():
    message = refused(b"Code;Libelle\nA1;Un\n", filename="articles.xlsx")
    assert message.startswith("« articles.xlsx » n'est pas un classeur Excel")


def test_damaged_zip_and_zip_without_workbook():
    assert "illisible ou endommagé" in refused(b"PK\x03\x04" + b"\0" * 100)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", b"hello")
    assert "illisible ou endommagé" in refused(buffer.getvalue())


def test_old_xls_ods_empty_and_unknown_formats():
    assert "Excel 97-2003" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, filename="a.xls")
    assert "Format .ods non pris en charge" in refused(b"PK\x03\x04", filename="a.ods")
    assert refused(b"", filename="a.csv") == "Le fichier est vide."
    assert "Format .pdf non pris en charge" in refused(b"%PDF-1.4", filename="a.pdf")


def test_csv_with_undecodable_bytes():
    assert "Encodage du fichier non reconnu" in refused(b"Code;Libell\x81\n", filename="a.csv")


def test_wrong_dimension_does_not_hide_rows():
    data = xlsx_bytes([HEADER, ["A1", "Un"], ["A2", "Deux"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="[A-Z0-9:]+" ?/>', b'<dimension ref="A1"/>', sheet)
    assert lying != sheet
    result = run(replace_member(data, "xl/worksheets/sheet1.xml", lying))
    assert [plan.key for plan in result.plans] == ["A1", "A2"]


def test_registry_lists_the_declared_imports_but_not_test_specs():
    specs = import_specs()
    assert {"operations", "qpv"} <= set(specs)
    assert "items-test" not in specs


def test_openpyxl_parses_with_defusedxml():
    import defusedxml.ElementTree
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse is defusedxml.ElementTree.iterparse


def test_csv_with_a_huge_cell_is_a_clear_error():
    data = b"Code;Libell\xc3\xa9\nA1;" + b'"' + b"x" * 200_000 + b'"\n'
    assert refused(data, filename="a.csv").startswith("Fichier CSV mal formé")


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=8).map(
            lambda rows: csv_bytes([["Code", "Libellé", "Montant"], *rows])
        ),
    ),
    filename=st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]),
)
def test_random_files_give_a_result_or_a_clear_refusal(content, filename):
    try:
        result = run(content, filename=filename)
    except ImportFileError as error:
        refusal = error.message
    else:
        refusal = "lu"
        assert all(error.row for error in result.errors)
    assert refusal


# Files that must be refused (issue 9, section 5) ------------------------------------------------------


@pytest.mark.parametrize("filename", ["articles.xlsx", "articles.csv"])
def test_a_header_without_any_data_row_is_refused(filename):
    rows = [["Suivi des articles"], HEADER, [None, None], ["Total", None, "0"]]
    data = xlsx_bytes(rows) if filename.endswith("xlsx") else csv_bytes(rows)
    message = refused(data, filename=filename)
    assert message.startswith("Le fichier ne contient aucune ligne de données sous l'en-tête (ligne 2")
    assert "rien à importer" in message


def test_utf8_csv_with_one_windows_1252_byte_is_refused_naming_the_line():
    data = "Code;Libellé\nA1;Démolition\nA2;Rénovation\n".encode() + b"A3;R\xe9habilitation\nA4;Fin\n"
    message = refused(data, filename="articles.csv")
    assert message.startswith(
        "Ligne 4 du fichier : un caractère n'est pas en UTF-8 (« A3;R\ufffdhabilitation »)"
    )
    assert "CSV UTF-8" in message
    # With a BOM too; and the check is made at upload, before anything is kept.
    assert refused(b"\xef\xbb\xbf" + data, filename="articles.csv").startswith("Ligne 4 du fichier")
    with pytest.raises(ImportFileError, match="Ligne 4 du fichier"):
        check_file(data, filename="articles.csv")


def test_genuine_windows_1252_and_utf8_files_are_read_as_such():
    rows = [["Code", "Libellé"], ["A1", "Réhabilitation « Île » — 12 000 €"]]
    for data in (csv_bytes(rows, encoding="cp1252"), csv_bytes(rows), csv_bytes(rows, bom=True)):
        result = run(data, filename="articles.csv")
        assert result.ok, result.errors
        assert result.plans[0].data["name"] == "Réhabilitation « Île » — 12 000 €"


def formula_without_cached_value(rows: list[list]) -> bytes:
    """A workbook as written by a program that does not calculate: formulas and no cached value."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl writes <f>…</f><v/>, like such programs
    return buffer.getvalue()


def test_a_formula_without_a_cached_value_is_refused_naming_the_cell():
    data = formula_without_cached_value(
        [HEADER, ["A1", "Premier", 100], ["A2", "Second", "=C2*2"], ["Total", None, "=SUM(C2:C3)"]]
    )
    message = refused(data)
    assert message.startswith("Feuille « Sheet », cellule(s) C3 : formule sans valeur calculée")
    assert "Ouvrez le fichier dans votre tableur" in message
    assert "enregistrez-le" in message


def test_formulas_with_their_cached_value_are_read():
    data = formula_without_cached_value([HEADER, ["A1", "Premier", 100], ["A2", "Second", "=C2*2"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    calculated = sheet.replace(b"<f>C2*2</f><v />", b"<f>C2*2</f><v>200</v>")
    assert calculated != sheet
    # A formula outside the columns read (or in the header) does not matter.
    result = run(replace_member(data, "xl/worksheets/sheet1.xml", calculated))
    assert result.ok, result.errors
    assert [plan.data["amount"] for plan in result.plans] == [Decimal(100), Decimal(200)]
    ignored = formula_without_cached_value([[*HEADER, "Note"], ["A1", "Premier", 100, None, None, "=1+1"]])
    assert run(ignored).ok
