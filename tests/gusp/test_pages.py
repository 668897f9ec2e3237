"""The report pages: the list and its filters, the map's points, the export, one report's page, the team's
creation and edit forms, and who sees what (the team its perimeter, a handler partner its reports only)."""

import datetime
import gzip
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import Membership
from core.navigation import entries
from gusp.models import EventKind, Report
from gusp.models import ReportStatus as R
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.gusp.conftest import report
from tests.gusp.factories import ReportFactory
from tests.gusp.test_photos import jpeg_with_gps
from tests.utils import count_queries

LIST = reverse("gusp:report_list")
POINTS = reverse("gusp:report_points")
EXPORT = reverse("gusp:report_export")


def listed(response) -> set[str]:
    """The references shown in the list's table."""
    html = response.content.decode()
    return {ref for ref in Report.objects.values_list("reference", flat=True) if f">{ref}</a>" in html}


def refs(world, *keys) -> set[str]:
    return {world.reports[key].reference for key in keys}


# --- List and filters -------------------------------------------------------------------------------------


def test_the_team_lists_every_report_of_the_programme(world, as_user):
    response = as_user(world.users["mission"]).get(LIST)
    assert response.status_code == 200
    assert listed(response) == refs(world, *world.reports)
    assert "7 signalements" in response.content.decode()


def test_a_member_limited_to_a_sector_lists_that_sector_only(world, as_user):
    response = as_user(world.users["mission_b"]).get(LIST)
    assert listed(response) == refs(world, "new_recent", "resolved_city")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"theme": "housing"}, {"new_housing", "in_progress_landlord"}),
        ({"handler": "landlord"}, {"new_housing", "in_progress_landlord"}),
        (
            {"status": "ouverts"},
            {"new_old", "new_recent", "new_housing", "sent_city", "in_progress_landlord"},
        ),
        ({"status": "clos"}, {"resolved_city", "not_ours"}),
        ({"status": R.SENT}, {"sent_city"}),
        ({"sector": "b"}, {"new_recent", "resolved_city"}),
        ({"source": "conseil_citoyen"}, {"new_housing"}),
        ({"late": "on"}, {"new_old", "sent_city", "in_progress_landlord"}),
        ({"q": "eclairage"}, {"in_progress_landlord"}),  # accents and case ignored
        ({"q": "MARQUILLIES panne"}, {"in_progress_landlord"}),  # every word, in any field
        ({"reported_from": "-11", "reported_to": "-5"}, {"new_old", "sent_city"}),
    ],
)
def test_each_filter_narrows_the_list(world, as_user, query, expected):
    values = {
        "theme": lambda v: getattr(world, v).pk,
        "handler": lambda v: getattr(world, v).pk,
        "sector": lambda v: getattr(world, f"sector_{v}").pk,
        "reported_from": lambda v: (timezone.localdate() + datetime.timedelta(days=int(v))).isoformat(),
        "reported_to": lambda v: (timezone.localdate() + datetime.timedelta(days=int(v))).isoformat(),
    }
    params = {name: values.get(name, lambda v: v)(value) for name, value in query.items()}
    response = as_user(world.users["mission"]).get(LIST, params)
    assert listed(response) == refs(world, *expected)


def test_seen_through_a_membership_is_visible_to_in_the_programme(world):
    """`seen_through` (the list's, the map's, the triage's scope) keeps the rows `visible_to` keeps."""
    other_programme = ReportFactory(handler=world.landlord).programme
    for key, user in world.users.items():
        membership = Membership.objects.get(user=user, programme=world.programme)
        seen = Report.objects.seen_through(user, membership, programme=world.programme)
        expected = Report.objects.visible_to(user).filter(programme=world.programme)
        assert set(seen) == set(expected), key
        assert not Report.objects.seen_through(user, membership, programme=other_programme).exists(), key
    assert set(Report.objects.seen_through(world.users["mission"], None, programme=world.programme)) == set()
    inactive = MembershipFactory(programme=world.programme, is_active=False)
    assert not Report.objects.seen_through(inactive.user, inactive, programme=world.programme).exists()
    admin = UserFactory(is_superuser=True)
    assert set(Report.objects.seen_through(admin, None, programme=world.programme)) == set(
        Report.objects.filter(programme=world.programme)
    )


