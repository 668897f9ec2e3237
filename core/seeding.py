"""Demo data: every app seeds its own part of the demo programmes, in a declared order.

An app registers its seeder in its `seeders` module (a `seeders.py`, or a `seeders/` package when the
data is large), found like the packs' `reports.py`:

    # relogement/seeders/__init__.py
    from core.seeding import SeedRun, seeder

    def reset(run: SeedRun) -> None:  # before the apps it depends on are reset
        ...

    @seeder("relogement", after=["projects", "governance"], reset=reset)
    def seed(run: SeedRun) -> None:
        programme = demo_programme(run.target)
        ...  # through the app's services, or in bulk for the load set; idempotent

`seed_demo()` seeds each target of the scale ("demo": the demo programme; "metro": it and the
metropolitan load set) in one transaction: with `reset`, the seeders' resets run first in reverse order,
then every seeder in dependency order. A seeder's `report` returns the lines printed at the end (the
figures of each programme, the accounts). Everything is drawn from seeded random streams and placed
relative to `today`, so that two runs on the same day write the same rows and a second run writes
nothing.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from graphlib import TopologicalSorter

import pghistory
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

Log = Callable[[str], None]
# The source recorded in the history of what `seed_demo` writes (a seeder may rewrite those events).
SEED_SOURCE = "Jeu de démonstration (seed_demo)"


@dataclass(frozen=True)
class Target:
    """One seeded programme: its key (the scale it comes with), its random seed, its accounts' domain."""

    key: str
    seed: int
    email_domain: str


TARGETS = {
    "demo": Target("demo", 591, "demo.npru.fr"),
    "metro": Target("metro", 599, "metro.npru.fr"),
}
# Which programmes each scale seeds: "metro" is the demo plus the metropolitan load set.
SCALES = {"demo": ("demo",), "metro": ("demo", "metro")}


@dataclass(frozen=True)
class SeedRun:
    """What a seeder seeds against: one target, the reference date, where progress goes."""

    target: Target
    today: datetime.date
    log: Log


@dataclass(frozen=True)
class Seeder:
    app: str
    seed: Callable[[SeedRun], None]
    after: tuple[str, ...] = ()
    reset: Callable[[SeedRun], None] | None = None
    report: Callable[[list[Target]], list[str]] | None = None


_REGISTRY: dict[str, Seeder] = {}
_discovered = False


def register(new: Seeder) -> Seeder:
    current = _REGISTRY.get(new.app)
    if current is not None and current.seed.__module__ != new.seed.__module__:
        raise ValueError(f"Deux jeux de démonstration portent le nom « {new.app} ».")
    _REGISTRY[new.app] = new
    return new


def seeder(
    app: str,
    *,
    after: Iterable[str] = (),
    reset: Callable[[SeedRun], None] | None = None,
    report: Callable[[list[Target]], list[str]] | None = None,
) -> Callable[[Callable[[SeedRun], None]], Callable[[SeedRun], None]]:
    """Decorator registering an app's seeder, run after the seeders of the apps named in `after`."""

    def decorator(seed: Callable[[SeedRun], None]) -> Callable[[SeedRun], None]:
        register(Seeder(app=app, seed=seed, after=tuple(after), reset=reset, report=report))
        return seed

    return decorator


def discover() -> None:
    """Import every installed app's `seeders` module once (they register their seeders)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("seeders")
        _discovered = True


def seeders() -> list[Seeder]:
    """The registered seeders, each after those it depends on (then by name)."""
    discover()
    unknown = {name for entry in _REGISTRY.values() for name in entry.after} - set(_REGISTRY)
    if unknown:
        raise ValueError(f"Jeux de démonstration attendus mais absents : {', '.join(sorted(unknown))}")
    graph = TopologicalSorter({name: _REGISTRY[name].after for name in sorted(_REGISTRY)})
    graph.prepare()
    ordered: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready())
        ordered += ready
        graph.done(*ready)
    return [_REGISTRY[name] for name in ordered]


def seed_demo(
    scale: str = "demo",
    *,
    reset: bool = False,
    today: datetime.date | None = None,
    dry_run: bool = False,
    log: Log = print,
) -> list[str]:
    """Seed every target of the scale in one transaction; the report's lines (figures, accounts).
    With `dry_run`, everything is computed and rolled back."""
    if scale not in SCALES:
        raise ValueError(f"Échelle inconnue : {scale}")
    today = today or timezone.localdate()
    targets = [TARGETS[key] for key in SCALES[scale]]
    ordered = seeders()
    report: list[str] = []
    with pghistory.context(source=SEED_SOURCE), transaction.atomic():
        for target in targets:
            run = SeedRun(target=target, today=today, log=log)
            if reset:
                for entry in reversed(ordered):
                    if entry.reset is not None:
                        entry.reset(run)
            for entry in ordered:
                entry.seed(run)
        for entry in ordered:
            if entry.report is not None:
                report += entry.report(targets)
        if dry_run:
            transaction.set_rollback(True)
            log("Essai à blanc : aucune modification enregistrée.")
    if not dry_run:
        # Planner statistics for the rows just loaded, as autovacuum would set them some time later.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report
