"""GeoJSON for Leaflet maps: sectors' perimeters with their name and link."""

from django.urls import reverse


def sectors_feature_collection(sectors) -> dict:
    features = []
    for sector in sectors.only("name", "slug", "perimeter"):
        for feature in _features(sector.perimeter):
            feature = {**feature, "properties": {"name": sector.name, "url": _url(sector)}}
            features.append(feature)
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
