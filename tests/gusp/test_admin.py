import pytest
from django.contrib import admin
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.gusp.factories import GuspConventionFactory, ThemeFactory


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label == "gusp"])
def test_gusp_admin_pages_render(client, model):
    ThemeFactory()
    GuspConventionFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info))).status_code
    assert add == (403 if model._meta.model_name == "weeklydigest" else 200)
