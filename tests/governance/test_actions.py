import datetime
import re
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.models import Action, ActionStatus
from tests.governance.factories import ActionFactory, DecisionFactory, MeetingFactory
from tests.utils import count_queries

TODAY = timezone.localdate


def _titles(html: str) -> list[str]:
    return re.findall(r'href="/gouvernance/actions/\d+/">([^<]+)</a>', html)


def test_board_shows_overdue_first_then_by_due_date(mission_client, programme, sector_a):
    today = TODAY()
    ActionFactory(programme=programme, title="Dans un mois", due_on=today + datetime.timedelta(days=30))
    ActionFactory(programme=programme, title="Demain", due_on=today + datetime.timedelta(days=1))
    ActionFactory(programme=programme, title="En retard récent", due_on=today - datetime.timedelta(days=2))
    ActionFactory(programme=programme, title="En retard ancien", due_on=today - datetime.timedelta(days=40))
    ActionFactory(
        programme=programme, title="Faite hier", due_on=today - datetime.timedelta(days=60), done=True
    )
    html = mission_client.get(reverse("governance:action_board")).content.decode()
    assert _titles(html) == ["En retard ancien", "En retard récent", "Demain", "Dans un mois"]
    assert "4 actions" in html
    assert ">2 en retard</a>" in html
    html = mission_client.get(reverse("governance:action_board"), {"status": ""}).content.decode()
    assert "Faite hier" in html  # "Tous" shows done ones too


