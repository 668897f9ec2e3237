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


def _recently_authenticated(client, user, secret=None):
    """A real login, then the password again (allauth sets up a factor and shows the codes only after a
    recent reauthentication); with `secret`, the TOTP code of the login's second step."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    if secret:
        counter = next(iter(yield_hotp_counters_from_time()))
        client.post(reverse("mfa_authenticate"), {"code": format_hotp_value(hotp_value(secret, counter))})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})


def test_recovery_codes_are_shown_on_screen_and_downloadable(client, programme):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    membership = MembershipFactory(
        programme=programme, role=Role.MISSION, personal_data_domains=["relogement"]
    )
    secret = generate_totp_secret()
    TOTP.activate(membership.user, secret)
    codes = RecoveryCodes.activate(membership.user).get_unused_codes()
    _recently_authenticated(client, membership.user, secret)
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'type="textarea"' not in html  # an <input> cannot hold the codes: the box was empty
    textarea = html.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert all(code in textarea for code in codes)
    assert reverse("mfa_download_recovery_codes") in html
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download["Content-Disposition"].startswith("attachment")
    assert codes[0] in download.content.decode()


def test_mfa_pages_say_why_a_second_factor_is_asked(client, programme):
    membership = MembershipFactory(
        programme=programme, role=Role.MISSION, personal_data_domains=["relogement"]
    )
    _recently_authenticated(client, membership.user)
    response = client.get(reverse("projects:dashboard"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp") + "?obligatoire=1"
    assert "Pourquoi un second facteur ?" in html
    assert "activez l'application d'authentification pour continuer" in html
    assert reverse("personal_data") in html
    index = client.get(reverse("mfa_index")).content.decode()
    assert "Pourquoi un second facteur ?" in index
    assert "Pilotage NPRU" in index  # the app's layout: its menu and footer
    assert "<footer" in index


def test_a_granted_person_cannot_switch_the_second_factor_off(client, programme):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    membership = MembershipFactory(
        programme=programme, role=Role.MISSION, personal_data_domains=["relogement"]
    )
    secret = generate_totp_secret()
    TOTP.activate(membership.user, secret)
    _recently_authenticated(client, membership.user, secret)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "ne peut pas être désactivée" in response.content.decode()
    assert Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists()


def test_a_person_without_the_grant_may_switch_it_off(client, programme):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    membership = MembershipFactory(programme=programme, role=Role.MISSION)
    secret = generate_totp_secret()
    TOTP.activate(membership.user, secret)
    _recently_authenticated(client, membership.user, secret)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists()


def test_the_mfa_page_offers_no_switch_off_to_a_granted_person(client, programme):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    granted = MembershipFactory(programme=programme, role=Role.MISSION, personal_data_domains=["relogement"])
    secret = generate_totp_secret()
    TOTP.activate(granted.user, secret)
    _recently_authenticated(client, granted.user, secret)

    page = client.get(reverse("mfa_index")).content.decode()

    assert reverse("mfa_deactivate_totp") not in page
    assert "Obligatoire tant que votre rattachement porte une habilitation" in page
    assert "{#" not in page  # the template's own comment stays out of the page
    assert "allauth" not in page


def test_the_mfa_page_offers_the_switch_off_without_the_grant(client, programme):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    membership = MembershipFactory(programme=programme, role=Role.MISSION)
    secret = generate_totp_secret()
    TOTP.activate(membership.user, secret)
    _recently_authenticated(client, membership.user, secret)

    assert reverse("mfa_deactivate_totp") in client.get(reverse("mfa_index")).content.decode()
