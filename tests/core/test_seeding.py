import datetime

import pytest

from core import seeding
from core.seeding import Seeder, SeedRun, seed_demo, seeders
from projects.models import Programme


def test_every_app_with_demo_data_is_discovered_in_dependency_order():
    # projects' backdated history comes last: it rewrites the events the others wrote on its objects
    assert [entry.app for entry in seeders()] == [
        "projects",
        "governance",
        "gusp",
        "insertion",
        "relogement",
        "projects-history",
    ]


@pytest.fixture
def registry(monkeypatch):
    """An empty registry, as if no app had a seeders module."""
    monkeypatch.setattr(seeding, "_REGISTRY", {})
    monkeypatch.setattr(seeding, "_discovered", True)
    return seeding._REGISTRY


def noop(run: SeedRun) -> None:
    pass


def test_seeders_run_after_their_dependencies_whatever_their_names(registry):
    seeding.register(Seeder("aaa", noop, after=("zzz",)))
    seeding.register(Seeder("zzz", noop, after=("mmm",)))
    seeding.register(Seeder("mmm", noop))
    seeding.register(Seeder("bbb", noop))
    assert [entry.app for entry in seeders()] == ["bbb", "mmm", "zzz", "aaa"]


def test_a_missing_dependency_or_a_cycle_is_an_error(registry):
    seeding.register(Seeder("aaa", noop, after=("absent",)))
    with pytest.raises(ValueError, match="absent"):
        seeders()
    registry.clear()
    seeding.register(Seeder("aaa", noop, after=("bbb",)))
    seeding.register(Seeder("bbb", noop, after=("aaa",)))
    with pytest.raises(ValueError, match="cycle"):
        seeders()


def test_seed_demo_is_a_function_resets_in_reverse_order_and_reports(registry):
    calls = []

    def recorder(name):
        return lambda run: calls.append((name, run.target.key, run.today))

    seeding.register(Seeder("base", recorder("base"), reset=recorder("reset base")))
    seeding.register(
        Seeder("top", recorder("top"), after=("base",), reset=recorder("reset top"), report=lambda t: ["fin"])
    )
    day = datetime.date(2026, 11, 21)
    assert seed_demo("metro", reset=True, today=day, log=calls.append) == ["fin"]
    assert calls == [
        ("reset top", "demo", day),
        ("reset base", "demo", day),
        ("base", "demo", day),
        ("top", "demo", day),
        ("reset top", "metro", day),
        ("reset base", "metro", day),
        ("base", "metro", day),
        ("top", "metro", day),
    ]
    with pytest.raises(ValueError, match="Échelle inconnue"):
        seed_demo("pays")


def test_a_dry_run_of_the_demo_writes_nothing_and_reports_the_accounts():
    lines = []
    report = seed_demo(today=datetime.date(2026, 11, 21), dry_run=True, log=lines.append)
    assert "Essai à blanc : aucune modification enregistrée." in lines
    assert any("Mot de passe" in line for line in report)
    assert not Programme.objects.filter(slug="npru-demo").exists()
