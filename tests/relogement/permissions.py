"""Relogement URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

Only `granted` (mission with the relogement personal-data grant and a second factor) opens household
pages; everyone else gets 403 (lists, export, creation: a page explaining the grant) or 404 (one
household). Other grant cases (referent, partner, sectors) are tested in tests/relogement/test_households.py.
"""

from tests.matrix import LOGIN, OK, row
from tests.relogement.factories import HouseholdFactory, OfferFactory

NO_GRANT_PAGE = row(LOGIN, 403, 403, 403, 403, 403, granted=200)
NO_GRANT_HOUSEHOLD = row(LOGIN, 404, 404, 404, 404, 404, granted=200)
# the granted user's POST is taken (a form answered with its errors, or saved); everyone else is refused
POST_PAGE = row(LOGIN, 403, 403, 403, 403, 403, granted=OK)
POST_HOUSEHOLD = row(LOGIN, 404, 404, 404, 404, 404, granted=OK)

MATRIX = {
    "relogement:dashboard": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "relogement:dashboard_operations": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "relogement:household_list": [("none", NO_GRANT_PAGE)],
    "relogement:household_export": [("none", NO_GRANT_PAGE)],
    "relogement:household_create": [("none", NO_GRANT_PAGE, POST_PAGE)],
    "relogement:household_detail": [("household_a", NO_GRANT_HOUSEHOLD), ("household_b", NO_GRANT_HOUSEHOLD)],
    "relogement:household_edit": [("household_a", NO_GRANT_HOUSEHOLD, POST_HOUSEHOLD)],
    "relogement:offer_add": [("household_a", NO_GRANT_HOUSEHOLD, POST_HOUSEHOLD)],
    "relogement:rehousing_add": [("household_a", NO_GRANT_HOUSEHOLD, POST_HOUSEHOLD)],
    "relogement:offer_answer": [("offer_a", NO_GRANT_HOUSEHOLD, POST_HOUSEHOLD)],
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
