"""Packs for partners are drafts until the mission team publishes them: publish / withdraw, who and when,
what partners see. Internal packs are not published and stay as they were."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from reporting import selectors
from reporting import services as packs
from reporting.models import Pack, PackAudience, PackKind, PackStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.reporting.permissions import _ready_pack
from tests.reporting.test_packs import _form

PackPublicationEvent = apps.get_model("reporting", "PackPublicationEvent")
PACK_URLS = ("reporting:pack_detail", "reporting:pack_status", "reporting:pack_download")


@pytest.fixture
def draft(programme, sector_a):
    return _ready_pack(
        programme, sector=sector_a, kind=PackKind.COPIL, audience=PackAudience.PARTNERS, published=False
    )


def _partner_opens(client, pack) -> list[int]:
    statuses = []
    for name in PACK_URLS:
        response = client.get(reverse(name, args=[pack.pk]))
        if response.streaming:
            b"".join(response.streaming_content)
        statuses.append(response.status_code)
    return statuses


def _listed(client, pack) -> bool:
    return (
        reverse("reporting:pack_detail", args=[pack.pk])
        in client.get(reverse("reporting:pack_list")).content.decode()
    )


# --- Services --------------------------------------------------------------------------------------------


def test_publish_then_withdraw_records_who_and_when_in_fields_and_history(
    draft, mission_user, direction_user
):
    assert not draft.is_published
    published = packs.pack_publish(pack=draft, user=mission_user)
    assert published.published_by == mission_user
    assert published.published_at is not None
    draft.refresh_from_db()
    assert draft.is_published

    withdrawn = packs.pack_withdraw(
        pack=draft, user=direction_user
    )  # the service records; views check rights
    draft.refresh_from_db()
    assert (draft.published_at, draft.published_by) == (None, None)
    assert (draft.withdrawn_by, draft.withdrawn_at) == (direction_user, withdrawn.withdrawn_at)

    packs.pack_publish(pack=draft, user=mission_user)
    history = selectors.publication_history(draft)
    assert [(entry.what, entry.who) for entry in history] == [
        ("Publication", mission_user),
        ("Retrait", direction_user),
        ("Publication", mission_user),
    ]
    assert history[0].when >= history[1].when >= history[2].when
    draft.refresh_from_db()
    assert draft.withdrawn_at is None  # published again: no longer "withdrawn"


@pytest.mark.parametrize(
    ("fields", "change", "message"),
    [
        ({"audience": PackAudience.INTERNAL}, "publish", "Un dossier interne n'est pas publié"),
        ({"status": PackStatus.RUNNING}, "publish", "Seul un dossier prêt peut être publié"),
        ({"status": PackStatus.FAILED}, "publish", "Seul un dossier prêt peut être publié"),
        ({}, "withdraw", "n'est pas publié : il n'y a rien à retirer"),
    ],
)
def test_what_cannot_be_published_or_withdrawn_is_explained_and_nothing_is_written(
    draft, mission_user, fields, change, message
):
    Pack.objects.filter(pk=draft.pk).update(**fields)
    draft.refresh_from_db()
    service = packs.pack_publish if change == "publish" else packs.pack_withdraw
    with pytest.raises(ValidationError, match=message):
        service(pack=draft, user=mission_user)
    draft.refresh_from_db()
    assert draft.published_at is None
    assert draft.withdrawn_at is None
    assert not PackPublicationEvent.objects.exists()


def test_a_published_pack_cannot_be_published_twice(draft, mission_user):
    packs.pack_publish(pack=draft, user=mission_user)
    with pytest.raises(ValidationError, match="déjà publié"):
        packs.pack_publish(pack=draft, user=mission_user)
    assert PackPublicationEvent.objects.count() == 1


# --- What partners see ---------------------------------------------------------------------------------


def test_partners_see_a_pack_only_while_it_is_published(client, draft, partner_user_a, mission_user):
    client.force_login(partner_user_a)
    assert not _listed(client, draft)
    assert _partner_opens(client, draft) == [404, 404, 404]

    packs.pack_publish(pack=draft, user=mission_user)
    assert _listed(client, draft)
    assert _partner_opens(client, draft) == [200, 200, 200]
    detail = client.get(reverse("reporting:pack_detail", args=[draft.pk])).content.decode()
    assert "Publié le" in detail
    assert str(mission_user) not in detail  # partners are not told who published it
    assert "Publier pour les partenaires" not in detail
    assert "Retirer la publication" not in detail

    packs.pack_withdraw(pack=draft, user=mission_user)
    assert not _listed(client, draft)
    assert _partner_opens(client, draft) == [404, 404, 404]


def test_internal_roles_see_drafts_and_internal_packs_are_unaffected(
    client, programme, draft, direction_user
):
    internal = _ready_pack(programme, sector=None, kind=PackKind.COTEC, audience=PackAudience.INTERNAL)
    client.force_login(direction_user)
    listing = client.get(reverse("reporting:pack_list")).content.decode()
    assert _listed(client, draft)
    assert _listed(client, internal)
    assert "brouillon, non publié" in listing
    detail = client.get(reverse("reporting:pack_detail", args=[internal.pk])).content.decode()
    assert "Publication aux partenaires" not in detail
    assert "Brouillon" not in detail


# --- Pages and rights ------------------------------------------------------------------------------------


def test_mission_publishes_and_withdraws_from_the_pack_page(mission_client, draft, mission_user):
    url = reverse("reporting:pack_detail", args=[draft.pk])
    page = mission_client.get(url).content.decode()
    assert "Brouillon" in page
    assert f'action="{reverse("reporting:pack_publish", args=[draft.pk])}"' in page

    response = mission_client.post(reverse("reporting:pack_publish", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "Dossier publié : les partenaires de son périmètre le voient." in page
    assert f"par {mission_user}" in page
    assert f'action="{reverse("reporting:pack_withdraw", args=[draft.pk])}"' in page
    draft.refresh_from_db()
    assert draft.published_by == mission_user
    event = PackPublicationEvent.objects.get()
    assert event.pgh_context.metadata["user"] == mission_user.pk  # the request's user, in the history

    page = mission_client.post(reverse("reporting:pack_withdraw", args=[draft.pk]), follow=True)
    page = page.content.decode()
    assert "Dossier retiré : les partenaires ne le voient plus." in page
    assert "Publication retirée le" in page
    assert "Historique de la publication" in page
    draft.refresh_from_db()
    assert (draft.published_at, draft.withdrawn_by) == (None, mission_user)


def test_publishing_a_pack_not_ready_is_explained(mission_client, programme, sector_a):
    pack = _ready_pack(
        programme, sector=sector_a, kind=PackKind.COPIL, audience=PackAudience.PARTNERS, published=False
    )
    Pack.objects.filter(pk=pack.pk).update(status=PackStatus.RUNNING)
    page = mission_client.get(reverse("reporting:pack_detail", args=[pack.pk])).content.decode()
    assert "Vous pourrez le publier une fois prêt." in page
    assert reverse("reporting:pack_publish", args=[pack.pk]) not in page
    response = mission_client.post(reverse("reporting:pack_publish", args=[pack.pk]), follow=True)
    assert "Seul un dossier prêt peut être publié." in response.content.decode()
    pack.refresh_from_db()
    assert not pack.is_published


def test_direction_and_referents_read_drafts_but_do_not_publish(client, programme, draft, direction_user):
    referent = MembershipFactory(programme=programme, referent=True, organisation=OrganisationFactory()).user
    for user in (direction_user, referent):
        client.force_login(user)
        page = client.get(reverse("reporting:pack_detail", args=[draft.pk])).content.decode()
        assert "Brouillon" in page
        assert "Publier pour les partenaires" not in page
        assert client.post(reverse("reporting:pack_publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_sector_limited_mission_member_publishes_only_its_sectors_packs(
    client, programme, sector_a, sector_b
):
    member = MembershipFactory(
        programme=programme, role=Role.MISSION, organisation=OrganisationFactory(), sectors=[sector_a]
    ).user
    own, programme_wide = (
        _ready_pack(programme, sector=sector, kind=kind, audience=PackAudience.PARTNERS, published=False)
        for sector, kind in ((sector_a, PackKind.COPIL), (None, PackKind.COTEC))
    )
    client.force_login(member)
    assert client.post(reverse("reporting:pack_publish", args=[own.pk])).status_code == 302
    assert client.post(reverse("reporting:pack_publish", args=[programme_wide.pk])).status_code == 403
    own.refresh_from_db()
    programme_wide.refresh_from_db()
    assert own.is_published
    assert not programme_wide.is_published


def test_a_requested_partner_pack_starts_as_a_draft(
    mission_client, partner_user_a, sector_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mission_client.post(
            reverse("reporting:pack_request"), _form(sector=sector_a.pk, audience=PackAudience.PARTNERS)
        )
    pack = Pack.objects.get()
    assert pack.status == PackStatus.READY, pack.error
    assert not pack.is_published
    assert not Pack.objects.visible_to(partner_user_a).exists()


def test_a_sector_limited_partner_is_told_why_it_sees_no_programme_wide_pack(partner_client_a, programme):
    listing = partner_client_a.get(reverse("reporting:pack_list")).content.decode()
    assert "Vous voyez les dossiers publiés pour les partenaires de vos quartiers (Moulins)" in listing


def test_the_publication_says_which_partners_see_the_pack(mission_client, programme, sector_a, mission_user):
    sector_pack, programme_pack = (
        _ready_pack(programme, sector=sector, kind=kind, audience=PackAudience.PARTNERS, published=False)
        for sector, kind in ((sector_a, PackKind.COPIL), (None, PackKind.COTEC))
    )
    for pack in (sector_pack, programme_pack):
        packs.pack_publish(pack=pack, user=mission_user)
    page = mission_client.get(reverse("reporting:pack_detail", args=[sector_pack.pk])).content.decode()
    assert "les partenaires du quartier Moulins et ceux de tout le programme le voient" in page
    page = mission_client.get(reverse("reporting:pack_detail", args=[programme_pack.pk])).content.decode()
    assert "les partenaires de tout le programme le voient et le téléchargent (pas ceux limités" in page
