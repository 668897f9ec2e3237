import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from projects.models import Operation, OperationStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.projects.factories import FundingLineFactory, OperationFactory, SectorFactory
from tests.utils import count_queries


@pytest.fixture
def operation_a(programme, sector_a):
    return OperationFactory(
        programme=programme, sector=sector_a, identifier="OP-A", label="Démolition tour A"
    )


@pytest.fixture
def operation_b(programme, sector_b):
    return OperationFactory(
        programme=programme, sector=sector_b, identifier="OP-B", label="Démolition tour B"
    )


def test_list_filters_by_sector_and_status(mission_client, operation_a, operation_b):
    operation_b.status = OperationStatus.TRAVAUX
    operation_b.save()
    url = reverse("projects:operation_list")
    html = mission_client.get(url).content.decode()
    assert "OP-A" in html
    assert "OP-B" in html
    html = mission_client.get(url, {"sector": operation_a.sector_id}).content.decode()
    assert "OP-A" in html
    assert "OP-B" not in html
    html = mission_client.get(url, {"status": "travaux"}).content.decode()
    assert "OP-A" not in html
    assert "OP-B" in html


def test_list_search_ignores_accents(mission_client, programme, sector_a):
    OperationFactory(programme=programme, sector=sector_a, identifier="OP-X", label="Équipement scolaire")
    html = mission_client.get(reverse("projects:operation_list"), {"q": "equipement"}).content.decode()
    assert "OP-X" in html


