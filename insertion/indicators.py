"""The insertion indicators computed for the evaluation (docs/insertion.md defines each one).

The public face of the app for the evaluation app: `indicators(programme, as_of=…)` returns a list of
`Indicator` (a stable key, a French label, a unit, a value, and the target when there is one), computed
by `insertion.selectors` in a fixed number of queries. Figures of people are not masked here: the reader
decides with its audience (`core.audience`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from insertion import selectors
from insertion.models import Market, WorkContract


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # "heures", "taux", "personnes", "MOA"
    value: Decimal | int | None
    target: Decimal | None = None


def from_figures(figures: selectors.Figures) -> list[Indicator]:
    programme, people, exits = figures.programme, figures.people, figures.exits
    anru, other, total = programme.anru, programme.other, programme.total
    return [
        Indicator("heures_visees", "Heures d'insertion visées", "heures", total.target),
        Indicator("heures_realisees", "Heures d'insertion réalisées", "heures", total.achieved, total.target),
        Indicator(
            "taux_realisation", "Taux de réalisation des heures visées", "taux", total.rate, Decimal(1)
        ),
        Indicator("heures_anru_visees", "Heures visées, marchés financés par l'ANRU", "heures", anru.target),
        Indicator(
            "heures_anru_realisees",
            "Heures réalisées par des habitants des QPV, marchés financés par l'ANRU",
            "heures",
            anru.achieved,
            anru.target,
        ),
        Indicator(
            "taux_realisation_anru",
            "Taux de réalisation, marchés financés par l'ANRU",
            "taux",
            anru.rate,
            Decimal(1),
        ),
        Indicator("heures_hors_anru_visees", "Heures visées, autres marchés", "heures", other.target),
        Indicator("heures_hors_anru_realisees", "Heures réalisées, autres marchés", "heures", other.achieved),
        Indicator(
            "taux_realisation_hors_anru",
            "Taux de réalisation, autres marchés",
            "taux",
            other.rate,
            Decimal(1),
        ),
        Indicator(
            "moa_objectif_atteint",
            "Maîtres d'ouvrage ayant atteint leur objectif",
            "MOA",
            figures.dispersion.reached,
        ),
        Indicator(
            "moa_sous_objectif", "Maîtres d'ouvrage sous leur objectif", "MOA", figures.dispersion.below
        ),
        Indicator("participants", "Participants (personnes distinctes)", "personnes", people.participants),
        Indicator("part_habitants_qpv", "Part des participants habitant un QPV", "taux", people.qpv_share),
        Indicator("part_femmes", "Part de femmes parmi les participants", "taux", people.women_share),
        Indicator("contrats", "Contrats de travail", "contrats", figures.contracts.total),
        Indicator(
            "sorties_emploi_durable_6_mois",
            "Part des contrats suivis d'un emploi durable six mois après leur fin (situation connue)",
            "taux",
            exits.durable_share,
        ),
    ]


def indicators(
    programme, *, as_of: datetime.date | None = None, today: datetime.date | None = None
) -> list[Indicator]:
    """The programme's insertion indicators, at a date when given (the contracts started by then)."""
    figures = selectors.insertion_figures(
        Market.objects.filter(programme=programme),
        WorkContract.objects.filter(programme=programme),
        as_of=as_of,
        today=today,
    )
    return from_figures(figures)
