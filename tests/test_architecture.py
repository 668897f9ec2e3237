"""Import boundaries between apps, read from the source with `ast` (DESIGN.md, "Cross-app rule").

- `core` is the platform's building blocks: it imports no domain app (only `accounts`, the base of
  memberships and roles, and `config`).
- `accounts` and `projects` are the base every app may import; `reporting` composes every app's
  `reports.py` (discovered, not imported). None of them imports a domain app.
- A domain app imports another domain app only through its selectors (`from relogement import
  selectors`, `from relogement.selectors import …`), never its models, views or helpers.

Migrations are left out: Django writes their dependencies.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PLATFORM = {"core", "accounts", "projects", "reporting"}
CORE_MAY_IMPORT = {"core", "accounts", "config"}


def _local_apps() -> set[str]:
    return {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == BASE_DIR.resolve()  # the project's own apps
    }


def _imports(app: str, root: Path = BASE_DIR):
    """(file, imported module) for every absolute import of the app's code (functions included)."""
    for path in sorted((root / app).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield relative, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield relative, node.module
                for alias in node.names:  # `from relogement import selectors`
                    yield relative, f"{node.module}.{alias.name}"


def _app_of(module: str, local: set[str]) -> str | None:
    top = module.split(".")[0]
    return top if top in local else None


def _via_selectors(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 2 and parts[1] == "selectors"


def test_the_apps_are_found():
    local = _local_apps()
    assert {"core", "accounts", "projects", "governance", "relogement"} <= local


def _core_wrong(local: set[str], root: Path = BASE_DIR) -> list[tuple[str, str]]:
    return [
        (path, module)
        for path, module in _imports("core", root)
        if (app := _app_of(module, local | {"config"})) is not None and app not in CORE_MAY_IMPORT
    ]


def test_core_imports_no_domain_app():
    assert _core_wrong(_local_apps()) == []


def _platform_imports_of_domains(local: set[str], root: Path = BASE_DIR) -> set[tuple[str, str]]:
    domains = local - PLATFORM
    return {
        (path, _app_of(module, local))
        for app in sorted(PLATFORM & local)
        for path, module in _imports(app, root)
        if _app_of(module, local) in domains
    }


def test_platform_apps_import_no_domain_app():
    assert _platform_imports_of_domains(_local_apps()) == set()


def _sideways(local: set[str], root: Path = BASE_DIR) -> list[tuple[str, str]]:
    domains = local - PLATFORM
    return [
        (path, module)
        for app in sorted(domains)
        for path, module in _imports(app, root)
        if (other := _app_of(module, local)) in domains
        and other != app
        and not _via_selectors(module)
        and module != other  # `from relogement import selectors` yields "relogement" too
    ]


def test_domain_apps_import_each_other_only_through_selectors():
    assert _sideways(_local_apps()) == []


def test_the_rule_catches_a_sideways_import(tmp_path):
    """The checker itself: a domain module importing another domain's internals is reported."""
    (tmp_path / "relogement").mkdir()
    (tmp_path / "relogement" / "views.py").write_text(
        "from governance import selectors\n"
        "from governance.selectors import concertation_figures\n"
        "from core.disclosure import is_masked\n"
        "def view():\n"
        "    from governance.disclosure_tables import attendance_table\n"
    )
    local = {"core", "accounts", "projects", "reporting", "governance", "relogement"}
    assert _sideways(local, tmp_path) == [
        ("relogement/views.py", "governance.disclosure_tables"),
        ("relogement/views.py", "governance.disclosure_tables.attendance_table"),
    ]


def test_the_rules_catch_core_and_platform_imports_of_a_domain(tmp_path):
    """The checker itself: core importing `projects` (even in a template library), or a platform app
    importing a domain app, is reported."""
    for app in ("core/templatetags", "reporting"):
        (tmp_path / app).mkdir(parents=True)
    (tmp_path / "core" / "templatetags" / "npru.py").write_text(
        "from projects.semesters import semester_label\n"
    )
    (tmp_path / "reporting" / "services.py").write_text("def f():\n    from relogement import selectors\n")
    local = {"core", "accounts", "projects", "reporting", "governance", "relogement"}
    assert _core_wrong(local, tmp_path) == [
        ("core/templatetags/npru.py", "projects.semesters"),
        ("core/templatetags/npru.py", "projects.semesters.semester_label"),
    ]
    assert _platform_imports_of_domains(local, tmp_path) == {("reporting/services.py", "relogement")}
