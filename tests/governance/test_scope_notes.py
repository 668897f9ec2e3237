"""A partner limited to some quartiers is told how much of a list lies outside its scope: "7 actions hors
de votre périmètre", never a bare "Aucune action" that reads as "there is none"."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.governance.factories import ActionFactory, MeetingFactory, PublicEventFactory


def test_the_action_board_counts_the_actions_out_of_scope(partner_client_a, programme, sector_a, sector_b):
    ActionFactory(programme=programme, sector=sector_a, title="Action Moulins")
    ActionFactory.create_batch(7, programme=programme, sector=sector_b)

    html = partner_client_a.get(reverse("governance:action_board")).content.decode()

    assert "1 action · 7 actions hors de votre périmètre" in html


def test_an_empty_board_says_the_actions_are_out_of_scope(partner_client_a, programme, sector_b):
    ActionFactory.create_batch(7, programme=programme, sector=sector_b)

    html = partner_client_a.get(reverse("governance:action_board")).content.decode()

    assert (
        "Rien dans votre périmètre ne correspond à ces critères : 7 actions hors de votre périmètre." in html
    )
    assert "Aucune action ne correspond" not in html


def test_the_count_follows_the_filters(partner_client_a, programme, sector_b):
    ActionFactory.create_batch(2, programme=programme, sector=sector_b, status="a_faire")
    ActionFactory(programme=programme, sector=sector_b, status="faite")

    html = partner_client_a.get(reverse("governance:action_board"), {"status": "faite"}).content.decode()

    assert "1 action hors de votre périmètre" in html


def test_the_mission_team_gets_no_note(mission_client, programme, sector_b):
    ActionFactory(programme=programme, sector=sector_b)

    html = mission_client.get(reverse("governance:action_board")).content.decode()

    assert "hors de votre périmètre" not in html


def test_a_programme_seance_tells_a_partner_its_actions_are_out_of_scope(
    partner_client_a, programme, sector_b, cotec
):
    meeting = MeetingFactory(body=cotec)
    ActionFactory.create_batch(3, programme=programme, sector=sector_b, meeting=meeting)

    html = partner_client_a.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()

    assert "Aucune action de votre périmètre : 3 actions hors de votre périmètre." in html
    assert "Aucune action rattachée à cette séance." not in html


def test_the_seance_list_and_the_concertation_list_count_what_is_out_of_scope(
    partner_client_a, programme, sector_b, body_b
):
    MeetingFactory.create_batch(2, body=body_b)
    PublicEventFactory(
        programme=programme, sector=sector_b, held_on=timezone.localdate() - datetime.timedelta(days=3)
    )

    seances = partner_client_a.get(reverse("governance:meeting_list")).content.decode()
    events = partner_client_a.get(reverse("governance:event_list")).content.decode()

    assert "0 séances · 2 séances hors de votre périmètre" in seances
    assert "0 temps de concertation · 1 temps de concertation hors de votre périmètre" in events


def test_the_operations_list_counts_the_operations_out_of_scope(
    partner_client_a, programme, sector_a, sector_b
):
    from tests.projects.factories import OperationFactory

    OperationFactory(programme=programme, sector=sector_a)
    OperationFactory.create_batch(3, programme=programme, sector=sector_b)

    html = partner_client_a.get(reverse("projects:operation_list")).content.decode()

    assert "1 opération · 3 opérations hors de votre périmètre" in html
