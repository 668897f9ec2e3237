"""Browser journey of a diagnostic en marchant on a phone (390×844, position granted): the GUSP referent
opens the walk's observation form, the position fills in, a photo taken on the spot is attached and the
observation is sent; then the network drops, the next observation waits on the phone (banner, queue in
localStorage) and leaves by itself when the network is back. The list and the form are checked with axe
and never scroll sideways; screenshots are kept in var/screenshots/ (`check_page`)."""

import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Domain, Role
from gusp.models import Report, ReportSource
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.test_insertion_journey import _login
from tests.gusp.factories import ThemeFactory, WalkAuditFactory
from tests.projects.factories import ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
POSITION = {"latitude": 50.6167, "longitude": 3.0707, "accuracy": 12}
REFERENT = "referent-gusp@exemple.fr"


@pytest.fixture
def walk_world(transactional_db, live_server):
    """A walk held today in Moulins, two themes, the GUSP referent. Listed before `phone` so that the
    browser closes before the flush."""
    programme = ProgrammeFactory(name="NPRU Test", slug="npru-test")
    sector = SectorFactory(programme=programme, name="Moulins")
    city = OrganisationFactory(ville=True, name="Ville de Lille")
    programme.organisations.add(city)
    ThemeFactory(programme=programme, slug="proprete", name="Propreté", default_handler=city, target_days=3)
    ThemeFactory(programme=programme, slug="eclairage", name="Éclairage", default_handler=city, order=2)
    walk = WalkAuditFactory(
        programme=programme, sector=sector, held_on=timezone.localdate(), route="Place Déliot, rue d'Arras"
    )
    user = MembershipFactory(
        programme=programme,
        role=Role.REFERENT,
        referent_domain=Domain.GUSP,
        user__email=REFERENT,
        organisation=city,
    ).user
    return live_server, walk, user


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE,
        locale="fr-FR",
        geolocation=POSITION,
        permissions=["geolocation"],
        is_mobile=True,
        has_touch=True,
    )
    # Records the size of each photo the page sends with fetch (the browser does not report the size of a
    # multipart body).
    context.add_init_script(
        """
        window.sentPhotoSizes = [];
        const send = window.fetch;
        window.fetch = function (url, options) {
          const photo = options && options.body instanceof FormData ? options.body.get("photo") : null;
          if (photo && photo.size) window.sentPhotoSizes.push(photo.size);
          return send.apply(this, arguments);
        };
        """
    )
    yield context
    context.close()


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (150, 120, 90)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def heavy_jpeg() -> bytes:
    """A phone-sized photo (4000×3000, noisy, so that it stays heavy)."""
    buffer = io.BytesIO()
    Image.effect_noise((4000, 3000), 60).convert("RGB").save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_observations_on_a_phone_online_then_offline(walk_world, phone, check_page):
    server, walk, user = walk_world
    page = phone.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, server, REFERENT)

    page.goto(f"{server.url}/gusp/diagnostics/")
    page.get_by_role("heading", level=1, name="Diagnostics en marchant").wait_for()
    page.get_by_text("1 diagnostic en marchant").wait_for()
    _no_sideways_scroll(page)
    check_page(page, "90-gusp-diagnostics-390")

    page.goto(f"{server.url}/gusp/diagnostics/{walk.pk}/observation/")
    page.get_by_role("heading", level=1, name="Nouvelle observation").wait_for()
    page.get_by_text("Position relevée à 12 m près.").wait_for()
    assert page.locator("input[name=latitude]").input_value() == "50.616700"
    assert page.locator("input[name=longitude]").input_value() == "3.070700"
    page.get_by_role("button", name="Enregistrer l'observation").click()  # nothing typed: refused, named
    errors_box = page.locator("[data-gusp-walk-errors] [role=alert]")
    errors_box.get_by_text("Choisissez le thème de l'observation.").wait_for()
    errors_box.get_by_role("link", name="Ce qui est observé").wait_for()
    assert Report.objects.count() == 0
    check_page(page, "91-gusp-observation-erreurs-390")
    page.get_by_label("Thème").select_option(label="Propreté")
    page.get_by_label("Ce qui est observé").fill("Encombrants au pied du n° 4")
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "rue.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    _no_sideways_scroll(page)
    check_page(page, "91-gusp-observation-390")
    page.get_by_role("button", name="Enregistrer l'observation").click()
    page.locator("#observation-message", has_text="Observation enregistrée").wait_for()
    report = Report.objects.get()
    assert report.walk_audit_id == walk.pk
    assert report.source == ReportSource.WALK_AUDIT
    assert (report.latitude, report.longitude) == (Decimal("50.616700"), Decimal("3.070700"))
    assert report.photos.count() == 1
    assert page.get_by_label("Ce qui est observé").input_value() == ""  # ready for the next one
    page.locator("#observations-enregistrees", has_text="1 observation enregistrée").wait_for()

    phone.set_offline(True)
    page.get_by_label("Thème").select_option(label="Éclairage")
    page.get_by_label("Ce qui est observé").fill("Lampadaire éteint devant l'école")
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "lampadaire.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    draft_key = f"gusp-walk:{user.pk}:{walk.pk}"
    draft = json.loads(page.evaluate("key => localStorage.getItem(key)", draft_key))
    assert draft["description"] == "Lampadaire éteint devant l'école"
    page.get_by_role("button", name="Enregistrer l'observation").click()
    page.get_by_text("1 observation en attente d'envoi").wait_for()
    page.get_by_text("Pas de connexion").wait_for()
    queued = json.loads(page.evaluate("key => localStorage.getItem(key)", f"gusp-walk-queue:{user.pk}"))
    assert [item["fields"]["description"] for item in queued] == ["Lampadaire éteint devant l'école"]
    assert queued[0]["photo"].startswith("data:image/jpeg;base64,")
    assert Report.objects.count() == 1
    _no_sideways_scroll(page)
    check_page(page, "92-gusp-observation-hors-connexion-390")

    phone.set_offline(False)
    page.locator("#observation-message", has_text="1 observation en attente envoyée").wait_for()
    assert page.locator("[data-gusp-walk-pending]").is_hidden()
    assert Report.objects.count() == 2
    sent = Report.objects.get(description="Lampadaire éteint devant l'école")
    assert sent.walk_audit_id == walk.pk
    assert sent.latitude == Decimal("50.616700")
    assert sent.photos.count() == 1
    assert page.evaluate("key => localStorage.getItem(key)", f"gusp-walk-queue:{user.pk}") is None
    assert page.evaluate("key => localStorage.getItem(key)", draft_key) is None
    page.locator("#observations-enregistrees", has_text="2 observations enregistrées").wait_for()

    # A phone's heavy photo leaves reduced (quicker in the street); the server still checks and re-encodes.
    heavy = heavy_jpeg()
    assert len(heavy) > 1_500_000
    page.get_by_label("Thème").select_option(label="Propreté")
    page.get_by_label("Ce qui est observé").fill("Tags sur le transformateur")
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "tags.jpg", "mimeType": "image/jpeg", "buffer": heavy}]
    )
    with page.expect_response(lambda response: response.request.method == "POST") as answered:
        page.get_by_role("button", name="Enregistrer l'observation").click()
    assert answered.value.status == 201
    sent_bytes = page.evaluate("window.sentPhotoSizes[window.sentPhotoSizes.length - 1]")
    assert 0 < sent_bytes < len(heavy) / 2
    page.locator("#observations-enregistrees", has_text="3 observations enregistrées").wait_for()
    assert Report.objects.get(description="Tags sur le transformateur").photos.get().width == 1600

    page.get_by_role("link", name="Terminer : revenir au diagnostic").click()
    page.get_by_role("heading", level=1, name="Diagnostic en marchant du").wait_for()
    page.locator("#observations-nombre", has_text="3 observations").wait_for()
    page.locator("#carte-diagnostic-etat", has_text="3 signalements sur la carte").wait_for()
    _no_sideways_scroll(page)
    check_page(page, "93-gusp-diagnostic-390")
    # Expected: the empty form refused (400), the POST tried while offline (then queued).
    expected = ("status of 400 (Bad Request)", "net::ERR_INTERNET_DISCONNECTED")
    assert not [error for error in errors if not error.endswith(expected)], errors
