"""Registry of the sections that make up PDF packs.

Each domain app contributes its sections in its own `reports.py`; nothing in core changes for a new
section (core knows no domain):

    # relogement/reports.py
    from core.pack_sections import PackScope, section

    @section(key="relogement", title="Relogement des ménages", template="relogement/pack/relogement.html")
    def relogement(scope: PackScope) -> dict | None:
        return {"figures": selectors.rehousing_figures(...)}  # None leaves the section out

Which sections a document holds, and in which order, is not the section's business: each kind of pack
lists its section keys in `reporting/kinds.py` (`SECTIONS_BY_KIND`), and a later document (a partner's
sector summary) passes its own list to `reporting.generator`. The builder gets a `PackScope` and returns
the template's context; it reads through selectors only.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from core.audience import Audience


@dataclass(frozen=True)
class PackScope:
    """What a pack covers: a programme or one of its sectors, a period, an audience.

    Sections mask counts of people through the audience (`core.audience`):
    `scope.audience.counts(...)`, `scope.audience.legend`.
    """

    programme: Any
    sector: Any | None
    kind: str
    kind_label: str
    period_start: datetime.date
    period_end: datetime.date
    audience: Audience

    @property
    def scope_name(self) -> str:
        return self.sector.name if self.sector is not None else self.programme.name


SectionBuilder = Callable[[PackScope], dict | None]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    build: SectionBuilder


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


def section(*, key: str, title: str, template: str) -> Callable[[SectionBuilder], SectionBuilder]:
    """Decorator registering a section builder."""

    def decorator(build: SectionBuilder) -> SectionBuilder:
        register(Section(key=key, title=title, template=template, build=build))
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


def registered_keys() -> set[str]:
    discover()
    return set(_REGISTRY)


def sections(keys: Iterable[str]) -> list[Section]:
    """The registered sections with these keys, in this order (an unknown key is an error)."""
    discover()
    keys = list(keys)
    unknown = [key for key in keys if key not in _REGISTRY]
    if unknown:
        raise LookupError(f"Section(s) de dossier inconnue(s) : {', '.join(unknown)}.")
    return [_REGISTRY[key] for key in keys]
