"""Séance forms: the operation fields are searched as you type, not rendered as every operation."""

import pytest
from django.urls import reverse

from governance.forms import AgendaItemForm
from tests.governance.factories import BodyFactory, MeetingFactory
from tests.projects.factories import OperationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(programme):
    return MeetingFactory(body=BodyFactory(programme=programme))


def test_seance_forms_render_no_option_per_operation(mission_client, programme, meeting):
    forms = [
        reverse("governance:agenda_item_add", args=[meeting.pk]),
        reverse("governance:decision_add", args=[meeting.pk]),
    ]

    def render() -> list[str]:
        return [mission_client.get(form, headers={"HX-Request": "true"}).content.decode() for form in forms]

    moa = OperationFactory(programme=programme, sector=None).moa
    few = render()
    OperationFactory.create_batch(30, programme=programme, moa=moa, sector=None)
    url = reverse("governance:meeting_operation_choices", args=[meeting.pk])
    for before, html in zip(few, render(), strict=True):
        assert html.count(f'data-autocomplete-url="{url}"') == 1
        assert html.count("<option") == before.count("<option")


def test_choices_are_accent_insensitive_paginated_and_visible_only(
    client, partner_user_a, programme, sector_a, sector_b, meeting
):
    OperationFactory(programme=programme, sector=sector_a, identifier="A-1", label="Démolition Tour Bizet")
    OperationFactory(programme=programme, sector=sector_b, identifier="B-1", label="Démolition barre Est")
    for index in range(25):
        OperationFactory(programme=programme, sector=sector_a, identifier=f"A-{index + 10}", label="Voirie")
    client.force_login(partner_user_a)
    url = reverse("governance:meeting_operation_choices", args=[meeting.pk])
    found = client.get(url, {"q": "DEMOLITION"}).json()
    assert [row["text"] for row in found["results"]] == ["A-1 — Démolition Tour Bizet"]
    first = client.get(url).json()
    assert len(first["results"]) == 20
    assert first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 6
    assert second["next"] is None


def test_choices_stay_in_the_body_sectors(mission_client, programme, sector_a, sector_b):
    body = BodyFactory(programme=programme)
    body.sectors.set([sector_a])
    meeting = MeetingFactory(body=body)
    OperationFactory(programme=programme, sector=sector_a, identifier="A-1")
    OperationFactory(programme=programme, sector=sector_b, identifier="B-1")
    url = reverse("governance:meeting_operation_choices", args=[meeting.pk])
    assert [row["text"][:3] for row in mission_client.get(url).json()["results"]] == ["A-1"]


def test_selected_operation_is_rendered_and_validation_unchanged(programme):
    operation = OperationFactory(programme=programme)
    OperationFactory.create_batch(5, programme=programme)
    form = AgendaItemForm(programme=programme, operation_url="/x/", initial={"operation": operation.pk})
    html = str(form["operation"])
    assert html.count("<option") == 2  # the empty choice and the selected operation
    assert str(operation) in html
    bound = AgendaItemForm(
        {"title": "Point", "operation": str(OperationFactory().pk)}, programme=programme, operation_url="/x/"
    )
    assert not bound.is_valid()  # an operation of another programme stays refused
    assert "operation" in bound.errors
