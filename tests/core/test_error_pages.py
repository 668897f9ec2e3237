"""Error pages are French pages of the application, never Django's English defaults."""

from django.test import RequestFactory
from django.views import defaults


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
    response = defaults.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Erreur du serveur" in page
    assert "<main" in page


def test_a_bad_request_is_a_french_400():
    response = defaults.bad_request(RequestFactory().get("/"), Exception("requête mal formée"))

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_a_refusal_with_a_reason_shows_it(client, mission_user):
    """The relogement import needs the personal-data grant: the 403 page says so, not "your role"."""
    client.force_login(mission_user)

    response = client.get("/imports/relogement/deposer/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "habilitation « données personnelles relogement »" in page
    assert "Votre rôle" not in page
