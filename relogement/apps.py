from django.apps import AppConfig


class RelogementConfig(AppConfig):
    name = "relogement"
    verbose_name = "Relogement"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.personal_data import register_domain
        from projects.models import Operation, Sector
        from relogement.models import Household, Offer, Rehousing, RelogementPlan

        # Households one by one: reading them needs this grant on the membership (and a second factor).
        register_domain(
            key="relogement",
            label="Relogement",
            records="ménages",
            pages="Le suivi ménage par ménage",
        )
        # Operations and sectors too: the figures are grouped by them (an operation moved to another
        # sector changes which perimeters count its households).
        for model in (Household, Offer, Rehousing, RelogementPlan, Operation, Sector):
            for signal in (post_save, post_delete):
                signal.connect(
                    _figures_changed, sender=model, dispatch_uid=f"relogement.figures.{model.__name__}"
                )


def _figures_changed(sender, **kwargs) -> None:
    """Any single write of relogement data makes the cached dashboard figures stale (bulk writes call
    the same bump in relogement.services)."""
    from relogement.selectors import dashboard_cache_bump

    dashboard_cache_bump()
