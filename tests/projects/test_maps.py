"""Sector perimeters served as GeoJSON for the maps: scoped, simplified, cacheable."""

import json
import math

import pytest
from django.urls import reverse

from projects.maps import douglas_peucker, simplify_ring
from tests.projects.factories import SectorFactory

pytestmark = pytest.mark.django_db
URL = "projects:sectors_geojson"


def _circle(points: int, radius: float = 0.01, x: float = 3.06, y: float = 50.63) -> list:
    ring = [
        [x + radius * math.cos(2 * math.pi * i / points), y + radius * math.sin(2 * math.pi * i / points)]
        for i in range(points)
    ]
    return [*ring, ring[0]]


def test_simplification_keeps_a_closed_ring_with_fewer_points():
    ring = _circle(2000)
    simplified = simplify_ring(ring)
    assert simplified[0] == simplified[-1]
    assert 8 < len(simplified) < 200
    assert all(len(str(value).split(".")[1]) <= 5 for point in simplified for value in point)


def test_douglas_peucker_drops_points_on_a_line_only():
    line = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0)]
    assert douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 1.0)]


def test_pages_load_the_map_from_the_geojson_url(mission_client, sector_a):
    sector_a.perimeter = {"type": "Polygon", "coordinates": [_circle(500)]}
    sector_a.save()
    for url in (reverse("projects:dashboard"), reverse("projects:sector_list")):
        html = mission_client.get(url).content.decode()
        assert f'data-npru-map-url="{reverse(URL)}"' in html
        assert '"coordinates"' not in html  # nothing inlined


def test_geojson_is_scoped_simplified_and_cacheable(client, partner_user_a, sector_a, sector_b):
    for sector in (sector_a, sector_b):
        sector.perimeter = {"type": "Polygon", "coordinates": [_circle(2000)]}
        sector.save()
    client.force_login(partner_user_a)
    response = client.get(reverse(URL))
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"].startswith("private, max-age=")
    collection = json.loads(response.content)
    assert [feature["properties"]["name"] for feature in collection["features"]] == [sector_a.name]
    assert len(collection["features"][0]["geometry"]["coordinates"][0]) < 200
    again = client.get(reverse(URL), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    hidden = json.loads(client.get(reverse(URL), {"quartier": sector_b.slug}).content)
    assert hidden["features"] == []


def test_saved_perimeter_is_served_at_once(mission_client, programme):
    sector = SectorFactory(programme=programme, perimeter={"type": "Polygon", "coordinates": [_circle(50)]})
    first = mission_client.get(reverse(URL), {"quartier": sector.slug})
    sector.perimeter = {"type": "Polygon", "coordinates": [_circle(50, x=4.0)]}
    sector.save()
    second = mission_client.get(reverse(URL), {"quartier": sector.slug})
    assert second["ETag"] != first["ETag"]
    assert json.loads(second.content)["features"][0]["geometry"]["coordinates"][0][0][0] > 3.9
