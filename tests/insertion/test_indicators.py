"""Each insertion indicator on a small data set computed by hand (docs/insertion.md gives the definitions).

Markets (targets): m1 ANRU works of MOA A on operation O1 (sector S1), 10,000 labour hours × 5 % = 500 h;
m2 ANRU ingénierie of MOA B on O2 (sector S2), 4,000 h × 5 % = 200 h but 500 h entered; m3 gestion urbaine
of MOA A, not ANRU-funded, no operation yet, 2,000 h × 10 % = 200 h.

Contracts (hours that count):
- c1 p1 on m1, CDD direct, 1 Jan → 9 Apr 2024 (100 days), 400 h (4 h a day), durable job at 6 months;
- c2 p3 on m1, intérim ETTI, February 2024, 100 h: p3 lives outside the QPVs and m1 is ANRU-funded → 0 h;
- c3 p2 on m2, apprenticeship through a GEIQ, 1 Feb 2024 → 25 Jan 2025 (360 days), 300 h + 60 h of
  training (part of the contract) = 360 h (1 h a day), qualifying training at 6 months;
- c4 p3 on m3, CDI direct, 1 Jun → 9 Aug 2024 (70 days), 280 h (4 h a day) + 20 h of training that do not
  count (a direct CDI), durable job at 6 months;
- c5 p2 on m1, CDD through an AI, 1 Nov 2023 → 20 Jan 2024 (81 days), 162 h (2 h a day), no job.
"""

import datetime
from decimal import Decimal

import pytest

from insertion import indicators, selectors
from insertion.models import Market, WorkContract
from tests.accounts.factories import OrganisationFactory
from tests.insertion.factories import MarketFactory, ParticipantFactory, WorkContractFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory, SectorFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
D = Decimal


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def build_data_set(programme=None, suffix: str = "") -> dict:
    programme = programme or ProgrammeFactory()
    s1, s2 = (
        SectorFactory(programme=programme, name=f"S1{suffix}"),
        SectorFactory(programme=programme, name=f"S2{suffix}"),
    )
    o1 = OperationFactory(
        programme=programme, sector=s1, identifier=f"O1{suffix}", label="Démolition Verlaine"
    )
    o2 = OperationFactory(programme=programme, sector=s2, identifier=f"O2{suffix}", label="Études urbaines")
    moa_a, moa_b = OrganisationFactory(name=f"MOA A{suffix}"), OrganisationFactory(name=f"MOA B{suffix}")
    m1 = MarketFactory(
        programme=programme,
        number=f"M-1{suffix}",
        title="Démolition",
        operation=o1,
        moa=moa_a,
        kind="travaux",
        labour_hours=D("10000"),
        target_rate=D("0.05"),
        starts_on=day("2023-10-01"),
    )
    m2 = MarketFactory(
        programme=programme,
        number=f"M-2{suffix}",
        title="Études",
        operation=o2,
        moa=moa_b,
        kind="ingenierie",
        labour_hours=D("4000"),
        target_rate=D("0.05"),
        target_hours_override=D("500"),
        starts_on=day("2024-01-01"),
    )
    m3 = MarketFactory(
        programme=programme,
        number=f"M-3{suffix}",
        title="Entretien des espaces",
        operation=None,
        moa=moa_a,
        kind="gestion_urbaine",
        anru_funded=False,
        labour_hours=D("2000"),
        target_rate=D("0.10"),
        starts_on=day("2024-05-01"),
    )
    p1 = ParticipantFactory(
        programme=programme,
        sex="femme",
        age_band="lt26",
        qpv_resident=True,
        publics=["jeune_moins_26", "rsa"],
        qualification="sans",
    )
    p2 = ParticipantFactory(
        programme=programme,
        sex="homme",
        age_band="26_44",
        qpv_resident=True,
        publics=["demandeur_longue_duree"],
    )
    p3 = ParticipantFactory(
        programme=programme,
        sex="femme",
        age_band="gte50",
        qpv_resident=False,
        qpv="",
        publics=["senior_plus_50", "rqth"],
    )

    def contract(participant, market, start, end, hours, **fields):
        return WorkContractFactory(
            programme=programme,
            participant=participant,
            market=market,
            starts_on=day(start),
            ends_on=day(end),
            hours_worked=D(hours),
            **fields,
        )

    contract(p1, m1, "2024-01-01", "2024-04-09", "400", situation_6_months="emploi_durable")
    contract(p3, m1, "2024-02-01", "2024-02-29", "100", contract_type="interim", modality="etti")
    contract(
        p2,
        m2,
        "2024-02-01",
        "2025-01-25",
        "300",
        training_hours=D("60"),
        contract_type="apprentissage",
        modality="geiq",
        situation_6_months="formation_qualifiante",
    )
    contract(
        p3,
        m3,
        "2024-06-01",
        "2024-08-09",
        "280",
        training_hours=D("20"),
        contract_type="cdi",
        situation_6_months="emploi_durable",
    )
    contract(p2, m1, "2023-11-01", "2024-01-20", "162", modality="ai", situation_6_months="aucune")
    return {"programme": programme, "o1": o1, "o2": o2, "s1": s1, "s2": s2, "moa_a": moa_a, "moa_b": moa_b}


