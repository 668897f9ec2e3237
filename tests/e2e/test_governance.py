"""Browser journeys of governance: calendar → séance → decision and action → actions board."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.models import Action, ActionStatus, Decision
from projects.models import Programme
from tests.governance.factories import AgendaItemFactory, BodyFactory, MeetingFactory

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-npru-2026"
BODY_NAME = "Groupe de travail espaces publics"


@pytest.fixture
def demo(transactional_db, live_server):
    """Demo data plus one séance today. Listed before `page` so the browser closes before the flush."""
    call_command("seed_demo", verbosity=0)
    programme = Programme.objects.get(slug="npru-demo")
    body = BodyFactory(programme=programme, name=BODY_NAME, kind="autre", periodicity_months=1)
    body.sectors.set([programme.sectors.get(name="Concorde")])
    today = timezone.localdate()
    meeting = MeetingFactory(
        body=body,
        starts_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(14, 0))),
        ends_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(16, 0))),
        place="Maison du projet",
    )
    AgendaItemFactory(meeting=meeting, order=1, title="Réaménagement de la place centrale")
    return live_server


def login(page, server, email: str) -> None:
    page.goto(f"{server.url}/comptes/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_mission_follows_a_meeting_to_the_actions_board(demo, page, check_page, console_errors):
    login(page, demo, "mission@demo.npru.fr")
    page.wait_for_url(f"{demo.url}/")

    page.get_by_role("link", name="Instances", exact=True).click()
    page.wait_for_url("**/gouvernance/seances/")
    page.get_by_role("table").first.wait_for()
    check_page(page, "20-seances-calendrier")

    # the next month comes through htmx, with its own URL; and back
    page.get_by_role("link", name="Mois suivant").click()
    page.wait_for_url("**mois=**")
    page.get_by_role("link", name="Mois en cours").click()
    page.get_by_role("link", name=f"14:00 {BODY_NAME}").wait_for()

    page.get_by_role("link", name=f"14:00 {BODY_NAME}").click()
    page.wait_for_url("**/gouvernance/seances/*/")
    page.get_by_role("heading", level=1, name=f"{BODY_NAME} — séance du").wait_for()
    check_page(page, "21-seance")

    # relevé de décisions (the form is open while the séance has none); its operation is searched as
    # you type (Tom Select asking governance:meeting_operation_choices), not picked among every one
    page.locator("#id_decision-operation-ts-control").click()
    options = page.locator("#id_decision-operation-ts-dropdown .option")
    options.first.wait_for()
    check_page(page, "21b-seance-recherche-operation")
    options.first.click()
    assert page.locator("#id_decision-operation").input_value() != ""
    page.get_by_role("textbox", name="Décision").fill(
        "Le groupe valide le principe d'une place piétonne, sous réserve d'étude."
    )
    page.get_by_role("button", name="Ajouter la décision").click()
    page.get_by_text("Décision ajoutée au relevé.").wait_for()
    decision = Decision.objects.get(meeting__body__name=BODY_NAME)
    assert decision.operation_id is not None

    # the agenda form is loaded (htmx) when its panel is opened, its operation searched as you type
    page.get_by_text("Ajouter un point à l'ordre du jour").click()
    page.locator("#id_odj-operation-ts-control").wait_for()
    check_page(page, "21c-seance-ajout-point")
    page.get_by_role("textbox", name="Point", exact=True).fill("Calendrier des travaux de la place")
    page.get_by_role("button", name="Ajouter le point").click()
    page.get_by_text("Point « Calendrier des travaux de la place » ajouté à l'ordre du jour.").wait_for()

    page.get_by_role("link", name="Ajouter une action pour la décision 1").click()
    page.wait_for_url("**/gouvernance/actions/ajouter/?decision=*")
    check_page(page, "22-action-nouvelle")
    page.get_by_role("textbox", name="Action", exact=True).fill("Lancer l'étude de circulation de la place")
    page.get_by_label("Porteur").select_option(index=1)
    page.get_by_label("Personne en charge").fill("Cheffe de projet voirie")
    due = timezone.localdate() - datetime.timedelta(days=5)
    page.get_by_label("Échéance").fill(due.isoformat())
    page.get_by_role("button", name="Créer l'action").click()
    page.get_by_text("Action « Lancer l'étude de circulation de la place » créée.").wait_for()
    action = Action.objects.get(title="Lancer l'étude de circulation de la place")
    assert action.decision == decision
    assert action.meeting_id == decision.meeting_id
    assert action.sector.name == "Concorde"
    check_page(page, "23-seance-avec-decision")

    page.get_by_role("link", name="Actions", exact=True).click()
    page.wait_for_url("**/gouvernance/actions/")
    page.get_by_label("Quartier").select_option(label="Concorde")
    page.wait_for_url("**sector=**")
    check_page(page, "24-actions")
    page.get_by_label("Instance").select_option(label=BODY_NAME)
    page.wait_for_url("**body=**")
    rows = page.locator("#actions-table tbody tr")
    rows.first.get_by_role("link", name="Lancer l'étude de circulation de la place").wait_for()
    assert rows.count() == 1
    assert "en retard" in rows.first.inner_text()

    page.get_by_label("Statut de l'action « Lancer l'étude de circulation de la place »").select_option(
        "en_cours"
    )
    page.get_by_text("Statut enregistré.").wait_for()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert console_errors == []


def test_mission_prepares_the_next_meeting_and_reads_the_concertation(demo, page, check_page, console_errors):
    login(page, demo, "mission@demo.npru.fr")
    page.wait_for_url(f"{demo.url}/")
    page.goto(f"{demo.url}/gouvernance/instances/")
    check_page(page, "25-instances")
    page.get_by_role("link", name=BODY_NAME).click()
    check_page(page, "26-instance")
    page.get_by_role("link", name="Préparer la prochaine séance").click()
    page.get_by_role("heading", name="Ordre du jour proposé").wait_for()
    check_page(page, "27-preparer-seance")
    page.get_by_role("button", name="Créer la séance et son ordre du jour").click()
    page.get_by_text("Séance créée avec").wait_for()
    assert page.locator("#titre-odj + ol li").count() >= 2
    page.get_by_role("link", name="Modifier la séance").click()
    page.get_by_label("Compte rendu", exact=True).fill(
        "<p>Points <strong>validés</strong></p><script>x()</script>"
    )
    check_page(page, "28-seance-modifier")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La séance a été mise à jour.").wait_for()
    assert page.locator(".minutes strong").inner_text() == "validés"

    page.get_by_role("link", name="Concertation", exact=True).click()
    page.wait_for_url("**/gouvernance/concertation/")
    check_page(page, "29-concertation")
    page.get_by_role("link", name="Remontées des habitants").click()
    page.wait_for_url("**/concertation/remontees/**")
    check_page(page, "30-remontees")
    page.locator("#feedbacks-table tbody tr a").first.click()
    page.get_by_role("heading", name="Répondre").wait_for()
    check_page(page, "31-remontee")
    page.get_by_role("link", name="Concertation", exact=True).first.click()
    page.get_by_role("link", name="Temps de concertation").first.click()
    page.wait_for_url("**/concertation/temps/**")
    check_page(page, "32-temps-de-concertation")
    assert console_errors == []
