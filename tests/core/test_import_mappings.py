"""Remembered mappings: a partner's columns and values mapped once per programme and kind, on the
command line (and from the preview: see test_import_mapping_views.py)."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import OrganisationKind
from core.imports import MappingSet, import_run
from core.models import ImportMapping, ImportRecord, ImportStatus, MappingType
from relogement.imports import RelogementImport
from relogement.models import Household, HouseholdStatus
from tests.accounts.factories import OrganisationFactory
from tests.data import modified_xlsx, sample_bytes, sample_path
from tests.projects.factories import OperationFactory

SAMPLE = "relogement_bailleur.xlsx"
# The catalogue's own labels: the file's "Démolition Tour Bizet" and "Démolition Plot Fauré" match none.
OPERATIONS = [
    ("DEM-01", "Démolition de la tour Mozart (120 logements)"),
    ("DEM-02", "Démolition de la barre Ravel (84 logements)"),
    ("DEM-03", "Démolition partielle de la résidence Bizet (48 logements)"),
    ("DEM-04", "Démolition de la barre Lamartine (64 logements)"),
    ("DEM-05", "Démolition de la tour Concorde 1 (96 logements)"),
]
BIZET = "--map-value=Opération:Démolition Tour Bizet=DEM-03"
FAURE = "--map-value=Opération:Démolition Plot Fauré=dem-04"


@pytest.fixture
def site(programme):
    for identifier, label in OPERATIONS:
        OperationFactory(programme=programme, identifier=identifier, label=label)
    programme.organisations.add(OrganisationFactory(name="Logis du Nord", kind=OrganisationKind.BAILLEUR))
    return programme


def command(site, *options, path=None, dry_run=False):
    args = [
        "import_xlsx",
        "relogement",
        str(path or sample_path(SAMPLE)),
        f"--programme={site.slug}",
        *options,
    ]
    call_command(*args, *(["--dry-run"] if dry_run else []))


def test_unknown_operations_are_refused_with_ready_to_paste_options(site, capsys):
    with pytest.raises(CommandError, match="34 erreur"):
        command(site, dry_run=True)

    err = capsys.readouterr().err
    assert '--map-value "Opération:Démolition Tour Bizet=DEM-03"' in err  # suggested: "Bizet"
    assert '--map-value "Opération:Démolition Plot Fauré=<code>"' in err  # nothing close
    assert "15 ligne(s)" in err


def test_mapped_values_import_and_are_remembered_for_the_next_import(site, capsys):
    command(site, BIZET, FAURE, dry_run=True)
    assert ImportMapping.objects.count() == 0  # a dry run saves nothing
    assert "60 à créer" in capsys.readouterr().out

    command(site, BIZET, FAURE)

    assert Household.objects.count() == 60
    assert Household.objects.filter(origin_operation__identifier="DEM-03").exists()
    assert Household.objects.filter(origin_operation__identifier="DEM-04").exists()
    saved = set(ImportMapping.objects.values_list("kind", "mapping_type", "field", "source", "target"))
    assert saved == {
        ("relogement", MappingType.VALUE, "origin_operation", "Démolition Tour Bizet", "DEM-03"),
        ("relogement", MappingType.VALUE, "origin_operation", "Démolition Plot Fauré", "DEM-04"),
    }
    capsys.readouterr()

    command(site)  # no option: the saved mappings apply

    assert "60 inchangée(s)" in capsys.readouterr().out
    assert ImportRecord.objects.filter(status=ImportStatus.COMMITTED).count() == 2


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--map-value=Couleur:rouge=DEM-03", "Champ « Couleur » inconnu pour l'import"),
        (
            "--map-value=Opération:Démolition Tour Bizet=DEM-99",
            "« DEM-99 » n'est pas l'identifiant d'une opération",
        ),
        (
            "--map-value=Nb adultes:deux=2",
            "Les valeurs du champ « Nb adultes » ne se mettent pas en correspondance",
        ),
        ("--map-value=Opération=DEM-03", "écrivez --map-value"),
        ("--map-column=Opération", "écrivez --map-column"),
        ("--map-column=Couleur=Programme", "Champ « Couleur » inconnu"),
    ],
)
def test_an_unknown_field_or_target_is_a_french_error(site, option, message):
    with pytest.raises(CommandError, match=message):
        command(site, option, dry_run=True)
    assert ImportMapping.objects.count() == 0


def test_a_file_refused_as_a_whole_ends_with_its_message_not_a_traceback(site, tmp_path, capsys):
    path = tmp_path / "variante.xlsx"
    path.write_bytes(
        modified_xlsx(sample_bytes(SAMPLE), {"C3": "Programme / opération", "D3": "Typo. actuelle"})
    )

    with pytest.raises(CommandError) as error:
        command(site, path=path)  # without --dry-run: this ended in KeyError: 'counts'

    assert str(error.value).startswith("Fichier refusé : Colonnes obligatoires absentes de l'en-tête")
    assert "« Opération »" in str(error.value)
    err = capsys.readouterr().err
    assert '--map-column "Opération=Programme / opération"' in err
    assert '--map-column "Typologie origine=Typo. actuelle"' in err
    assert ImportRecord.objects.get().status == ImportStatus.REJECTED


def test_mapped_columns_are_read_as_their_field(site, tmp_path, capsys):
    path = tmp_path / "variante.xlsx"
    path.write_bytes(
        modified_xlsx(sample_bytes(SAMPLE), {"C3": "Programme / opération", "D3": "Typo. actuelle"})
    )

    command(
        site,
        BIZET,
        FAURE,
        "--map-column=Opération=Programme / opération",
        "--map-column=Typologie=Typo. actuelle",  # a field named by a header it accepts
        path=path,
    )

    assert Household.objects.count() == 60
    assert not Household.objects.filter(origin_typology="").exists()
    columns = set(
        ImportMapping.objects.filter(mapping_type=MappingType.COLUMN).values_list("source", "field")
    )
    assert columns == {("Programme / opération", "origin_operation"), ("Typo. actuelle", "origin_typology")}


def test_a_vocabulary_value_is_mapped_to_its_code(site):
    data = modified_xlsx(sample_bytes(SAMPLE), {"N4": "Relogé ANRU"})
    mappings = MappingSet(
        values={"origin_operation": {"demolition tour bizet": "DEM-03", "demolition plot faure": "DEM-04"}}
    )

    refused = import_run(
        spec_class=RelogementImport, data=data, filename="s.xlsx", programme=site, mappings=mappings
    )
    assert [group["label"] for group in refused.summary()["unknown_values"]] == ["Statut"]
    assert refused.summary()["unknown_values"][0]["values"] == [
        {"value": "Relogé ANRU", "count": 1, "suggestion": ""}
    ]

    mappings.values["status"] = {"reloge anru": HouseholdStatus.REHOUSED}
    result = import_run(
        spec_class=RelogementImport, data=data, filename="s.xlsx", programme=site, mappings=mappings
    )
    assert result.ok, result.errors


def test_unknown_columns_are_listed_with_a_suggested_field(site):
    data = modified_xlsx(sample_bytes(SAMPLE), {"D3": "Typo. actuelle"})
    result = import_run(spec_class=RelogementImport, data=data, filename="s.xlsx", programme=site)
    unknown = {item["header"]: item["label"] for item in result.unknown_columns}
    assert unknown == {"Typo. actuelle": "Typologie origine", "Nb propositions": ""}


def test_operations_families_and_sectors_are_mappable(programme):
    from projects.imports import OperationsImport
    from tests.data import xlsx_bytes
    from tests.projects.factories import SectorFactory

    SectorFactory(programme=programme, name="Moulins", slug="moulins")
    data = xlsx_bytes(
        [
            ["Identifiant", "Libellé", "Famille", "Maître d'ouvrage", "Quartier"],
            ["OP-1", "Voirie du mail", "Voirie", "Lille Métropole Habitat", "Les Moulins"],
        ]
    )

    refused = import_run(spec_class=OperationsImport, data=data, filename="m.xlsx", programme=programme)
    assert {group["field"] for group in refused.summary()["unknown_values"]} == {"family", "sector"}

    mappings = MappingSet(values={"family": {"voirie": "amenagement"}, "sector": {"les moulins": "moulins"}})
    result = import_run(
        spec_class=OperationsImport, data=data, filename="m.xlsx", programme=programme, mappings=mappings
    )
    assert result.ok, result.errors
    assert result.counts["create"] == 1