@pytest.fixture
def data():
    return build_data_set()


def querysets(programme):
    return Market.objects.filter(programme=programme), WorkContract.objects.filter(programme=programme)


def figures(data, **options):
    return selectors.insertion_figures(*querysets(data["programme"]), today=TODAY, **options)


def pair(hours: selectors.Hours) -> tuple[Decimal, Decimal]:
    return hours.target, hours.achieved


def test_target_vs_achieved_hours_by_market(data):
    rows = {row.label: row for row in figures(data).markets}
    assert pair(rows["M-1 — Démolition"].anru) == (D("500.0"), D("562.0"))  # c1 + c5; not c2 (outside QPV)
    assert rows["M-1 — Démolition"].anru.worked == D("662.0")
    assert rows["M-1 — Démolition"].anru.rate == D("1.1240")  # above 100 %: allowed
    assert pair(rows["M-2 — Études"].anru) == (D("500.0"), D("360.0"))  # training within the apprenticeship
    assert rows["M-2 — Études"].anru.rate == D("0.7200")
    assert pair(rows["M-3 — Entretien des espaces"].other) == (D("200.0"), D("280.0"))  # CDI's training: no
    assert rows["M-3 — Entretien des espaces"].anru == selectors.Hours()


def test_target_vs_achieved_hours_by_moa_operation_sector_and_programme(data):
    result = figures(data)
    moas = {row.label: row for row in result.moas}
    assert pair(moas["MOA A"].anru) == (D("500.0"), D("562.0"))
    assert pair(moas["MOA A"].other) == (D("200.0"), D("280.0"))
    assert pair(moas["MOA A"].total) == (D("700.0"), D("842.0"))
    assert pair(moas["MOA B"].total) == (D("500.0"), D("360.0"))
    operations = [(row.label, pair(row.total)) for row in result.operations]
    assert operations == [
        ("O1 — Démolition Verlaine", (D("500.0"), D("562.0"))),
        ("O2 — Études urbaines", (D("500.0"), D("360.0"))),
        (selectors.TO_LINK_LABEL, (D("200.0"), D("280.0"))),
    ]
    sectors = [(row.label, pair(row.total)) for row in result.sectors]
    assert sectors == [
        ("S1", (D("500.0"), D("562.0"))),
        ("S2", (D("500.0"), D("360.0"))),
        (selectors.NO_SECTOR_LABEL, (D("200.0"), D("280.0"))),
    ]
    assert pair(result.programme.anru) == (D("1000.0"), D("922.0"))
    assert pair(result.programme.other) == (D("200.0"), D("280.0"))
    assert result.programme.total.rate == D("1.0017")
    assert (result.programme.anru.markets, result.programme.other.markets) == (2, 1)


def test_dispersion_between_moas(data):
    spread = figures(data).dispersion
    assert (spread.moas, spread.reached, spread.below) == (2, 1, 1)
    assert (spread.lowest, spread.highest) == (D("0.7200"), D("1.2029"))  # 360/500, 842/700
    assert spread.median == D("0.9615")


def test_hours_by_month_cumulative(data):
    months = figures(data).months
    expected = [60, 62, 164, 145, 155, 66, 31, 150, 155, 67, 30, 31, 30, 31, 25]
    assert [m.month for m in months][:3] == [day("2023-11-01"), day("2023-12-01"), day("2024-01-01")]
    assert months[-1].month == day("2025-01-01")
    assert [m.hours for m in months] == [D(value).quantize(D("0.1")) for value in expected]
    assert months[-1].cumulative == D("1202.0")


