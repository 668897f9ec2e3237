"""Error pages are French pages of the application, never Django's English defaults."""

import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from core.views import server_error


def test_an_unknown_page_is_a_french_404_inside_the_application(mission_client):
    response = mission_client.get("/nexiste-pas/")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Page introuvable" in page
    assert "Not Found" not in page
    assert 'id="contenu"' in page  # the application's layout, with its main landmark


def test_a_forbidden_page_is_a_french_403(client, direction_user):
    client.force_login(direction_user)

    response = client.get("/imports/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page
    assert "Forbidden" not in page


def test_the_server_error_page_is_french_and_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Erreur de notre côté" in page
    assert "elle a été enregistrée" in page
    assert "{#" not in page  # no template comment printed as text
    assert 'id="contenu"' in page
    assert 'aria-label="Navigation principale"' in page
    assert reverse("projects:operation_list") in page


@pytest.mark.urls("tests.core.error_urls")
def test_a_failing_page_answers_the_french_500_and_is_logged(mission_client, caplog):
    mission_client.raise_request_exception = False

    with caplog.at_level(logging.ERROR):
        response = mission_client.get("/panne/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Erreur de notre côté" in page
    assert "Server Error" not in page
    logged = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(record.exc_info and "panne simulée" in str(record.exc_info[1]) for record in logged)
    # the page gives the reference the log line carries
    reference = page.split("<code>")[1].split("</code>")[0]
    assert any(reference in str(record.msg) for record in logged)


def test_a_bad_request_is_a_french_400_with_navigation():
    response = defaults.bad_request(RequestFactory().get("/"), Exception("requête mal formée"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Requête incorrecte" in page
    assert 'aria-label="Navigation principale"' in page


def test_a_disallowed_host_is_the_french_400(client, settings):
    settings.ALLOWED_HOSTS = ["pilotage.example.fr"]

    response = client.get("/", HTTP_HOST="ailleurs.example.com")

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_is_a_french_page_in_the_layout(mission_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mission_user)

    response = client.post(reverse("accounts:programme_switch"), {"programme": mission_user.pk})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulaire expiré" in page
    assert "Rien n'a été enregistré" in page
    assert "CSRF verification failed" not in page
    assert 'id="menu-principal"' in page  # the application's navigation


def test_a_404_names_the_scope_as_a_reason(mission_client):
    page = mission_client.get("/operations/999999/").content.decode()

    assert "hors de votre périmètre" in page


def test_a_refusal_with_a_reason_shows_it(client, mission_user):
    """The relogement import needs the personal-data grant: the 403 page says so, not "your role"."""
    client.force_login(mission_user)

    response = client.get("/imports/relogement/deposer/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "habilitation « données personnelles relogement »" in page
    assert "Votre rôle" not in page


def test_opening_an_action_address_as_a_page_is_a_french_405(mission_client):
    """A GET on a POST-only address (a copied "publier" link) answered Django's empty 405."""
    response = mission_client.get(reverse("reporting:pack_publish", args=[1]))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "Action impossible depuis un lien" in page
    assert 'id="contenu"' in page


def test_the_browsers_favicon_request_finds_the_icon(client):
    """Chromium asks /favicon.ico for a document that names no icon (a downloaded file): a 404 there
    was a console error in the recovery-codes journey."""
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
