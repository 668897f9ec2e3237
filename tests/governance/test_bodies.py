import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import selectors
from governance.models import AgendaItem, Body, BodyKind, Meeting
from tests.governance.factories import ActionFactory, BodyFactory, DecisionFactory, MeetingFactory, in_days
from tests.projects.factories import OperationFactory, SectorFactory
from tests.utils import count_queries

PARIS = timezone.get_current_timezone()


def test_body_list_shows_scope_rhythm_and_meetings(mission_client, body_a, cotec):
    MeetingFactory(body=body_a, starts_at=in_days(10))
    MeetingFactory(body=body_a, held=True)
    html = mission_client.get(reverse("governance:body_list")).content.decode()
    assert "COPIL Moulins" in html
    assert "Tout le programme" in html  # the COTEC
    assert "Tous les 6 mois" in html
    assert (timezone.localdate() + datetime.timedelta(days=10)).strftime("%d/%m/%Y") in html
    assert "Nouvelle instance" in html


def test_body_list_query_count_same_for_5_and_50(mission_client, programme, sector_a, sector_b):
    url = reverse("governance:body_list")
    for _ in range(5):
        MeetingFactory(body=BodyFactory(programme=programme, sectors=[sector_a, sector_b]))
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_5 = count_queries(mission_client, url)
    for _ in range(45):
        MeetingFactory(body=BodyFactory(programme=programme, sectors=[sector_a]))
    assert count_queries(mission_client, url) == with_5


def test_body_detail(mission_client, body_a, organisation):
    upcoming = MeetingFactory(body=body_a, starts_at=in_days(5))
    past = MeetingFactory(body=body_a, held=True)
    DecisionFactory(meeting=past)
    html = mission_client.get(reverse("governance:body_detail", args=[body_a.pk])).content.decode()
    assert organisation.name in html
    assert reverse("governance:meeting_detail", args=[upcoming.pk]) in html
    assert "1 décision" in html
    assert "Préparer la prochaine séance" in html


def test_partner_sees_no_edit_button(partner_client_a, body_a):
    html = partner_client_a.get(reverse("governance:body_detail", args=[body_a.pk])).content.decode()
    assert "Préparer la prochaine séance" not in html
    assert partner_client_a.get(reverse("governance:body_edit", args=[body_a.pk])).status_code == 403


def test_create_a_body(mission_client, programme, sector_a, organisation):
    response = mission_client.post(
        reverse("governance:body_create"),
        {
            "name": "GTR Moulins",
            "kind": BodyKind.GTR,
            "sectors": [sector_a.pk],
            "chair": organisation.pk,
            "members": [organisation.pk],
            "periodicity_months": 1,
        },
    )
    body = Body.objects.get(name="GTR Moulins")
    assert response["Location"] == reverse("governance:body_detail", args=[body.pk])
    assert list(body.sectors.all()) == [sector_a]
    assert body.chair == organisation
    assert body.is_active


def test_body_form_errors_in_french(mission_client, body_a):
    response = mission_client.post(
        reverse("governance:body_create"), {"name": "copil moulins", "kind": "", "periodicity_months": "-2"}
    )
    html = response.content.decode()
    assert "Nom</a> : Une instance de ce programme porte déjà le nom « copil moulins »." in html
    assert "Type</a> : Ce champ est obligatoire." in html
    assert "Périodicité (mois)</a> : Assurez-vous que cette valeur est supérieure ou égale à 0." in html


def test_rename_and_deactivate_a_body(mission_client, body_a, sector_b):
    url = reverse("governance:body_edit", args=[body_a.pk])
    response = mission_client.post(
        url,
        {"name": "COPIL Moulins-Concorde", "kind": BodyKind.COPIL, "sectors": [sector_b.pk], "is_active": ""},
    )
    assert response.status_code == 302
    body_a.refresh_from_db()
    assert body_a.name == "COPIL Moulins-Concorde"
    assert not body_a.is_active
    assert list(body_a.sectors.all()) == [sector_b]
    assert Body.objects.count() == 1


# --- Préparer la prochaine séance -------------------------------------------------------------------


