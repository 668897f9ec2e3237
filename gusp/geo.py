"""Points and sectors' perimeters (GeoJSON in WGS84, `projects.models.Sector.perimeter`), without GIS.

A perimeter is a Polygon or MultiPolygon, possibly wrapped in a Feature or a FeatureCollection (the QPV
file's shape). The point-in-polygon test is the even-odd ray casting, holes included: exact enough for
quartiers drawn with tens to thousands of points, and no geometry library is needed.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

Number = float | Decimal


def polygons(perimeter: dict[str, Any] | None) -> list[list[list]]:
    """Every polygon of a perimeter, each as its rings ([outer, hole, …]); [] when there is none."""
    if not perimeter:
        return []
    kind = perimeter.get("type")
    if kind == "FeatureCollection":
        return [p for feature in perimeter.get("features") or [] for p in polygons(feature)]
    if kind == "Feature":
        return polygons(perimeter.get("geometry"))
    if kind == "Polygon":
        return [perimeter.get("coordinates") or []]
    if kind == "MultiPolygon":
        return list(perimeter.get("coordinates") or [])
    return []


def _in_ring(x: float, y: float, ring: list) -> bool:
    inside = False
    count = len(ring)
    for index in range(count):
        x1, y1 = ring[index][0], ring[index][1]
        x2, y2 = ring[index - 1][0], ring[index - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def contains(perimeter: dict[str, Any] | None, *, longitude: Number, latitude: Number) -> bool:
    """Whether the point falls inside the perimeter (inside an outer ring and in none of its holes)."""
    x, y = float(longitude), float(latitude)
    for rings in polygons(perimeter):
        if rings and _in_ring(x, y, rings[0]) and not any(_in_ring(x, y, hole) for hole in rings[1:]):
            return True
    return False


def sectors_at(sectors: Iterable, *, longitude: Number, latitude: Number) -> list:
    """The sectors whose perimeter holds the point."""
    return [
        sector for sector in sectors if contains(sector.perimeter, longitude=longitude, latitude=latitude)
    ]


def bounds(perimeter: dict[str, Any] | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a perimeter, or None."""
    points = [point for rings in polygons(perimeter) for ring in rings[:1] for point in ring]
    if not points:
        return None
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)
