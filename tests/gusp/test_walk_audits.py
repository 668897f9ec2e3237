"""Walk-audit pages (diagnostics en marchant): the list and its filters, one walk's page with its
observations, the team's forms, and the phone's observation form (plain POST and fetch), with who may do
what (the GUSP editors write, the others read within their quartiers, a partner never posts)."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gusp import services
from gusp.models import Report, ReportSource, WalkAudit
from gusp.models import ReportStatus as R
from tests.gusp.factories import WalkAuditFactory
from tests.gusp.test_photos import jpeg_with_gps, stored_image
from tests.utils import count_queries

LIST = reverse("gusp:walk_audit_list")
CREATE = reverse("gusp:walk_audit_create")


def observation_url(walk) -> str:
    return reverse("gusp:walk_audit_observation", args=[walk.pk])


@pytest.fixture
def walks(world):
    """Two walks in sector A (2025 and 2026), one in sector B; the 2026 walk has three observations, one
    resolved and one routed to the landlord."""
    spring = WalkAuditFactory(
        programme=world.programme,
        sector=world.sector_a,
        held_on=datetime.date(2026, 4, 14),
        route="Place Déliot, rue de Marquillies",
        summary="Éclairage insuffisant le long du mail.",
        elected_officials=2,
    )
    spring.partners.set([world.landlord])
    older = WalkAuditFactory(
        programme=world.programme, sector=world.sector_a, held_on=datetime.date(2025, 10, 2), route="Square"
    )
    other = WalkAuditFactory(
        programme=world.programme, sector=world.sector_b, held_on=datetime.date(2026, 3, 3), route="Mail"
    )
    first = services.walk_audit_observation_add(
        walk_audit=spring,
        theme=world.cleanliness,
        description="Dépôt sauvage au pied du n° 4",
        latitude=Decimal("50.616700"),
        longitude=Decimal("3.070700"),
    )
    services.walk_audit_observation_add(
        walk_audit=spring, theme=world.cleanliness, description="Corbeille cassée"
    )
    housing = services.walk_audit_observation_add(
        walk_audit=spring, theme=world.housing, description="Porte de hall forcée"
    )
    services.report_route(report=first, handler=world.city)
    services.report_route(report=housing, handler=world.landlord)  # transmitted at triage
    services.report_set_status(report=first, status=R.RESOLVED)
    return {"spring": spring, "older": older, "other": other}


# --- List ------------------------------------------------------------------------------------------------


def test_the_list_shows_each_walk_with_its_observations_and_those_resolved(world, walks, as_user):
    response = as_user(world.users["mission"]).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 diagnostics en marchant" in html
    row = html.split("14/04/2026</a>")[1].split("</tr>")[0]
    assert world.sector_a.name in row
    assert "Place Déliot" in row
    assert ">22<" in row  # 12 residents, 3 of the council, 2 elected officials, 5 professionals
    assert ">3<" in row
    assert ">1<" in row
    tab = html.split('href="/gusp/diagnostics/">Diagnostics en marchant</a>')[0].rsplit("<a", 1)[1]
    assert "active" in tab
    assert 'aria-current="page"' in tab


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2026"}, {"14/04/2026", "03/03/2026"}),
        ({"year": "2025"}, {"02/10/2025"}),
        ({"sector": "a"}, {"14/04/2026", "02/10/2025"}),
        ({"sector": "a", "year": "2026"}, {"14/04/2026"}),
        ({"year": "0"}, {"14/04/2026", "02/10/2025", "03/03/2026"}),  # out of range: the filter is left out
    ],
)
def test_the_list_filters_by_sector_and_year(world, walks, as_user, query, expected):
    if "sector" in query:
        query = {**query, "sector": world.sector_a.pk}
    html = as_user(world.users["mission"]).get(LIST, query).content.decode()
    shown = {day for day in ("14/04/2026", "02/10/2025", "03/03/2026") if f"{day}</a>" in html}
    assert shown == expected


def test_the_filters_swap_the_table_only_with_htmx(world, walks, as_user):
    response = as_user(world.users["mission"]).get(LIST, {"year": "2025"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "1 diagnostic en marchant" in html
    assert "02/10/2025</a>" in html


def test_the_team_sees_participants_unmasked(world, walks, as_user):
    detail = reverse("gusp:walk_audit_detail", args=[walks["spring"].pk])
    html = as_user(world.users["direction"]).get(detail).content.decode()
    assert '<dd class="col-4 text-end mb-1">2</dd>' in html
    assert "&lt; 5" not in html


def test_the_list_has_an_empty_state_and_a_way_to_start(world, as_user):
    html = as_user(world.users["gusp_referent"]).get(LIST).content.decode()
    assert "0 diagnostic en marchant" in html
    assert "Aucun diagnostic en marchant ne correspond à ces critères." in html
    assert CREATE in html
    html = as_user(world.users["direction"]).get(LIST).content.decode()
    assert CREATE not in html  # reads, does not write


def test_the_list_is_paginated_and_sorted_with_a_constant_number_of_queries(world, as_user):
    client = as_user(world.users["mission"])
    WalkAuditFactory.create_batch(3, programme=world.programme, sector=world.sector_a)
    few = count_queries(client, LIST)
    WalkAuditFactory.create_batch(60, programme=world.programme, sector=world.sector_b)
    assert count_queries(client, LIST) == few
    html = client.get(LIST, {"page": 2}).content.decode()
    assert "63 diagnostics en marchant" in html
    assert html.count("/gusp/diagnostics/") >= 13
    assert client.get(LIST, {"sort": "-observations"}).status_code == 200


def test_a_member_limited_to_a_sector_and_a_partner_see_the_walks_of_their_sectors(world, walks, as_user):
    html = as_user(world.users["mission_b"]).get(LIST).content.decode()
    assert "1 diagnostic en marchant" in html
    assert "03/03/2026</a>" in html
    detail = reverse("gusp:walk_audit_detail", args=[walks["spring"].pk])
    assert as_user(world.users["mission_b"]).get(detail).status_code == 404


# --- Detail ----------------------------------------------------------------------------------------------


def test_the_page_of_a_walk_shows_its_summary_participants_and_observations(world, walks, as_user):
    walk = walks["spring"]
    response = as_user(world.users["mission"]).get(reverse("gusp:walk_audit_detail", args=[walk.pk]))
    html = response.content.decode()
    assert "Éclairage insuffisant le long du mail." in html
    assert "Habitants" in html
    assert "Élus" in html
    assert world.landlord.name in html
    assert "3 observations" in html
    assert "1 résolue" in html
    for report in walk.reports.all():
        assert reverse("gusp:report_detail", args=[report.pk]) in html
    assert reverse("gusp:walk_audit_points", args=[walk.pk]) in html  # a point: the map
    assert observation_url(walk) in html
    points = json.loads(
        as_user(world.users["mission"]).get(reverse("gusp:walk_audit_points", args=[walk.pk])).content
    )
    assert [point[1:3] for point in points["points"]] == [[50.6167, 3.0707]]
    older = as_user(world.users["mission"]).get(reverse("gusp:walk_audit_detail", args=[walks["older"].pk]))
    assert "Aucune observation enregistrée" in older.content.decode()
    assert "walk_audit_points" not in older.content.decode()
    assert reverse("gusp:walk_audit_points", args=[walks["older"].pk]) not in older.content.decode()


def test_a_partner_reads_the_walk_with_masked_counts_and_only_its_observations(world, walks, as_user):
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    landlord_user = MembershipFactory(
        programme=world.programme, role=Role.PARTNER, organisation=world.landlord, sectors=[world.sector_a]
    ).user
    walk = walks["spring"]
    html = as_user(landlord_user).get(reverse("gusp:walk_audit_detail", args=[walk.pk])).content.decode()
    housing = walk.reports.get(theme=world.housing)
    assert reverse("gusp:report_detail", args=[housing.pk]) in html
    others = walk.reports.exclude(pk=housing.pk)
    assert not any(reverse("gusp:report_detail", args=[report.pk]) in html for report in others)
    assert "3 observations" in html
    assert '<dd class="col-4 text-end mb-1">&lt; 5</dd>' in html  # 2 elected officials, masked
    assert "secret statistique" in html
    assert '<dd class="col-4 text-end mb-1">12</dd>' in html  # 12 residents: shown
    assert observation_url(walk) not in html
    assert reverse("gusp:walk_audit_edit", args=[walk.pk]) not in html


# --- The team's forms ------------------------------------------------------------------------------------


def test_the_gusp_referent_creates_then_edits_a_walk(world, as_user):
    client = as_user(world.users["gusp_referent"])
    response = client.post(
        CREATE,
        {
            "sector": world.sector_b.pk,
            "held_on": "2026-05-20",
            "route": "Rue des Postes",
            "residents": "9",
            "citizen_council": "2",
            "elected_officials": "1",
            "professionals": "4",
            "partners": [world.city.pk],
            "summary": "",
        },
    )
    walk = WalkAudit.objects.get(route="Rue des Postes")
    assert response["Location"] == reverse("gusp:walk_audit_detail", args=[walk.pk])
    assert walk.created_by == world.users["gusp_referent"]
    assert walk.participants == 16
    assert list(walk.partners.all()) == [world.city]
    edit = reverse("gusp:walk_audit_edit", args=[walk.pk])
    response = client.post(
        edit,
        {
            "sector": world.sector_b.pk,
            "held_on": "2026-05-20",
            "route": "Rue des Postes",
            "residents": "10",
            "citizen_council": "2",
            "elected_officials": "1",
            "professionals": "4",
            "summary": "Mail à éclairer.",
        },
    )
    walk.refresh_from_db()
    assert response.status_code == 302
    assert walk.residents == 10
    assert walk.summary == "Mail à éclairer."
    assert not walk.partners.exists()


def test_the_walk_form_names_the_field_in_french_and_writes_nothing(world, as_user):
    response = as_user(world.users["mission"]).post(
        CREATE, {"sector": "", "held_on": "pas une date", "residents": "-3", "professionals": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert ">quartier</a> : Ce champ est obligatoire." in html.replace("Quartier", "quartier")
    assert "Saisissez une date valide." in html
    assert not WalkAudit.objects.exists()


def test_a_member_limited_to_a_sector_creates_walks_there_only(world, as_user):
    client = as_user(world.users["mission_b"])
    html = client.get(CREATE).content.decode()
    assert f'value="{world.sector_b.pk}"' in html
    assert f'value="{world.sector_a.pk}"' not in html
    response = client.post(CREATE, {"sector": world.sector_a.pk, "held_on": "2026-05-20"})
    assert response.status_code == 200  # not a choice
    assert not WalkAudit.objects.exists()


def test_readers_do_not_write_walks(world, walks, as_user):
    walk = walks["spring"]
    for key in ("direction", "partner", "handler"):
        client = as_user(world.users[key])
        assert client.post(CREATE, {"sector": world.sector_a.pk, "held_on": "2026-05-20"}).status_code == 403
        edit = client.post(reverse("gusp:walk_audit_edit", args=[walk.pk]), {"held_on": "2026-05-21"})
        assert edit.status_code in (403, 404)
    assert WalkAudit.objects.count() == 3


# --- The phone's observation form ------------------------------------------------------------------------


def _observation(world, **extra) -> dict:
    return {
        "theme": world.cleanliness.pk,
        "description": "Encombrants devant le n° 12",
        "priority": "haute",
        "latitude": "50.6167123",
        "longitude": "3.0707456",
        "address": "",
        **extra,
    }


def test_the_form_opens_with_the_phone_fields(world, walks, as_user):
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    user = MembershipFactory(programme=world.programme, role=Role.MISSION, user__id=1_234_567).user
    html = as_user(user).get(observation_url(walks["spring"])).content.decode()
    assert 'data-user="1234567"' in html  # the key of the queue: never « 1 234 567 »
    assert 'data-draft-key="gusp-walk:1234567:' in html
    assert 'capture="environment"' in html
    assert 'accept="image/*"' in html
    assert 'type="hidden" name="latitude"' in html
    assert 'type="hidden" name="longitude"' in html
    assert "Utiliser ma position" in html
    assert "js/gusp-walk.js" in html
    assert "3 observations enregistrées" in html


def test_an_observation_becomes_a_report_of_the_walk_with_its_point_and_a_photo_without_exif(
    world, walks, as_user
):
    walk = walks["older"]
    client = as_user(world.users["gusp_referent"])
    photo = SimpleUploadedFile("rue.jpg", jpeg_with_gps((900, 600)), content_type="image/jpeg")
    response = client.post(observation_url(walk), _observation(world, photo=photo))
    assert response.status_code == 302
    assert response["Location"] == observation_url(walk)  # back to the empty form for the next one
    report = Report.objects.get(description="Encombrants devant le n° 12")
    assert report.walk_audit == walk
    assert report.sector == walk.sector
    assert report.source == ReportSource.WALK_AUDIT
    assert report.status == R.NEW
    assert report.priority == "haute"
    assert report.handler == world.city
    assert (report.latitude, report.longitude) == (Decimal("50.616712"), Decimal("3.070746"))
    assert report.created_by == world.users["gusp_referent"]
    stored = stored_image(report.photos.get())
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert "comment" not in stored.info
    followed = client.get(response["Location"]).content.decode()
    assert "Observation enregistrée" in followed
    assert report.reference in followed
    assert "Encombrants devant le n° 12" not in followed  # the form is empty again


def test_the_form_answers_a_fetch_with_json(world, walks, as_user):
    client = as_user(world.users["mission"])
    url = observation_url(walks["older"])
    response = client.post(url, _observation(world, address="Devant l'école"), HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    report = Report.objects.get(description="Encombrants devant le n° 12")
    assert response.json()["reference"] == report.reference
    assert response.json()["message"].startswith("Observation enregistrée")
    assert report.address == "Devant l'école"
    refused = client.post(url, {"theme": "", "description": ""}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    errors = {(error["label"], error["message"]) for error in refused.json()["errors"]}
    assert ("Thème", "Choisissez le thème de l'observation.") in errors
    assert ("Ce qui est observé", "Décrivez ce qui est observé.") in errors


def test_the_csrf_token_is_required_from_fetch(world, walks):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["mission"])
    url = observation_url(walks["older"])
    assert client.post(url, _observation(world), HTTP_ACCEPT="application/json").status_code == 403
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(url, _observation(world), HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"description": "  "}, "Ce qui est observé", "Décrivez ce qui est observé."),
        ({"theme": "999999"}, "Thème", "Sélectionnez un choix valide"),
        ({"priority": "extreme"}, "Priorité", "Sélectionnez un choix valide"),
        (
            {"latitude": "123"},
            "Position (latitude)",
            "Assurez-vous que cette valeur est inférieure ou égale à 90",
        ),
        ({"longitude": ""}, "Position (longitude)", "La position est incomplète"),
        ({"latitude": "abc"}, "Position (latitude)", "Saisissez un nombre."),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(world, walks, as_user, extra, field, message):
    response = as_user(world.users["mission"]).post(
        observation_url(walks["older"]), _observation(world, **extra)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f">{field}</a> : {message}" in html.replace("&#x27;", "'")
    assert not Report.objects.filter(walk_audit=walks["older"]).exists()


def test_a_non_image_or_an_oversized_photo_is_refused_by_name(world, walks, as_user, settings):
    client = as_user(world.users["mission"])
    url = observation_url(walks["older"])
    pdf = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 pas une image", content_type="image/jpeg")
    html = client.post(url, _observation(world, photo=pdf)).content.decode().replace("&#x27;", "'")
    assert ">Photo</a> : Ce fichier n'est pas une image" in html
    settings.GUSP_PHOTO_MAX_BYTES = 10_000
    buffer = io.BytesIO()
    Image.effect_noise((400, 400), 80).convert("RGB").save(buffer, "JPEG", quality=95)
    big = SimpleUploadedFile("grande.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(url, _observation(world, photo=big), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["label"] == "Photo"
    assert "au-delà de la limite" in response.json()["errors"][0]["message"]
    assert not Report.objects.filter(walk_audit=walks["older"]).exists()


def test_a_partner_cannot_post_an_observation(world, walks, as_user):
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    landlord_user = MembershipFactory(
        programme=world.programme, role=Role.PARTNER, organisation=world.landlord, sectors=[world.sector_a]
    ).user
    for user in (landlord_user, world.users["handler"], world.users["direction"]):
        response = as_user(user).post(observation_url(walks["spring"]), _observation(world))
        assert response.status_code == 403
    response = as_user(world.users["mission_b"]).post(observation_url(walks["spring"]), _observation(world))
    assert response.status_code == 404  # another sector's walk
    assert walks["spring"].reports.count() == 3
