from django.apps import AppConfig


class GuspConfig(AppConfig):
    name = "gusp"
    verbose_name = "GUSP"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from gusp.models import GuspAction, Report, ReportEvent, TfpbAbatement, Theme, WalkAudit
        from projects.models import Sector

        # Any single write that can change the figures makes them stale (bulk services bump too).
        for model in (Report, ReportEvent, Theme, WalkAudit, GuspAction, TfpbAbatement, Sector):
            for signal in (post_save, post_delete):
                signal.connect(_figures_changed, sender=model, dispatch_uid=f"gusp.figures.{model.__name__}")
        m2m_changed.connect(
            _figures_changed, sender=WalkAudit.partners.through, dispatch_uid="gusp.figures.walk_partners"
        )


def _figures_changed(sender, **kwargs) -> None:
    from gusp.selectors import figures_cache_bump

    figures_cache_bump()
