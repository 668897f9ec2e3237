"""What is done to one report from its page: routing (the team), status, answer and photos (the team, and
the partner users of the organisation it is routed to — on those reports only, and only these)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gusp.models import EventKind, ReportPhoto
from gusp.models import ReportStatus as R
from tests.gusp.test_photos import GPS, jpeg_with_gps, stored_image


def url(name, report):
    return reverse(f"gusp:{name}", args=[report.pk])


def status(client, report, **data):
    return client.post(url("report_status", report), {f"statut-{k}": v for k, v in data.items()})


def reload(report):
    report.refresh_from_db()
    return report


# --- The handler partner -----------------------------------------------------------------------------------


def test_a_handler_partner_neither_sees_nor_updates_a_new_report_until_it_is_transmitted(world, as_user):
    """new_housing has the landlord as its theme's default handler, but it is « Nouveau »: it is routed to
    the landlord only once the team transmits it at triage."""
    client = as_user(world.users["handler"])
    report = world.reports["new_housing"]
    assert report.handler == world.landlord
    assert client.get(url("report_detail", report)).status_code == 404
    assert status(client, report, status=R.IN_PROGRESS).status_code == 404
    assert client.post(url("report_answer", report), {"reponse-text": "Vu."}).status_code == 404
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps((300, 200)), content_type="image/jpeg")
    assert client.post(url("report_photo_add", report), {"photo-image": photo}).status_code == 404
    assert (reload(report).status, report.answer, report.photos.count()) == (R.NEW, "", 0)
    assert not report.events.filter(kind=EventKind.STATUS).exists()

    # The team transmits it at triage: now the landlord's partner sees it and moves it along.
    mission = as_user(world.users["mission"])
    mission.post(url("report_route", report), {"orientation-handler": world.landlord.pk})
    assert reload(report).status == R.SENT
    client = as_user(world.users["handler"])
    assert client.get(url("report_detail", report)).status_code == 200
    response = status(client, report, status=R.IN_PROGRESS, note="Serrurier commandé")
    assert response.status_code == 302
    assert reload(report).status == R.IN_PROGRESS
    event = report.events.get(kind=EventKind.STATUS, user=world.users["handler"])
    assert (event.from_status, event.to_status, event.note) == (R.SENT, R.IN_PROGRESS, "Serrurier commandé")
    assert status(client, report, status=R.RESOLVED).status_code == 302
    assert reload(report).status == R.RESOLVED
    assert report.closed_at is not None
    response = client.post(url("report_answer", report), {"reponse-text": "Porte réparée le 3 mars."})
    assert response.status_code == 302
    assert reload(report).answer == "Porte réparée le 3 mars."


def test_a_handler_partner_may_not_send_back_to_triage_nor_route(world, as_user):
    client = as_user(world.users["handler"])
    report = world.reports["in_progress_landlord"]
    response = status(client, report, status=R.SENT)  # « réorientation » is the team's
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert reload(report).status == R.IN_PROGRESS
    response = client.post(url("report_route", report), {"orientation-handler": world.city.pk})
    assert response.status_code == 403
    assert reload(report).handler == world.landlord


def test_a_handler_partner_writes_nothing_on_another_organisation_s_report(world, as_user):
    client = as_user(world.users["handler"])
    report = world.reports["sent_city"]
    assert status(client, report, status=R.IN_PROGRESS).status_code == 404
    assert client.post(url("report_answer", report), {"reponse-text": "Vu."}).status_code == 404
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps((300, 200)), content_type="image/jpeg")
    assert client.post(url("report_photo_add", report), {"photo-image": photo}).status_code == 404
    assert reload(report).status == R.SENT
    assert report.answer == ""


def test_once_re_routed_the_former_handler_loses_the_report(world, as_user):
    report = world.reports["in_progress_landlord"]
    as_user(world.users["mission"]).post(url("report_route", report), {"orientation-handler": world.city.pk})
    assert reload(report).handler == world.city
    assert report.status == R.SENT
    client = as_user(world.users["handler"])
    assert client.get(url("report_detail", report)).status_code == 404
    assert status(client, report, status=R.RESOLVED).status_code == 404


@pytest.mark.parametrize("key", ["direction", "partner"])
def test_readers_write_nothing(world, as_user, key):
    client = as_user(world.users[key])
    report = world.reports["new_housing"]
    expected = 403 if key == "direction" else 404
    assert status(client, report, status=R.IN_PROGRESS).status_code == expected
    assert client.post(url("report_answer", report), {"reponse-text": "Vu."}).status_code == expected
    assert reload(report).status == R.NEW


# --- Status: hors compétence, doublon ----------------------------------------------------------------------


def test_not_ours_names_the_competent_body(world, as_user):
    client = as_user(world.users["mission"])
    report = world.reports["sent_city"]
    response = status(client, report, status=R.NOT_OURS)
    assert "Nommez l&#x27;organisme compétent" in response.content.decode()
    assert reload(report).status == R.SENT
    assert status(client, report, status=R.NOT_OURS, competent_body="Enedis").status_code == 302
    assert (reload(report).status, report.competent_body) == (R.NOT_OURS, "Enedis")


def test_a_duplicate_picks_the_other_report(world, as_user):
    client = as_user(world.users["mission"])
    report, original = world.reports["new_old"], world.reports["sent_city"]
    response = status(client, report, status=R.DUPLICATE)
    assert "Indiquez le signalement dont celui-ci est le doublon" in response.content.decode()
    response = status(client, report, status=R.DUPLICATE, duplicate_of=report.pk)
    assert "Sélectionnez un choix valide" in response.content.decode()  # not itself
    assert status(client, report, status=R.DUPLICATE, duplicate_of=original.pk).status_code == 302
    assert (reload(report).status, report.duplicate_of) == (R.DUPLICATE, original)


def test_a_closed_report_is_reopened_by_the_team(world, as_user):
    client = as_user(world.users["mission"])
    report = world.reports["resolved_city"]
    html = client.get(url("report_detail", report)).content.decode()
    assert url("report_route", report) not in html  # closed: reopen before routing
    assert status(client, report, status=R.IN_PROGRESS).status_code == 302
    assert reload(report).status == R.IN_PROGRESS
    assert report.closed_at is None


# --- Answers -------------------------------------------------------------------------------------------


def test_a_canned_answer_fills_an_empty_answer(world, as_user):
    client = as_user(world.users["mission"])
    report = world.reports["sent_city"]
    template = world.programme.gusp_answer_templates.get(title="Réglé")
    html = client.get(url("report_detail", report)).content.decode()
    # the status form asks for the competent body and the original when those statuses are chosen
    assert 'data-gusp-when="hors_competence"' in html
    assert 'name="statut-competent_body"' in html
    assert 'data-gusp-when="doublon"' in html
    assert 'name="statut-duplicate_of"' in html
    texts = json.loads(html.split('id="gusp-answer-texts" type="application/json">')[1].split("</script>")[0])
    assert texts[str(template.pk)] == "Le problème est réglé, merci."
    response = client.post(
        url("report_answer", report), {"reponse-template": template.pk, "reponse-text": ""}
    )
    assert response.status_code == 302
    assert reload(report).answer == template.text
    response = client.post(
        url("report_answer", report), {"reponse-template": template.pk, "reponse-text": "Réglé ce matin."}
    )
    assert reload(report).answer == "Réglé ce matin."  # the typed text wins
    assert report.events.filter(kind=EventKind.ANSWERED).count() == 2


def test_an_empty_answer_is_refused(world, as_user):
    response = as_user(world.users["mission"]).post(url("report_answer", world.reports["sent_city"]), {})
    assert response.status_code == 200
    assert "Écrivez la réponse, ou choisissez une réponse type." in response.content.decode()


# --- Photos -------------------------------------------------------------------------------------------


def upload(content: bytes, name="photo.jpg"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_a_handler_partner_adds_a_photo_stored_without_gps(world, as_user):
    report = world.reports["in_progress_landlord"]
    response = as_user(world.users["handler"]).post(
        url("report_photo_add", report), {"photo-image": upload(jpeg_with_gps((1200, 900)))}
    )
    assert response.status_code == 302
    photo = ReportPhoto.objects.get(report=report)
    assert photo.uploaded_by == world.users["handler"]
    image = stored_image(photo)
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS)


def test_a_file_that_is_not_an_image_is_refused_in_french(world, as_user):
    report = world.reports["sent_city"]
    response = as_user(world.users["mission"]).post(
        url("report_photo_add", report), {"photo-image": upload(b"MZ\x90\x00 un programme", "photo.jpg")}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "La photo n&#x27;a pas été ajoutée" in html
    assert "Ce fichier n&#x27;est pas une image (JPEG, PNG ou WebP)." in html
    assert not ReportPhoto.objects.filter(report=report).exists()


def test_an_oversized_photo_is_refused_before_it_is_read(world, as_user, settings):
    settings.GUSP_PHOTO_MAX_BYTES = 10_000
    report = world.reports["sent_city"]
    response = as_user(world.users["mission"]).post(
        url("report_photo_add", report), {"photo-image": upload(jpeg_with_gps((2000, 2000)))}
    )
    assert response.status_code == 200
    assert "au-delà de la limite de 9,8" in response.content.decode()
    assert not ReportPhoto.objects.filter(report=report).exists()


def test_a_photo_form_without_a_file_says_so(world, as_user):
    response = as_user(world.users["mission"]).post(url("report_photo_add", world.reports["sent_city"]), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
