"""The registry of personal-data domains: a domain app registers, the rest reads the registry."""

import pytest

from core import personal_data


@pytest.fixture
def photos():
    domain = personal_data.register_domain(
        key="photos_test", label="Photos GUSP", records="photos", pages="Les photos des diagnostics"
    )
    yield domain
    personal_data.unregister_domain("photos_test")


def test_relogement_registers_itself():
    domain = personal_data.get_domain("relogement")
    assert domain.label == "Relogement"
    assert domain.grant_label == "données personnelles relogement"
    assert ("relogement", "Relogement") in personal_data.domain_choices()


def test_there_is_no_insertion_domain_until_the_app_registers_it():
    assert not personal_data.is_registered("insertion")
    with pytest.raises(LookupError):
        personal_data.get_domain("insertion")


def test_a_registered_domain_is_a_valid_grant_and_a_choice(photos, programme):
    from tests.accounts.factories import MembershipFactory

    membership = MembershipFactory(programme=programme, personal_data_domains=["photos_test"])
    membership.full_clean()
    assert ("photos_test", "Photos GUSP") in personal_data.domain_choices()
    assert photos.grant_label == "données personnelles photos gusp"


def test_registering_twice_the_same_key_differently_fails(photos):
    personal_data.register_domain(
        key="photos_test", label="Photos GUSP", records="photos", pages="Les photos des diagnostics"
    )  # the same declaration again is fine (a re-import)
    with pytest.raises(ValueError, match="photos_test"):
        personal_data.register_domain(key="photos_test", label="Autre", records="x", pages="y")
