import pytest

from accounts.models import Role
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.governance.factories import BodyFactory


@pytest.fixture
def organisation(programme):
    organisation = OrganisationFactory(bailleur=True)
    programme.organisations.add(organisation)
    return organisation


@pytest.fixture
def body_a(programme, sector_a, organisation):
    return BodyFactory(
        programme=programme, copil=True, name="COPIL Moulins", sectors=[sector_a], members=[organisation]
    )


@pytest.fixture
def body_b(programme, sector_b):
    return BodyFactory(programme=programme, copil=True, name="COPIL Concorde", sectors=[sector_b])


@pytest.fixture
def cotec(programme):
    return BodyFactory(programme=programme, name="COTEC du programme")


@pytest.fixture
def direction_client(client, direction_user):
    client.force_login(direction_user)
    return client


@pytest.fixture
def referent_client(client, programme):
    user = MembershipFactory(programme=programme, role=Role.REFERENT, referent_domain="relogement").user
    client.force_login(user)
    return client
