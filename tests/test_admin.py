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
