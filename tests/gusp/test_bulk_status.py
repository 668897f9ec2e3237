"""The change of status in bulk from the report list (outside triage): the GUSP editors tick reports of
the page and give them one status, all or nothing, through the lifecycle and each report's history;
partners and readers have no boxes and may not post."""

import pytest
from django.urls import reverse

from gusp.models import EventKind
from gusp.models import ReportStatus as R
from tests.gusp.conftest import report

LIST = reverse("gusp:report_list")
BULK = reverse("gusp:report_bulk_status")


def bulk(client, reports, **data):
    payload = {"lot-reports": [r.pk for r in reports], **{f"lot-{k}": v for k, v in data.items()}}
    if "lot-next" in payload:
        payload["next"] = payload.pop("lot-next")
    return client.post(BULK, payload)


def statuses(reports):
    for r in reports:
        r.refresh_from_db()
    return [r.status for r in reports]


@pytest.fixture
def in_progress(world):
    return [
        world.reports["in_progress_landlord"],
        report(world, "in_progress_city", status=R.IN_PROGRESS, description="Banc arraché"),
        report(world, "in_progress_b", status=R.IN_PROGRESS, sector=world.sector_b, description="Grille"),
    ]


def test_an_editor_closes_several_in_progress_reports_each_in_its_history(world, in_progress, as_user):
    client = as_user(world.users["mission"])
    template = world.programme.gusp_answer_templates.get(title="Réglé")
    response = bulk(client, in_progress, status=R.RESOLVED, note="Tournée du 3 mars", template=template.pk)
    assert response.status_code == 302
    assert response.url == LIST
    assert statuses(in_progress) == [R.RESOLVED] * 3
    for r in in_progress:
        event = r.events.get(kind=EventKind.STATUS)
        assert (event.user, event.from_status, event.to_status, event.note) == (
            world.users["mission"],
            R.IN_PROGRESS,
            R.RESOLVED,
            "Tournée du 3 mars",
        )
        assert r.closed_at is not None
        assert r.answer == template.text
        assert r.events.filter(kind=EventKind.ANSWERED).count() == 1
    page = client.get(LIST).content.decode()
    assert "3 signalements passés au statut « Résolu »." in page


def test_a_disallowed_transition_writes_nothing_and_names_the_report(world, in_progress, as_user):
    client = as_user(world.users["mission"])
    resolved = world.reports["resolved_city"]  # Résolu → Hors compétence: not in the lifecycle
    ticked = [*in_progress, resolved]
    response = bulk(client, ticked, status=R.NOT_OURS, competent_body="Enedis", next=f"{LIST}?status=ouverts")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucun signalement n&#x27;a été modifié" in html
    assert f"{resolved.reference} : passage de « Résolu » à « Hors compétence » impossible" in html
    assert statuses(ticked) == [R.IN_PROGRESS] * 3 + [R.RESOLVED]
    assert not any(r.events.filter(kind=EventKind.STATUS).exists() for r in ticked)
    # The ticked boxes stay ticked for a second try, and the form still comes back to the list.
    assert f'value="{resolved.pk}" form="signalements-lot" id="choisir-{resolved.pk}" checked' in html
    assert f'name="next" value="{LIST}?status=ouverts"' in html


def test_not_ours_and_duplicate_ask_what_the_triage_form_asks(world, in_progress, as_user):
    client = as_user(world.users["mission"])
    html = bulk(client, in_progress, status=R.NOT_OURS).content.decode()
    assert "Nommez l&#x27;organisme compétent" in html
    html = bulk(client, in_progress, status=R.DUPLICATE).content.decode()
    assert "Indiquez le signalement dont ceux-ci sont les doublons." in html
    html = bulk(client, [], status=R.RESOLVED).content.decode()
    assert "Cochez au moins un signalement." in html
    assert statuses(in_progress) == [R.IN_PROGRESS] * 3
    original = world.reports["sent_city"]
    sent = [report(world, f"sent_{n}", status=R.SENT, description=f"Dépôt {n}") for n in range(2)]
    response = bulk(client, sent, status=R.DUPLICATE, duplicate_of=original.pk)
    assert response.status_code == 302
    assert statuses(sent) == [R.DUPLICATE] * 2
    assert {r.duplicate_of_id for r in sent} == {original.pk}


def test_a_sector_editor_changes_only_the_reports_of_its_sector(world, in_progress, as_user):
    client = as_user(world.users["mission_b"])
    html = client.get(LIST).content.decode()
    assert f'id="choisir-{in_progress[2].pk}"' in html  # sector B
    response = bulk(client, in_progress, status=R.RESOLVED)  # two of sector A
    assert response.status_code == 200
    assert statuses(in_progress) == [R.IN_PROGRESS] * 3


@pytest.mark.parametrize("key", ["handler", "partner", "direction"])
def test_partners_and_readers_have_no_boxes_and_may_not_post(world, in_progress, as_user, key):
    client = as_user(world.users[key])
    html = client.get(LIST).content.decode()
    assert 'name="lot-reports"' not in html
    assert BULK not in html
    assert bulk(client, in_progress[:1], status=R.RESOLVED).status_code == 403
    assert statuses(in_progress[:1]) == [R.IN_PROGRESS]


def test_the_editor_s_list_has_a_box_per_row_and_the_form(world, as_user):
    html = as_user(world.users["mission"]).get(LIST).content.decode()
    assert html.count('name="lot-reports"') == len(world.reports)
    assert f'action="{BULK}"' in html
    options = html.split('name="lot-status"')[1].split("</select>")[0]
    assert ">Résolu<" in options
    assert ">Nouveau<" in options
    assert ">Transmis<" not in options  # routing goes with an organisation: triage or the report's page
    # what « Hors compétence » and « Doublon » ask for, shown when chosen
    assert 'data-gusp-when="hors_competence"' in html
    assert 'name="lot-competent_body"' in html
    assert 'data-gusp-when="doublon"' in html
    assert 'name="lot-duplicate_of"' in html


def test_a_link_of_the_list_re_rendered_after_a_refusal_goes_back_to_the_list(world, as_user):
    """The refused POST re-renders the list at the form's URL: its sort and page links (relative) lead
    there in GET, sent back to the list with the same query."""
    response = as_user(world.users["mission"]).get(BULK, {"sort": "reference", "page": "2"})
    assert response.status_code == 302
    assert response.url == f"{LIST}?sort=reference&page=2"
