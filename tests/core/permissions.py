"""Core URLs in the permission matrix of tests/test_permissions.py. The access log: superusers and
programme administrators only (the matrix has neither; tested in tests/relogement/test_access_log.py).
Import mappings: the mission team, like the imports."""

ROLES = ["anonymous", "mission", "direction", "referent", "partner_a", "outsider"]  # as in test_permissions
LOGIN = 302


def row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


ADMINS_ONLY = row(LOGIN, 403, 403, 403, 403, 403)

MATRIX = {
    "access_log:list": [("none", ADMINS_ONLY)],
    "access_log:export": [("none", ADMINS_ONLY)],
    # Import mappings: the mission team (and administrators), like the imports themselves.
    "imports:mapping_list": [("none", row(LOGIN, 200, 403, 403, 403, 200))],
    "imports:mapping_edit": [("mapping_a", row(LOGIN, 200, 403, 403, 403, 404))],
    "imports:mapping_delete": [("mapping_a", row(LOGIN, 405, 405, 405, 405, 405))],
    "imports:mappings_save": [("import_a", row(LOGIN, 405, 405, 405, 405, 405))],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    from core.import_mappings import mapping_value_save
    from tests.projects.factories import OperationFactory

    operation = OperationFactory(programme=programme, sector=sector_a)
    mapping = mapping_value_save(
        programme=programme,
        kind="relogement",
        field_name="origin_operation",
        value="Démolition Tour Bizet",
        target=operation.identifier,
    )
    return {"mapping_a": {"pk": mapping.pk}}
