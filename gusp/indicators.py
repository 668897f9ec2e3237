"""The GUSP indicators computed for the evaluation (docs/gusp.md defines each one).

The public face of the app for the evaluation app: `indicators(programme, today=…, period=…)` returns a
list of `Indicator` (a stable key, a French label, a unit, a value), computed by `gusp.selectors` in a
fixed number of queries, over the 12 months up to `today` unless a period is given.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from gusp import selectors
from gusp.models import GuspAction, Report, TfpbAbatement, WalkAudit


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # "signalements", "taux", "jours", "heures", "diagnostics", "actions", "euros", "lieux"
    value: Decimal | int | None


def from_figures(figures: selectors.GuspFigures) -> list[Indicator]:
    volume, total, walks = figures.volume, figures.handling_total, figures.walks
    open_count, late = figures.open.total
    return [
        Indicator("signalements", "Signalements reçus sur la période", "signalements", volume.reported),
        Indicator("part_clos", "Part des signalements de la période clos", "taux", volume.closed_share),
        Indicator("signalements_ouverts", "Signalements ouverts", "signalements", open_count),
        Indicator(
            "signalements_en_retard", "Signalements ouverts au-delà de leur échéance", "signalements", late
        ),
        Indicator(
            "signalements_traites", "Signalements traités sur la période", "signalements", total.handled
        ),
        Indicator(
            "part_traites_dans_delai",
            "Part des signalements traités dans le délai cible",
            "taux",
            total.within_share,
        ),
        Indicator("delai_median_traitement", "Délai médian de traitement", "jours", total.median_days),
        Indicator(
            "delai_median_prise_en_compte",
            "Délai médian de prise en compte",
            "heures",
            total.median_ack_hours,
        ),
        Indicator("points_recurrents", "Points de signalement récurrents", "lieux", len(figures.hotspots)),
        Indicator("diagnostics_marchant", "Diagnostics en marchant réalisés", "diagnostics", walks.held),
        Indicator(
            "part_observations_resolues",
            "Part des observations des diagnostics en marchant résolues",
            "taux",
            walks.resolved_share,
        ),
        Indicator(
            "actions_tfpb",
            "Actions valorisées au titre de l'abattement de TFPB",
            "actions",
            sum(r.actions for r in figures.tfpb),
        ),
        Indicator(
            "montant_tfpb",
            "Montant valorisé au titre de l'abattement de TFPB",
            "euros",
            sum((r.amount for r in figures.tfpb), Decimal(0)),
        ),
        *_abatement_indicators(figures.tfpb),
    ]


def _abatement_indicators(rows: list[selectors.TfpbRow]) -> list[Indicator]:
    """The abatements recorded for the period's years, and the valued euros over them, counted on the
    landlords' years that have one (as the dashboard's total: docs/gusp.md)."""
    total = selectors.TfpbTotal.of(rows)
    rate = total.valuation_rate
    return [
        Indicator("abattement_tfpb", "Abattement de TFPB enregistré", "euros", total.abatement),
        Indicator(
            "taux_valorisation_tfpb",
            "Taux de valorisation de l'abattement de TFPB",
            "taux",
            rate.quantize(Decimal("0.001")) if rate is not None else None,
        ),
    ]


def indicators(
    programme, *, today: datetime.date | None = None, period: selectors.Period | None = None
) -> list[Indicator]:
    """The programme's GUSP indicators over the period (the 12 months up to `today` by default)."""
    figures = selectors.gusp_figures(
        Report.objects.filter(programme=programme),
        WalkAudit.objects.filter(programme=programme),
        GuspAction.objects.filter(programme=programme),
        today=today,
        period=period,
        abatements=TfpbAbatement.objects.filter(programme=programme),
    )
    return from_figures(figures)