def test_seen_through_asks_for_a_membership_s_sectors_once(world, django_assert_num_queries):
    user = world.users["mission_b"]
    membership = Membership.objects.get(user=user, programme=world.programme)
    with django_assert_num_queries(1):
        Report.objects.seen_through(user, membership, programme=world.programme)
        Report.objects.seen_through(user, membership, programme=world.programme)


def test_the_search_folds_like_the_database_ligatures_included(world, as_user):
    report(world, "ligature", description="Nid-de-poule devant le Sacré-Cœur")
    client = as_user(world.users["mission"])
    assert listed(client.get(LIST, {"q": "cœur sacre"})) == refs(world, "ligature")
    assert listed(client.get(LIST, {"q": "SACRÉ-CŒUR"})) == refs(world, "ligature")


def test_the_search_is_answered_by_the_trigram_index(world):
    """The index of gusp/migrations/0004 is built on the very expression the search filters on (where
    pg_trgm exists): the planner, told to avoid reading the table, picks it."""
    from django.db import connection

    from gusp.filters import SEARCH_INDEX, search

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [SEARCH_INDEX])
        if cursor.fetchone() is None:
            pytest.skip("pg_trgm absent from this server: the search reads the table")
        sql, params = search(Report.objects.order_by(), "Éclairage hall").query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert SEARCH_INDEX in plan


def test_the_list_marks_late_reports_and_sorts(world, as_user):
    client = as_user(world.users["mission"])
    html = client.get(LIST).content.decode()
    assert html.count("en retard</span>") == 3
    by_due = client.get(LIST, {"sort": "due_on"}).content.decode()
    order = [by_due.index(world.reports[key].reference) for key in ("not_ours", "sent_city", "new_old")]
    assert order == sorted(order)


