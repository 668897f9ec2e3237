"""Operations created, and their funding lines, milestones, conventions and avenants edited from the pages
(issue 9, section 1): through the services, with French errors on the fields, written to history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.history import operation_history
from projects.models import Amendment, Convention, FundingLine, Milestone, Operation
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import (
    AmendmentFactory,
    ConventionFactory,
    FundingLineFactory,
    MilestoneFactory,
    OperationFactory,
)


@pytest.fixture
def operation(programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a, identifier="OP-A")
    programme.organisations.add(operation.moa)
    return operation


@pytest.fixture
def region(programme):
    region = OrganisationFactory(name="Région Hauts-de-France")
    programme.organisations.add(region)
    return region


def _detail(client, operation) -> str:
    return client.get(reverse("projects:operation_detail", args=[operation.pk])).content.decode()


# --- Operations -----------------------------------------------------------------------------------


def test_mission_creates_an_operation_from_the_list(mission_client, programme, sector_a, operation):
    listing = mission_client.get(reverse("projects:operation_list")).content.decode()
    assert "Nouvelle opération" in listing
    response = mission_client.post(
        reverse("projects:operation_create"),
        {
            "identifier": "OP-NEW",
            "label": "Réhabilitation résidence Les Tilleuls",
            "sector": sector_a.pk,
            "family": "requalification",
            "moa": operation.moa_id,
            "status": "etude",
            "planned_start": "S1 2027",
            "planned_end": "S2 2028",
            "cost_excl_tax": "2 500 000",
            "eligible_base": "2000000",
            "housing_demolished": 0,
            "housing_rebuilt": 0,
            "housing_rehabilitated": 120,
            "progress": 0,
        },
    )
    created = Operation.objects.get(programme=programme, identifier="OP-NEW")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:operation_detail", args=[created.pk])
    assert created.planned_end == "2028-S2"
    assert created.cost_excl_tax == Decimal("2500000")


def test_an_operation_identifier_taken_is_refused_in_french(mission_client, operation):
    response = mission_client.post(
        reverse("projects:operation_create"), {"identifier": "OP-A", "label": "Doublon"}
    )
    assert response.status_code == 200
    assert "Une opération du programme porte déjà cet identifiant." in response.content.decode()
    assert Operation.objects.filter(identifier="OP-A").count() == 1


def test_partner_sees_no_new_operation_button(partner_client_a, operation):
    assert (
        "Nouvelle opération" not in partner_client_a.get(reverse("projects:operation_list")).content.decode()
    )


# --- Funding lines ----------------------------------------------------------------------------------


def test_mission_adds_edits_and_deletes_a_funding_line(mission_client, operation, region):
    assert "Ajouter une ligne de financement" in _detail(mission_client, operation)
    response = mission_client.post(
        reverse("projects:funding_line_add", args=[operation.pk]),
        {"funder": region.pk, "kind": "subvention", "planned": "500 000", "committed": "200000", "paid": "0"},
    )
    assert response.status_code == 302
    line = FundingLine.objects.get(operation=operation, funder=region)
    assert (line.planned, line.committed, line.paid) == (Decimal(500000), Decimal(200000), Decimal(0))
    assert reverse("projects:funding_line_edit", args=[operation.pk, line.pk]) in _detail(
        mission_client, operation
    )

    response = mission_client.post(
        reverse("projects:funding_line_edit", args=[operation.pk, line.pk]),
        {
            "funder": region.pk,
            "kind": "subvention",
            "planned": "500000",
            "committed": "300000",
            "paid": "150000",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.paid == Decimal(150000)

    url = reverse("projects:funding_line_delete", args=[operation.pk, line.pk])
    # « la ligne de financement Région (subvention) », as the history names it: no capital mid-sentence
    assert (
        f"Supprimer la ligne de financement {region.name} (subvention)"
        in mission_client.get(url).content.decode()
    )
    assert mission_client.post(url).status_code == 302
    assert not FundingLine.objects.filter(pk=line.pk).exists()


def test_a_negative_amount_is_not_reported_as_a_duplicate_line(mission_client, operation, region):
    response = mission_client.post(
        reverse("projects:funding_line_add", args=[operation.pk]),
        {"funder": region.pk, "kind": "subvention", "planned": "-5", "committed": "0", "paid": "0"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le montant ne peut être négatif." in html
    assert "déjà une ligne de cette nature" not in html
    assert not FundingLine.objects.filter(operation=operation, funder=region).exists()


def test_paid_above_committed_is_refused_on_the_paid_field(mission_client, operation, region):
    response = mission_client.post(
        reverse("projects:funding_line_add", args=[operation.pk]),
        {
            "funder": region.pk,
            "kind": "subvention",
            "planned": "500000",
            "committed": "100000",
            "paid": "120000",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_paid_error_1">Le montant versé ne peut dépasser le montant engagé.' in html
    assert not FundingLine.objects.filter(operation=operation).exists()


def test_the_paid_rule_holds_in_the_services_imports_use(operation, region):
    line = services.funding_line_create(
        operation=operation, funder=region, kind="subvention", committed=Decimal(100)
    )
    for write in (
        lambda: services.funding_line_update(line=line, paid=Decimal(101)),
        lambda: services.funding_line_set(
            operation=operation, funder=region, kind="subvention", paid=Decimal(101)
        ),
    ):
        with pytest.raises(ValidationError) as error:
            write()
        assert error.value.message_dict == {"paid": ["Le montant versé ne peut dépasser le montant engagé."]}
    line.refresh_from_db()
    assert line.paid == 0


def test_a_second_line_of_the_same_funder_and_nature_names_the_funder(mission_client, operation, region):
    FundingLineFactory(operation=operation, funder=region)
    response = mission_client.post(
        reverse("projects:funding_line_add", args=[operation.pk]),
        {"funder": region.pk, "kind": "subvention", "planned": "1", "committed": "0", "paid": "0"},
    )
    assert response.status_code == 200
    assert "Ce financeur a déjà une ligne de cette nature sur l&#x27;opération" in response.content.decode()
    assert FundingLine.objects.filter(operation=operation).count() == 1


def test_a_negative_amount_is_refused_in_french(mission_client, operation, region):
    response = mission_client.post(
        reverse("projects:funding_line_add", args=[operation.pk]),
        {"funder": region.pk, "kind": "pret", "planned": "-5", "committed": "0", "paid": "0"},
    )
    assert "Le montant ne peut être négatif." in response.content.decode()
    assert not FundingLine.objects.filter(operation=operation).exists()


def test_a_line_of_another_operation_answers_404(mission_client, programme, operation):
    other_line = FundingLineFactory(operation=OperationFactory(programme=programme))
    url = reverse("projects:funding_line_edit", args=[operation.pk, other_line.pk])
    assert mission_client.get(url).status_code == 404


# --- Milestones ---------------------------------------------------------------------------------------


def test_mission_adds_marks_done_and_deletes_a_milestone(mission_client, operation):
    response = mission_client.post(
        reverse("projects:milestone_add", args=[operation.pk]),
        {"label": "Ordre de service travaux", "due_on": "2026-03-01"},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(operation=operation)
    assert not milestone.done
    html = _detail(mission_client, operation)
    assert "Ordre de service travaux" in html
    assert "En retard" in html

    response = mission_client.post(
        reverse("projects:milestone_edit", args=[operation.pk, milestone.pk]),
        {"label": "Ordre de service travaux", "due_on": "2026-03-01", "done": "on", "done_on": "2026-03-15"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 3, 15)
    assert "Réalisé" in _detail(mission_client, operation)

    assert (
        mission_client.post(
            reverse("projects:milestone_delete", args=[operation.pk, milestone.pk])
        ).status_code
        == 302
    )
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_done_milestone_needs_its_date(mission_client, operation):
    response = mission_client.post(
        reverse("projects:milestone_add", args=[operation.pk]),
        {"label": "Réception", "due_on": "2026-03-01", "done": "on"},
    )
    assert response.status_code == 200
    assert "Indiquez la date de réalisation du jalon." in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_milestone_is_not_done_in_the_future(mission_client, operation):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = mission_client.post(
        reverse("projects:milestone_add", args=[operation.pk]),
        {"label": "Réception", "due_on": "2026-03-01", "done": "on", "done_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "Un jalon ne peut être réalisé à une date future" in response.content.decode()
    assert not Milestone.objects.filter(operation=operation).exists()


def test_a_milestone_without_due_date_is_refused_in_french(mission_client, operation):
    response = mission_client.post(
        reverse("projects:milestone_add", args=[operation.pk]), {"label": "Réception"}
    )
    assert response.status_code == 200
    assert "Échéance prévue</a> : Ce champ est obligatoire." in response.content.decode()


# --- Conventions and avenants ---------------------------------------------------------------------------


def test_mission_creates_and_edits_a_convention(mission_client, programme):
    response = mission_client.post(
        reverse("projects:convention_create"),
        {
            "kind": "convention",
            "title": "Convention NPNRU de la Métropole",
            "reference": "C-2020-12",
            "signed_on": "2020-03-12",
        },
    )
    assert response.status_code == 302
    convention = Convention.objects.get(programme=programme)
    assert convention.signed_on == datetime.date(2020, 3, 12)
    response = mission_client.post(
        reverse("projects:convention_edit", args=[convention.pk]),
        {
            "kind": "convention",
            "title": "Convention NPNRU",
            "signed_on": "2020-03-12",
            "ends_on": "2019-01-01",
        },
    )
    assert response.status_code == 200
    assert "L&#x27;échéance précède la date de signature." in response.content.decode()
    convention.refresh_from_db()
    assert convention.title == "Convention NPNRU de la Métropole"
    html = mission_client.get(reverse("projects:convention_list")).content.decode()
    assert "Convention NPNRU de la Métropole" in html
    assert reverse("projects:amendment_create", args=[convention.pk]) in html


def test_mission_adds_and_edits_an_amendment(mission_client, programme):
    convention = ConventionFactory(programme=programme)
    AmendmentFactory(convention=convention, number=1)
    url = reverse("projects:amendment_create", args=[convention.pk])
    assert 'value="2"' in mission_client.get(url).content.decode()
    response = mission_client.post(url, {"number": 1, "kind": "local", "subject": "Calendrier"})
    assert response.status_code == 200
    assert "Cette convention a déjà un avenant n° 1." in response.content.decode()
    response = mission_client.post(
        url, {"number": 2, "kind": "national", "subject": "Ajout de la résidence Les Tilleuls"}
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(convention=convention, number=2)
    response = mission_client.post(
        reverse("projects:amendment_edit", args=[convention.pk, amendment.pk]),
        {
            "number": 2,
            "kind": "national",
            "subject": "Ajout de la résidence Les Tilleuls",
            "signed_on": "2025-11-04",
        },
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.signed_on == datetime.date(2025, 11, 4)


def test_amendment_numbered_from_one_and_signed_after_its_convention(mission_client, programme):
    convention = ConventionFactory(programme=programme, signed_on=datetime.date(2019, 11, 22))
    url = reverse("projects:amendment_create", args=[convention.pk])
    response = mission_client.post(url, {"number": 0, "kind": "local", "subject": "Calendrier"})
    assert response.status_code == 200
    assert "Les avenants sont numérotés à partir de 1." in response.content.decode()
    response = mission_client.post(
        url, {"number": 1, "kind": "local", "subject": "Calendrier", "signed_on": "2019-06-30"}
    )
    assert response.status_code == 200
    assert "ne peut être signé avant la convention (22/11/2019)" in response.content.decode()
    assert not Amendment.objects.filter(convention=convention).exists()


def test_convention_cannot_be_signed_after_one_of_its_amendments(mission_client, programme):
    convention = ConventionFactory(programme=programme, signed_on=datetime.date(2019, 11, 22))
    AmendmentFactory(convention=convention, number=1, signed_on=datetime.date(2021, 10, 14))
    response = mission_client.post(
        reverse("projects:convention_edit", args=[convention.pk]),
        {"kind": convention.kind, "title": convention.title, "signed_on": "2022-01-10"},
    )
    assert response.status_code == 200
    assert "avenant n° 1 a été signé avant cette date (le 14/10/2021)" in response.content.decode()
    convention.refresh_from_db()
    assert convention.signed_on == datetime.date(2019, 11, 22)


def test_partner_reads_conventions_without_edit_links(partner_client_a, programme):
    convention = ConventionFactory(programme=programme, title="Convention pluriannuelle de Roubaix")
    html = partner_client_a.get(reverse("projects:convention_list")).content.decode()
    assert "Convention pluriannuelle de Roubaix" in html
    assert reverse("projects:convention_edit", args=[convention.pk]) not in html
    assert "Nouvelle convention" not in html


def test_conventions_and_amendments_are_tracked_in_history(programme):
    convention = services.convention_create(programme=programme, kind="convention", title="Convention")
    services.convention_update(convention=convention, title="Convention NPNRU")
    amendment = services.amendment_create(convention=convention, number=1, kind="local", subject="Calendrier")
    assert [event.title for event in convention.events.order_by("pgh_id")] == [
        "Convention",
        "Convention NPNRU",
    ]
    assert amendment.events.count() == 1


# --- History ----------------------------------------------------------------------------------------------


def test_history_shows_funding_and_milestone_changes(mission_client, mission_user, operation, region):
    mission_client.post(
        reverse("projects:funding_line_add", args=[operation.pk]),
        {"funder": region.pk, "kind": "subvention", "planned": "500000", "committed": "0", "paid": "0"},
    )
    line = FundingLine.objects.get(operation=operation)
    mission_client.post(
        reverse("projects:funding_line_edit", args=[operation.pk, line.pk]),
        {"funder": region.pk, "kind": "subvention", "planned": "500000", "committed": "250000", "paid": "0"},
    )
    mission_client.post(
        reverse("projects:milestone_add", args=[operation.pk]),
        {"label": "Démarrage chantier", "due_on": "2027-01-15"},
    )
    milestone = Milestone.objects.get(operation=operation)
    mission_client.post(reverse("projects:milestone_delete", args=[operation.pk, milestone.pk]))
    html = mission_client.get(reverse("projects:operation_history", args=[operation.pk])).content.decode()
    assert "Financement Région Hauts-de-France (subvention)" in html
    assert "Engagé</strong> : 0\u202f€ → 250\u202f000\u202f€" in html
    assert "Prévu</strong> : 500\u202f000\u202f€" in html
    assert "Création — Jalon « Démarrage chantier »" in html
    assert "Suppression — Jalon « Démarrage chantier »" in html
    assert "Échéance</strong> : 15/01/2027" in html
    assert str(mission_user) in html


def _changes(operation) -> dict[str, tuple[str, str]]:
    entry = next(entry for entry in operation_history(operation) if entry.what == "Modification")
    return {change.field: (change.before, change.after) for change in entry.changes}


def test_history_reads_like_a_person_wrote_it(programme, sector_a, sector_b, operation):
    operation.planned_end = "2027-S1"
    operation.location = ""
    operation.save()
    services.operation_update(
        operation=operation,
        at_risk=True,
        at_risk_reason="Recours",
        planned_end="2027-S2",
        location="Rue Jean Jaurès",
        status="engagee",
        sector=sector_b,
        eligible_base=Decimal("800000"),
    )
    changes = _changes(operation)
    assert changes["Livraison à risque"] == ("Non", "Oui")
    assert changes["Fin prévue"] == ("S1 2027", "S2 2027")
    assert changes["Localisation"] == ("(vide)", "Rue Jean Jaurès")
    assert changes["Statut"] == ("Programmée", "Engagée")
    assert changes["Quartier"] == (sector_a.name, sector_b.name)
    assert changes["Motif du risque"] == ("(vide)", "Recours")
    assert changes["Base subventionnable"][1] == "800\u202f000\u202f€"
    for before, after in changes.values():
        for text in (before, after):
            assert text
            assert text not in {"False", "True", "None"}
            assert "-S" not in text


def test_history_leaves_out_changes_that_read_the_same(operation):
    operation.actual_start = ""
    operation.save()
    Operation.objects.filter(pk=operation.pk).update(actual_start="")
    services.operation_update(operation=operation, label="Nouveau libellé", actual_start="")
    changes = _changes(operation)
    assert set(changes) == {"Libellé"}


def test_history_writes_dates_and_amount_of_a_milestone_move(operation):
    milestone = MilestoneFactory(operation=operation, due_on=datetime.date(2027, 1, 15))
    services.milestone_update(milestone=milestone, due_on=datetime.date(2027, 3, 1), done_on=None)
    services.milestone_update(milestone=milestone, done_on=datetime.date(2027, 3, 2))
    entries = [entry for entry in operation_history(operation) if entry.subject.startswith("Jalon")]
    changes = [(change.field, change.before, change.after) for entry in entries for change in entry.changes]
    assert ("Réalisé le", "(vide)", "02/03/2027") in changes
    assert ("Échéance", "15/01/2027", "01/03/2027") in changes


def test_a_created_line_lists_its_amounts_in_the_forms_order(operation, region):
    services.funding_line_create(
        operation=operation,
        funder=region,
        kind="subvention",
        planned=Decimal(9),
        committed=Decimal(5),
        paid=Decimal(1),
    )
    entry = next(entry for entry in operation_history(operation) if entry.subject.startswith("Financement"))
    assert [(change.field, change.after) for change in entry.changes] == [
        ("Prévu", "9\u202f€"),
        ("Engagé", "5\u202f€"),
        ("Versé", "1\u202f€"),
    ]


def test_an_updated_line_lists_its_changes_in_the_forms_order(operation, region):
    line = services.funding_line_create(
        operation=operation, funder=region, kind="subvention", planned=Decimal(9)
    )
    services.funding_line_update(line=line, paid=Decimal(1), committed=Decimal(5), planned=Decimal(8))
    entry = next(entry for entry in operation_history(operation) if entry.subject.startswith("Financement"))
    assert [change.field for change in entry.changes] == ["Prévu", "Engagé", "Versé"]
