"""The main menu, as a registry that each app fills.

Each app that has pages in the menu declares its entries in its own `navigation.py`:

    # relogement/navigation.py
    from core.navigation import NavEntry

    ENTRIES = [NavEntry(label="Relogement", url_name="relogement:dashboard", order=40,
                        highlights=("relogement:*",))]

`entries()` gathers every installed app's `ENTRIES` (once), sorted by `order`; `menu(request)` gives what
base.html draws for one request: the entries the user may see, with their URL and whether the current page
is theirs. `highlights` are `namespace:url_name` patterns (shell-style, `*` for any part) of the pages
that mark the entry as the current one; `visible` says who sees the entry (every member of the current
programme by default).
"""

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib import import_module

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import module_has_submodule

from core.imports import importable_kinds


def every_member(request: HttpRequest) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    highlights: tuple[str, ...]
    visible: Callable[[HttpRequest], bool] = every_member

    def is_active(self, namespace: str, url_name: str | None) -> bool:
        current = f"{namespace}:{url_name}"
        return bool(url_name) and any(fnmatchcase(current, pattern) for pattern in self.highlights)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    active: bool


_entries: list[NavEntry] | None = None


def entries() -> list[NavEntry]:
    """Every installed app's `navigation.ENTRIES`, by order then label (read once)."""
    global _entries
    if _entries is None:
        found: list[NavEntry] = []
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "navigation"):
                found += getattr(import_module(f"{config.name}.navigation"), "ENTRIES", [])
        _entries = sorted(found, key=lambda entry: (entry.order, entry.label))
    return _entries


def menu(request: HttpRequest) -> list[MenuItem]:
    """The entries this request's user sees, with their URL and whether the current page is theirs."""
    match = getattr(request, "resolver_match", None)
    namespace, url_name = (match.namespace, match.url_name) if match else ("", None)
    return [
        MenuItem(label=entry.label, url=reverse(entry.url_name), active=entry.is_active(namespace, url_name))
        for entry in entries()
        if entry.visible(request)
    ]


def importers(request: HttpRequest) -> bool:
    """Members who may run at least one import (see `core.imports.importable_kinds`)."""
    programme = getattr(request, "programme", None)
    membership = getattr(request, "membership", None)
    return programme is not None and bool(importable_kinds(request.user, membership, programme))


# Core's own entries (the imports, shared by every domain app).
ENTRIES = [
    NavEntry(
        label="Imports", url_name="imports:list", order=90, highlights=("imports:*",), visible=importers
    ),
]
