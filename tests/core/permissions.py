"""Access-log URLs in the permission matrix of tests/test_permissions.py: superusers and programme
administrators only (the matrix has neither; they are tested in tests/relogement/test_access_log.py)."""

ROLES = ["anonymous", "mission", "direction", "referent", "partner_a", "outsider"]  # as in test_permissions
LOGIN = 302


def row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


ADMINS_ONLY = row(LOGIN, 403, 403, 403, 403, 403)

MATRIX = {
    "access_log:list": [("none", ADMINS_ONLY)],
    "access_log:export": [("none", ADMINS_ONLY)],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    return {}
