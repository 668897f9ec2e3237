"""Who a page, a pack or an API answer is for: the mission team, or someone outside it.

One object decides, for every output, what the disclosure rules of `core.disclosure` imply:

- `masks_counts`: counts of people below the threshold are masked ("secret statistique"), with the
  complementary cells that would give them back;
- `legend`: the sentence that explains the masks ("" when nothing is masked);
- `draws_people_charts`: charts of people are drawn only for the mission team (a chart would show the
  masked values);
- `count` / `counts`: the display strings of one count or of a table of counts.

Views ask `audience_for_request(request)`; packs `pack_audience(partners=…)`; the API `API`. Templates
receive the audience and ask it (`{% if audience.masks_counts %}{{ audience.legend }}{% endif %}`):
one template serves every audience.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from django.conf import settings

from core.disclosure import LEGEND, mask_small_counts
from core.formatting import group_thousands

# `Audience.counts`, as taken by the functions that build tables of counts for any audience.
Counts = Callable[..., list[list[str]]]


@dataclass(frozen=True)
class Audience:
    """An audience: `outside` is true for everyone but the mission team (partners, API consumers)."""

    key: str
    label: str
    outside: bool
    # None: the threshold of the settings (DISCLOSURE_THRESHOLD), read when counts are shown.
    threshold_override: int | None = None

    @property
    def is_internal(self) -> bool:
        return not self.outside

    @property
    def masks_counts(self) -> bool:
        return self.outside

    @property
    def draws_people_charts(self) -> bool:
        return not self.outside

    @property
    def threshold(self) -> int:
        if self.threshold_override is not None:
            return self.threshold_override
        return settings.DISCLOSURE_THRESHOLD

    @property
    def legend(self) -> str:
        return LEGEND.format(threshold=self.threshold) if self.masks_counts else ""

    def count(self, value: int | None) -> str:
        """A count of people, masked below the threshold when it leaves the mission team."""
        if not self.masks_counts:
            return "—" if value is None else group_thousands(value)
        return cast(str, mask_small_counts(value, self.threshold))

    def counts(self, rows: Sequence[Sequence[int | None]], **totals: bool) -> list[list[str]]:
        """A table of counts of people (see `mask_small_counts` for `row_totals`/`column_totals`)."""
        if not self.masks_counts:
            return [["—" if value is None else group_thousands(value) for value in row] for row in rows]
        return cast(list[list[str]], mask_small_counts(rows, self.threshold, **totals))

    def with_threshold(self, threshold: int | None) -> "Audience":
        return Audience(self.key, self.label, self.outside, threshold)


INTERNAL = Audience("interne", "Équipe projet et direction", outside=False)
PARTNERS = Audience("partenaires", "Partenaires (petits effectifs masqués)", outside=True)
API = Audience("api", "Réutilisateurs des données (API)", outside=True)


def audience_for_membership(user, membership) -> Audience:
    """The mission team (superusers and internal roles) or the partners; deny by default."""
    if getattr(user, "is_superuser", False):
        return INTERNAL
    if membership is not None and membership.is_internal:
        return INTERNAL
    return PARTNERS


def audience_for_request(request) -> Audience:
    """The audience of a page: the current membership's (see `audience_for_membership`)."""
    return audience_for_membership(request.user, getattr(request, "membership", None))


def pack_audience(*, partners: bool, threshold: int | None = None) -> Audience:
    """The audience of a pack: for the mission team, or for partners (counts masked)."""
    return (PARTNERS if partners else INTERNAL).with_threshold(threshold)
