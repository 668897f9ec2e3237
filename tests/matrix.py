"""Vocabulary of the permission matrix (tests/test_permissions.py) shared by every app's table.

Each app with URLs writes `tests/<app>/permissions.py` with:
- `MATRIX`: URL name → list of cases; a case is `(object key, GET row)` or `(object key, GET row, POST row)`;
- `build_objects(*, programme, sector_a, sector_b, users) -> dict`: object key → URL kwargs.

Roles: anonymous; mission, direction, referent (internal roles of the programme); partner_a (a landlord
that sees sector A only); outsider (mission in another programme); granted (mission with the relogement
personal-data grant and a second factor). A row gives the expected GET status per role; `granted` is the
same as `mission` unless given.

POST: a POST-only URL (GET answers 405 to everyone signed in) must give its POST row: OK where the POST
is accepted (any answer but a refusal), 403 / 404 / LOGIN where it is refused. Other URLs are posted to
as well: a role refused the GET must be refused the POST (403, 404, 405 or the login page).
"""

ROLES = ("anonymous", "mission", "direction", "referent", "partner_a", "outsider", "granted")
LOGIN = 302
OK = "ok"


def row(anonymous, mission, direction, referent, partner_a, outsider, granted=None) -> dict:
    """Expected statuses per role; `granted` defaults to `mission` (a grant adds, never removes)."""
    return {
        "anonymous": anonymous,
        "mission": mission,
        "direction": direction,
        "referent": referent,
        "partner_a": partner_a,
        "outsider": outsider,
        "granted": mission if granted is None else granted,
    }


POST_ONLY = row(LOGIN, 405, 405, 405, 405, 405)
