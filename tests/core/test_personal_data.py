"""The registry of personal-data domains: a domain app registers, the rest reads the registry."""

import pytest
from django.http import Http404, HttpResponse

from accounts.models import Role
from core import personal_data
from core.decorators import personal_data as personal_data_page
from core.models import AccessAction, AccessEvent
from tests.accounts.factories import MembershipFactory


@pytest.fixture
def photos():
    domain = personal_data.register_domain(
        key="photos_test", label="Photos GUSP", records="photos", pages="Les photos des diagnostics"
    )
    yield domain
    personal_data.unregister_domain("photos_test")


def test_relogement_registers_itself():
    domain = personal_data.get_domain("relogement")
    assert domain.label == "Relogement"
    assert domain.grant_label == "données personnelles relogement"
    assert ("relogement", "Relogement") in personal_data.domain_choices()


def test_there_is_no_gusp_domain_until_the_app_registers_it():
    assert not personal_data.is_registered("gusp")
    with pytest.raises(LookupError):
        personal_data.get_domain("gusp")


def test_a_registered_domain_is_a_valid_grant_and_a_choice(photos, programme):
    membership = MembershipFactory(programme=programme, personal_data_domains=["photos_test"])
    membership.full_clean()
    assert ("photos_test", "Photos GUSP") in personal_data.domain_choices()
    assert photos.grant_label == "données personnelles photos gusp"


def test_registering_twice_the_same_key_differently_fails(photos):
    personal_data.register_domain(
        key="photos_test", label="Photos GUSP", records="photos", pages="Les photos des diagnostics"
    )  # the same declaration again is fine (a re-import)
    with pytest.raises(ValueError, match="photos_test"):
        personal_data.register_domain(key="photos_test", label="Autre", records="x", pages="y")


# The decorator: the grant check and one access event per page, for any registered domain.


def _request(rf, membership, path="/photos/?page=2"):
    request = rf.get(path)
    request.user = membership.user
    request.membership = membership
    request.programme = membership.programme
    request.session = {}
    return request


def _view(action=AccessAction.VIEW, **options):
    @personal_data_page("photos_test", action, model="Photo", **options)
    def view(request, status=200):
        if status == 200:
            request.access_record.record(object_ref="P-0001")
        return HttpResponse("photo", status=status)

    return view


def test_a_granted_page_writes_one_event_with_what_the_view_showed(rf, photos, programme):
    membership = MembershipFactory(programme=programme, personal_data_domains=["photos_test"])
    assert _view()(_request(rf, membership)).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.domain, event.action, event.model, event.object_ref) == (
        "photos_test",
        "consultation",
        "Photo",
        "P-0001",
    )
    assert event.path == "/photos/?page=2"
    assert event.user == membership.user


def test_no_event_when_the_view_refuses_or_shows_nobody(rf, photos, programme):
    membership = MembershipFactory(programme=programme, personal_data_domains=["photos_test"])
    assert _view()(_request(rf, membership), status=404).status_code == 404
    assert _view(action=None)(_request(rf, membership)).status_code == 200
    assert not AccessEvent.objects.exists()


def test_without_the_grant_the_page_explains_it_or_the_record_is_404(rf, photos, programme):
    membership = MembershipFactory(programme=programme, personal_data_domains=["relogement"])
    response = _view()(_request(rf, membership))
    assert response.status_code == 403
    assert "données personnelles photos gusp" in response.content.decode()
    with pytest.raises(Http404):
        _view(object_page=True)(_request(rf, membership))
    assert not AccessEvent.objects.exists()


def test_editors_only_refuses_a_granted_reader(rf, photos, programme):
    membership = MembershipFactory(
        programme=programme, role=Role.DIRECTION, personal_data_domains=["photos_test"]
    )
    response = _view(editors_only=True)(_request(rf, membership))
    assert response.status_code == 403
    assert "export des photos" in response.content.decode()
    assert not AccessEvent.objects.exists()


# The register entry: the "Données personnelles" page and docs/donnees-personnelles.md


def test_the_personal_data_page_is_public_and_linked_from_the_footer(client, mission_client):
    from html import unescape

    from django.urls import reverse

    response = client.get(reverse("personal_data"))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for title in ("finalités", "base légale", "catégories de données", "destinataires", "conservation"):
        assert title in html
    assert "Mesures de sécurité" in html
    assert "Droits des personnes" in html
    assert "analyse d'impact" in html.lower()
    footer = mission_client.get(reverse("projects:dashboard")).content.decode().split("<footer")[1]
    assert reverse("personal_data") in footer


def test_each_processings_headings_name_it():
    """With several processings (relogement, insertion), a bare « Base légale » in the table of contents
    did not say whose it was."""
    from core import data_register

    titles = [section.title for section in data_register.sections()]

    assert len(titles) == len(set(titles))
    assert "Suivi du relogement des ménages : base légale" in titles


def test_the_page_shows_the_instances_settings(client, settings):
    from django.urls import reverse

    settings.RELOGEMENT_RETENTION_MONTHS = 30
    settings.ACCESS_LOG_RETENTION_MONTHS = 9
    settings.DISCLOSURE_THRESHOLD = 7
    settings.SESSION_COOKIE_AGE = 45 * 60
    settings.AXES_FAILURE_LIMIT = 4
    settings.PERSONAL_DATA_CONTACT = "dpo@ville-exemple.fr"
    html = client.get(reverse("personal_data")).content.decode()
    assert "anonymisé 30 mois après la clôture" in html
    assert "supprimé après 9 mois" in html
    assert "de 1 à 6 est masqué" in html
    assert "inférieur à 7 est masqué" in html
    assert "45 minutes d&#x27;inactivité" in html
    assert "après 4 échecs" in html
    assert "dpo@ville-exemple.fr" in html


def test_the_document_is_the_page_rendered_with_the_default_settings(settings):
    """docs/donnees-personnelles.md is generated (manage.py write_personal_data_doc) with the base settings:
    it differs from the code and the settings' defaults only if someone forgot to regenerate it."""
    import importlib
    from pathlib import Path

    from core.data_register import render_markdown, settings_used

    base = importlib.import_module("config.settings.base")
    for name in settings_used():
        setattr(settings, name, getattr(base, name))
    document = Path(settings.BASE_DIR, "docs", "donnees-personnelles.md").read_text(encoding="utf-8")
    assert document == render_markdown(), "Lancez python manage.py write_personal_data_doc."
    assert f"anonymisé {base.RELOGEMENT_RETENTION_MONTHS} mois" in document


def test_every_field_of_a_household_an_offer_and_a_rehousing_is_in_the_register():
    from relogement.models import Household, Offer, Rehousing

    record = personal_data.get_domain("relogement").processing
    listed = {item for _, items in record.data_categories for item in items}
    links = {"id", "programme", "household"}
    for model in (Household, Offer, Rehousing):
        for field in model._meta.concrete_fields:
            if field.name not in links:
                assert str(field.verbose_name) in listed, f"{model.__name__}.{field.name} absent du registre"
