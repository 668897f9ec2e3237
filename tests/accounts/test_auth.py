import pytest
from django.urls import reverse

from accounts.models import Membership, Role, User
from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory


def test_login_with_email_reaches_dashboard(client, mission_user):
    response = client.post(
        reverse("account_login"), {"login": mission_user.email, "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("projects:dashboard")
    assert response.status_code == 200


def test_login_page_is_french_and_has_no_signup(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Connexion" in html
    assert "Adresse électronique" in html
    assert "signup" not in html


def test_signup_is_closed(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "intrus@exemple.fr",
            "password1": "UnMotDePasse-Solide-42",
            "password2": "UnMotDePasse-Solide-42",
        },
    )
    assert not User.objects.filter(email="intrus@exemple.fr").exists()


def test_repeated_failures_lock_the_account(client, settings, mission_user):
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": mission_user.email, "password": "mauvais"})
    response = client.post(url, {"login": mission_user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_personal_data_grant_requires_mfa(client, programme):
    membership = MembershipFactory(programme=programme, role=Role.REFERENT, referent_domain="relogement")
    Membership.objects.filter(pk=membership.pk).update(personal_data_domains=["relogement"])
    client.force_login(membership.user)
    response = client.get(reverse("projects:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_user_without_grant_is_not_forced_to_mfa(mission_client):
    assert mission_client.get(reverse("projects:dashboard")).status_code == 200


def test_partner_cannot_be_granted_personal_data(programme):
    from django.core.exceptions import ValidationError

    membership = MembershipFactory.build(
        programme=programme,
        user=UserFactory(),
        organisation=MembershipFactory().organisation,
        role=Role.PARTNER,
        personal_data=True,  # every registered domain
    )
    assert membership.personal_data_domains == ["insertion", "relogement"]
    with pytest.raises(ValidationError, match="partenaire"):
        membership.full_clean()


def test_a_grant_names_a_registered_domain(programme):
    from django.core.exceptions import ValidationError

    membership = MembershipFactory(programme=programme, role=Role.MISSION)
    membership.personal_data_domains = ["relogement", "relogement"]
    membership.full_clean()
    assert membership.personal_data_domains == ["relogement"]
    membership.personal_data_domains = ["gusp"]  # not registered (yet): no grant for it
    with pytest.raises(ValidationError, match="gusp"):
        membership.full_clean()


def test_needs_mfa_reads_the_grants(programme):
    membership = MembershipFactory(programme=programme, role=Role.MISSION)
    assert not membership.user.needs_mfa
    assert not membership.grants("relogement")
    membership.personal_data_domains = ["relogement"]
    membership.save()
    assert membership.user.needs_mfa
    assert membership.grants("relogement")
    assert list(Membership.objects.granted("relogement")) == [membership]


def test_session_expires_when_idle(settings):
    assert settings.SESSION_COOKIE_AGE <= 2 * 60 * 60
    assert settings.SESSION_ACTIVITY_REFRESH_SECONDS < settings.SESSION_COOKIE_AGE


def _stored_session(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_session_written_only_when_its_activity_stamp_is_old(mission_client, settings):
    """The idle timer is refreshed at most once per SESSION_ACTIVITY_REFRESH_SECONDS, not per request."""
    from accounts.middleware import IdleSessionMiddleware

    mission_client.get(reverse("projects:dashboard"))
    first = _stored_session(mission_client)
    stamp = first.get_decoded()[IdleSessionMiddleware.key]
    mission_client.get(reverse("projects:dashboard"))
    assert _stored_session(mission_client).expire_date == first.expire_date  # not written again

    session = mission_client.session
    session[IdleSessionMiddleware.key] = stamp - settings.SESSION_ACTIVITY_REFRESH_SECONDS
    session.save()
    before = _stored_session(mission_client).expire_date
    mission_client.get(reverse("projects:dashboard"))
    after = _stored_session(mission_client)
    assert after.get_decoded()[IdleSessionMiddleware.key] >= stamp
    assert after.expire_date >= before


@pytest.mark.django_db
def test_idle_session_logs_out(mission_client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(session_key=mission_client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = mission_client.get(reverse("projects:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_weak_password_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("court")
