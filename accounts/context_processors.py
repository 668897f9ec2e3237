from django.conf import settings

from accounts.models import Membership
from projects.models import Programme


def _other_programmes(user, current):
    """The programmes the switch offers: those of the user's memberships (every programme for a
    superuser), the active one left out."""
    if user.is_superuser:
        programmes = Programme.objects.all()
    else:
        programmes = Programme.objects.filter(
            pk__in=Membership.objects.active().filter(user=user).values("programme_id")
        )
    if current is not None:
        programmes = programmes.exclude(pk=current.pk)
    return programmes.order_by("name", "pk")


def programme(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "current_programme": getattr(request, "programme", None),
        "current_membership": getattr(request, "membership", None),
        "other_programmes": _other_programmes(user, getattr(request, "programme", None)),
    }
