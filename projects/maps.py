"""GeoJSON for Leaflet maps: sectors' perimeters with their name and link, simplified for display.

Pages do not inline the perimeters: they fetch them from `projects:sectors_geojson` (one URL per
perimeter of visible sectors, cacheable). For display, each ring is simplified (Douglas-Peucker, about
5 m at French latitudes) and its coordinates rounded to 5 decimals (about 1 m): a drawing on a screen
needs no more, and a perimeter drawn by hand or from the QPV file often has thousands of points.
"""

from django.urls import reverse

MAP_CACHE = "sector-maps"  # core.cache namespace, bumped when a sector is saved or deleted
DISPLAY_TOLERANCE = 0.00005  # degrees, ~5 m
DISPLAY_DECIMALS = 5


def sectors_feature_collection(sectors, *, simplified: bool = False) -> dict:
    features = []
    for sector in sectors.only("name", "slug", "perimeter"):
        for feature in _features(sector.perimeter):
            geometry = _display_geometry(feature["geometry"]) if simplified else feature["geometry"]
            if geometry is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {"name": sector.name, "url": _url(sector)},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _url(sector) -> str:
    return reverse("projects:sector_detail", args=[sector.slug])


def _features(perimeter) -> list[dict]:
    if not perimeter:
        return []
    kind = perimeter.get("type")
    if kind == "FeatureCollection":
        return [feature for feature in perimeter.get("features", []) if feature.get("geometry")]
    if kind == "Feature":
        return [perimeter] if perimeter.get("geometry") else []
    if kind in {"Polygon", "MultiPolygon"}:
        return [{"type": "Feature", "geometry": perimeter}]
    return []


def _display_geometry(geometry: dict) -> dict | None:
    kind = geometry.get("type")
    if kind == "Polygon":
        rings = _polygon(geometry.get("coordinates") or [])
        return {"type": "Polygon", "coordinates": rings} if rings else None
    if kind == "MultiPolygon":
        polygons = [rings for rings in map(_polygon, geometry.get("coordinates") or []) if rings]
        return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None
    return geometry


def _polygon(rings: list) -> list:
    """The simplified rings of a polygon; a hole that shrinks below a triangle is left out, and so is
    the polygon if its outer ring does."""
    simplified = [simplify_ring(ring) for ring in rings]
    if not simplified or len(simplified[0]) < 4:
        return []
    return [ring for ring in simplified if len(ring) >= 4]


def simplify_ring(ring: list, tolerance: float = DISPLAY_TOLERANCE) -> list:
    """A closed ring simplified with Douglas-Peucker and rounded; still closed (first point = last)."""
    points = [(round(float(x), DISPLAY_DECIMALS), round(float(y), DISPLAY_DECIMALS)) for x, y, *_ in ring]
    deduplicated = [point for index, point in enumerate(points) if index == 0 or point != points[index - 1]]
    if len(deduplicated) <= 4:
        return [list(point) for point in deduplicated]
    # Split the closed ring at its farthest point from the start, so that both halves have two ends.
    start = deduplicated[0]
    far = max(range(len(deduplicated)), key=lambda i: _squared(deduplicated[i], start))
    first = douglas_peucker(deduplicated[: far + 1], tolerance)
    second = douglas_peucker(deduplicated[far:], tolerance)
    return [list(point) for point in first[:-1] + second]


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """The points kept by Douglas-Peucker (iterative, so that long lines need no deep recursion)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, 0.0
        for index in range(first + 1, last):
            candidate = _segment_distance(points[index], points[first], points[last])
            if candidate > distance:
                farthest, distance = index, candidate
        if distance > limit:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _squared(a, b) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _segment_distance(point, start, end) -> float:
    """Squared distance from a point to the segment [start, end]."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = dx * dx + dy * dy
    if not length:
        return _squared(point, start)
    t = max(0.0, min(1.0, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length))
    return _squared(point, (start[0] + t * dx, start[1] + t * dy))
