"""The admin gives personal-data grants as one box per registered domain (core.personal_data)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _post(membership, **changes):
    data = {
        "user": membership.user_id,
        "organisation": membership.organisation_id,
        "programme": membership.programme_id,
        "role": membership.role,
        "referent_domain": membership.referent_domain,
        "is_active": "on",
        **changes,
    }
    return data


def test_change_page_offers_each_registered_domain(superuser_client, programme):
    membership = MembershipFactory(programme=programme)
    html = superuser_client.get(reverse("admin:accounts_membership_change", args=[membership.pk])).content
    html = html.decode()
    assert 'name="personal_data_domains"' in html
    assert 'value="relogement"' in html
    assert 'value="insertion"' in html
    assert 'value="gusp"' not in html  # not registered: no box for it


def test_admin_grants_and_filters_by_domain(superuser_client, programme):
    membership = MembershipFactory(programme=programme, role=Role.MISSION)
    other = MembershipFactory(programme=programme, role=Role.MISSION)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = superuser_client.post(url, _post(membership, personal_data_domains=["relogement"]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.personal_data_domains == ["relogement"]
    assert membership.user.needs_mfa
    listing = superuser_client.get(
        reverse("admin:accounts_membership_changelist"), {"donnees_personnelles": "relogement"}
    ).content.decode()
    assert str(membership.user) in listing
    assert str(other.user) not in listing


def test_admin_refuses_a_grant_to_a_partner(superuser_client, programme):
    membership = MembershipFactory(programme=programme, role=Role.PARTNER)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = superuser_client.post(url, _post(membership, personal_data_domains=["relogement"]))
    assert response.status_code == 200
    assert "Un partenaire ne peut pas accéder aux données personnelles." in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).personal_data_domains == []
