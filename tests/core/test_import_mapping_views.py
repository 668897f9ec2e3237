"""Mappings from the web: the preview's panel of unknown columns and values, and the mappings page."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from core.models import ImportMapping, ImportRecord, ImportStatus, MappingType
from relogement.models import Household
from tests.accounts.factories import MembershipFactory
from tests.core.test_import_mappings import SAMPLE, site  # noqa: F401 (fixture)
from tests.data import modified_xlsx, sample_bytes
from tests.utils import run_after_commit


@pytest.fixture
def granted_client(client, site):  # noqa: F811
    membership = MembershipFactory(programme=site, role=Role.MISSION, personal_data_domains=["relogement"])
    Authenticator.objects.create(user=membership.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(membership.user)
    return client


def upload(client, data: bytes) -> ImportRecord:
    file = io.BytesIO(data)
    file.name = "suivi.xlsx"
    with run_after_commit():
        client.post(reverse("imports:upload", args=["relogement"]), {"file": file})
    return ImportRecord.objects.order_by("-pk").first()


def save_mappings(client, record: ImportRecord, choices: dict) -> ImportRecord:
    with run_after_commit():
        response = client.post(reverse("imports:mappings_save", args=[record.pk]), choices)
    again = ImportRecord.objects.order_by("-pk").first()
    assert response.url == reverse("imports:preview", args=[again.pk])
    return again


def value_names(record: ImportRecord) -> dict[str, str]:
    """The form field of each unknown value, as the preview names it."""
    return {
        item["value"]: f"valeur-{group['field']}-{index}"
        for group in record.summary["unknown_values"]
        for index, item in enumerate(group["values"])
    }


def test_unknown_operations_are_mapped_in_the_preview_then_the_file_imports(granted_client):
    record = upload(granted_client, sample_bytes(SAMPLE))
    assert record.status == ImportStatus.REJECTED

    page = granted_client.get(reverse("imports:preview", args=[record.pk])).content.decode()
    assert "Colonnes et valeurs à mettre en correspondance" in page
    assert "Valeurs inconnues de la colonne « Opération »" in page
    assert "« Démolition Tour Bizet »" in page
    assert '<option value="DEM-03" selected>DEM-03 — Démolition partielle de la résidence Bizet' in page
    assert "« Nb propositions »" in page  # the unknown column, in the panel
    names = value_names(record)
    again = save_mappings(
        granted_client,
        record,
        {names["Démolition Tour Bizet"]: "DEM-03", names["Démolition Plot Fauré"]: "DEM-04"},
    )

    assert again.status == ImportStatus.PREVIEW
    assert again.summary["counts"]["create"] == 60
    assert ImportMapping.objects.filter(mapping_type=MappingType.VALUE).count() == 2
    with run_after_commit():
        granted_client.post(reverse("imports:confirm", args=[again.pk]))
    assert Household.objects.count() == 60

    # The next file of the same kind needs nothing more.
    assert upload(granted_client, sample_bytes(SAMPLE)).summary["counts"]["unchanged"] == 60


def test_a_missing_column_is_mapped_from_an_unknown_one(granted_client):
    data = modified_xlsx(sample_bytes(SAMPLE), {"C3": "Programme / opération", "D3": "Typo. actuelle"})
    record = upload(granted_client, data)
    assert record.status == ImportStatus.REJECTED

    page = granted_client.get(reverse("imports:preview", args=[record.pk])).content.decode()
    assert "colonnes obligatoires absentes : « Opération »" in page
    assert '<option value="origin_operation" selected>Opération (obligatoire)</option>' in page
    columns = {item["header"]: f"colonne-{i}" for i, item in enumerate(record.summary["unknown_columns"])}
    again = save_mappings(
        granted_client,
        record,
        {columns["Programme / opération"]: "origin_operation", columns["Typo. actuelle"]: "origin_typology"},
    )

    # Read with the mapped columns: what is left is the two unknown operations.
    assert again.status == ImportStatus.REJECTED
    assert [group["field"] for group in again.summary["unknown_values"]] == ["origin_operation"]
    saved = set(ImportMapping.objects.values_list("mapping_type", "source", "field"))
    assert saved == {
        (MappingType.COLUMN, "Programme / opération", "origin_operation"),
        (MappingType.COLUMN, "Typo. actuelle", "origin_typology"),
    }


def test_a_wrong_target_saves_nothing(granted_client):
    record = upload(granted_client, sample_bytes(SAMPLE))
    names = value_names(record)
    response = granted_client.post(
        reverse("imports:mappings_save", args=[record.pk]), {names["Démolition Tour Bizet"]: "DEM-99"}
    )
    assert response.url == reverse("imports:preview", args=[record.pk])
    assert ImportMapping.objects.count() == 0


def test_the_mappings_page_lists_edits_and_deletes(granted_client, site):  # noqa: F811
    record = upload(granted_client, sample_bytes(SAMPLE))
    names = value_names(record)
    save_mappings(granted_client, record, {names["Démolition Plot Fauré"]: "DEM-04"})
    mapping = ImportMapping.objects.get()

    page = granted_client.get(reverse("imports:mapping_list")).content.decode()
    assert "« Démolition Plot Fauré »" in page
    assert "DEM-04 — Démolition de la barre Lamartine" in page

    response = granted_client.post(reverse("imports:mapping_edit", args=[mapping.pk]), {"target": "DEM-03"})
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.target == "DEM-03"
    refused = granted_client.post(reverse("imports:mapping_edit", args=[mapping.pk]), {"target": "DEM-99"})
    assert refused.status_code == 200
    mapping.refresh_from_db()
    assert mapping.target == "DEM-03"

    granted_client.post(reverse("imports:mapping_delete", args=[mapping.pk]))
    assert not ImportMapping.objects.exists()


def test_another_programmes_mapping_is_not_found(granted_client):
    from core.import_mappings import mapping_column_save
    from tests.projects.factories import ProgrammeFactory

    other = mapping_column_save(
        programme=ProgrammeFactory(), kind="relogement", header="X", field_name="adults"
    )
    assert granted_client.get(reverse("imports:mapping_edit", args=[other.pk])).status_code == 404
    assert granted_client.post(reverse("imports:mapping_delete", args=[other.pk])).status_code == 404
    assert ImportMapping.objects.filter(pk=other.pk).exists()


def test_a_mapping_whose_field_is_gone_says_so_instead_of_failing(granted_client, site):  # noqa: F811
    stale = ImportMapping.objects.create(
        programme=site,
        kind="relogement",
        mapping_type=MappingType.VALUE,
        field="ancien_champ",
        source="Tour Bizet",
        source_key="tour bizet",
        target="DEM-03",
    )

    response = granted_client.get(reverse("imports:mapping_edit", args=[stale.pk]), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "« Tour Bizet » ne s&#x27;applique plus à aucun champ" in page
    assert "supprimez-la" in page


def test_the_mappings_page_reads_each_fields_targets_once(granted_client, site):  # noqa: F811
    def add_value_mappings(count: int) -> None:
        for index in range(count):
            ImportMapping.objects.create(
                programme=site,
                kind="relogement",
                mapping_type=MappingType.VALUE,
                field="origin_operation",
                source=f"Opération {count}-{index}",
                source_key=f"operation {count}-{index}",
                target="DEM-03",
            )

    add_value_mappings(2)
    with CaptureQueriesContext(connection) as two:
        granted_client.get(reverse("imports:mapping_list"))
    add_value_mappings(8)
    with CaptureQueriesContext(connection) as ten:
        granted_client.get(reverse("imports:mapping_list"))

    assert len(ten.captured_queries) == len(two.captured_queries)
