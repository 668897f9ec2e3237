"""Insertion URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

Markets and figures are for every member of the programme (partners: their sectors' markets, masked
counts of people); a market is corrected by the programme's editors (mission). Participants and the
contracts one by one open only to `granted` (mission with the personal-data grants and a second factor):
403 on a list or an export (a page explaining the grant), 404 on one record. An MOA's page is the mission
team's for any MOA, and a partner's for its own organisation only. Other cases (referent, sectors,
masking) are in tests/insertion/test_pages.py.
"""

from tests.insertion.factories import MarketFactory, WorkContractFactory
from tests.matrix import LOGIN, OK, row

EVERYONE = row(LOGIN, 200, 200, 200, 200, 200)
MARKET_A = row(LOGIN, 200, 200, 200, 200, 404)
MARKET_B = row(LOGIN, 200, 200, 200, 404, 404)
EDIT_A = row(LOGIN, 200, 403, 403, 403, 404)
EDIT_A_POST = row(LOGIN, OK, 403, 403, 403, 404)
NO_GRANT_PAGE = row(LOGIN, 403, 403, 403, 403, 403, granted=200)
NO_GRANT_RECORD = row(LOGIN, 404, 404, 404, 404, 404, granted=200)

MATRIX = {
    "insertion:dashboard": [("none", EVERYONE)],
    "insertion:dashboard_operations": [("none", EVERYONE)],
    "insertion:dashboard_export": [("none", EVERYONE)],
    "insertion:moa_detail": [("moa_own", MARKET_A), ("moa_other", MARKET_B)],
    "insertion:market_list": [("none", EVERYONE)],
    "insertion:market_export": [("none", EVERYONE)],
    "insertion:market_detail": [("market_a", MARKET_A), ("market_b", MARKET_B)],
    "insertion:market_edit": [("market_a", EDIT_A, EDIT_A_POST)],
    "insertion:operation_choices": [("none", EVERYONE)],
    "insertion:market_contracts": [("market_a", NO_GRANT_RECORD), ("market_b", NO_GRANT_RECORD)],
    "insertion:participant_list": [("none", NO_GRANT_PAGE)],
    "insertion:participant_export": [("none", NO_GRANT_PAGE)],
    "insertion:participant_detail": [("participant_a", NO_GRANT_RECORD)],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    partner_organisation = users["partner_a"].memberships.get().organisation
    market_a = MarketFactory(programme=programme, operation__sector=sector_a, moa=partner_organisation)
    market_b = MarketFactory(programme=programme, operation__sector=sector_b)
    contract = WorkContractFactory(programme=programme, market=market_a)
    WorkContractFactory(programme=programme, market=market_b)
    return {
        "market_a": {"pk": market_a.pk},
        "market_b": {"pk": market_b.pk},
        "moa_own": {"pk": partner_organisation.pk},
        "moa_other": {"pk": market_b.moa_id},
        "participant_a": {"pk": contract.participant_id},
    }
