"""The audience decides masking, legend and charts of people in one place."""

from types import SimpleNamespace

import pytest
from django.test import override_settings

from accounts.models import Role
from core.audience import API, INTERNAL, PARTNERS, audience_for_request, pack_audience
from core.disclosure import LEGEND
from core.pack_sections import PackScope
from tests.accounts.factories import MembershipFactory, UserFactory

NNBSP = "\u202f"


def _request(user, membership):
    return SimpleNamespace(user=user, membership=membership)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MISSION, Role.REFERENT, Role.DIRECTION])
def test_internal_roles_are_the_mission_team(programme, role):
    membership = MembershipFactory(programme=programme, role=role, referent_domain="relogement")
    assert audience_for_request(_request(membership.user, membership)) is INTERNAL


def test_partners_and_strangers_are_outside(programme):
    partner = MembershipFactory(programme=programme, role=Role.PARTNER)
    assert audience_for_request(_request(partner.user, partner)) is PARTNERS
    assert audience_for_request(_request(UserFactory(), None)).masks_counts


def test_superuser_is_internal_without_membership():
    assert audience_for_request(_request(UserFactory(is_superuser=True), None)) is INTERNAL


def test_outside_audiences_mask_small_counts_and_draw_no_people_chart():
    for audience in (PARTNERS, API):
        assert audience.masks_counts
        assert not audience.draws_people_charts
        assert audience.count(3) == "< 5"
        assert audience.count(0) == "0"
        assert audience.counts([[3, 20, 23]], row_totals=True) == [["< 5", "s", "23"]]
        assert audience.legend == LEGEND.format(threshold=5)


def test_internal_audience_shows_every_count():
    assert not INTERNAL.masks_counts
    assert INTERNAL.draws_people_charts
    assert INTERNAL.count(3) == "3"
    assert INTERNAL.count(None) == "—"
    assert INTERNAL.counts([[3, 1234, None]]) == [["3", f"1{NNBSP}234", "—"]]
    assert INTERNAL.legend == ""


@override_settings(DISCLOSURE_THRESHOLD=11)
def test_threshold_comes_from_the_settings_unless_given():
    assert PARTNERS.count(10) == "< 11"
    assert pack_audience(partners=True, threshold=3).count(10) == "10"


def test_a_pack_scope_masks_only_through_its_audience(programme):
    common = {
        "programme": programme,
        "sector": None,
        "kind": "copil",
        "kind_label": "COPIL",
        "period_start": None,
        "period_end": None,
    }
    partners = PackScope(**common, audience=pack_audience(partners=True, threshold=7))
    assert partners.audience.count(6) == "< 7"
    assert partners.audience.legend == LEGEND.format(threshold=7)
    assert PackScope(**common, audience=PARTNERS).audience.counts([[3, 20, 23]], row_totals=True) == [
        ["< 5", "s", "23"]
    ]
    # One way: no audience of its own by default, no masking flag beside the audience.
    with pytest.raises(TypeError):
        PackScope(**common)
    with pytest.raises(TypeError):
        PackScope(**common, audience=INTERNAL, mask_counts=True)
