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
# Known imports of `projects` from `core`, to go when the helper moves to core (semester labels).
CORE_IMPORTS_OF_PROJECTS = {"core/templatetags/npru.py"}
# Known imports of domain apps by platform apps, to go with the seeders and the state machines
# (issue 8, §5 and §6): listed so that no new one appears.
PLATFORM_KNOWN = {
    ("projects/demo.py", "governance"),
    ("projects/demo.py", "relogement"),
}


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


def test_core_imports_no_domain_app():
    local = _local_apps()
    wrong = [
        (path, module)
        for path, module in _imports("core")
        if (app := _app_of(module, local | {"config"})) is not None
        and app not in CORE_MAY_IMPORT
        and not (app == "projects" and path in CORE_IMPORTS_OF_PROJECTS)
    ]
    assert wrong == []


def test_platform_apps_import_no_domain_app():
    local = _local_apps()
    domains = local - PLATFORM
    wrong = [
        (path, module)
        for app in sorted(PLATFORM & local)
        for path, module in _imports(app)
        if _app_of(module, local) in domains and (path, _app_of(module, local)) not in PLATFORM_KNOWN
    ]
    assert wrong == []


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
