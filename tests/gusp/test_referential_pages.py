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
    assert "15 jours" in html
    assert "3 jours" in html
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
