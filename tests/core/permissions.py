"""Core URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

The access log is for superusers and programme administrators only (the matrix has neither; they are
tested in tests/core/test_access_log.py). Imports and import mappings are for the mission team (outsider
is mission in its own programme, where it may import, but not see this programme's import).
"""

from core.models import ImportRecord
from tests.matrix import LOGIN, OK, POST_ONLY, row

ADMINS_ONLY = row(LOGIN, 403, 403, 403, 403, 403)
EDITORS = row(LOGIN, 200, 403, 403, 403, 200)
POST_EDITORS = row(LOGIN, OK, 403, 403, 403, 404)

MATRIX = {
    "healthz": [("none", row(200, 200, 200, 200, 200, 200))],
    "favicon": [("none", row(301, 301, 301, 301, 301, 301))],
    # the information owed to the persons concerned: public, like the page's footer link
    "personal_data": [("none", row(200, 200, 200, 200, 200, 200))],
    "imports:list": [("none", EDITORS)],
    "imports:upload": [("kind_operations", EDITORS)],
    "imports:preview": [("import_a", row(LOGIN, 200, 403, 403, 403, 404))],
    "imports:status": [("import_a", row(LOGIN, 204, 403, 403, 403, 404))],
    "imports:confirm": [("import_a", POST_ONLY, POST_EDITORS)],
    "imports:cancel": [("import_a", POST_ONLY, POST_EDITORS)],
    "access_log:list": [("none", ADMINS_ONLY)],
    "access_log:export": [("none", ADMINS_ONLY)],
    # Import mappings: the mission team (and administrators), like the imports themselves.
    "imports:mapping_list": [("none", EDITORS)],
    "imports:mapping_edit": [("mapping_a", row(LOGIN, 200, 403, 403, 403, 404))],
    "imports:mapping_delete": [("mapping_a", POST_ONLY, POST_EDITORS)],
    "imports:mappings_save": [("import_a", POST_ONLY, POST_EDITORS)],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    from core.import_mappings import mapping_value_save
    from tests.projects.factories import OperationFactory

    record = ImportRecord.objects.create(
        kind="operations", programme=programme, filename="m.xlsx", file_hash="0" * 64, status="apercu"
    )
    operation = OperationFactory(programme=programme, sector=sector_a)
    mapping = mapping_value_save(
        programme=programme,
        kind="relogement",
        field_name="origin_operation",
        value="Démolition Tour Bizet",
        target=operation.identifier,
    )
    return {
        "kind_operations": {"kind": "operations"},
        "import_a": {"pk": record.pk},
        "mapping_a": {"pk": mapping.pk},
    }
