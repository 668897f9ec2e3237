import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import selectors
from governance.models import Action, Feedback, FeedbackStatus, PublicEvent, PublicEventKind, Theme
from tests.governance.factories import ActionFactory, FeedbackFactory, PublicEventFactory
from tests.utils import count_queries


@pytest.fixture
def year():
    return timezone.localdate().year


def test_figures_by_kind_sector_and_theme(programme, sector_a, sector_b, year):
    PublicEventFactory(programme=programme, sector=sector_a, residents=40, conseil_citoyen=5, partners=8)
    PublicEventFactory(programme=programme, sector=sector_a, workshop=True, theme=Theme.MOBILITE)
    PublicEventFactory(programme=programme, sector=None, residents=100, conseil_citoyen=0, partners=10)
    FeedbackFactory(programme=programme, sector=sector_a, answered=True)
    FeedbackFactory(programme=programme, sector=sector_a)
    FeedbackFactory(programme=programme, sector=sector_b, theme=Theme.MOBILITE, answered=True)
    figures = selectors.concertation_figures(
        events=PublicEvent.objects.filter(held_on__year=year), feedbacks=Feedback.objects.all()
    )
    by_kind = {row.key: row for row in figures.by_kind}
    assert by_kind[PublicEventKind.REUNION_PUBLIQUE].events == 2
    assert by_kind[PublicEventKind.REUNION_PUBLIQUE].residents == 140
    assert by_kind[PublicEventKind.ATELIER].total == 22
    assert figures.totals.events == 3
    assert figures.totals.total == 40 + 5 + 8 + 22 + 110
    assert (figures.feedback_received, figures.feedback_answered) == (3, 2)
    by_sector = {row.label: row for row in figures.by_sector}
    assert (by_sector["Moulins"].events, by_sector["Moulins"].received, by_sector["Moulins"].answered) == (
        2,
        2,
        1,
    )
    assert by_sector["Concorde"].answered_share == 1
    assert by_sector["Échelle du programme"].attendance == 110
    assert [row.label for row in figures.by_sector][-1] == "Échelle du programme"
    by_theme = {row.key: row for row in figures.by_theme}
    assert by_theme[Theme.MOBILITE].events == 1
    assert by_theme[Theme.MOBILITE].received == 1
    assert Theme.TRANQUILLITE not in by_theme  # empty themes are left out


def test_dashboard_for_a_year_and_a_sector(mission_client, programme, sector_a, sector_b, year):
    PublicEventFactory(programme=programme, sector=sector_a, residents=33)
    PublicEventFactory(programme=programme, sector=sector_b, residents=77)
    PublicEventFactory(
        programme=programme, sector=sector_a, residents=11, held_on=datetime.date(year - 2, 5, 1)
    )
    FeedbackFactory(programme=programme, sector=sector_a, answered=True)
    url = reverse("governance:concertation_dashboard")
    response = mission_client.get(url)
    html = response.content.decode()
    assert f"Concertation {year}" in html
    assert "data:image/svg+xml;base64," in html  # the chart, with its table beside it
    assert "Temps de concertation et participants par type et par public" in html
    assert '<p class="kpi-value mb-0">110</p>' in html
    assert response.context["form"].fields["annee"].choices[:1] == [(year, str(year))]
    assert (year - 2, str(year - 2)) in response.context["form"].fields["annee"].choices
    html = mission_client.get(url, {"annee": year, "quartier": sector_a.pk}).content.decode()
    assert '<p class="kpi-value mb-0">33</p>' in html
    assert "100" in html  # 1 answered remontée out of 1
    html = mission_client.get(url, {"annee": year - 2}).content.decode()
    assert '<p class="kpi-value mb-0">11</p>' in html


