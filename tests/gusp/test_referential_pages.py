"""The referential pages: the themes (list, the team's edit form) and the GUSP conventions (list, page,
the team's forms for a convention and its commitments), and who sees what."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from gusp.models import Theme

THEMES = reverse("gusp:theme_list")


def theme_edit_url(theme) -> str:
    return reverse("gusp:theme_edit", args=[theme.pk])


# --- Themes -----------------------------------------------------------------------------------------------


def test_the_team_lists_the_themes_with_handler_delay_spellings_and_open_reports(world, as_user):
    world.housing.synonyms = ["Bailleur", "Parties communes"]
    world.housing.save()
    response = as_user(world.users["mission"]).get(THEMES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Propreté" in html
    assert "Gestion locative" in html
    assert "Bailleur, Parties communes" in html
    assert '<span class="text-nowrap">15 j</span>' in html
    assert '<span class="text-nowrap">3 j</span>' in html
    # Open reports: propreté new_old, new_recent, sent_city; gestion locative new_housing, in_progress.
    assert f'?theme={world.cleanliness.pk}&amp;status=ouverts">3<' in html
    assert f'?theme={world.housing.pk}&amp;status=ouverts">2<' in html
    assert theme_edit_url(world.cleanliness) in html


def test_a_member_limited_to_a_sector_counts_that_sector_only(world, as_user):
    html = as_user(world.users["mission_b"]).get(THEMES).content.decode()
    assert f'?theme={world.cleanliness.pk}&amp;status=ouverts">1<' in html  # new_recent only
    assert theme_edit_url(world.cleanliness) not in html  # a theme is the whole programme's


def test_a_partner_reads_the_themes_without_counts_nor_edit_links(world, as_user):
    response = as_user(world.users["handler"]).get(THEMES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Propreté" in html
    assert "Signalements ouverts" not in html
    assert theme_edit_url(world.cleanliness) not in html
    assert as_user(world.users["handler"]).get(theme_edit_url(world.cleanliness)).status_code == 403


def test_the_referent_edits_a_theme_and_the_open_reports_keep_their_due_date(world, as_user):
    sent = world.reports["sent_city"]
    due_before = sent.due_on
    client = as_user(world.users["gusp_referent"])
    page = client.get(theme_edit_url(world.cleanliness)).content.decode()
    assert "gardent leur échéance" in page
    response = client.post(
        theme_edit_url(world.cleanliness),
        {
            "default_handler": world.landlord.pk,
            "target_days": "7",
            "synonyms": "Déchets, Dépôt sauvage\nCorbeilles\n déchets ,",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == THEMES
    theme = Theme.objects.get(pk=world.cleanliness.pk)
    assert theme.target_days == 7
    assert theme.default_handler == world.landlord
    assert theme.synonyms == ["Déchets", "Dépôt sauvage", "Corbeilles", "déchets"]
    assert "vaut pour les prochains signalements" in response.content.decode()
    sent.refresh_from_db()
    assert sent.due_on == due_before
    assert sent.handler == world.city


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target_days": "0"}, "target_days", "supérieure ou égale à 1"),
        ({"target_days": "abc"}, "target_days", "Saisissez un nombre entier"),
        ({"target_days": ""}, "target_days", "Ce champ est obligatoire"),
        ({"synonyms": "Gestion  locative"}, "synonyms", "désigne déjà le thème « Gestion locative »"),
        ({"synonyms": "x" * 130}, "synonyms", "dépasse 120 caractères"),
        ({"default_handler": "999999"}, "default_handler", "Sélectionnez un choix valide"),
    ],
)
def test_an_invalid_theme_form_writes_nothing_and_names_the_field(world, as_user, data, field, message):
    before = Theme.objects.values().get(pk=world.cleanliness.pk)
    post = {"default_handler": world.city.pk, "target_days": "5", "synonyms": "", **data}
    response = as_user(world.users["mission"]).post(theme_edit_url(world.cleanliness), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert escape(message) in response.content.decode() or message in response.content.decode()
    assert Theme.objects.values().get(pk=world.cleanliness.pk) == before


def test_an_organisation_outside_the_programme_is_not_a_choice(world, as_user):
    from tests.accounts.factories import OrganisationFactory

    stranger = OrganisationFactory(name="Ailleurs")
    response = as_user(world.users["mission"]).post(
        theme_edit_url(world.cleanliness), {"default_handler": stranger.pk, "target_days": "3"}
    )
    assert "default_handler" in response.context["form"].errors


def test_a_theme_of_another_programme_is_not_found(world, as_user):
    from tests.gusp.factories import ThemeFactory

    other = ThemeFactory(slug="autre-prog", name="Ailleurs")
    assert as_user(world.users["mission"]).get(theme_edit_url(other)).status_code == 404


# --- Conventions ------------------------------------------------------------------------------------------

import datetime  # noqa: E402

from accounts.models import Role  # noqa: E402
from gusp.models import Commitment, GuspConvention, Volet  # noqa: E402
from tests.accounts.factories import MembershipFactory, OrganisationFactory  # noqa: E402
from tests.gusp.factories import GuspActionFactory, GuspConventionFactory  # noqa: E402
from tests.projects.factories import ConventionFactory  # noqa: E402

CONVENTIONS = reverse("gusp:convention_list")
CONVENTION_CREATE = reverse("gusp:convention_create")


def detail_url(convention) -> str:
    return reverse("gusp:convention_detail", args=[convention.pk])


@pytest.fixture
def conventions(world):
    npnru = ConventionFactory(programme=world.programme, title="Convention pluriannuelle NPNRU de Lille")
    management = GuspConventionFactory(
        programme=world.programme,
        title="Projet de gestion du NPNRU",
        sectors=[world.sector_a],
        npnru_convention=npnru,
        is_management_project=True,
        management_project="Maintenir la propreté des abords de chantier pendant les démolitions.",
    )
    management.signatories.set([world.city, world.landlord])
    Commitment.objects.create(
        convention=management, volet=Volet.WORKS, text="Nettoyer les abords chaque semaine", order=1
    )
    Commitment.objects.create(
        convention=management,
        volet=Volet.CORRECTIVE,
        organisation=world.landlord,
        text="Réparer les portes de hall sous 48 heures",
    )
    sector_b_only = GuspConventionFactory(
        programme=world.programme, title="Convention GUSP du quartier B", sectors=[world.sector_b]
    )
    GuspActionFactory(
        programme=world.programme, sector=world.sector_a, owner=world.city, convention=management
    )
    return {"management": management, "b": sector_b_only}


def test_the_team_lists_the_conventions(world, conventions, as_user):
    response = as_user(world.users["mission"]).get(CONVENTIONS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Projet de gestion du NPNRU" in html
    assert "Convention GUSP du quartier B" in html
    assert "Projet de gestion NPNRU" in html  # the badge
    assert detail_url(conventions["management"]) in html
    assert "Nouvelle convention" in html


def test_the_convention_page_shows_its_commitments_by_volet_and_the_management_project(
    world, conventions, as_user
):
    response = as_user(world.users["mission"]).get(detail_url(conventions["management"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Convention pluriannuelle NPNRU de Lille" in html
    assert "projet de gestion annexé" in html
    assert "Maintenir la propreté des abords" in html
    volets = [label for label, _ in response.context["volets"]]
    assert volets == [label for _, label in Volet.choices]
    by_volet = {label: [c.text for c in items] for label, items in response.context["volets"]}
    assert by_volet["Accompagnement des travaux"] == ["Nettoyer les abords chaque semaine"]
    assert by_volet["Correctif"] == ["Réparer les portes de hall sous 48 heures"]
    assert "Aucun engagement dans ce volet." in html
    assert "Ville de Lille" in html
    assert "Logis du Nord" in html
    assert "1 action rattachée" in html
    assert f'href="{reverse("projects:convention_list")}"' in html
    assert reverse("gusp:commitment_create", args=[conventions["management"].pk]) in html


def test_a_partner_reads_the_conventions_of_its_quartiers_only(world, conventions, as_user):
    user = MembershipFactory(
        programme=world.programme,
        role=Role.PARTNER,
        organisation=OrganisationFactory(kind="etat"),
        sectors=[world.sector_a],
    ).user
    client = as_user(user)
    html = client.get(CONVENTIONS).content.decode()
    assert "Projet de gestion du NPNRU" in html
    assert "Convention GUSP du quartier B" not in html
    assert "Nouvelle convention" not in html
    page = client.get(detail_url(conventions["management"]))
    assert page.status_code == 200
    assert "Modifier la convention" not in page.content.decode()
    assert f'href="{reverse("projects:convention_list")}"' not in page.content.decode()
    assert client.get(detail_url(conventions["b"])).status_code == 404
    assert client.get(reverse("gusp:convention_edit", args=[conventions["b"].pk])).status_code == 404
    assert client.get(reverse("gusp:convention_edit", args=[conventions["management"].pk])).status_code == 403
    assert client.get(CONVENTION_CREATE).status_code == 403


def test_an_empty_list_says_so(world, as_user):
    html = as_user(world.users["mission"]).get(CONVENTIONS).content.decode()
    assert "Aucune convention GUSP enregistrée" in html


def convention_data(world, **fields) -> dict:
    data = {
        "title": "Convention GUSP 2025-2028",
        "starts_on": "2025-01-01",
        "ends_on": "2028-12-31",
        "signed_on": "2025-02-14",
        "sectors": [world.sector_a.pk, world.sector_b.pk],
        "signatories": [world.city.pk, world.landlord.pk],
        "npnru_convention": "",
        "management_project": "",
        "summary": "Engagements des signataires pendant les travaux.",
    }
    data.update(fields)
    return data


def test_the_referent_creates_a_convention_then_adds_edits_and_removes_a_commitment(world, as_user):
    client = as_user(world.users["gusp_referent"])
    response = client.post(CONVENTION_CREATE, convention_data(world))
    convention = GuspConvention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(convention)
    assert set(convention.sectors.all()) == {world.sector_a, world.sector_b}
    assert set(convention.signatories.all()) == {world.city, world.landlord}
    assert convention.signed_on == datetime.date(2025, 2, 14)

    add = reverse("gusp:commitment_create", args=[convention.pk])
    response = client.post(
        add,
        {"volet": Volet.WATCH, "organisation": world.landlord.pk, "text": "Veille mensuelle", "order": "1"},
    )
    assert response.status_code == 302
    commitment = convention.commitments.get()
    assert commitment.organisation == world.landlord

    edit = reverse("gusp:commitment_edit", args=[convention.pk, commitment.pk])
    response = client.post(
        edit,
        {"volet": Volet.ANTICIPATION, "organisation": "", "text": "Anticiper les relogements", "order": "2"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.volet == Volet.ANTICIPATION
    assert commitment.organisation is None

    response = client.post(
        reverse("gusp:convention_edit", args=[convention.pk]),
        convention_data(world, title="Convention GUSP renouvelée", sectors=[world.sector_b.pk]),
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.title == "Convention GUSP renouvelée"
    assert list(convention.sectors.all()) == [world.sector_b]

    delete = reverse("gusp:commitment_delete", args=[convention.pk, commitment.pk])
    assert client.get(delete).status_code == 200  # the confirmation first
    assert Commitment.objects.exists()
    assert client.post(delete).status_code == 302
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire"),
        ({"ends_on": "2024-01-01"}, "ends_on", "La fin de la convention précède son début"),
        ({"starts_on": "01/13/2025"}, "starts_on", "Saisissez une date valide"),
        ({"is_management_project": "on"}, "npnru_convention", "indiquez-la"),
        ({"sectors": ["999999"]}, "sectors", "Sélectionnez un choix valide"),
    ],
)
def test_an_invalid_convention_form_writes_nothing_and_names_the_field(
    world, as_user, fields, field, message
):
    response = as_user(world.users["mission"]).post(CONVENTION_CREATE, convention_data(world, **fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not GuspConvention.objects.exists()


def test_an_npnru_convention_of_another_programme_is_not_a_choice(world, as_user):
    other = ConventionFactory()
    response = as_user(world.users["mission"]).post(
        CONVENTION_CREATE, convention_data(world, npnru_convention=other.pk)
    )
    assert "npnru_convention" in response.context["form"].errors
    assert not GuspConvention.objects.exists()


def test_an_invalid_commitment_writes_nothing_and_names_the_field(world, conventions, as_user):
    convention = conventions["management"]
    stranger = OrganisationFactory(name="Non signataire")
    world.programme.organisations.add(stranger)
    add = reverse("gusp:commitment_create", args=[convention.pk])
    client = as_user(world.users["mission"])
    before = Commitment.objects.count()
    for data, field in (
        ({"volet": Volet.WATCH, "text": "", "order": "0"}, "text"),
        ({"volet": "inconnu", "text": "x", "order": "0"}, "volet"),
        ({"volet": Volet.WATCH, "text": "x", "order": "0", "organisation": stranger.pk}, "organisation"),
        ({"volet": Volet.WATCH, "text": "x", "order": "-1"}, "order"),
    ):
        response = client.post(add, data)
        assert response.status_code == 200
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
    assert Commitment.objects.count() == before


def test_a_commitment_of_another_convention_is_not_found(world, conventions, as_user):
    management, other = conventions["management"], conventions["b"]
    commitment = management.commitments.first()
    client = as_user(world.users["mission"])
    assert client.get(reverse("gusp:commitment_edit", args=[other.pk, commitment.pk])).status_code == 404
    assert client.post(reverse("gusp:commitment_delete", args=[other.pk, commitment.pk])).status_code == 404
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def commitment_delete_url(convention, commitment) -> str:
    return reverse("gusp:commitment_delete", args=[convention.pk, commitment.pk])


def test_removing_a_commitment_asks_for_confirmation_first(world, conventions, as_user):
    convention = conventions["management"]
    commitment = convention.commitments.get(volet=Volet.CORRECTIVE)
    url = commitment_delete_url(convention, commitment)
    client = as_user(world.users["gusp_referent"])
    page = client.get(detail_url(convention)).content.decode()
    # The convention's page links to the confirmation; no form there removes anything.
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page

    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Retirer cet engagement de la convention « Projet de gestion du NPNRU » ?" in html
    assert "Réparer les portes de hall sous 48 heures" in html
    assert "Correctif" in html
    assert "Logis du Nord" in html  # the committed signatory
    assert '<form method="post" class="d-flex flex-wrap gap-2">' in html
    assert "Retirer l'engagement</button>" in html
    assert f'href="{detail_url(convention)}">Annuler</a>' in html
    assert Commitment.objects.filter(pk=commitment.pk).exists()  # a GET removes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(convention)
    assert "Engagement retiré de la convention." in response.content.decode()
    assert not Commitment.objects.filter(pk=commitment.pk).exists()
    assert convention.commitments.count() == 1  # the other one stays
    assert client.get(url).status_code == 404  # gone


@pytest.mark.parametrize("account", ["handler", "partner", "direction"])
def test_a_reader_is_refused_the_confirmation_and_the_removal(world, conventions, as_user, account):
    convention = conventions["management"]
    commitment = convention.commitments.first()
    client = as_user(world.users[account])
    assert client.get(detail_url(convention)).status_code == 200  # it reads the convention
    assert (
        commitment_delete_url(convention, commitment)
        not in client.get(detail_url(convention)).content.decode()
    )
    assert client.get(commitment_delete_url(convention, commitment)).status_code == 403
    assert client.post(commitment_delete_url(convention, commitment)).status_code == 403
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_direction_reads_but_cannot_remove_a_commitment(world, conventions, as_user):
    commitment = conventions["management"].commitments.first()
    url = reverse("gusp:commitment_delete", args=[conventions["management"].pk, commitment.pk])
    assert as_user(world.users["direction"]).post(url).status_code == 403
    assert Commitment.objects.filter(pk=commitment.pk).exists()


@pytest.mark.parametrize("url_name", ["gusp:theme_list", "gusp:convention_list"])
@pytest.mark.parametrize("value", ["-1", "abc", "99999999999", "\x00", "1e400"])
def test_odd_query_parameters_do_not_fail(world, conventions, as_user, url_name, value):
    query = dict.fromkeys(("page", "per_page", "sort", "year", "q", "theme"), value)
    assert as_user(world.users["mission"]).get(reverse(url_name), query).status_code == 200
    detail = detail_url(conventions["management"])
    assert as_user(world.users["handler"]).get(detail, query).status_code == 200
