from django.conf import settings

from accounts.models import Membership


def programme(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "current_programme": getattr(request, "programme", None),
        "current_membership": getattr(request, "membership", None),
        "other_memberships": Membership.objects.active()
        .filter(user=user)
        .exclude(programme=getattr(request, "programme", None))
        .select_related("programme"),
    }
