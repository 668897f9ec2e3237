"""Registry of the sections that make up PDF packs.

Each domain app contributes its sections in its own `reports.py`; nothing else needs to change for a
new section to appear in the packs (and in the table of contents):

    # relogement/reports.py
    from core.pack_sections import PackScope, section

    @section(key="relogement", title="Relogement des ménages", order=80,
             template="relogement/pack/relogement.html", kinds={"copil", "revue"})
    def relogement(scope: PackScope) -> dict | None:
        return {"figures": selectors.rehousing_figures(...)}  # None leaves the section out

Sections are ordered by `order` (10 key figures, 20–40 operations and finance, 60 governance,
70 concertation, 80 relogement, 90 insertion, 100 GUSP, 110 evaluation), then by key. `kinds` lists
the pack kinds a section belongs to (None: every kind). The builder gets a `PackScope` and returns
the template's context; it reads through selectors only.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from core.disclosure import LEGEND, mask_small_counts
from core.formatting import group_thousands


@dataclass(frozen=True)
class PackScope:
    """What a pack covers: a programme or one of its sectors, a period, an audience."""

    programme: Any
    sector: Any | None
    kind: str
    kind_label: str
    period_start: datetime.date
    period_end: datetime.date
    mask_counts: bool = False
    threshold: int = 5

    @property
    def scope_name(self) -> str:
        return self.sector.name if self.sector is not None else self.programme.name

    def count(self, value: int | None) -> str:
        """A count of people, masked when the pack goes to partners."""
        if not self.mask_counts:
            return "—" if value is None else group_thousands(value)
        return mask_small_counts(value, self.threshold)

    def counts(self, rows: list[list[int | None]], **totals: bool) -> list[list[str]]:
        """A table of counts of people (see `mask_small_counts` for `row_totals`/`column_totals`)."""
        if not self.mask_counts:
            return [["—" if value is None else group_thousands(value) for value in row] for row in rows]
        return mask_small_counts(rows, self.threshold, **totals)

    @property
    def disclosure_legend(self) -> str:
        return LEGEND.format(threshold=self.threshold) if self.mask_counts else ""


SectionBuilder = Callable[[PackScope], dict | None]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    template: str
    build: SectionBuilder
    kinds: frozenset[str] | None = None

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


_REGISTRY: dict[str, Section] = {}
_discovered = False


def register(new: Section) -> Section:
    current = _REGISTRY.get(new.key)
    if current is not None and _origin(current.build) != _origin(new.build):  # a re-import is fine
        raise ValueError(f"Deux sections de dossier portent la clé « {new.key} ».")
    _REGISTRY[new.key] = new
    return new


def _origin(build: SectionBuilder) -> str:
    return f"{build.__module__}.{build.__qualname__}"


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def section(
    *, key: str, title: str, order: int, template: str, kinds: Iterable[str] | None = None
) -> Callable[[SectionBuilder], SectionBuilder]:
    """Decorator registering a section builder."""

    def decorator(build: SectionBuilder) -> SectionBuilder:
        register(
            Section(
                key=key,
                title=title,
                order=order,
                template=template,
                build=build,
                kinds=frozenset(kinds) if kinds is not None else None,
            )
        )
        return build

    return decorator


def discover() -> None:
    """Import every installed app's `reports` module once (they register their sections)."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "reports"):
            import_module(f"{config.name}.reports")
    _discovered = True


def sections_for(kind: str) -> list[Section]:
    discover()
    return sorted(
        (entry for entry in _REGISTRY.values() if entry.applies_to(kind)),
        key=lambda entry: (entry.order, entry.key),
    )
