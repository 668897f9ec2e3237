import datetime
import re
import statistics
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from projects.models import Family, Operation, OperationStatus, Programme
from relogement.models import (
    DEFINITIVELY_REHOUSED,
    IN_PROGRESS,
    Household,
    HouseholdStatus,
    IndemnityRate,
    Offer,
    OfferAnswer,
    Rehousing,
    RehousingKind,
    RelogementPlan,
)
from relogement.seeders import data as demo_data
from tests.conftest import DEMO_TODAY

TODAY = DEMO_TODAY
H = HouseholdStatus
FIRST_NAMES = {
    "Alain", "Anne", "Camille", "Catherine", "Claire", "Dominique", "Fatima", "Jean", "Julie", "Julien",
    "Karim", "Marie", "Michel", "Mohamed", "Nadia", "Nathalie", "Nicolas", "Pierre", "Sophie", "Thomas",
    "Madame", "Monsieur", "Mme", "M.",
}  # fmt: skip
PHONE = re.compile(r"0\d([ .]?\d{2}){4}")
LANDLORD_REFERENCE = re.compile(r"^([A-Z]{2,4}-\d{4}|ANON-\d+)$")


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", today=options.pop("today", TODAY), stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(seeded_demo):
    """The shared demo, seeded once per run (tests/conftest.py); tests that change it roll back."""
    return Programme.objects.get(slug="npru-demo")


def households(programme) -> "list[Household]":
    return list(Household.objects.filter(programme=programme))


def definitive(programme):
    return Rehousing.objects.filter(household__programme=programme, kind=RehousingKind.DEFINITIVE)


def test_plans_for_demolitions_and_heavy_requalifications(demo):
    plans = RelogementPlan.objects.filter(operation__programme=demo).select_related("operation", "mous")
    families = Counter(plan.operation.family for plan in plans)
    assert families[Family.DEMOLITION] == 7  # the abandoned one has none
    assert families[Family.REQUALIFICATION] == 1
    assert all("lourde" in p.operation.label for p in plans if p.operation.family == Family.REQUALIFICATION)
    assert not plans.filter(operation__status=OperationStatus.ABANDONNEE).exists()
    for plan in plans:
        assert plan.mous.name == demo_data.MOUS["demo"]
        assert plan.target_new_share == demo_data.TARGET_NEW_SHARE
        assert plan.target_outside_qpv_share == demo_data.TARGET_OUTSIDE_QPV_SHARE
        assert plan.max_rent_increase == demo_data.MAX_RENT_INCREASE
        assert plan.households_planned == plan.operation.households.count()


def test_a_few_hundred_households_spread_by_housing_demolished(demo):
    total = Household.objects.filter(programme=demo).count()
    assert 250 <= total <= 400
    counts = dict(
        Household.objects.filter(programme=demo, origin_operation__family=Family.DEMOLITION)
        .values_list("origin_operation__identifier")
        .annotate(n=Count("pk"))
    )
    for operation in Operation.objects.filter(
        programme=demo, family=Family.DEMOLITION, housing_demolished__gt=0
    ):
        if operation.status != OperationStatus.ABANDONNEE:
            assert counts[operation.identifier] == round(operation.housing_demolished * 0.5)


def test_statuses_follow_the_operations(demo):
    by_status = Counter(
        Household.objects.filter(programme=demo).values_list("origin_operation__status", "status")
    )
    finished = (OperationStatus.LIVREE, OperationStatus.SOLDEE)
    done = (*DEFINITIVELY_REHOUSED, H.LEFT)
    in_finished = sum(n for (op, _), n in by_status.items() if op in finished)
    done_in_finished = sum(n for (op, st), n in by_status.items() if op in finished and st in done)
    assert done_in_finished / in_finished >= 0.95
    ongoing = Counter(
        st for (op, st), n in by_status.items() for _ in range(n) if op == OperationStatus.TRAVAUX
    )
    assert sum(ongoing[st] for st in IN_PROGRESS) >= 10
    assert sum(ongoing[st] for st in DEFINITIVELY_REHOUSED) >= 10
    statuses = Counter(Household.objects.filter(programme=demo).values_list("status", flat=True))
    assert statuses[H.LEFT] >= 3
    assert statuses[H.TEMPORARY] >= 1
    assert statuses[H.OFFER] >= 3