def test_proposed_date_follows_the_periodicity():
    body = Body(periodicity_months=2)
    now = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)
    last = Meeting(starts_at=datetime.datetime(2026, 1, 29, 14, 30, tzinfo=PARIS))
    start = selectors.proposed_start(body, last, now=now)
    assert (start.year, start.month, start.day, start.hour, start.minute) == (
        2026,
        3,
        30,
        14,
        30,
    )  # 29 is a Sunday
    # a long-dormant body: the proposal is moved into the future, one period at a time
    last = Meeting(starts_at=datetime.datetime(2025, 5, 15, 9, 30, tzinfo=PARIS))
    assert selectors.proposed_start(body, last, now=now).date() == datetime.date(
        2026, 3, 16
    )  # 15 is a Sunday
    # on demand: two weeks ahead
    body.periodicity_months = None
    assert selectors.proposed_start(body, None, now=now).date() == datetime.date(2026, 3, 24)


def test_add_months_clamps_to_the_end_of_the_month():
    moment = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)
    assert selectors.add_months(moment, 1).date() == datetime.date(2026, 2, 28)
    assert selectors.add_months(moment, 11).date() == datetime.date(2026, 12, 31)
    assert selectors.add_months(moment, 12).date() == datetime.date(2027, 1, 31)


def test_proposal_contents(mission_user, programme, body_a, sector_a, sector_b):
    last = MeetingFactory(body=body_a, held=True)
    pending = DecisionFactory(meeting=last, text="Lancer l'étude de stationnement")
    settled = DecisionFactory(meeting=last, text="Décision soldée")
    ActionFactory(
        programme=programme, sector=sector_a, meeting=last, decision=pending, title="Cahier des charges"
    )
    ActionFactory(programme=programme, sector=sector_a, meeting=last, decision=settled, done=True)
    ActionFactory(programme=programme, sector=sector_a, title="Relancer le bailleur", overdue=True)
    ActionFactory(programme=programme, sector=sector_b, title="Action d'un autre quartier")
    OperationFactory(programme=programme, sector=sector_a, at_risk_delivery=True, identifier="OP-RISK")
    OperationFactory(programme=programme, sector=sector_b, at_risk_delivery=True, identifier="OP-AILLEURS")
    proposal = selectors.meeting_proposal(body=body_a, user=mission_user)
    titles = [candidate.title for candidate in proposal.candidates]
    assert titles[0].startswith("Approbation du relevé de décisions de la séance du")
    assert titles[1].startswith("Suites des décisions de la séance du")
    assert titles[2] == f"Point d'avancement : {sector_a.name}"
    assert titles[-1] == "Questions diverses"
    assert len(titles) == 4
    suites, sector_point = proposal.follow_ups[0], proposal.sectors[0]
    assert "Décision : Lancer l'étude de stationnement" in suites.lines
    assert not any("Décision soldée" in line for line in suites.lines)
    assert any("Cahier des charges" in line for line in suites.lines)
    # each open item once: the decision's action is under the follow-up, not again under the quartier
    assert not any("Cahier des charges" in line for line in sector_point.lines)
    assert any("Relancer le bailleur" in line and "en retard" in line for line in sector_point.lines)
    assert any(line.startswith("OP-RISK") for line in sector_point.lines)
    everything = " ".join(line for candidate in proposal.candidates for line in candidate.lines)
    assert "autre quartier" not in everything
    assert "OP-AILLEURS" not in everything


