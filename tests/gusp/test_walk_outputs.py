"""What a diagnostic en marchant leads to besides its observations: the participants' proposals (a field of
the walk) and the follow-up actions (action plan items whose « diagnostic d'origine » is the walk). The
forms, the walk's page per account, the dashboard's walk block, the demo-free figures and the history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from gusp import selectors, services
from gusp.models import ActionStatus, GuspAction, Volet, WalkAudit
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.gusp.factories import GuspActionFactory, WalkAuditFactory
from tests.gusp.test_action_pages import action_data

CREATE_WALK = reverse("gusp:walk_audit_create")
CREATE_ACTION = reverse("gusp:action_create")


def walk_url(walk) -> str:
    return reverse("gusp:walk_audit_detail", args=[walk.pk])


@pytest.fixture
def outputs(world):
    """A walk held ten days ago in sector A with proposals and three follow-up actions: the city's (done),
    the landlord's TFPB action, another landlord's TFPB action; a walk in sector B without any."""
    held = timezone.localdate() - datetime.timedelta(days=10)
    walk = WalkAuditFactory(
        programme=world.programme,
        sector=world.sector_a,
        held_on=held,
        route="Place Déliot",
        proposals="Des bancs sur le mail.\nUne permanence du bailleur le samedi.",
    )
    other_landlord = OrganisationFactory(name="Habitat Voisin", kind="bailleur")
    world.programme.organisations.add(other_landlord)
    common = {"programme": world.programme, "sector": world.sector_a, "walk_audit": walk}
    cleaning = GuspActionFactory(
        **common,
        title="Nettoyage des pieds d'immeubles",
        owner=world.city,
        status=ActionStatus.DONE,
        done_on=held + datetime.timedelta(days=5),
        due_on=held + datetime.timedelta(days=30),
    )
    own = GuspActionFactory(
        **common, tfpb=True, title="Sur-entretien des halls", owner=world.landlord, due_on=held
    )
    foreign = GuspActionFactory(**common, tfpb=True, title="Gardiennage renforcé", owner=other_landlord)
    bare = WalkAuditFactory(
        programme=world.programme, sector=world.sector_b, held_on=held, route="Mail", proposals=""
    )
    return {"walk": walk, "bare": bare, "cleaning": cleaning, "own": own, "foreign": foreign}


# --- The walk's form ----------------------------------------------------------------------------------------


def test_the_walk_form_records_the_proposals_and_their_history(world, as_user):
    client = as_user(world.users["gusp_referent"])
    fields = {
        "sector": world.sector_b.pk,
        "held_on": "2026-05-20",
        "route": "Rue des Postes",
        "residents": "9",
        "citizen_council": "2",
        "elected_officials": "1",
        "professionals": "4",
    }
    assert "Propositions" in client.get(CREATE_WALK).content.decode()
    client.post(CREATE_WALK, {**fields, "proposals": "  Un composteur partagé.  "})
    walk = WalkAudit.objects.get()
    assert walk.proposals == "Un composteur partagé."
    client.post(
        reverse("gusp:walk_audit_edit", args=[walk.pk]),
        {**fields, "proposals": "Un composteur partagé.\nDes jeux pour enfants."},
    )
    walk.refresh_from_db()
    assert walk.proposals == "Un composteur partagé.\nDes jeux pour enfants."
    history = walk.events.order_by("pgh_id").values_list("pgh_label", "proposals")
    assert list(history) == [
        ("insert", "Un composteur partagé."),
        ("update", "Un composteur partagé.\nDes jeux pour enfants."),
    ]


# --- The action's form --------------------------------------------------------------------------------------


def test_an_action_is_recorded_as_a_walk_s_follow_up_and_its_history_says_so(world, outputs, as_user):
    walk = outputs["walk"]
    response = as_user(world.users["mission"]).post(
        CREATE_ACTION, action_data(world, title="Bancs sur le mail", walk_audit=walk.pk)
    )
    assert response.status_code == 302, response.context["form"].errors
    action = GuspAction.objects.get(title="Bancs sur le mail")
    assert action.walk_audit == walk
    services.gusp_action_update(action=action, walk_audit=None)
    assert list(action.events.order_by("pgh_id").values_list("walk_audit_id", flat=True)) == [walk.pk, None]


def test_a_walk_of_another_quartier_is_refused_on_the_field(world, outputs, as_user):
    data = action_data(world, walk_audit=outputs["bare"].pk)  # sector B walk, sector A action
    response = as_user(world.users["mission"]).post(CREATE_ACTION, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "autre quartier" in " ".join(errors["walk_audit"])
    assert 'id="id_walk_audit_error_1"' in response.content.decode()
    # An action of the whole programme may follow any walk.
    response = as_user(world.users["mission"]).post(
        CREATE_ACTION, action_data(world, sector="", walk_audit=outputs["bare"].pk)
    )
    assert response.status_code == 302


def test_the_walks_offered_are_those_of_the_user_s_quartiers(world, outputs, as_user):
    from tests.projects.factories import ProgrammeFactory, SectorFactory

    elsewhere = ProgrammeFactory()
    stranger = WalkAuditFactory(programme=elsewhere, sector=SectorFactory(programme=elsewhere))
    in_b = GuspActionFactory(programme=world.programme, sector=world.sector_b, owner=world.city)
    edit = reverse("gusp:action_edit", args=[in_b.pk])
    form = as_user(world.users["mission_b"]).get(edit).context["form"]
    assert list(form.fields["walk_audit"].queryset) == [outputs["bare"]]
    whole = as_user(world.users["mission"]).get(CREATE_ACTION).context["form"]
    assert set(whole.fields["walk_audit"].queryset) == {outputs["walk"], outputs["bare"]}
    response = as_user(world.users["mission"]).post(CREATE_ACTION, action_data(world, walk_audit=stranger.pk))
    assert "quartiers où vous intervenez" in " ".join(response.context["form"].errors["walk_audit"])
    assert not GuspAction.objects.filter(walk_audit=stranger).exists()


@pytest.mark.parametrize("value", ["abc", "²", "-1", "9" * 30, "", "0"])
def test_the_follow_up_link_fills_the_walk_and_ignores_odd_values(world, outputs, as_user, value):
    client = as_user(world.users["mission"])
    form = client.get(f"{CREATE_ACTION}?diagnostic={outputs['walk'].pk}").context["form"]
    assert form.initial["walk_audit"] == outputs["walk"].pk
    assert form.initial["sector"] == world.sector_a.pk
    response = client.get(f"{CREATE_ACTION}?diagnostic={value}")
    assert response.status_code == 200
    assert "walk_audit" not in response.context["form"].initial
    # A walk of another programme is not filled in either.
    stranger = WalkAuditFactory()
    response = client.get(f"{CREATE_ACTION}?diagnostic={stranger.pk}")
    assert "walk_audit" not in response.context["form"].initial


# --- The walk's page ---


def test_the_team_reads_the_proposals_and_the_follow_up_actions(world, outputs, as_user):
    html = as_user(world.users["mission"]).get(walk_url(outputs["walk"])).content.decode()
    assert "Propositions" in html
    assert "Des bancs sur le mail." in html
    assert "Actions de suivi" in html
    for key in ("cleaning", "own", "foreign"):
        assert escape(outputs[key].title) in html
        assert reverse("gusp:action_edit", args=[outputs[key].pk]) in html
    assert "Réalisée" in html
    assert outputs["cleaning"].due_on.strftime("%d/%m/%Y") in html
    assert "en retard" in html  # the landlord's action, due the day of the walk, still to do
    assert f"{reverse('gusp:action_list')}?sector={world.sector_a.pk}" in html
    assert f"{CREATE_ACTION}?diagnostic={outputs['walk'].pk}" in html
    bare = as_user(world.users["mission"]).get(walk_url(outputs["bare"])).content.decode()
    assert "Aucune action de suivi." in bare
    assert "Aucune proposition enregistrée." in bare


def test_a_landlord_partner_reads_the_follow_ups_as_on_the_action_plan(world, outputs, as_user):
    html = as_user(world.users["handler"]).get(walk_url(outputs["walk"])).content.decode()
    assert "Des bancs sur le mail." in html
    assert escape(outputs["cleaning"].title) in html  # not TFPB: read in its perimeter
    assert outputs["own"].title in html  # its own TFPB action
    assert outputs["foreign"].title not in html  # another landlord's TFPB action
    assert reverse("gusp:action_edit", args=[outputs["cleaning"].pk]) not in html
    assert f"{CREATE_ACTION}?diagnostic=" not in html


def test_a_partner_that_is_not_a_landlord_reads_no_tfpb_follow_up(world, outputs, as_user):
    html = as_user(world.users["partner"]).get(walk_url(outputs["walk"])).content.decode()
    assert escape(outputs["cleaning"].title) in html
    assert outputs["own"].title not in html
    assert outputs["foreign"].title not in html


def test_a_member_of_another_quartier_adds_no_follow_up_here(world, outputs, as_user):
    reader = MembershipFactory(programme=world.programme, role=Role.MISSION, sectors=[world.sector_b]).user
    assert as_user(reader).get(walk_url(outputs["walk"])).status_code == 404
    html = as_user(world.users["direction"]).get(walk_url(outputs["walk"])).content.decode()
    assert escape(outputs["cleaning"].title) in html
    assert f"{CREATE_ACTION}?diagnostic=" not in html


# --- Dashboard ---


def test_the_walk_figures_count_the_follow_ups_the_reader_reads(world, outputs):
    today = timezone.localdate()
    period = selectors.Period.year_before(today)
    actions = GuspAction.objects.filter(programme=world.programme)
    walks = WalkAudit.objects.filter(programme=world.programme)
    reports = world.programme.gusp_reports.all()
    figures = selectors.walk_audits(walks, reports, actions, period=period)
    assert (figures.held, figures.follow_ups, figures.follow_ups_done) == (2, 3, 1)
    landlord_reads = actions.exclude(pk=outputs["foreign"].pk)
    figures = selectors.walk_audits(walks, reports, landlord_reads, period=period)
    assert (figures.follow_ups, figures.follow_ups_done) == (2, 1)
    GuspActionFactory(programme=world.programme, sector=world.sector_a, volet=Volet.WATCH)  # no walk
    assert selectors.walk_audits(walks, reports, actions, period=period).follow_ups == 3


def test_the_dashboard_shows_the_follow_ups_in_the_walks_block(world, outputs, as_user):
    html = as_user(world.users["mission"]).get(reverse("gusp:dashboard")).content.decode()
    assert "Actions de suivi (dont réalisées)" in html
    assert '<td class="text-end">3 (1)</td>' in html
    html = as_user(world.users["handler"]).get(reverse("gusp:dashboard")).content.decode()
    assert '<td class="text-end">2 (1)</td>' in html
