import pytest
from django.contrib import admin
from django.urls import reverse

from governance.models import Meeting
from tests.accounts.factories import UserFactory
from tests.governance.factories import ActionFactory, FeedbackFactory, MeetingFactory, PublicEventFactory

GOVERNANCE_ADMIN_MODELS = [model for model in admin.site._registry if model._meta.app_label == "governance"]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", GOVERNANCE_ADMIN_MODELS, ids=lambda model: model._meta.model_name)
def test_admin_pages_render(superuser_client, model):
    MeetingFactory()
    ActionFactory()
    PublicEventFactory()
    FeedbackFactory()
    info = (model._meta.app_label, model._meta.model_name)
    assert superuser_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
        assert superuser_client.get(change).status_code == 200


def test_admin_sanitises_minutes(superuser_client):
    meeting = MeetingFactory()
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    data = {
        "body": meeting.body_id,
        "starts_at_0": "15/06/2026",
        "starts_at_1": "14:00",
        "status": meeting.status,
        "minutes": "<p>ok</p><script>alert(1)</script>",
        "agenda_items-TOTAL_FORMS": 0,
        "agenda_items-INITIAL_FORMS": 0,
        "attendances-TOTAL_FORMS": 0,
        "attendances-INITIAL_FORMS": 0,
        "decisions-TOTAL_FORMS": 0,
        "decisions-INITIAL_FORMS": 0,
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Meeting.objects.get().minutes == "<p>ok</p>"
