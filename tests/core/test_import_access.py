"""Who may run which import from the web: the mission team every kind, a domain's granted referent the
imports of its domain only (`core.imports.importable_kinds`)."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import Domain, Role
from core.import_mappings import mapping_value_save
from core.models import ImportMapping, ImportRecord, ImportStatus
from insertion.models import WorkContract
from tests.accounts.factories import MembershipFactory
from tests.data import sample_bytes
from tests.insertion.test_imports import SAMPLE, SAMPLE_ROWS, site  # noqa: F401 (fixture)
from tests.utils import run_after_commit


def referent(programme, domain: str, grants: list[str]):
    membership = MembershipFactory(
        programme=programme, role=Role.REFERENT, referent_domain=domain, personal_data_domains=grants
    )
    Authenticator.objects.create(user=membership.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return membership.user


def record(programme, kind: str) -> ImportRecord:
    return ImportRecord.objects.create(
        kind=kind, programme=programme, filename=f"{kind}.xlsx", file_hash="0" * 64, status="apercu"
    )


@pytest.fixture
def insertion_referent(site):  # noqa: F811
    return referent(site, Domain.INSERTION, ["insertion"])


def test_the_insertion_referent_imports_the_facilitators_export_from_the_web(
    client,
    site,  # noqa: F811
    insertion_referent,
):
    client.force_login(insertion_referent)
    home = client.get(reverse("imports:list")).content.decode()
    assert 'href="/imports/"' in client.get(reverse("projects:dashboard")).content.decode()
    assert reverse("imports:upload", args=["insertion"]) in home
    assert reverse("imports:upload", args=["operations"]) not in home

    upload = io.BytesIO(sample_bytes(SAMPLE))
    upload.name = SAMPLE
    with run_after_commit():
        response = client.post(reverse("imports:upload", args=["insertion"]), {"file": upload})
    imported = ImportRecord.objects.get()
    assert "120 à créer" in client.get(response.url).content.decode()
    with run_after_commit():
        confirmed = client.post(reverse("imports:confirm", args=[imported.pk]))

    imported.refresh_from_db()
    assert imported.status == ImportStatus.COMMITTED
    assert WorkContract.objects.count() == SAMPLE_ROWS
    outcome = client.get(confirmed.url).content.decode()
    assert reverse("insertion:market_list") in outcome


def test_a_referent_runs_only_the_imports_of_its_own_domain(
    client,
    site,  # noqa: F811
    insertion_referent,
):
    operations = record(site, "operations")
    households = record(site, "relogement")
    client.force_login(insertion_referent)

    assert client.get(reverse("imports:upload", args=["operations"])).status_code == 403
    assert client.get(reverse("imports:upload", args=["relogement"])).status_code == 403
    assert client.get(reverse("imports:preview", args=[operations.pk])).status_code == 403
    assert client.get(reverse("imports:preview", args=[households.pk])).status_code == 403
    assert client.post(reverse("imports:confirm", args=[operations.pk])).status_code == 403
    listed = client.get(reverse("imports:list")).content.decode()
    assert "operations.xlsx" not in listed
    assert "relogement.xlsx" not in listed


def test_a_referent_needs_its_grant_and_a_domain_it_writes(client, site):  # noqa: F811
    ungranted = referent(site, Domain.INSERTION, [])
    granted_elsewhere = referent(site, Domain.RELOGEMENT, ["insertion"])  # reads insertion, writes relogement
    for user in (ungranted, granted_elsewhere):
        client.force_login(user)
        assert client.get(reverse("imports:list")).status_code == 403
        assert client.get(reverse("imports:upload", args=["insertion"])).status_code == 403
        assert 'href="/imports/"' not in client.get(reverse("projects:dashboard")).content.decode()


def test_the_relogement_referent_imports_the_landlords_workbooks(client, site):  # noqa: F811
    client.force_login(referent(site, Domain.RELOGEMENT, ["relogement"]))

    assert client.get(reverse("imports:upload", args=["relogement"])).status_code == 200
    assert client.get(reverse("imports:upload", args=["insertion"])).status_code == 403


def test_a_referent_sees_and_edits_only_the_mappings_of_its_imports(
    client,
    site,  # noqa: F811
    insertion_referent,
):
    mine = mapping_value_save(
        programme=site, kind="insertion", field_name="operation", value="Parc", target="AME-01"
    )
    other = mapping_value_save(
        programme=site, kind="relogement", field_name="origin_operation", value="Tour Bizet", target="DEM-01"
    )
    client.force_login(insertion_referent)

    listed = client.get(reverse("imports:mapping_list")).content.decode()
    assert "Parc" in listed
    assert "Tour Bizet" not in listed
    assert client.get(reverse("imports:mapping_edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("imports:mapping_edit", args=[other.pk])).status_code == 404
    client.post(reverse("imports:mapping_delete", args=[other.pk]))
    assert ImportMapping.objects.filter(pk=other.pk).exists()


def test_the_mission_team_without_a_grant_gets_no_link_it_cannot_open(client, site):  # noqa: F811
    households = record(site, "relogement")
    operations = record(site, "operations")
    client.force_login(MembershipFactory(programme=site, role=Role.MISSION).user)

    listed = client.get(reverse("imports:list")).content.decode()

    assert reverse("imports:upload", args=["operations"]) in listed
    assert reverse("imports:upload", args=["relogement"]) not in listed
    assert reverse("imports:preview", args=[operations.pk]) in listed
    assert reverse("imports:preview", args=[households.pk]) not in listed
    assert "relogement.xlsx <span" in listed
    assert "réservé aux personnes habilitées" in listed