def test_board_filters(mission_client, programme, sector_a, sector_b, body_a, organisation):
    meeting = MeetingFactory(body=body_a)
    ActionFactory(
        programme=programme,
        title="Moulins",
        sector=sector_a,
        meeting=meeting,
        owner_organisation=organisation,
    )
    ActionFactory(programme=programme, title="Concorde", sector=sector_b)
    ActionFactory(programme=programme, title="Retard", sector=sector_b, overdue=True)
    ActionFactory(programme=programme, title="Encours", sector=sector_b, in_progress=True)
    url = reverse("governance:action_board")
    assert _titles(mission_client.get(url, {"sector": sector_a.pk}).content.decode()) == ["Moulins"]
    assert _titles(mission_client.get(url, {"body": body_a.pk}).content.decode()) == ["Moulins"]
    assert _titles(mission_client.get(url, {"owner_organisation": organisation.pk}).content.decode()) == [
        "Moulins"
    ]
    assert _titles(mission_client.get(url, {"overdue": "on"}).content.decode()) == ["Retard"]
    assert _titles(mission_client.get(url, {"status": "en_cours"}).content.decode()) == ["Encours"]
    response = mission_client.get(url, {"sector": sector_a.pk}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()


def test_board_is_paginated(mission_client, programme):
    ActionFactory.create_batch(60, programme=programme)
    html = mission_client.get(reverse("governance:action_board")).content.decode()
    assert "60 actions" in html
    assert len(_titles(html)) == 50
    assert (
        len(_titles(mission_client.get(reverse("governance:action_board"), {"page": 2}).content.decode()))
        == 10
    )


def test_board_query_count_same_for_10_and_200(mission_client, programme, sector_a, body_a, organisation):
    url = reverse("governance:action_board")
    meeting = MeetingFactory(body=body_a)
    other_owner = ActionFactory(programme=programme).owner_organisation

    def make(count):
        for index in range(count):
            ActionFactory(
                programme=programme,
                sector=sector_a,
                meeting=meeting if index % 2 else None,
                owner_organisation=organisation if index % 3 else other_owner,
                overdue=index % 4 == 0,
            )

    make(10)
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_10 = count_queries(mission_client, url)
    make(190)
    assert count_queries(mission_client, url) == with_10


def test_partner_sees_its_actions_read_only(partner_client_a, programme, sector_a, sector_b):
    action_a = ActionFactory(programme=programme, sector=sector_a, title="Action Moulins")
    ActionFactory(programme=programme, sector=sector_b, title="Action Concorde")
    ActionFactory(programme=programme, sector=None, title="Action programme")
    html = partner_client_a.get(reverse("governance:action_board")).content.decode()
    assert _titles(html) == ["Action Moulins"]
    assert "<select" not in html.split("actions-table")[1]
    assert "Nouvelle action" not in html
    response = partner_client_a.post(
        reverse("governance:action_status", args=[action_a.pk]), {"status": "faite"}
    )
    assert response.status_code == 403
    detail = partner_client_a.get(reverse("governance:action_detail", args=[action_a.pk])).content.decode()
    assert "Modifier" not in detail


def test_quick_status_change_with_htmx(mission_client, programme):
    action = ActionFactory(programme=programme)
    url = reverse("governance:action_status", args=[action.pk])
    response = mission_client.post(url, {"status": "faite"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Statut enregistré." in html
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_on == TODAY()
    # from "faite", only "en cours" (reopen) is offered
    assert re.findall(r'<option value="(\w+)"', html) == ["en_cours", "faite"]


def test_illegal_status_change_gives_a_clear_french_error(mission_client, programme):
    action = ActionFactory(programme=programme, done=True)
    url = reverse("governance:action_status", args=[action.pk])
    response = mission_client.post(url, {"status": "abandonnee"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Passage de « Faite » à « Abandonnée » impossible." in html
    assert 'role="alert"' in html
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    response = mission_client.post(url, {"status": "nimporte"}, headers={"HX-Request": "true"})
    assert "Statut : Sélectionnez un choix valide." in response.content.decode()


def test_status_change_without_javascript_redirects_with_a_message(mission_client, programme):
    action = ActionFactory(programme=programme, done=True)
    url = reverse("governance:action_status", args=[action.pk])
    response = mission_client.post(url, {"status": "a_faire", "next": "/gouvernance/actions/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/gouvernance/actions/"
    assert "Statut non modifié. Passage de « Faite » à « À faire » impossible." in response.content.decode()
    response = mission_client.post(url, {"status": "en_cours", "next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("governance:action_detail", args=[action.pk])


def test_export_has_the_filtered_actions(mission_client, programme, sector_a, body_a):
    meeting = MeetingFactory(body=body_a)
    ActionFactory(programme=programme, sector=sector_a, title="=HYPERLINK(1)", meeting=meeting, overdue=True)
    ActionFactory(programme=programme, sector=None, title="Hors filtre")
    response = mission_client.get(reverse("governance:action_export"), {"sector": sector_a.pk})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("Action", "Précisions", "Porteur", "Personne en charge", "Échéance")
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert isinstance(rows[1][4], datetime.datetime)
    assert rows[1][6] == "Oui"
    assert rows[1][10] == "COPIL Moulins"


def test_create_an_action_from_a_decision(
    mission_client, programme, body_a, sector_a, organisation, mission_user
):
    meeting = MeetingFactory(body=body_a, held=True)
    decision = DecisionFactory(meeting=meeting, sector=sector_a)
    url = reverse("governance:action_create")
    form = mission_client.get(url, {"decision": decision.pk}).context["form"]
    assert form.initial["meeting"] == meeting
    assert form.initial["decision"] == decision
    assert form.initial["sector"] == sector_a.pk
    assert "status" not in form.fields
    response = mission_client.post(
        url,
        {
            "title": "Transmettre le calendrier des démolitions",
            "owner_organisation": organisation.pk,
            "owner_name": "M. Martin, directeur du patrimoine",
            "owner_user": mission_user.pk,
            "due_on": "2026-09-30",
            "sector": sector_a.pk,
            "decision": decision.pk,
        },
    )
    action = Action.objects.get()
    assert response["Location"] == reverse("governance:meeting_detail", args=[meeting.pk]) + "#titre-actions"
    assert action.meeting == meeting  # taken from the decision
    assert action.owner_user == mission_user
    assert action.due_on == datetime.date(2026, 9, 30)


def test_action_form_errors_are_in_french(mission_client, programme, body_a, organisation):
    meeting, other = MeetingFactory(body=body_a), MeetingFactory(body=body_a)
    decision = DecisionFactory(meeting=other)
    response = mission_client.post(
        reverse("governance:action_create"),
        {
            "title": "",
            "owner_organisation": organisation.pk,
            "due_on": "31/02/2026",
            "meeting": meeting.pk,
            "decision": decision.pk,
        },
    )
    html = response.content.decode()
    assert "Action</a> : Ce champ est obligatoire." in html
    assert "Échéance</a> : Saisissez une date valide." in html
    assert "Décision</a> : Cette décision n&#x27;a pas été prise lors de la séance choisie." in html
    assert not Action.objects.exists()


def test_edit_an_action_and_its_status(mission_client, programme, organisation):
    action = ActionFactory(programme=programme, owner_organisation=organisation)
    url = reverse("governance:action_edit", args=[action.pk])
    form = mission_client.get(url).context["form"]
    assert [value for value, _ in form.fields["status"].choices] == [
        "a_faire",
        "en_cours",
        "faite",
        "abandonnee",
    ]
    data = {
        "title": "Titre corrigé",
        "owner_organisation": organisation.pk,
        "due_on": "2026-10-15",
        "status": "faite",
        "done_on": "2026-10-01",
    }
    assert mission_client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status, action.done_on) == (
        "Titre corrigé",
        "faite",
        datetime.date(2026, 10, 1),
    )
    response = mission_client.post(url, {**data, "status": "abandonnee"})
    assert "Statut</a> : Sélectionnez un choix valide." in response.content.decode()


def test_action_detail_shows_the_reminders_and_the_origin(mission_client, programme, sector_a):
    from governance.models import ActionReminder, ReminderKind
    from tests.governance.factories import FeedbackFactory

    action = ActionFactory(programme=programme, sector=sector_a)
    ActionReminder.objects.create(action=action, kind=ReminderKind.BEFORE, due_on=action.due_on)
    FeedbackFactory(
        programme=programme, sector=sector_a, action=action, text="Éclairage en panne rue Pasteur"
    )
    html = mission_client.get(reverse("governance:action_detail", args=[action.pk])).content.decode()
    assert "Avant l&#x27;échéance" in html
    assert "Éclairage en panne rue Pasteur" in html


def test_outsider_cannot_reach_an_action(client, programme):
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory
    from tests.projects.factories import ProgrammeFactory

    action = ActionFactory(programme=programme)
    client.force_login(MembershipFactory(programme=ProgrammeFactory(), role=Role.MISSION).user)
    assert (
        client.post(reverse("governance:action_status", args=[action.pk]), {"status": "faite"}).status_code
        == 404
    )


def test_board_status_forms_are_rendered_in_one_pass(mission_client, programme):
    first = ActionFactory(programme=programme, title="L'étude <b>")
    url = reverse("governance:action_board")
    response = mission_client.get(url, {"status": "", "page": 1})
    html = response.content.decode()
    status_url = reverse("governance:action_status", args=[first.pk])
    block = html.split(f'id="statut-action-{first.pk}"')[1].split("</form>")[0]
    assert f'action="{status_url}"' in block
    assert f'hx-post="{status_url}"' in block
    assert f'hx-target="#statut-action-{first.pk}"' in block
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', block)
    assert 'name="next" value="/gouvernance/actions/?status=&amp;page=1"' in block
    assert "Statut de l'action « L&#x27;étude &lt;b&gt; »" in block
    assert '<option value="a_faire" selected>' in block

    def page_templates(response) -> int:  # the filter form's widgets render one template per option
        return len([t for t in response.templates if not (t.name or "").startswith("django/forms/")])

    templates_with_1 = page_templates(response)
    for _ in range(9):
        ActionFactory(programme=programme)
    response = mission_client.get(url, {"status": ""})
    assert response.content.decode().count('name="csrfmiddlewaretoken"') >= 10
    # no template per row: the board renders as many templates with ten rows as with one
    assert page_templates(response) == templates_with_1
