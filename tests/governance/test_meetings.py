import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, Attendance, AttendanceStatus, Decision, Meeting, MeetingStatus
from projects.models import Confidentiality, Document
from tests.governance.factories import AgendaItemFactory, BodyFactory, DecisionFactory, MeetingFactory
from tests.utils import count_queries


def _this_month_at(day: int, hour: int = 10) -> datetime.datetime:
    today = timezone.localdate()
    return datetime.datetime(today.year, today.month, day, hour, 0, tzinfo=timezone.get_current_timezone())


# --- Calendar ---------------------------------------------------------------------------------------


def test_calendar_shows_the_month_grid_with_meetings(mission_client, body_a):
    MeetingFactory(body=body_a, starts_at=_this_month_at(12))
    html = mission_client.get(reverse("governance:meeting_calendar")).content.decode()
    assert "<caption>Séances de" in html
    assert '<th scope="col"><abbr title="lundi">lun.</abbr></th>' in html
    assert "10:00 COPIL Moulins" in html
    assert 'aria-current="date"' in html
    assert "Mois en cours" not in html  # already on it
    assert "Liste des séances de" in html


def test_calendar_previous_and_next_month_with_htmx(mission_client, body_a):
    MeetingFactory(
        body=body_a, starts_at=datetime.datetime(2025, 2, 14, 9, 30, tzinfo=timezone.get_current_timezone())
    )
    url = reverse("governance:meeting_calendar")
    response = mission_client.get(url, {"mois": "2025-02"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "février 2025" in html
    assert "09:30 COPIL Moulins" in html
    assert "?mois=2025-01" in html
    assert "?mois=2025-03" in html
    # December wraps to the next year
    html = mission_client.get(url, {"mois": "2025-12"}).content.decode()
    assert "?mois=2026-01" in html
    assert "janvier 2026" in html


def test_calendar_ignores_a_malformed_month(mission_client):
    response = mission_client.get(reverse("governance:meeting_calendar"), {"mois": "2025-13"})
    assert response.status_code == 200


def test_calendar_filters_by_body_and_sector(mission_client, body_a, body_b, cotec, sector_a):
    MeetingFactory(body=body_a, starts_at=_this_month_at(5))
    MeetingFactory(body=body_b, starts_at=_this_month_at(6))
    MeetingFactory(body=cotec, starts_at=_this_month_at(7))
    url = reverse("governance:meeting_calendar")
    html = mission_client.get(url, {"body": body_b.pk}).content.decode()
    assert "COPIL Concorde" in html.split("<tbody>")[1]
    assert "COPIL Moulins</a>" not in html
    html = mission_client.get(url, {"sector": sector_a.pk}).content.decode()
    assert "COPIL Moulins" in html
    assert "COTEC du programme" in html  # programme-wide bodies concern every sector
    assert "10:00 COPIL Concorde" not in html


def test_partner_calendar_shows_only_its_bodies(partner_client_a, body_a, body_b, cotec):
    MeetingFactory(body=body_a, starts_at=_this_month_at(5))
    MeetingFactory(body=body_b, starts_at=_this_month_at(6))
    MeetingFactory(body=cotec, starts_at=_this_month_at(7))
    html = partner_client_a.get(reverse("governance:meeting_calendar")).content.decode()
    assert "COPIL Moulins" in html
    assert "COTEC du programme" in html
    assert "COPIL Concorde" not in html
    assert "Planifier une séance" not in html


def test_calendar_shows_the_personal_feed_url(mission_client, mission_user):
    from governance.ics import feed_token

    html = mission_client.get(reverse("governance:meeting_calendar")).content.decode()
    assert f"/gouvernance/agenda/{feed_token(mission_user)}.ics" in html


def test_calendar_query_count_is_the_same_for_10_and_200_meetings(mission_client, programme, sector_a):
    bodies = [BodyFactory(programme=programme, sectors=[sector_a]) for _ in range(3)]
    url = reverse("governance:meeting_calendar")
    for index in range(10):
        MeetingFactory(body=bodies[index % 3], starts_at=_this_month_at(1 + index % 28))
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(mission_client, url)
    for index in range(190):
        MeetingFactory(body=bodies[index % 3], starts_at=_this_month_at(1 + index % 28, hour=8 + index % 10))
    assert count_queries(mission_client, url) == with_10


# --- List -------------------------------------------------------------------------------------------


def test_meeting_list_filters_and_counts(mission_client, body_a, body_b):
    MeetingFactory(body=body_a)
    MeetingFactory(body=body_b, held=True)
    url = reverse("governance:meeting_list")
    assert "2 séances" in mission_client.get(url).content.decode()
    html = mission_client.get(url, {"period": "passees"}).content.decode()
    assert "1 séance" in html
    assert "COPIL Concorde" in html.split("meetings-table")[1]
    html = mission_client.get(url, {"status": "tenue"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html


def test_meeting_list_query_count_same_for_10_and_100(mission_client, body_a):
    url = reverse("governance:meeting_list")
    for meeting in MeetingFactory.create_batch(10, body=body_a):
        DecisionFactory(meeting=meeting)
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(mission_client, url)
    MeetingFactory.create_batch(90, body=body_a)
    assert count_queries(mission_client, url) == with_10


# --- Create, edit, status ---------------------------------------------------------------------------


def test_mission_schedules_a_meeting(mission_client, body_a):
    url = reverse("governance:meeting_create")
    assert "COPIL Moulins" in mission_client.get(url, {"instance": body_a.pk}).content.decode()
    response = mission_client.post(
        url,
        {
            "body": body_a.pk,
            "starts_at": "2026-06-15T14:00",
            "ends_at": "2026-06-15T16:30",
            "place": "Mairie",
        },
    )
    meeting = Meeting.objects.get(body=body_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:meeting_detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert meeting.status == MeetingStatus.PLANNED


def test_schedule_form_errors_are_in_french_and_name_the_field(mission_client, body_a):
    response = mission_client.post(
        reverse("governance:meeting_create"),
        {"body": body_a.pk, "starts_at": "2026-06-15T14:00", "ends_at": "2026-06-15T13:00"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in html
    assert "Fin</a> : La fin doit suivre le début de la séance." in html
    response = mission_client.post(reverse("governance:meeting_create"), {"body": body_a.pk, "starts_at": ""})
    assert "Début</a> : Ce champ est obligatoire." in response.content.decode()


def test_edit_offers_only_allowed_statuses_and_refuses_illegal_ones(mission_client, body_a):
    meeting = MeetingFactory(body=body_a, cancelled=True)
    url = reverse("governance:meeting_edit", args=[meeting.pk])
    form = mission_client.get(url).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["prevue", "annulee"]
    data = {"starts_at": "2026-06-15T14:00", "place": "Mairie", "status": "tenue", "minutes": ""}
    response = mission_client.post(url, data)
    assert "Statut</a> : Sélectionnez un choix valide." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_minutes_are_sanitised_on_save_and_shown(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    data = {
        "starts_at": "2026-06-15T14:00",
        "status": "tenue",
        "minutes": '<p onclick="x()">Relevé <strong>validé</strong></p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">lien</a><a rel="attachment" href="file:///etc/passwd">f</a>',
    }
    response = mission_client.post(reverse("governance:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert "<script" not in meeting.minutes
    assert "onclick" not in meeting.minutes
    assert "javascript:" not in meeting.minutes
    assert "file:" not in meeting.minutes
    html = mission_client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Relevé <strong>validé</strong>" in html
    assert "alert(1)" not in html


def test_minutes_stored_unsafe_by_another_path_are_sanitised_at_display(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    Meeting.objects.filter(pk=meeting.pk).update(minutes="<p>ok</p><img src=x onerror=alert(1)>")
    html = mission_client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "<p>ok</p>" in html
    assert "onerror" not in html


def test_minutes_file_upload_type_is_checked_and_downloadable(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    url = reverse("governance:meeting_edit", args=[meeting.pk])
    data = {"starts_at": "2026-06-15T14:00", "status": "prevue", "minutes": ""}
    bad = SimpleUploadedFile("cr.exe", b"MZ", content_type="application/octet-stream")
    response = mission_client.post(url, {**data, "minutes_file": bad})
    assert "Type de fichier « .exe » refusé" in response.content.decode()
    good = SimpleUploadedFile("cr.pdf", b"%PDF-1.4 cr", content_type="application/pdf")
    assert mission_client.post(url, {**data, "minutes_file": good}).status_code == 302
    response = mission_client.get(reverse("governance:meeting_minutes_download", args=[meeting.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 cr"


def test_direction_and_partner_cannot_edit(direction_client, body_a):
    meeting = MeetingFactory(body=body_a)
    assert direction_client.get(reverse("governance:meeting_edit", args=[meeting.pk])).status_code == 403
    html = direction_client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Modifier la séance" not in html
    assert "Ajouter une décision" not in html
    response = direction_client.post(
        reverse("governance:decision_add", args=[meeting.pk]), {"decision-text": "x"}
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


# --- Agenda, attendance, decisions, documents -------------------------------------------------------


def test_agenda_items_are_added_in_order_and_removed(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    url = reverse("governance:agenda_item_add", args=[meeting.pk])
    mission_client.post(url, {"odj-title": "Avancement des démolitions"})
    mission_client.post(url, {"odj-title": "Relogement"})
    items = list(meeting.agenda_items.order_by("order"))
    assert [(item.order, item.title) for item in items] == [
        (1, "Avancement des démolitions"),
        (2, "Relogement"),
    ]
    response = mission_client.post(url, {"odj-title": ""}, follow=True)
    assert "Point non ajouté. Point : Ce champ est obligatoire." in response.content.decode()
    mission_client.post(reverse("governance:agenda_item_remove", args=[meeting.pk, items[0].pk]))
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Relogement"]


def test_cannot_remove_an_item_of_another_meeting(mission_client, body_a):
    meeting, other = MeetingFactory(body=body_a), MeetingFactory(body=body_a)
    item = AgendaItemFactory(meeting=other)
    response = mission_client.post(reverse("governance:agenda_item_remove", args=[meeting.pk, item.pk]))
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_attendance_is_set_once_per_organisation(mission_client, body_a, organisation):
    meeting = MeetingFactory(body=body_a)
    url = reverse("governance:attendance_set", args=[meeting.pk])
    mission_client.post(url, {"presence-organisation": organisation.pk, "presence-status": "present"})
    mission_client.post(
        url,
        {
            "presence-organisation": organisation.pk,
            "presence-status": "excuse",
            "presence-attendee": "Directeur du patrimoine",
        },
    )
    attendance = Attendance.objects.get(meeting=meeting)
    assert attendance.status == AttendanceStatus.EXCUSED
    assert attendance.attendee == "Directeur du patrimoine"
    html = mission_client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Directeur du patrimoine" in html
    assert "Excusé" in html


def test_decisions_are_recorded_and_edited(mission_client, body_a, sector_a):
    meeting = MeetingFactory(body=body_a, held=True)
    mission_client.post(
        reverse("governance:decision_add", args=[meeting.pk]),
        {"decision-text": "Le COPIL valide le plan de relogement.", "decision-sector": sector_a.pk},
    )
    decision = Decision.objects.get(meeting=meeting)
    assert decision.order == 1
    assert decision.sector == sector_a
    url = reverse("governance:decision_edit", args=[decision.pk])
    response = mission_client.post(url, {"text": "Le COPIL valide le plan de relogement modifié."})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text.endswith("modifié.")
    assert decision.sector is None
    response = mission_client.post(url, {"text": ""})
    assert "Décision</a> : Ce champ est obligatoire." in response.content.decode()


def test_documents_follow_the_confidentiality_level(mission_client, partner_user_a, cotec, mission_user):
    from django.test import Client

    from governance.services import meeting_document_attach

    partner_client_a = Client()
    partner_client_a.force_login(partner_user_a)

    meeting = MeetingFactory(body=cotec)
    response = mission_client.post(
        reverse("governance:meeting_document_upload", args=[meeting.pk]),
        {
            "title": "Diaporama",
            "confidentiality": Confidentiality.PARTNERS,
            "file": SimpleUploadedFile("diaporama.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    shared = Document.objects.get(title="Diaporama")
    assert shared.target == meeting
    internal = meeting_document_attach(
        meeting=meeting,
        title="Note interne",
        file=SimpleUploadedFile("note.pdf", b"%PDF-1.4"),
        confidentiality=Confidentiality.INTERNAL,
        user=mission_user,
    )
    html = partner_client_a.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Diaporama" in html
    assert "Note interne" not in html
    download = reverse("governance:meeting_document_download", args=[meeting.pk, internal.pk])
    assert partner_client_a.get(download).status_code == 404


def test_meeting_detail_lists_decisions_with_their_visible_actions(
    partner_client_a, cotec, programme, sector_a, sector_b
):
    from tests.governance.factories import ActionFactory

    meeting = MeetingFactory(body=cotec, held=True)
    decision = DecisionFactory(meeting=meeting, text="Le COTEC lance l'étude de stationnement.")
    ActionFactory(
        programme=programme, sector=sector_a, meeting=meeting, decision=decision, title="Action Moulins"
    )
    ActionFactory(
        programme=programme, sector=sector_b, meeting=meeting, decision=decision, title="Action Concorde"
    )
    html = partner_client_a.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Le COTEC lance l&#x27;étude de stationnement." in html
    assert "Action Moulins" in html
    assert "Action Concorde" not in html


def test_meeting_detail_query_count_does_not_grow_with_content(mission_client, body_a, programme, sector_a):
    from tests.governance.factories import ActionFactory, AttendanceFactory

    meeting = MeetingFactory(body=body_a, held=True)
    url = reverse("governance:meeting_detail", args=[meeting.pk])

    def fill(count):
        for _ in range(count):
            AgendaItemFactory(meeting=meeting)
            AttendanceFactory(meeting=meeting)
            decision = DecisionFactory(meeting=meeting)
            ActionFactory(programme=programme, sector=sector_a, meeting=meeting, decision=decision)

    fill(3)
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_3 = count_queries(mission_client, url)
    fill(20)
    assert count_queries(mission_client, url) == with_3


# --- Add forms loaded when opened -------------------------------------------------------------------


HTMX = {"HX-Request": "true"}


def test_meeting_page_loads_its_add_forms_when_opened(mission_client, body_a, sector_a):
    meeting = MeetingFactory(body=body_a, held=True)
    html = mission_client.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    agenda_url = reverse("governance:agenda_item_add", args=[meeting.pk])
    decision_url = reverse("governance:decision_add", args=[meeting.pk])
    # the page carries the panels and a plain link, not the forms
    assert f'hx-get="{agenda_url}"' in html
    assert f'hx-get="{decision_url}"' in html
    assert f'<a href="{agenda_url}">' in html
    assert 'name="odj-title"' not in html
    assert 'name="decision-text"' not in html

    response = mission_client.get(agenda_url, headers=HTMX)
    partial = response.content.decode()
    assert "<html" not in partial
    assert f'action="{agenda_url}"' in partial
    assert 'name="odj-title"' in partial
    assert "csrfmiddlewaretoken" in partial
    operation_url = reverse("governance:meeting_operation_choices", args=[meeting.pk])
    assert f'data-autocomplete-url="{operation_url}"' in partial

    partial = mission_client.get(decision_url, headers=HTMX).content.decode()
    assert 'name="decision-text"' in partial
    assert f'<option value="{sector_a.pk}">Moulins</option>' in partial


def test_add_forms_open_as_a_page_without_javascript(mission_client, body_a):
    meeting = MeetingFactory(body=body_a)
    url = reverse("governance:agenda_item_add", args=[meeting.pk])
    html = mission_client.get(url).content.decode()
    assert "<html" in html
    assert "Ajouter un point à l&#x27;ordre du jour</h1>" in html
    assert 'name="odj-title"' in html
    # the page posts to the same URL, where the point is added
    response = mission_client.post(url, {"odj-title": "Relogement"})
    assert response.status_code == 302
    assert meeting.agenda_items.get().title == "Relogement"


def test_add_forms_are_for_editors_only(direction_user, partner_user_a, body_a):
    from django.test import Client

    meeting = MeetingFactory(body=body_a)
    for user in (direction_user, partner_user_a):
        client = Client()
        client.force_login(user)
        for name in ("governance:agenda_item_add", "governance:decision_add"):
            response = client.get(reverse(name, args=[meeting.pk]), headers=HTMX)
            assert response.status_code == 403


def test_add_form_query_count_does_not_grow_with_content(mission_client, body_a, programme, sector_a):
    meeting = MeetingFactory(body=body_a, held=True)
    url = reverse("governance:decision_add", args=[meeting.pk])
    DecisionFactory(meeting=meeting)
    mission_client.get(url, headers=HTMX)
    with_1 = count_queries(mission_client, url, headers=HTMX)
    for _ in range(10):
        AgendaItemFactory(meeting=meeting)
        DecisionFactory(meeting=meeting)
    assert count_queries(mission_client, url, headers=HTMX) == with_1
