import pytest
from django.core.cache import cache

from accounts.models import Role
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory


def pytest_collection_modifyitems(config, items):
    """Every test may use the database, except browser tests which set up their own live server."""
    for item in items:
        if "live_server" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)


class UnknownTemplateVariable(str):
    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")

    def __bool__(self):
        return False  # lets `{% if missing %}` and default filters behave


@pytest.fixture(autouse=True)
def unknown_variable_template_error(settings):
    for template in settings.TEMPLATES:
        template["OPTIONS"]["string_if_invalid"] = UnknownTemplateVariable("%s")


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def programme():
    return ProgrammeFactory(name="NPRU Lille", slug="npru-lille")


@pytest.fixture
def sector_a(programme):
    return SectorFactory(programme=programme, name="Moulins", slug="moulins")


@pytest.fixture
def sector_b(programme):
    return SectorFactory(programme=programme, name="Concorde", slug="concorde")


def _member(programme, role, **kwargs):
    return MembershipFactory(
        programme=programme, role=role, organisation=OrganisationFactory(), **kwargs
    ).user


@pytest.fixture
def mission_user(programme):
    return _member(programme, Role.MISSION)


@pytest.fixture
def direction_user(programme):
    return _member(programme, Role.DIRECTION)


@pytest.fixture
def partner_user_a(programme, sector_a):
    """A partner (a landlord, say) who sees only sector A."""
    return _member(programme, Role.PARTNER, sectors=[sector_a])


@pytest.fixture
def mission_client(client, mission_user):
    client.force_login(mission_user)
    return client


@pytest.fixture
def partner_client_a(client, partner_user_a):
    client.force_login(partner_user_a)
    return client
