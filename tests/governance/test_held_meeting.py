"""A held séance's agenda is what was discussed: no "Retirer" button, and the service refuses."""

from django.urls import reverse

from governance.models import AgendaItem
from tests.governance.factories import AgendaItemFactory, MeetingFactory


def test_a_held_seance_shows_no_retirer_and_keeps_its_agenda(mission_client, body_a):
    meeting = MeetingFactory(body=body_a, held=True)
    item = AgendaItemFactory(meeting=meeting, title="Point sur le relogement")
    url = reverse("governance:meeting_detail", args=[meeting.pk])

    page = mission_client.get(url).content.decode()
    response = mission_client.post(
        reverse("governance:agenda_item_remove", args=[meeting.pk, item.pk]), follow=True
    )

    assert "Point sur le relogement" in page
    assert "Retirer" not in page
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert "La séance a été tenue : son ordre du jour ne se modifie plus." in response.content.decode()


def test_a_planned_seance_keeps_its_retirer(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    AgendaItemFactory(meeting=meeting)

    page = mission_client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()

    assert "Retirer" in page