def test_households_profiles(demo):
    rows = households(demo)
    incomes = Counter(h.income_band for h in rows)
    assert set(incomes) == {"lt600", "601_1000", "1001_1500", "1501_2000", "gt2000"}
    assert incomes["601_1000"] > incomes["gt2000"]
    assert len({h.holder_age_band for h in rows}) == 5
    assert all(250 <= h.origin_rent <= 600 for h in rows)
    assert all(h.origin_charges > 0 and 0 <= h.origin_aid <= h.origin_rent + h.origin_charges for h in rows)
    assert all(h.adults >= 1 for h in rows)
    assert 0.3 <= sum(1 for h in rows if h.children) / len(rows) <= 0.75
    assert all(h.diagnostic_on or h.status == H.TO_SURVEY for h in rows)
    assert all(h.closed_on for h in rows if h.status in (H.CLOSED, H.LEFT))


def test_offers_one_to_three_per_household_with_refusals(demo):
    per_household = Counter(
        Offer.objects.filter(household__programme=demo).values_list("household", flat=True)
    )
    rehoused = Household.objects.filter(programme=demo, status__in=DEFINITIVELY_REHOUSED)
    for household in rehoused:
        assert 1 <= per_household[household.pk] <= 4  # 4: a temporary rehousing, then a definitive one
    offers = Offer.objects.filter(household__programme=demo)
    refused = offers.filter(answer=OfferAnswer.REFUSED)
    assert 0.15 <= refused.count() / offers.count() <= 0.5
    assert not refused.filter(refusal_reason="").exists()
    assert not offers.exclude(answer=OfferAnswer.REFUSED).exclude(refusal_reason="").exists()
    assert len(set(refused.values_list("refusal_reason", flat=True))) >= 4
    # The comité technique matches the dwelling before the offer; the CAL decides after it, never before
    # (Offer.clean refuses an offer dated after its CAL); a refused offer never reaches the CAL.
    assert all(o.technical_committee_on < o.offered_on for o in offers)
    assert all(o.cal_on is None or o.offered_on <= o.cal_on for o in offers)
    assert not refused.filter(cal_on__isnull=False).exists()
    assert not offers.filter(answer=OfferAnswer.ACCEPTED, cal_on__isnull=True).exists()
    for offer in offers:
        offer.full_clean()


def test_rehousing_proportions_are_realistic(demo):
    rehousings = list(definitive(demo).select_related("household"))
    total = len(rehousings)
    assert total >= 200
    assert 0.40 <= sum(1 for r in rehousings if not r.same_site) / total <= 0.62
    assert 0.22 <= sum(1 for r in rehousings if r.new_or_recent) / total <= 0.42
    assert 0.35 <= sum(1 for r in rehousings if not r.in_qpv) / total <= 0.60
    assert all(r.in_qpv for r in rehousings if r.same_site)
    changes = [float(r.remaining_cost - r.household.origin_remaining_cost) for r in rehousings]
    assert -20 <= statistics.median(changes) <= 25
    assert 0.3 <= sum(1 for change in changes if change > 0) / total <= 0.8
    temporary = Rehousing.objects.filter(household__programme=demo, kind=RehousingKind.TEMPORARY)
    assert 1 <= temporary.count() <= total * 0.15


def test_satisfaction_surveys(demo):
    rehousings = list(definitive(demo))
    surveyed = [r for r in rehousings if r.satisfaction]
    assert len(surveyed) / len(rehousings) >= 0.6
    assert all(r.survey_on and r.survey_on <= TODAY and r.survey_on > r.rehoused_on for r in surveyed)
    assert sum(1 for r in surveyed if r.satisfaction >= 4) / len(surveyed) >= 0.6
    assert not Rehousing.objects.filter(kind=RehousingKind.TEMPORARY, satisfaction__isnull=False).exists()


def test_indemnity_from_the_rate_table(demo):
    rates = dict(IndemnityRate.objects.values_list("typology_group", "amount"))
    assert {group: str(amount) for group, amount in rates.items()} == {
        "T1-T2": "1500.00",
        "T3-T4": "4000.00",
        "T5+": "5000.00",
    }
    eligible = Rehousing.objects.filter(household__programme=demo, indemnity_eligible=True)
    assert eligible.count() >= 20
    for rehousing in eligible:
        assert rehousing.new_or_recent
        assert rehousing.kind == RehousingKind.DEFINITIVE
        assert rehousing.indemnity_amount == rates[demo_data.TYPOLOGY_GROUPS[rehousing.typology]]
    assert not Rehousing.objects.filter(indemnity_eligible=False, indemnity_amount__isnull=False).exists()


