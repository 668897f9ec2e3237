"""Disclosure control ("secret statistique"): small counts never leave the mission team.

Every aggregate that goes to partners (portal, partner reports, API, PDF packs for partners) passes its
counts of people through `mask_small_counts`. A count from 1 to threshold − 1 is shown as "< 5"
(primary suppression); zero is shown, since it reveals nobody. In a table whose lines end with a total,
a line with a single masked cell would let anyone recompute it (total minus the other cells), so a
second cell of that line is masked too and shown as "s" (secondary suppression): the smallest other
non-zero cell, or else the total itself. Lines are rows and columns; masking repeats until every line
with a total has zero or at least two masked cells.
"""

from collections.abc import Sequence

from django.conf import settings

from core.formatting import group_thousands

SECONDARY = "s"
LEGEND = (
    "« < {threshold} » : effectif inférieur à {threshold}, masqué (secret statistique) ; "
    "« s » : valeur masquée pour qu'un petit effectif ne puisse pas être recalculé."
)


def small_label(threshold: int) -> str:
    return f"< {threshold}"


def is_masked(display: str) -> bool:
    """Whether a display string from `mask_small_counts` hides its value."""
    return display == SECONDARY or display.startswith("< ")


def is_small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def mask_small_counts(
    data: int | None | Sequence[Sequence[int | None]],
    threshold: int | None = None,
    *,
    row_totals: bool = False,
    column_totals: bool = False,
) -> str | list[list[str]]:
    """Display strings for one count, or for a table of counts.

    A table is a list of rows of counts; with `row_totals` the last cell of each row is the row's
    total, with `column_totals` the last row holds the columns' totals (and the grand total in the
    corner when both are set). Returns the same shape with strings.
    """
    threshold = settings.DISCLOSURE_THRESHOLD if threshold is None else threshold
    if data is None or isinstance(data, int):
        return _display(data, masked=is_small(data, threshold), threshold=threshold)
    table = [list(row) for row in data]
    masked = _mask_table(table, threshold=threshold, row_totals=row_totals, column_totals=column_totals)
    return [
        [
            _display(value, masked=(r, c) in masked, threshold=threshold, secondary=masked.get((r, c)))
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(table)
    ]


def _display(value: int | None, *, masked: bool, threshold: int, secondary: bool | None = False) -> str:
    if value is None:
        return "—"
    if not masked:
        return group_thousands(value)
    return SECONDARY if secondary else small_label(threshold)


def _lines(table: list[list], *, row_totals: bool, column_totals: bool) -> list[list[tuple[int, int]]]:
    """Cells of each line that sums to a total, the total last."""
    height = len(table)
    width = len(table[0]) if table else 0
    lines = []
    if row_totals:
        lines += [[(r, c) for c in range(width)] for r in range(height)]
    if column_totals:
        lines += [[(r, c) for r in range(height)] for c in range(width)]
    return lines


def _mask_table(
    table: list[list[int | None]], *, threshold: int, row_totals: bool, column_totals: bool
) -> dict[tuple[int, int], bool]:
    """{(row, column): is_secondary} for every masked cell."""
    masked = {
        (r, c): False
        for r, row in enumerate(table)
        for c, value in enumerate(row)
        if is_small(value, threshold)
    }
    lines = _lines(table, row_totals=row_totals, column_totals=column_totals)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in masked for cell in line) != 1:
                continue
            complement = _complement(table, line, masked)
            if complement is not None:
                masked[complement] = True
                changed = True
    return masked


def _complement(table, line: list[tuple[int, int]], masked: dict) -> tuple[int, int] | None:
    """The cell to mask beside a lone masked one: the smallest non-zero other cell, else the total."""
    *cells, total = line
    candidates = [cell for cell in cells if cell not in masked and (table[cell[0]][cell[1]] or 0) > 0]
    if candidates:
        return min(candidates, key=lambda cell: (table[cell[0]][cell[1]], cell))
    if total not in masked:
        return total
    zeros = [cell for cell in cells if cell not in masked]
    return zeros[0] if zeros else None
