"""Accounts URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py)."""

from tests.matrix import LOGIN, OK, POST_ONLY, row

MATRIX = {
    # switching to the matrix's programme: its members may, the outsider has no membership there
    "accounts:programme_switch": [("switch_to_programme", POST_ONLY, row(LOGIN, OK, OK, OK, OK, 404))],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    return {"switch_to_programme": {"_data": {"programme": programme.pk}}}
