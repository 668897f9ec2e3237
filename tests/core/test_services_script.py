"""scripts/services.py finds the database server of DATABASE_URL to create the database on it."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "services.py"


@pytest.fixture(scope="module")
def services():
    spec = importlib.util.spec_from_file_location("services_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("database_url", "maintenance_url"),
    [
        ("postgres:///wt_demo", "postgres:///postgres"),
        ("postgres://postgres@localhost:5432/pilotage_npru", "postgres://postgres@localhost:5432/postgres"),
        ("postgres://u:p@db/npru?sslmode=require", "postgres://u:p@db/postgres?sslmode=require"),
    ],
)
def test_maintenance_database_is_on_the_same_server(services, database_url, maintenance_url):
    assert services._server_url(database_url) == maintenance_url