def test_dashboard_for_a_partner_is_limited_to_its_sectors(partner_client_a, programme, sector_a, sector_b):
    PublicEventFactory(programme=programme, sector=sector_a, residents=33)
    PublicEventFactory(programme=programme, sector=sector_b, residents=77)
    html = partner_client_a.get(reverse("governance:concertation_dashboard")).content.decode()
    assert '<p class="kpi-value mb-0">33</p>' in html
    assert "Concorde" not in html
    assert "Remontées des habitants</a>" not in html  # the residents' words stay internal


def test_dashboard_query_count_same_for_10_and_200_rows(mission_client, programme, sector_a, sector_b):
    url = reverse("governance:concertation_dashboard")
    kinds, themes = list(PublicEventKind.values), list(Theme.values)

    def make(count):
        for index in range(count):
            sector = sector_a if index % 2 else sector_b
            PublicEventFactory(
                programme=programme, sector=sector, kind=kinds[index % 6], theme=themes[index % 10]
            )
            FeedbackFactory(
                programme=programme, sector=sector, theme=themes[index % 7], answered=index % 3 == 0
            )

    make(10)
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(mission_client, url)
    make(190)
    assert count_queries(mission_client, url) == with_10


# --- Temps de concertation --------------------------------------------------------------------------


def test_event_create_sanitises_the_summary(mission_client, programme, sector_a):
    response = mission_client.post(
        reverse("governance:event_create"),
        {
            "title": "Balade urbaine des Moulins",
            "kind": "balade",
            "theme": "espaces_publics",
            "sector": sector_a.pk,
            "held_on": "2026-04-18",
            "residents": 25,
            "conseil_citoyen": 4,
            "partners": 6,
            "summary": "<p>Parcours <em>apprécié</em></p><script>alert(1)</script>",
        },
    )
    event = PublicEvent.objects.get()
    assert response["Location"] == reverse("governance:event_detail", args=[event.pk])
    assert event.summary == "<p>Parcours <em>apprécié</em></p>"
    html = mission_client.get(response["Location"]).content.decode()
    assert "<p>Parcours <em>apprécié</em></p>" in html
    assert ">35<" in html.replace("\n", "").replace(" ", "")


def test_event_form_errors_in_french(mission_client):
    response = mission_client.post(
        reverse("governance:event_create"), {"title": "x", "kind": "autre", "held_on": "", "residents": -1}
    )
    html = response.content.decode()
    assert "Type</a> : Sélectionnez un choix valide. autre n’en fait pas partie." in html
    assert "Date</a> : Ce champ est obligatoire." in html
    assert "Habitants présents</a> : Assurez-vous que cette valeur est supérieure ou égale à 0." in html


def test_event_edit_and_list(mission_client, programme, sector_a):
    event = PublicEventFactory(programme=programme, sector=sector_a, title="Atelier")
    url = reverse("governance:event_edit", args=[event.pk])
    form = mission_client.get(url).context["form"]
    data = {
        **form.initial,
        "title": "Atelier jeunesse",
        "sector": sector_a.pk,
        "held_on": "2026-05-02",
        "summary": "",
    }
    data = {key: value for key, value in data.items() if value is not None and key != "programme"}
    assert mission_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Atelier jeunesse"
    html = mission_client.get(reverse("governance:event_list"), {"year": 2026}).content.decode()
    assert "Atelier jeunesse" in html


def test_event_list_query_count(mission_client, programme, sector_a):
    url = reverse("governance:event_list")
    PublicEventFactory.create_batch(10, programme=programme, sector=sector_a)
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(mission_client, url)
    PublicEventFactory.create_batch(90, programme=programme, sector=sector_a)
    assert count_queries(mission_client, url) == with_10


# --- Remontées --------------------------------------------------------------------------------------


def test_feedback_is_recorded_from_an_event(mission_client, programme, sector_a):
    event = PublicEventFactory(programme=programme, sector=sector_a, theme=Theme.MOBILITE)
    form = mission_client.get(reverse("governance:feedback_create"), {"temps": event.pk}).context["form"]
    assert form.initial["event"] == event
    assert form.initial["theme"] == Theme.MOBILITE
    response = mission_client.post(
        reverse("governance:feedback_create"),
        {
            "text": "Stationnement sauvage devant l'école",
            "theme": "mobilite",
            "sector": sector_a.pk,
            "event": event.pk,
            "received_on": "2026-04-18",
        },
    )
    feedback = Feedback.objects.get()
    assert response["Location"] == reverse("governance:feedback_detail", args=[feedback.pk])
    assert feedback.status == FeedbackStatus.RECEIVED