def test_list_htmx_returns_only_the_table(mission_client, operation_a):
    response = mission_client.get(reverse("projects:operation_list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "OP-A" in html
    assert "<html" not in html


def test_list_is_paginated_and_sortable(mission_client, programme, sector_a):
    OperationFactory.create_batch(60, programme=programme, sector=sector_a)
    html = mission_client.get(reverse("projects:operation_list")).content.decode()
    assert "60 opérations" in html
    assert len(re.findall(r'href="/operations/\d+/"', html)) == 50
    assert 'aria-label="Pagination du tableau"' in html
    response = mission_client.get(reverse("projects:operation_list"), {"sort": "-cost_excl_tax", "page": 2})
    assert response.status_code == 200


def test_list_query_count_same_for_10_and_300(mission_client, programme, sector_a):
    url = reverse("projects:operation_list")
    for operation in OperationFactory.create_batch(10, programme=programme, sector=sector_a):
        FundingLineFactory(operation=operation)
    with_10 = count_queries(mission_client, url)
    OperationFactory.create_batch(290, programme=programme, sector=sector_a)
    assert count_queries(mission_client, url) == with_10


def test_export_has_numeric_cells_and_escapes_formulas(mission_client, programme, sector_a):
    operation = OperationFactory(
        programme=programme,
        sector=sector_a,
        label='=HYPERLINK("http://x")',
        cost_excl_tax=Decimal("1234567.5"),
    )
    FundingLineFactory(operation=operation, planned=Decimal("1000"))
    response = mission_client.get(reverse("projects:operation_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("Libellé")] == '\'=HYPERLINK("http://x")'
    assert row[header.index("Coût HT (€)")] == 1234567.5
    assert row[header.index("Financements prévus (€)")] == 1000


def test_export_follows_the_filters(mission_client, operation_a, operation_b):
    response = mission_client.get(reverse("projects:operation_export"), {"sector": operation_a.sector_id})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["OP-A"]


def test_detail_shows_funding_and_edit_button_for_mission(mission_client, operation_a):
    FundingLineFactory(operation=operation_a, planned=Decimal("300000"))
    html = mission_client.get(reverse("projects:operation_detail", args=[operation_a.pk])).content.decode()
    assert "300\u202f000\u202f€" in html
    assert reverse("projects:operation_edit", args=[operation_a.pk]) in html


def _edit_data(operation, **changes):
    data = {
        "label": operation.label,
        "sector": operation.sector_id,
        "family": operation.family,
        "moa": operation.moa_id,
        "status": operation.status,
        "planned_start": "S1 2025",
        "planned_end": "S2 2027",
        "cost_excl_tax": "1 000 000",
        "eligible_base": "900000",
        "housing_demolished": 0,
        "housing_rebuilt": 0,
        "housing_rehabilitated": 0,
        "progress": 10,
    }
    data.update(changes)
    return data


def test_mission_edits_an_operation_and_history_records_it(mission_client, mission_user, operation_a):
    operation_a.programme.organisations.add(operation_a.moa)
    url = reverse("projects:operation_edit", args=[operation_a.pk])
    response = mission_client.post(
        url, _edit_data(operation_a, status="engagee", at_risk="on", at_risk_reason="Recours des riverains")
    )
    assert response.status_code == 302
    operation_a.refresh_from_db()
    assert operation_a.status == OperationStatus.ENGAGEE
    assert operation_a.at_risk
    assert operation_a.planned_start == "2025-S1"
    history = mission_client.get(
        reverse("projects:operation_history", args=[operation_a.pk])
    ).content.decode()
    assert str(mission_user) in history
    assert "Programmée → Engagée" in history
    assert "Statut" in history
    assert "Recours des riverains" in history


def test_illegal_status_change_is_refused_with_a_clear_error(mission_client, operation_a):
    operation_a.programme.organisations.add(operation_a.moa)
    url = reverse("projects:operation_edit", args=[operation_a.pk])
    response = mission_client.post(url, _edit_data(operation_a, status="soldee"))
    assert response.status_code == 200
    assert "Passage de « Programmée » à « Soldée » impossible" in response.content.decode()
    assert Operation.objects.get(pk=operation_a.pk).status == OperationStatus.PROGRAMMEE


def test_editor_limited_to_a_quartier_keeps_the_operation_in_it(
    client, programme, sector_a, sector_b, operation_a
):
    limited = MembershipFactory(
        programme=programme, role=Role.MISSION, organisation=OrganisationFactory(), sectors=[sector_a]
    ).user
    client.force_login(limited)
    operation_a.programme.organisations.add(operation_a.moa)
    url = reverse("projects:operation_edit", args=[operation_a.pk])
    form = client.get(url).content.decode()
    sector_select = form[form.index('name="sector"') :]
    sector_select = sector_select[: sector_select.index("</select>")]
    assert sector_a.name in sector_select  # only its own quartier is offered
    assert sector_b.name not in sector_select
    assert "Échelle du programme" not in sector_select
    refusals = {
        sector_b.pk: "Sélectionnez un choix valide",  # another quartier: not among the choices
        "": "que dans l&#x27;un des quartiers de votre périmètre",  # the programme's scale
    }
    for elsewhere, message in refusals.items():
        response = client.post(url, _edit_data(operation_a, sector=elsewhere, label="Déplacée"))
        assert response.status_code == 200
        assert message in response.content.decode()
    operation_a.refresh_from_db()
    assert (operation_a.sector, operation_a.label) == (sector_a, "Démolition tour A")
    response = client.post(url, _edit_data(operation_a, label="Renommée"))
    assert response.status_code == 302


def test_negative_cost_or_base_is_refused_on_its_field(mission_client, operation_a):
    operation_a.programme.organisations.add(operation_a.moa)
    url = reverse("projects:operation_edit", args=[operation_a.pk])
    for field in ("cost_excl_tax", "eligible_base"):
        response = mission_client.post(url, _edit_data(operation_a, **{field: "-5"}, label="Négative"))
        assert response.status_code == 200
        assert "Le montant ne peut être négatif." in response.content.decode()
    operation_a.refresh_from_db()
    assert operation_a.label == "Démolition tour A"


def test_list_names_the_programme_scale_as_everywhere_else(mission_client, programme):
    OperationFactory(programme=programme, sector=None, identifier="OP-PROG")
    html = mission_client.get(reverse("projects:operation_list")).content.decode()
    row = html[html.index("OP-PROG") :]
    row = row[: row.index("</tr>")]
    assert "Échelle du programme" in row


def test_at_risk_needs_a_reason(mission_client, operation_a):
    operation_a.programme.organisations.add(operation_a.moa)
    url = reverse("projects:operation_edit", args=[operation_a.pk])
    response = mission_client.post(url, _edit_data(operation_a, at_risk="on"))
    assert "Indiquez le motif du risque" in response.content.decode()


def test_sector_page_shows_timeline_and_finance(mission_client, programme, sector_a, operation_a):
    FundingLineFactory(operation=operation_a, planned=Decimal("450000"))
    SectorFactory(programme=programme)
    html = mission_client.get(reverse("projects:sector_detail", args=[sector_a.slug])).content.decode()
    assert "OP-A" in html
    assert "S1 2025" in html
    assert "S2 2027" in html
    assert "450\u202f000\u202f€" in html
    assert "data:image/svg+xml;base64," in html


def test_sector_without_funding_has_no_lone_total_row(mission_client, sector_a, operation_a):
    html = mission_client.get(reverse("projects:sector_detail", args=[sector_a.slug])).content.decode()
    table = html[html.index("Financements prévus, engagés et versés par financeur dans le quartier") :]
    table = table[: table.index("</table>")]
    assert "Aucun financement enregistré." in table
    assert "Total" not in table


def test_history_names_the_funder_and_the_nature(operation_a):
    from projects.history import operation_history

    FundingLineFactory(operation=operation_a)
    subjects = [entry.subject for entry in operation_history(operation_a)]
    assert "Financement ANRU (subvention)" in subjects