@pytest.mark.django_db
def test_hours_by_month_of_no_contract_is_empty():
    assert selectors.hours_by_month(WorkContract.objects.none()) == []
    assert selectors.hours_by_month(WorkContract.objects.filter(pk__in=[])) == []


def test_people_distinct_participants_qpv_women_age_bands_publics(data):
    people = figures(data).people
    assert people.participants == 3
    assert (people.women, people.women_share) == (2, D("0.6667"))
    assert (people.qpv_residents, people.qpv_share) == (2, D("0.6667"))
    assert people.age_bands == {"lt26": 1, "26_44": 1, "45_49": 0, "gte50": 1}
    assert people.publics["rsa"] == 1
    assert people.publics["jeune_moins_26"] == 1
    assert people.publics["demandeur_longue_duree"] == 1
    assert people.publics["senior_plus_50"] == 1
    assert people.publics["rqth"] == 1
    assert people.publics["siae"] == 0
    assert people.qualifications["sans"] == 1


def test_contract_types_and_modalities(data):
    contracts = figures(data).contracts
    assert contracts.total == 5
    assert {key: item.contracts for key, item in contracts.by_type.items()} == {
        "cdi": 1,
        "cdd": 2,
        "interim": 1,
        "apprentissage": 1,
        "professionnalisation": 0,
    }
    assert {key: item.contracts for key, item in contracts.by_modality.items()} == {
        "embauche_directe": 2,
        "etti": 1,
        "ai": 1,
        "ei": 0,
        "geiq": 1,
        "aci": 0,
    }
    assert contracts.by_type["cdd"].worked == D("562.0")
    assert contracts.by_type["apprentissage"].worked == D("360.0")


def test_durable_exits_at_six_months(data):
    exits = figures(data).exits
    assert exits.ended == 5
    assert exits.situations["emploi_durable"] == 2
    assert exits.situations["inconnue"] == 1  # c2
    assert exits.known == 4
    assert exits.durable_share == D("0.5000")
    # on 30 June 2024 only c5 (ended 20 January… not six months before) — none yet
    assert figures(data, as_of=day("2024-06-30")).exits.ended == 0
    assert figures(data, as_of=day("2024-07-20")).exits.ended == 1  # c5, six months on


def test_situation_at_a_date(data):
    result = figures(data, as_of=day("2024-01-20"))
    # c1: 20 days of 100 → 80 h; c5: ended that day → 162 h; c3 not started; m3 not started yet
    markets = {row.label: row for row in result.markets}
    assert pair(markets["M-1 — Démolition"].anru) == (D("500.0"), D("242.0"))
    assert pair(result.programme.anru) == (D("1000.0"), D("242.0"))
    assert result.programme.other == selectors.Hours()
    assert result.people.participants == 2
    assert result.contracts.total == 2
    assert [m.hours for m in result.months] == [D("60.0"), D("62.0"), D("120.0")]
    assert result.months[-1].cumulative == D("242.0")


def test_the_number_of_queries_does_not_grow_with_the_data(data, django_assert_num_queries):
    markets, contracts = querysets(data["programme"])
    with django_assert_num_queries(14):
        selectors.insertion_figures(markets, contracts, today=TODAY)
    build_data_set(data["programme"], suffix=" bis")
    with django_assert_num_queries(14):
        selectors.insertion_figures(markets, contracts, today=TODAY, as_of=day("2024-06-30"))


def test_indicators_for_the_evaluation(data):
    values = {item.key: item for item in indicators.indicators(data["programme"], today=TODAY)}
    assert values["heures_visees"].value == D("1200.0")
    assert values["heures_realisees"].value == D("1202.0")
    assert values["taux_realisation"].value == D("1.0017")
    assert values["heures_anru_realisees"].value == D("922.0")
    assert values["taux_realisation_anru"].value == D("0.9220")
    assert values["taux_realisation_hors_anru"].value == D("1.4000")
    assert values["participants"].value == 3
    assert values["part_habitants_qpv"].value == D("0.6667")
    assert values["part_femmes"].value == D("0.6667")
    assert values["sorties_emploi_durable_6_mois"].value == D("0.5000")
    assert values["moa_objectif_atteint"].value == 1
    assert all(item.label and item.unit for item in values.values())
    at = {
        item.key: item
        for item in indicators.indicators(data["programme"], as_of=day("2024-01-20"), today=TODAY)
    }
    assert at["heures_realisees"].value == D("242.0")
