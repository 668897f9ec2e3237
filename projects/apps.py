from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Programme, quartiers et opérations"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from projects.models import Sector

        for signal in (post_save, post_delete):
            signal.connect(_sectors_changed, sender=Sector, dispatch_uid=f"projects.sector_maps.{signal}")


def _sectors_changed(sender, **kwargs) -> None:
    """A saved or deleted sector makes the cached map perimeters stale (projects:sectors_geojson)."""
    from core import cache
    from projects.maps import MAP_CACHE

    cache.bump(MAP_CACHE)
