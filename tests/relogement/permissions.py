"""Relogement URLs in the permission matrix of tests/test_permissions.py.

Roles: anonymous, mission, direction, referent, partner_a (sees sector A only), outsider (another
programme). None of the matrix's users holds the personal-data grant: household pages answer 403 (lists,
export, creation: a page explaining the grant) or 404 (one household). Granted users are tested in
tests/relogement/test_households.py.
"""

from tests.relogement.factories import HouseholdFactory, OfferFactory

ROLES = ["anonymous", "mission", "direction", "referent", "partner_a", "outsider"]  # as in test_permissions
LOGIN = 302


def row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


NO_GRANT_PAGE = row(LOGIN, 403, 403, 403, 403, 403)
NO_GRANT_HOUSEHOLD = row(LOGIN, 404, 404, 404, 404, 404)

MATRIX = {
    "relogement:dashboard": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "relogement:dashboard_operations": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "relogement:household_list": [("none", NO_GRANT_PAGE)],
    "relogement:household_export": [("none", NO_GRANT_PAGE)],
    "relogement:household_create": [("none", NO_GRANT_PAGE)],
    "relogement:household_detail": [("household_a", NO_GRANT_HOUSEHOLD), ("household_b", NO_GRANT_HOUSEHOLD)],
    "relogement:household_edit": [("household_a", NO_GRANT_HOUSEHOLD)],
    "relogement:offer_add": [("household_a", NO_GRANT_HOUSEHOLD)],
    "relogement:rehousing_add": [("household_a", NO_GRANT_HOUSEHOLD)],
    "relogement:offer_answer": [("offer_a", NO_GRANT_HOUSEHOLD)],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    household_a = HouseholdFactory(programme=programme, origin_operation__sector=sector_a)
    household_b = HouseholdFactory(programme=programme, origin_operation__sector=sector_b)
    offer_a = OfferFactory(household=household_a)
    return {
        "household_a": {"pk": household_a.pk},
        "household_b": {"pk": household_b.pk},
        "offer_a": {"pk": household_a.pk, "offer_pk": offer_a.pk},
    }
