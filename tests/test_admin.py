import pytest
from django.contrib import admin
from django.urls import reverse

from tests.accounts.factories import UserFactory


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label in {"accounts", "projects"}]
)
def test_admin_changelist_and_add_pages_render(superuser_client, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert superuser_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


def test_admin_is_closed_to_non_staff(mission_client):
    response = mission_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302


def test_the_admin_never_shows_a_second_factors_secret(superuser_client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    authenticator = TOTP.activate(user, secret).instance
    changelist = superuser_client.get(reverse("admin:mfa_authenticator_changelist"))
    assert reverse("admin:mfa_authenticator_change", args=[authenticator.pk]) in changelist.content.decode()
    change = superuser_client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert change.status_code == 200
    assert secret not in change.content.decode()
    assert superuser_client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    # A lost phone: the administrator deletes the authenticator, the person sets up a new one.
    superuser_client.post(reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"})
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
