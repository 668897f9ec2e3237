import pytest
from django.core.exceptions import ValidationError

from accounts.models import OrganisationKind
from projects.models import OperationStatus
from projects.services import operation_check_transition, operation_update, organisation_kind_guess
from tests.projects.factories import OperationFactory


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Habitat Métropole", OrganisationKind.BAILLEUR),
        ("Logis du Nord", OrganisationKind.BAILLEUR),
        ("Ville de Lille", OrganisationKind.VILLE),
        ("Métropole Européenne de Lille", OrganisationKind.EPCI),
        ("SPL Aménagement", OrganisationKind.AMENAGEUR),
        ("Action Logement Services", OrganisationKind.ACTION_LOGEMENT),
        ("Conseil régional Hauts-de-France", OrganisationKind.REGION),
        ("Conseil départemental du Nord", OrganisationKind.DEPARTEMENT),
        ("État (DSIL)", OrganisationKind.ETAT),
        ("Assemblée des habitants", OrganisationKind.AUTRE),
        ("Ensemble pour le quartier", OrganisationKind.AUTRE),
        ("SEM Ville Renouvelée", OrganisationKind.AMENAGEUR),
        ("Fondation Abbé Pierre", OrganisationKind.AUTRE),
    ],
)
def test_organisation_kind_guess(name, kind):
    assert organisation_kind_guess(name) == kind


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (OperationStatus.ETUDE, OperationStatus.PROGRAMMEE, True),
        (OperationStatus.PROGRAMMEE, OperationStatus.SOLDEE, False),
        (OperationStatus.TRAVAUX, OperationStatus.LIVREE, True),
        (OperationStatus.SOLDEE, OperationStatus.TRAVAUX, False),
        (OperationStatus.ABANDONNEE, OperationStatus.ETUDE, True),
    ],
)
def test_operation_transitions(current, target, allowed):
    if allowed:
        operation_check_transition(current=current, target=target)
    else:
        with pytest.raises(ValidationError):
            operation_check_transition(current=current, target=target)


def test_operation_update_validates_before_saving():
    operation = OperationFactory()
    with pytest.raises(ValidationError) as error:
        operation_update(operation=operation, eligible_base=operation.cost_excl_tax + 1)
    assert "eligible_base" in error.value.message_dict
    operation.refresh_from_db()
    assert operation.eligible_base < operation.cost_excl_tax


def test_operation_update_rejects_unknown_fields():
    with pytest.raises(TypeError):
        operation_update(operation=OperationFactory(), programme_id=1)