def test_the_list_answers_htmx_with_the_table_only(world, as_user):
    response = as_user(world.users["mission"]).get(LIST, {"theme": world.housing.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="reports-table"' in html
    assert "2 signalements" in html


def test_the_list_runs_the_same_queries_for_10_and_60_reports(world, as_user):
    client = as_user(world.users["mission"])
    few = count_queries(client, LIST)
    for _ in range(53):
        ReportFactory(programme=world.programme, sector=world.sector_a, theme=world.housing)
    assert count_queries(client, LIST) == few


def test_a_handler_partner_lists_only_the_reports_routed_to_its_organisation(world, as_user):
    # new_housing has the landlord as its theme's default handler but is still « Nouveau »: not routed.
    response = as_user(world.users["handler"]).get(LIST)
    assert listed(response) == refs(world, "in_progress_landlord")
    assert "confiés à votre organisation" in response.content.decode()


def test_another_partner_lists_nothing_one_by_one(world, as_user):
    response = as_user(world.users["partner"]).get(LIST)
    assert listed(response) == set()
    assert "0 signalement" in response.content.decode()


def test_the_gusp_entry_of_the_main_menu_comes_after_relogement_and_insertion(world, as_user):
    orders = {entry.label: entry.order for entry in entries()}
    assert orders["GUSP"] > max(orders["Relogement"], orders.get("Insertion", 0))
    html = as_user(world.users["handler"]).get(LIST).content.decode()
    assert re.search(r'class="nav-link active"\s+aria-current="page"\s+href="/gusp/">GUSP</a>', html)


# --- Map ------------------------------------------------------------------------------------------------


def points(client, **params) -> dict:
    response = client.get(POINTS, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_map_page_points_at_the_points_with_the_same_filters(world, as_user):
    html = (
        as_user(world.users["mission"])
        .get(reverse("gusp:report_map"), {"status": "ouverts"})
        .content.decode()
    )
    assert f'data-npru-points-url="{POINTS}?status=ouverts"' in html
    assert f'href="{LIST}?status=ouverts"' in html  # the accessible alternative
    assert "leaflet.markercluster.js" in html


def test_the_points_are_the_reports_with_a_place_filtered_like_the_list(world, as_user):
    client = as_user(world.users["mission"])
    data = points(client)
    by_pk = {point[0]: point for point in data["points"]}
    with_place = {key for key, r in world.reports.items() if r.latitude is not None}
    assert set(by_pk) == {world.reports[key].pk for key in with_place}
    late = world.reports["sent_city"]
    point = by_pk[late.pk]
    assert point[1:3] == [round(float(late.latitude), 5), round(float(late.longitude), 5)]
    assert data["statuses"][point[3]] == "Transmis"
    assert data["themes"][str(point[4])] == "Propreté"
    assert point[5] == 1  # late
    assert by_pk[world.reports["new_recent"].pk][5] == 0
    assert data["url"] == reverse("gusp:report_detail", args=[0])
    housing = points(client, theme=world.housing.pk)["points"]
    assert {p[0] for p in housing} == {
        world.reports["new_housing"].pk,
        world.reports["in_progress_landlord"].pk,
    }


def test_a_handler_partner_gets_the_points_of_its_reports_only(world, as_user):
    data = points(as_user(world.users["handler"]))
    assert {p[0] for p in data["points"]} == {world.reports["in_progress_landlord"].pk}


def test_the_points_are_cached_per_scope_and_stale_after_a_write(world, as_user):
    client = as_user(world.users["mission"])
    first = points(client)
    assert points(as_user(world.users["mission_b"])) != first  # another perimeter, another entry
    client = as_user(world.users["mission"])
    extra = ReportFactory(programme=world.programme, sector=world.sector_a, theme=world.cleanliness)
    assert extra.pk in {p[0] for p in points(client)["points"]}


def test_the_points_are_gzipped_and_answer_304_when_unchanged(world, as_user):
    client = as_user(world.users["mission"])
    response = client.get(POINTS, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["points"]
    again = client.get(POINTS, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_points_run_the_same_queries_for_10_and_60_reports(world, as_user):
    client = as_user(world.users["mission"])
    few = count_queries(client, POINTS, data={"status": "ouverts"})
    for _ in range(53):
        ReportFactory(programme=world.programme, sector=world.sector_a, theme=world.housing)
    assert count_queries(client, POINTS, data={"status": "clos"}) == few  # another entry: computed


# --- Export ---------------------------------------------------------------------------------------------


def sheet_rows(response) -> list[dict]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_export_gives_acknowledgement_and_closure_times(world, as_user):
    response = as_user(world.users["mission"]).get(EXPORT, {"status": "clos"})
    assert response["Content-Disposition"].startswith('attachment; filename="signalements-npru-lille-')
    rows = {row["Numéro"]: row for row in sheet_rows(response)}
    assert set(rows) == refs(world, "resolved_city", "not_ours")
    resolved = rows[world.reports["resolved_city"].reference]
    assert resolved["Statut"] == "Résolu"
    assert resolved["Délai de prise en compte (heures)"] == 6.0
    assert resolved["Délai de clôture (jours)"] == 1.0
    assert resolved["Traité dans le délai"] == "Oui"
    assert resolved["Réponse"] == "Nettoyé."
    assert resolved["Latitude"] is None
    not_ours = rows[world.reports["not_ours"].reference]
    assert not_ours["Organisme compétent"] == "SNCF Réseau"
    assert not_ours["Traité dans le délai"] is None  # settled at triage, not handled


def test_the_export_says_which_open_reports_are_late(world, as_user):
    rows = {row["Numéro"]: row for row in sheet_rows(as_user(world.users["mission"]).get(EXPORT))}
    assert len(rows) == 7
    late = {ref for ref, row in rows.items() if row["En retard"] == "Oui"}
    assert late == refs(world, "new_old", "sent_city", "in_progress_landlord")


def test_a_partner_exports_only_the_reports_routed_to_it(world, as_user):
    rows = sheet_rows(as_user(world.users["handler"]).get(EXPORT))
    assert {row["Numéro"] for row in rows} == refs(world, "in_progress_landlord")  # not new_housing
    assert sheet_rows(as_user(world.users["partner"]).get(EXPORT)) == []


def test_the_export_escapes_a_description_written_as_a_formula(world, as_user):
    ReportFactory(
        programme=world.programme, sector=world.sector_a, theme=world.cleanliness, description="=1+1"
    )
    rows = sheet_rows(as_user(world.users["mission"]).get(EXPORT))
    assert "'=1+1" in {row["Description"] for row in rows}


# --- One report ------------------------------------------------------------------------------------------


def detail(client, report):
    return client.get(reverse("gusp:report_detail", args=[report.pk]))


def test_the_report_page_shows_what_it_says_where_and_its_history(world, as_user):
    from gusp import services

    report = world.reports["new_old"]
    services.report_route(
        report=report, handler=world.landlord, by=world.users["mission"], note="Voir le gardien"
    )
    services.report_answer(report=report, text="Transmis au bailleur.", by=world.users["mission"])
    html = detail(as_user(world.users["direction"]), report).content.decode()
    assert "Dépôt sauvage rue d&#x27;Arras" in html
    assert f'data-npru-point="{report.latitude},{report.longitude}"' in html
    assert "Transmis au bailleur." in html
    mission = escape(str(world.users["mission"]))
    assert html.count(mission) >= 2  # the routing and the answer, with who did them
    assert "Ville de Lille → Logis du Nord" in html
    assert "Voir le gardien" in html
    assert "Nouveau → Transmis" in html
    # direction reads, and writes nothing
    assert "<form" not in html.split('id="contenu"')[1].split("</main>")[0]


def test_the_team_gets_every_form_and_a_handler_partner_status_answer_and_photo(world, as_user):
    report = world.reports["in_progress_landlord"]
    team = detail(as_user(world.users["mission"]), report).content.decode()
    for url_name in ("report_route", "report_status", "report_answer", "report_photo_add", "report_edit"):
        assert reverse(f"gusp:{url_name}", args=[report.pk]) in team
    handler = detail(as_user(world.users["handler"]), report).content.decode()
    for url_name in ("report_status", "report_answer", "report_photo_add"):
        assert reverse(f"gusp:{url_name}", args=[report.pk]) in handler
    for url_name in ("report_route", "report_edit"):
        assert reverse(f"gusp:{url_name}", args=[report.pk]) not in handler
    assert "confié à votre organisation" in handler
    # the handler's statuses: En cours → Résolu, Clos non résolu, Hors compétence
    assert 'value="resolu"' in handler
    assert 'value="nouveau"' not in handler


def test_the_gusp_referent_writes_like_the_team(world, as_user):
    report = world.reports["new_old"]
    html = detail(as_user(world.users["gusp_referent"]), report).content.decode()
    assert reverse("gusp:report_route", args=[report.pk]) in html
    assert as_user(world.users["gusp_referent"]).get(reverse("gusp:report_create")).status_code == 200


def test_a_partner_opens_neither_another_organisations_report_nor_its_photo(world, as_user):
    client = as_user(world.users["handler"])
    assert detail(client, world.reports["sent_city"]).status_code == 404
    assert detail(as_user(world.users["partner"]), world.reports["new_housing"]).status_code == 404


def test_a_photo_is_served_to_those_who_see_the_report_only(world, as_user):
    from gusp import services

    report = world.reports["in_progress_landlord"]
    photo = services.report_photo_add(report=report, data=jpeg_with_gps((800, 600)))
    url = reverse("gusp:report_photo", args=[report.pk, photo.pk])
    response = as_user(world.users["handler"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert as_user(world.users["partner"]).get(url).status_code == 404
    other = reverse("gusp:report_photo", args=[world.reports["sent_city"].pk, photo.pk])
    assert as_user(world.users["mission"]).get(other).status_code == 404  # not this report's photo
    html = detail(as_user(world.users["mission"]), report).content.decode()
    assert f'src="{url}"' in html


def test_a_duplicate_links_to_its_original_and_back(world, as_user):
    from gusp import services

    original, copy = world.reports["sent_city"], world.reports["new_old"]
    services.report_set_status(report=copy, status=R.DUPLICATE, duplicate_of=original)
    client = as_user(world.users["mission"])
    assert reverse("gusp:report_detail", args=[original.pk]) in detail(client, copy).content.decode()
    assert reverse("gusp:report_detail", args=[copy.pk]) in detail(client, original).content.decode()


def test_the_report_page_runs_the_same_queries_for_a_long_history(world, as_user):
    from gusp import services

    client = as_user(world.users["mission"])
    report = world.reports["sent_city"]
    url = reverse("gusp:report_detail", args=[report.pk])
    few = count_queries(client, url)
    for index in range(6):
        services.report_answer(report=report, text=f"Réponse {index}", by=world.users["direction"])
        services.report_set_status(report=report, status=R.IN_PROGRESS if index % 2 == 0 else R.SENT)
    assert count_queries(client, url) == few


def test_the_duplicate_choices_search_the_reports_the_user_sees(world, as_user):
    url = reverse("gusp:report_choices")
    client = as_user(world.users["mission"])
    found = client.get(url, {"q": "sacs", "exclure": world.reports["new_old"].pk}).json()["results"]
    assert [item["value"] for item in found] == [str(world.reports["new_recent"].pk)]
    excluded = client.get(url, {"q": "sacs", "exclure": world.reports["new_recent"].pk}).json()["results"]
    assert excluded == []
    mine = as_user(world.users["handler"]).get(url).json()["results"]
    assert {item["value"] for item in mine} == {str(world.reports["in_progress_landlord"].pk)}


# --- Creation and edit (the team) ------------------------------------------------------------------------


def test_the_team_records_a_report_with_a_photo_and_it_waits_for_triage(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(world.users["mission"])
    response = client.post(
        reverse("gusp:report_create"),
        {
            "sector": world.sector_a.pk,
            "theme": world.cleanliness.pk,
            "description": "Encombrants devant l'école",
            "address": "3 rue d'Arras",
            "latitude": "50,6167",
            "longitude": "3.0707",
            "source": "maison_projet",
            "priority": "haute",
            "photo": SimpleUploadedFile("photo.jpg", jpeg_with_gps((900, 600)), content_type="image/jpeg"),
        },
    )
    report = Report.objects.get(description="Encombrants devant l'école")
    assert response.status_code == 302
    assert response["Location"] == reverse("gusp:report_detail", args=[report.pk])
    assert report.status == R.NEW
    assert report.handler == world.city  # the theme's
    assert report.latitude == Decimal("50.616700")
    assert report.due_on == timezone.localdate(report.reported_at) + datetime.timedelta(days=3)
    assert report.created_by == world.users["mission"]
    assert report.photos.count() == 1
    assert report.events.get().kind == EventKind.CREATED


def test_the_creation_form_refuses_a_file_that_is_not_an_image(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = as_user(world.users["mission"]).post(
        reverse("gusp:report_create"),
        {
            "sector": world.sector_a.pk,
            "theme": world.cleanliness.pk,
            "description": "Avec un PDF",
            "source": "habitant",
            "priority": "normale",
            "photo": SimpleUploadedFile("photo.jpg", b"%PDF-1.4 pas une image", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "n&#x27;est pas une image" in response.content.decode()
    assert not Report.objects.filter(description="Avec un PDF").exists()


def test_the_creation_form_refuses_a_point_half_given_and_a_future_date(world, as_user):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(world.users["mission"]).post(
        reverse("gusp:report_create"),
        {
            "sector": world.sector_a.pk,
            "theme": world.cleanliness.pk,
            "description": "Point incomplet",
            "source": "habitant",
            "priority": "normale",
            "latitude": "50,6",
            "reported_at": future,
        },
    )
    html = response.content.decode()
    assert "daté dans le futur" in html
    assert not Report.objects.filter(description="Point incomplet").exists()
    response = as_user(world.users["mission"]).post(
        reverse("gusp:report_create"),
        {
            "sector": world.sector_a.pk,
            "theme": world.cleanliness.pk,
            "description": "Point incomplet",
            "source": "habitant",
            "priority": "normale",
            "latitude": "50,6",
        },
    )
    assert "la latitude et la longitude, ou aucune des deux" in response.content.decode()


def test_the_team_edits_what_a_report_says_and_a_new_theme_brings_its_delay(world, as_user):
    report = world.reports["new_old"]
    response = as_user(world.users["mission"]).post(
        reverse("gusp:report_edit", args=[report.pk]),
        {
            "sector": world.sector_a.pk,
            "theme": world.housing.pk,
            "description": "Porte du local poubelles arrachée",
            "address": "",
            "latitude": "",
            "longitude": "",
            "source": "habitant",
            "priority": "normale",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.theme == world.housing
    assert report.due_on == timezone.localdate(report.reported_at) + datetime.timedelta(days=15)
    assert report.latitude is None
    assert report.status == R.NEW
    assert report.handler == world.city


def test_direction_and_partners_cannot_create_nor_edit(world, as_user):
    for key in ("direction", "handler", "partner"):
        client = as_user(world.users[key])
        assert client.get(reverse("gusp:report_create")).status_code == 403
    report = world.reports["in_progress_landlord"]
    assert (
        as_user(world.users["handler"]).post(reverse("gusp:report_edit", args=[report.pk]), {}).status_code
        == 403
    )