def test_no_personal_data(demo):
    rows = households(demo)
    assert all(re.fullmatch(r"M-[0-9A-F]{8}", h.reference) for h in rows)
    assert all(LANDLORD_REFERENCE.match(h.landlord_reference) for h in rows)
    assert any(h.landlord_reference.startswith("LDN-") for h in rows)
    texts = [h.comments for h in rows] + [h.wished_communes for h in rows]
    texts += list(
        Rehousing.objects.filter(household__programme=demo).values_list("survey_comment", flat=True)
    )
    words = {word.strip(".,;:") for text in texts for word in text.split()}
    assert not words & FIRST_NAMES
    assert not any(PHONE.search(text) for text in texts)
    communes = {c for h in rows for c in h.wished_communes.split(", ") if c}
    assert communes <= set(demo_data.COMMUNES)


def test_households_closed_long_ago_are_anonymised(demo):
    old = Household.objects.filter(programme=demo, closed_on__lt=datetime.date(2024, 11, 21))
    assert old.exists()
    assert not old.filter(anonymised_at__isnull=True).exists()
    assert all(h.landlord_reference == f"ANON-{h.pk}" and not h.comments for h in old)
    recent = Household.objects.filter(programme=demo, closed_on__gte=datetime.date(2024, 11, 22))
    assert not recent.filter(anonymised_at__isnull=False).exists()


def household_snapshot() -> list[tuple]:
    return [
        *Household.objects.order_by("pk").values_list(
            "pk", "reference", "landlord_reference", "status", "closed_on"
        ),
        *Offer.objects.order_by("pk").values_list("pk", "household", "offered_on", "answer", "rent"),
        *Rehousing.objects.order_by("pk").values_list("pk", "household", "rehoused_on", "satisfaction"),
        *RelogementPlan.objects.order_by("pk").values_list("pk", "households_planned", "mous"),
        *IndemnityRate.objects.order_by("pk").values_list("pk", "amount"),
    ]


def test_seed_is_idempotent(demo):
    before = household_snapshot()

    output = seed()

    assert household_snapshot() == before
    assert "(0 créés, 0 mis à jour)" in output


def test_later_run_moves_households_forward_without_duplicates(demo):
    count = Household.objects.count()
    in_progress = Household.objects.filter(status__in=IN_PROGRESS).count()

    seed(today=TODAY + datetime.timedelta(days=180))

    assert Household.objects.count() == count
    assert Household.objects.filter(status__in=IN_PROGRESS).count() < in_progress
    assert Household.objects.values("reference").distinct().count() == count


def test_dry_run_writes_nothing(demo_dry_run):
    assert not Household.objects.exists()
    assert not RelogementPlan.objects.exists()


def test_reset_deletes_and_reseeds(demo):
    before = Household.objects.count()

    seed(reset=True)

    assert Household.objects.count() == before


def test_at_risk_reasons_cite_the_demos_own_relogement_figures(demo):
    """The Concorde 2 et 3 demolition is at risk because of its relogement: its reason gives the figures
    the relogement dashboard gives for the operation (still to rehouse = in progress or temporarily
    rehoused), whatever the demo's date, and no reason cites a count of households any more."""
    operation = Operation.objects.get(
        programme=demo, label__startswith="Démolition des tours Concorde 2 et 3"
    )
    assert operation.at_risk
    origin = Household.objects.filter(origin_operation=operation)
    remaining, total = origin.filter(status__in=IN_PROGRESS).count(), origin.count()
    assert remaining > 0
    assert f"{remaining} ménages sur {total} restent à reloger" in operation.at_risk_reason
    assert "{figures}" not in operation.at_risk_reason
    for reason in Operation.objects.filter(programme=demo, at_risk=True).values_list(
        "at_risk_reason", flat=True
    ):
        for number, households_total in re.findall(r"(\d+) ménages sur (\d+)", reason):
            assert (int(number), int(households_total)) == (remaining, total)


def test_the_relogement_figures_of_a_risk_follow_the_demos_date(demo):
    later = datetime.date(TODAY.year + 1, TODAY.month, 1)
    seed(today=later)
    operation = Operation.objects.get(
        programme=demo, label__startswith="Démolition des tours Concorde 2 et 3"
    )
    origin = Household.objects.filter(origin_operation=operation)
    if operation.at_risk:
        remaining = origin.filter(status__in=IN_PROGRESS).count()
        expected = f"{remaining} ménages sur" if remaining > 1 else "ménage"
        assert expected in operation.at_risk_reason
    seed()  # back to the shared demo's date
