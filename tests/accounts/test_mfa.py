from django.urls import reverse

from accounts.models import Membership, Role
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory


def test_mfa_setup_page_renders_in_french_with_a_qr_code(client, programme):
    membership = MembershipFactory(programme=programme, role=Role.MISSION)
    Membership.objects.filter(pk=membership.pk).update(personal_data_domains=["relogement"])
    client.post(reverse("account_login"), {"login": membership.user.email, "password": DEFAULT_PASSWORD})
    response = client.get(reverse("projects:dashboard"), follow=True)
    # allauth asks for the password again before any change of second factor
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html or "data:image" in html  # the QR code to scan
    assert 'lang="fr"' in html
    assert "Pilotage NPRU" in html


def test_mfa_index_lists_the_authenticator_types(mission_client):
    html = mission_client.get(reverse("mfa_index")).content.decode()
    assert "Aucune application d'authentification active." in html
    assert reverse("mfa_activate_totp") in html