def test_the_agenda_stays_short_and_merges_an_operation_with_its_actions(mission_user, programme, cotec):
    """24 open actions and operations at risk in two quartiers: two quartier points, not 24 lines; an
    operation at risk with open actions is one entry with its actions under it."""
    sectors = [SectorFactory(programme=programme), SectorFactory(programme=programme)]
    operation = OperationFactory(
        programme=programme, sector=sectors[0], at_risk_delivery=True, identifier="OP-7"
    )
    far = timezone.localdate() + datetime.timedelta(days=365)
    for number in range(24):
        ActionFactory(
            programme=programme,
            sector=sectors[number % 2],
            operation=operation if number < 3 else None,
            title=f"Action {number}",
            due_on=far,
        )

    proposal = selectors.meeting_proposal(body=cotec, user=mission_user)

    assert len(proposal.candidates) == 3  # two quartier points and questions diverses
    first = next(candidate for candidate in proposal.sectors if candidate.title.endswith(sectors[0].name))
    assert first.detail == "1 opération à risque, 12 actions ouvertes"
    assert first.checked  # an operation at risk
    assert first.lines[0].startswith("OP-7 — ")
    assert first.lines[0].endswith("; 2 actions ouvertes")
    assert sum("OP-7" in line for line in first.lines) == 1
    second = next(candidate for candidate in proposal.sectors if candidate.title.endswith(sectors[1].name))
    assert not second.checked  # nothing late, at risk or due by the séance
    assert second.lines[-1] == "… et 4 autre(s)"  # listed up to the limit, the rest counted


def test_programme_wide_body_takes_every_sector(mission_user, programme, cotec, sector_a, sector_b):
    ActionFactory(programme=programme, sector=sector_a, title="A")
    ActionFactory(programme=programme, sector=sector_b, title="B")
    OperationFactory(programme=programme, sector=sector_b, at_risk_delivery=True)
    proposal = selectors.meeting_proposal(body=cotec, user=mission_user)
    assert [candidate.title for candidate in proposal.sectors] == sorted(
        [f"Point d'avancement : {sector_a.name}", f"Point d'avancement : {sector_b.name}"]
    )
    assert proposal.openers == []  # no previous séance


def test_prepare_creates_the_meeting_with_the_ticked_items(mission_client, programme, body_a, sector_a):
    last = MeetingFactory(body=body_a, held=True, place="Centre social")
    ActionFactory(programme=programme, sector=sector_a, title="Relancer le bailleur", overdue=True)
    operation = OperationFactory(programme=programme, sector=sector_a, at_risk_delivery=True)
    url = reverse("governance:body_prepare", args=[body_a.pk])
    response = mission_client.get(url)
    form = response.context["form"]
    assert form.initial["place"] == "Centre social"
    point = f"quartier-{sector_a.pk}"
    assert set(form.initial["items"]) == {"relevé", point, "divers"}
    html = response.content.decode()
    assert "Relancer le bailleur" in html
    assert "en retard" in html
    response = mission_client.post(
        url,
        {
            "starts_at": "2026-09-14T09:30",
            "place": "Centre social",
            "items": [point, "relevé", "action-999999"],
        },
    )
    assert response.status_code == 200  # an item that is not proposed is refused
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = mission_client.post(
        url, {"starts_at": "2026-09-14T09:30", "place": "Centre social", "items": [point, "relevé"]}
    )
    meeting = Meeting.objects.exclude(pk=last.pk).get()
    assert response["Location"] == reverse("governance:meeting_detail", args=[meeting.pk])
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    assert [item.order for item in items] == [1, 2]
    assert items[0].title.startswith("Approbation du relevé")  # the proposal's order, not the ticking order
    assert items[1].title == f"Point d'avancement : {sector_a.name}"
    assert "Relancer le bailleur" in items[1].description
    assert operation.identifier in items[1].description


def test_prepare_query_count_does_not_grow(mission_client, programme, body_a, sector_a):
    url = reverse("governance:body_prepare", args=[body_a.pk])
    last = MeetingFactory(body=body_a, held=True)

    def make(count):
        for _ in range(count):
            decision = DecisionFactory(meeting=last)
            ActionFactory(programme=programme, sector=sector_a, meeting=last, decision=decision)
            OperationFactory(programme=programme, sector=sector_a, at_risk_delivery=True)

    make(3)
    mission_client.get(url)  # warm the per-process caches (content types…)
    with_3 = count_queries(mission_client, url)
    make(30)
    assert count_queries(mission_client, url) == with_3


def test_direction_cannot_prepare(direction_user, body_a):
    client = Client()
    client.force_login(direction_user)
    assert client.get(reverse("governance:body_prepare", args=[body_a.pk])).status_code == 403
    assert client.post(reverse("governance:body_prepare", args=[body_a.pk]), {}).status_code == 403
