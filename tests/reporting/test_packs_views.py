"""Pack pages: who requests, who sees what, progress polling, download, query budget."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from core import jobs
from reporting import services as packs
from reporting.models import Pack, PackAudience, PackKind, PackStatus
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.reporting.permissions import _ready_pack
from tests.reporting.test_packs import _form
from tests.utils import count_queries


def _pending(programme, **fields) -> Pack:
    defaults = {
        "kind": PackKind.COPIL,
        "audience": PackAudience.INTERNAL,
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 6, 30),
    }
    return Pack.objects.create(programme=programme, **{**defaults, **fields})


@pytest.fixture
def referent_user(programme):
    return MembershipFactory(programme=programme, referent=True, organisation=OrganisationFactory()).user


def test_mission_sees_the_request_form(mission_client):
    html = mission_client.get(reverse("reporting:pack_list")).content.decode()
    assert "Demander un dossier" in html
    assert 'action="/gouvernance/dossiers/demander/"' in html


def test_partner_and_referent_see_no_form_and_cannot_request(client, partner_user_a, referent_user):
    for user in (partner_user_a, referent_user):
        client.force_login(user)
        assert "Demander un dossier" not in client.get(reverse("reporting:pack_list")).content.decode()
        response = client.post(reverse("reporting:pack_request"), _form(kind=PackKind.COTEC))
        assert response.status_code == 403
    assert not Pack.objects.exists()


def test_direction_requests_a_pack(
    client, direction_user, programme, sector_a, django_capture_on_commit_callbacks
):
    client.force_login(direction_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:pack_request"), _form(sector=sector_a.pk, audience=PackAudience.PARTNERS)
        )
    pack = Pack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:pack_detail", args=[pack.pk])
    assert (pack.requested_by, pack.sector, pack.audience) == (
        direction_user,
        sector_a,
        PackAudience.PARTNERS,
    )
    assert pack.status == PackStatus.READY, pack.error
    detail = client.get(response["Location"]).content.decode()
    assert reverse("reporting:pack_download", args=[pack.pk]) in detail
    assert "hx-trigger" not in detail
    download = client.get(reverse("reporting:pack_download", args=[pack.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": PackKind.REVUE, "sector": "SECTOR"}, "porte sur tout le programme"),
        ({"period_start": "2025-07-01"}, "précède son début"),
        ({"period_end": "2999-01-01"}, "ne peut pas dépasser aujourd"),
    ],
)
def test_invalid_requests_are_explained(mission_client, sector_a, fields, message):
    if fields.get("sector") == "SECTOR":
        fields["sector"] = sector_a.pk
    response = mission_client.post(reverse("reporting:pack_request"), _form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Pack.objects.exists()


def test_a_revue_requested_on_the_form_covers_the_calendar_year(
    mission_client, django_capture_on_commit_callbacks
):
    """The form is prefilled with a COPIL's six months: a revue made with it compared the situation with
    « 31 décembre » of a date in the middle of the year."""
    with django_capture_on_commit_callbacks():
        response = mission_client.post(
            reverse("reporting:pack_request"),
            _form(kind=PackKind.REVUE, period_start="2025-01-15", period_end="2025-06-30"),
        )

    assert response.status_code == 302
    pack = Pack.objects.get()
    assert (pack.period_start, pack.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))


def test_a_revue_created_by_the_service_covers_the_calendar_year(programme):
    pack = packs.pack_create(
        programme=programme,
        kind=PackKind.REVUE,
        sector=None,
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 9, 30),
        audience=PackAudience.INTERNAL,
    )

    assert (pack.period_start, pack.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 9, 30))


def test_sector_restricted_director_must_choose_a_sector(client, programme, sector_a, sector_b):
    user = MembershipFactory(
        programme=programme, role=Role.DIRECTION, organisation=OrganisationFactory(), sectors=[sector_a]
    ).user
    client.force_login(user)
    response = client.post(reverse("reporting:pack_request"), _form())
    assert response.status_code == 400
    assert "Choisissez l&#x27;un de vos quartiers" in response.content.decode()
    response = client.post(reverse("reporting:pack_request"), _form(sector=sector_b.pk))
    assert response.status_code == 400  # not one of theirs


def test_partner_lists_only_partner_packs_of_its_sectors(partner_client_a, programme, sector_a, sector_b):
    visible = [
        _ready_pack(programme, sector=sector_a, kind=PackKind.COPIL, audience=PackAudience.PARTNERS),
    ]
    hidden = [
        _ready_pack(programme, sector=sector_a, kind=PackKind.COPIL, audience=PackAudience.INTERNAL),
        _ready_pack(programme, sector=sector_b, kind=PackKind.COPIL, audience=PackAudience.PARTNERS),
        _ready_pack(programme, sector=None, kind=PackKind.COTEC, audience=PackAudience.INTERNAL),
        # Programme-wide: names sector B's operations, funding and risks, hidden from a sector A partner.
        _ready_pack(programme, sector=None, kind=PackKind.COTEC, audience=PackAudience.PARTNERS),
        _ready_pack(programme, sector=None, kind=PackKind.REVUE, audience=PackAudience.PARTNERS),
    ]
    html = partner_client_a.get(reverse("reporting:pack_list")).content.decode()
    for pack in visible:
        assert reverse("reporting:pack_detail", args=[pack.pk]) in html
    for pack in hidden:
        assert reverse("reporting:pack_detail", args=[pack.pk]) not in html
        for name in ("reporting:pack_detail", "reporting:pack_status", "reporting:pack_download"):
            assert partner_client_a.get(reverse(name, args=[pack.pk])).status_code == 404


def test_partner_of_the_whole_programme_gets_every_partner_pack(client, programme, sector_a, sector_b):
    partner = MembershipFactory(
        programme=programme, role=Role.PARTNER, organisation=OrganisationFactory()
    ).user
    visible = [
        _ready_pack(programme, sector=sector_a, kind=PackKind.COPIL, audience=PackAudience.PARTNERS),
        _ready_pack(programme, sector=sector_b, kind=PackKind.COPIL, audience=PackAudience.PARTNERS),
        _ready_pack(programme, sector=None, kind=PackKind.COTEC, audience=PackAudience.PARTNERS),
    ]
    internal = _ready_pack(programme, sector=None, kind=PackKind.COTEC, audience=PackAudience.INTERNAL)
    client.force_login(partner)
    html = client.get(reverse("reporting:pack_list")).content.decode()
    for pack in visible:
        assert reverse("reporting:pack_detail", args=[pack.pk]) in html
        download = client.get(reverse("reporting:pack_download", args=[pack.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert reverse("reporting:pack_detail", args=[internal.pk]) not in html


def test_partner_of_two_sectors_gets_the_packs_of_both(client, programme, sector_a, sector_b):
    partner = MembershipFactory(
        programme=programme,
        role=Role.PARTNER,
        organisation=OrganisationFactory(),
        sectors=[sector_a, sector_b],
    ).user
    packs_of_sectors = [
        _ready_pack(programme, sector=sector, kind=PackKind.COPIL, audience=PackAudience.PARTNERS)
        for sector in (sector_a, sector_b)
    ]
    programme_wide = _ready_pack(programme, sector=None, kind=PackKind.COTEC, audience=PackAudience.PARTNERS)
    client.force_login(partner)
    assert list(Pack.objects.visible_to(partner)) == packs_of_sectors[::-1]
    assert client.get(reverse("reporting:pack_detail", args=[programme_wide.pk])).status_code == 404


def test_status_partial_polls_while_waiting_and_stops_when_done(mission_client, programme):
    pack = _pending(programme)
    url = reverse("reporting:pack_status", args=[pack.pk])
    partial = mission_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="etat-dossier"')
    assert f'hx-get="{url}"' in partial
    assert 'hx-trigger="every 2s"' in partial
    assert "<progress" in partial
    Pack.objects.filter(pk=pack.pk).update(status=PackStatus.RUNNING)
    jobs.progress_set(pack, 45)  # as the worker does
    assert "Avancement : 45 %" in mission_client.get(url).content.decode()
    Pack.objects.filter(pk=pack.pk).update(status=PackStatus.FAILED, error="Section « Finances » : boom")
    failed = mission_client.get(url).content.decode()
    assert "hx-trigger" not in failed
    assert "Section « Finances » : boom" in failed


def test_download_of_a_pack_not_ready_is_404(mission_client, programme):
    pack = _pending(programme)
    assert mission_client.get(reverse("reporting:pack_download", args=[pack.pk])).status_code == 404


def test_pack_list_query_count_does_not_grow_with_packs(mission_client, programme, sector_a, mission_user):
    url = reverse("reporting:pack_list")

    def add(count):
        for index in range(count):
            _pending(programme, sector=sector_a if index % 2 else None, requested_by=mission_user)

    add(10)
    with_10 = count_queries(mission_client, url)
    add(40)
    with_50 = count_queries(mission_client, url)
    assert with_10 == with_50
    assert with_50 <= 15


READY_SOON = "prêt dans quelques instants"


def _outside_status_block(html: str) -> str:
    """The page without its polled status block (`#etat-dossier`, the part htmx replaces)."""
    start = html.index('<div id="etat-dossier"')
    end = html.index("</section>", start)
    return html[:start] + html[end:]


def test_the_ready_soon_notice_goes_when_the_pack_is_ready(
    mission_client, programme, sector_a, django_capture_on_commit_callbacks
):
    """The notice lives in the block the page polls: once the pack is ready, the poll replaces it with
    the download link (a flash banner above the block stayed on screen)."""
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started yet
        response = mission_client.post(reverse("reporting:pack_request"), _form(sector=sector_a.pk))
    pack = Pack.objects.get()
    page = mission_client.get(response["Location"]).content.decode()
    assert READY_SOON in page
    assert READY_SOON not in _outside_status_block(page)
    status_url = reverse("reporting:pack_status", args=[pack.pk])
    assert READY_SOON in mission_client.get(status_url).content.decode()
    Pack.objects.filter(pk=pack.pk).update(status=PackStatus.RUNNING)
    assert READY_SOON in mission_client.get(status_url).content.decode()
    Pack.objects.filter(pk=pack.pk).update(status=PackStatus.PENDING)
    packs.pack_generate(pack=Pack.objects.get(pk=pack.pk))
    polled = mission_client.get(status_url).content.decode()
    assert READY_SOON not in polled
    assert reverse("reporting:pack_download", args=[pack.pk]) in polled
    assert READY_SOON not in mission_client.get(response["Location"]).content.decode()


def test_a_ready_pack_is_said_pret_as_a_dossier_is_masculine(mission_client, programme, sector_a):
    pack = _ready_pack(programme, sector=sector_a, kind=PackKind.COPIL, audience=PackAudience.INTERNAL)
    for url in (reverse("reporting:pack_list"), reverse("reporting:pack_detail", args=[pack.pk])):
        html = mission_client.get(url).content.decode()
        assert ">Prêt</span>" in html
        assert "Prête" not in html