def test_answer_a_feedback(mission_client, programme, sector_a):
    feedback = FeedbackFactory(programme=programme, sector=sector_a)
    url = reverse("governance:feedback_answer", args=[feedback.pk])
    response = mission_client.post(url, {"answer": "", "status": "repondue"})
    assert response.status_code == 422
    assert "Réponse apportée</a> : Indiquez la réponse apportée" in response.content.decode()
    response = mission_client.post(url, {"answer": "Arceaux posés en mai.", "status": "repondue"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    assert feedback.answered_on == timezone.localdate()
    response = mission_client.post(url, {"answer": "Arceaux posés en mai.", "status": "recue"})
    assert "Statut</a> : Sélectionnez un choix valide." in response.content.decode()


def test_feedback_becomes_an_action(mission_client, programme, sector_a, organisation):
    feedback = FeedbackFactory(programme=programme, sector=sector_a, text="Éclairage en panne rue Pasteur")
    url = reverse("governance:feedback_convert", args=[feedback.pk])
    response = mission_client.post(url, {"owner_organisation": organisation.pk, "due_on": ""})
    assert response.status_code == 422
    assert "Échéance</a> : Ce champ est obligatoire." in response.content.decode()
    response = mission_client.post(url, {"owner_organisation": organisation.pk, "due_on": "2026-06-30"})
    action = Action.objects.get()
    assert response["Location"] == reverse("governance:action_detail", args=[action.pk])
    assert action.title == "Éclairage en panne rue Pasteur"
    assert action.sector == sector_a
    feedback.refresh_from_db()
    assert feedback.action == action
    assert feedback.status == FeedbackStatus.IN_PROGRESS
    html = mission_client.get(reverse("governance:feedback_detail", args=[feedback.pk])).content.decode()
    assert "Transformer en action</button>" not in html
    assert "Suivie par l'action" in html
    # a second conversion is refused with a clear message
    response = mission_client.post(
        url, {"owner_organisation": organisation.pk, "due_on": "2026-06-30"}, follow=True
    )
    assert "Cette remontée a déjà donné lieu à une action." in response.content.decode()
    assert Action.objects.count() == 1


def test_feedback_pages_are_internal(partner_user_a, direction_user, programme, sector_a):
    feedback = FeedbackFactory(programme=programme, sector=sector_a)
    partner, direction = Client(), Client()
    partner.force_login(partner_user_a)
    direction.force_login(direction_user)
    assert partner.get(reverse("governance:feedback_list")).status_code == 403
    assert partner.get(reverse("governance:feedback_detail", args=[feedback.pk])).status_code == 403
    html = direction.get(reverse("governance:feedback_detail", args=[feedback.pk])).content.decode()
    assert "Répondre" not in html
    assert (
        direction.post(reverse("governance:feedback_answer", args=[feedback.pk]), {"answer": "x"}).status_code
        == 403
    )


def test_feedback_list_filters_and_query_count(mission_client, programme, sector_a, sector_b):
    url = reverse("governance:feedback_list")
    FeedbackFactory.create_batch(5, programme=programme, sector=sector_a)
    FeedbackFactory.create_batch(5, programme=programme, sector=sector_b, action=None)
    ActionFactory(programme=programme)
    assert "5 remontées" in mission_client.get(url, {"sector": sector_a.pk}).content.decode()
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(mission_client, url)
    for index in range(90):
        action = ActionFactory(programme=programme) if index % 3 == 0 else None
        FeedbackFactory(programme=programme, sector=sector_a, action=action)
    assert count_queries(mission_client, url) == with_10
