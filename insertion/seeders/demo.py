"""Insertion of the demo programmes: markets with a clause on the engaged operations, the people hired
under them and their work contracts over the four years before the reference date.

Each engaged operation (works or ingénierie) lets one to three markets, numbered like the facilitator's
(`M-2023-014`: the year it starts, then a number in that year); a few works markets are not linked to any
operation (the facilitator knows them, nobody has linked them yet) and the gestion urbaine markets have
none. Contracts are spread over the markets in proportion to their size and the part of their period
already run; each contract's hours follow from its days. A market's target is then set from what its MOA
achieves: every MOA draws a performance (from 55 % to 145 % of its target), so that some MOAs are above
their target and some below, and the labour hours (and the amount) follow from the target and the charte's
rate. Participants come back for a second or third contract now and then.

Everything is drawn from random streams seeded by the target and placed relative to `today`. Rows are
keyed like the facilitator's export (market number, participant's pseudonymous reference, contract id), so
a second run on the same day writes nothing; rows are bulk-created, a sample is validated with
``full_clean``. No name, no age, no address is ever drawn. Participants out of contract for 24 months are
anonymised as the nightly task would.
"""

import bisect
import datetime
import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind
from core.dates import days, months
from core.seeding import Log
from insertion import retention, selectors
from insertion.models import (
    CHARTE_RATES,
    AgeBand,
    EndReason,
    Market,
    MarketKind,
    Modality,
    Participant,
    Public,
    Sex,
    Situation,
    WorkContract,
)
from insertion.seeders import data
from projects.models import Operation, OperationStatus, Programme
from projects.semesters import semester_first_day

S = OperationStatus
ENGAGED = (S.ENGAGEE, S.TRAVAUX, S.LIVREE, S.SOLDEE)
SAMPLE_EVERY = 50  # full_clean one row in SAMPLE_EVERY
MARKET_FIELDS = [
    "operation_id",
    "moa_id",
    "title",
    "lot",
    "contractor_id",
    "kind",
    "anru_funded",
    "amount",
    "labour_hours",
    "target_rate",
    "target_hours_override",
    "starts_on",
    "ends_on",
]
PARTICIPANT_FIELDS = [
    "facilitator_reference",
    "sex",
    "age_band",
    "qualification",
    "commune",
    "qpv_resident",
    "qpv",
    "publics",
    "prescriber",
]
CONTRACT_FIELDS = [
    "participant_id",
    "market_id",
    "employer_id",
    "user_company_id",
    "contract_type",
    "modality",
    "job_code",
    "starts_on",
    "ends_on",
    "hours_worked",
    "training_hours",
    "end_reason",
    "situation_6_months",
]


def weighted(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def tenths(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Scene:
    programme: Programme
    key: str
    seed: int
    today: datetime.date

    @property
    def first_day(self) -> datetime.date:
        return self.today.replace(year=self.today.year - data.YEARS)

    def rng(self, *parts: Any) -> random.Random:
        return random.Random(":".join(str(part) for part in (self.seed, "insertion", *parts)))


@dataclass
class Plan:
    """A market before its figures are known: where, who, when, and its MOA's performance."""

    row: dict[str, Any]
    performance: float
    communes: list[str]
    qpvs: list[str]

    @property
    def kind(self) -> str:
        return self.row["kind"]


def organisations(scene: Scene) -> dict[str, Organisation]:
    names = [
        *((name, OrganisationKind.ENTREPRISE) for name in data.CONTRACTORS),
        *((name, OrganisationKind.ENTREPRISE) for name in data.ENGINEERING_FIRMS),
        *((name, OrganisationKind.ENTREPRISE) for name in data.URBAN_MANAGEMENT_FIRMS),
        *((name, OrganisationKind.ASSOCIATION) for name in data.INTERMEDIARIES.values()),
    ]
    return {
        name: account_services.organisation_upsert(name=name, kind=kind, programme=scene.programme)
        for name, kind in names
    }


def period(operation: Operation) -> tuple[datetime.date, datetime.date]:
    start = semester_first_day(operation.actual_start or operation.planned_start or "2024-S1")
    end = operation.actual_end or operation.planned_end
    end_day = semester_first_day(end) + months(6) if end else start + months(30)
    return start, max(end_day, start + months(12))


def market_plans(scene: Scene, orgs: dict[str, Organisation]) -> list[Plan]:
    operations = list(
        Operation.objects.filter(programme=scene.programme, status__in=ENGAGED)
        .filter(
            Q(family__in=data.WORKS_FAMILIES) | Q(family="ingenierie") | Q(family__in=data.NOT_ANRU_FAMILIES)
        )
        .select_related("moa", "sector")
        .order_by("identifier", "pk")
    )
    sectors = list(scene.programme.sectors.order_by("order", "pk"))
    all_qpvs = [sector.name for sector in sectors] or ["Quartier prioritaire"]
    all_communes = sorted({c for s in sectors for c in s.communes.split(", ") if c}) or ["Lille"]
    moas = sorted({operation.moa for operation in operations}, key=lambda moa: moa.name)
    performance = {
        moa.pk: data.MOA_PERFORMANCE[index % len(data.MOA_PERFORMANCE)]
        for index, moa in enumerate(sorted(moas, key=lambda moa: scene.rng("moa", moa.name).random()))
    }
    plans: list[Plan] = []
    for operation in operations:
        start, end = period(operation)
        if end <= scene.first_day or start > scene.today:
            continue
        rng = scene.rng("operation", operation.identifier)
        kind = MarketKind.ENGINEERING if operation.family == "ingenierie" else MarketKind.WORKS
        firms = data.ENGINEERING_FIRMS if kind == MarketKind.ENGINEERING else data.CONTRACTORS
        lots = rng.sample(data.LOTS[kind], k=min(len(data.LOTS[kind]), rng.choice((1, 1, 2, 3))))
        communes = (
            operation.sector.communes.split(", ") if operation.sector and operation.sector.communes else []
        )
        for index, lot in enumerate(lots):
            lot_start = start + months(index * rng.randint(0, 4))
            row = {
                "operation_id": operation.pk,
                "moa_id": operation.moa_id,
                "title": operation.label[:300],
                "lot": lot,
                "contractor_id": orgs[rng.choice(firms)].pk,
                "kind": kind.value,
                "anru_funded": operation.family not in data.NOT_ANRU_FAMILIES,
                "starts_on": lot_start,
                "ends_on": max(end, lot_start + months(6)),
            }
            qpvs = [operation.sector.name] if operation.sector else all_qpvs
            plans.append(Plan(row, performance[operation.moa_id], communes or all_communes, qpvs))
    moa_ids = sorted(performance) or list(
        Organisation.objects.filter(programmes=scene.programme, kind=OrganisationKind.BAILLEUR).values_list(
            "pk", flat=True
        )[:3]
    )
    extra = [(MarketKind.URBAN_MANAGEMENT, n) for n in range(data.URBAN_MANAGEMENT_MARKETS[scene.key])]
    extra += [(MarketKind.WORKS, n) for n in range(data.UNLINKED_MARKETS[scene.key])]
    for kind, number in extra:
        rng = scene.rng("sans-operation", kind.value, number)
        # anchored on the year, so that the market keeps its number from one day to the next
        start = datetime.date(scene.today.year - data.YEARS + 1, 1, 1) + months(rng.randint(0, 24))
        moa_id = moa_ids[rng.randrange(len(moa_ids))] if moa_ids else None
        if moa_id is None:
            continue
        firms = data.URBAN_MANAGEMENT_FIRMS if kind == MarketKind.URBAN_MANAGEMENT else data.CONTRACTORS
        lot = rng.choice(data.LOTS[kind])
        title = (
            f"Gestion urbaine de proximité — {lot.lower()}"
            if kind == MarketKind.URBAN_MANAGEMENT
            else f"Travaux de voirie et réseaux, tranche {number + 1}"
        )
        row = {
            "operation_id": None,
            "moa_id": moa_id,
            "title": title,
            "lot": lot,
            "contractor_id": orgs[rng.choice(firms)].pk,
            "kind": kind.value,
            "anru_funded": kind != MarketKind.URBAN_MANAGEMENT,
            "starts_on": start,
            "ends_on": start + months(rng.choice((24, 36, 48))),
        }
        plans.append(Plan(row, performance.get(moa_id, 1.0), all_communes, all_qpvs))
    numbers: Counter[int] = Counter()
    for plan in sorted(plans, key=lambda plan: (plan.row["starts_on"], plan.row["title"], plan.row["lot"])):
        year = plan.row["starts_on"].year
        numbers[year] += 1
        plan.row["number"] = f"M-{year}-{numbers[year]:03d}"
    return sorted(plans, key=lambda plan: plan.row["number"])


def elapsed_days(scene: Scene, plan: Plan) -> int:
    start = max(plan.row["starts_on"], scene.first_day)
    return max((min(plan.row["ends_on"], scene.today) - start).days, 0)


# --- Contracts and participants --------------------------------------------------------------------------


@dataclass
class Slot:
    """A contract before its participant is chosen."""

    plan: Plan
    row: dict[str, Any]


def contract_slots(scene: Scene, plans: list[Plan], orgs: dict[str, Organisation]) -> list[Slot]:
    weights = [elapsed_days(scene, plan) * (3 if plan.kind == MarketKind.WORKS else 1) for plan in plans]
    total = sum(weights) or 1
    slots = []
    for plan, weight in zip(plans, weights, strict=True):
        count = round(data.CONTRACTS[scene.key] * weight / total)
        rng = scene.rng("contrats", plan.row["number"])
        start = max(plan.row["starts_on"], scene.first_day)
        span = max((min(plan.row["ends_on"], scene.today) - start).days - 20, 1)
        for _ in range(count):
            starts_on = start + days(rng.random() * span)
            length = rng.choice((20, 30, 45, 60, 90, 120, 180, 270, 365))
            ends_on: datetime.date | None = min(starts_on + days(length), plan.row["ends_on"])
            last = min(ends_on, scene.today)
            hours = (last - starts_on).days * 5 * rng.uniform(0.55, 1.0)
            if ends_on > scene.today:
                ends_on = None
            modality = weighted(rng, data.MODALITIES[MarketKind(plan.kind)])
            contract_type = weighted(rng, data.CONTRACT_TYPES[modality])
            trained = contract_type in ("apprentissage", "professionnalisation") or modality == Modality.GEIQ
            training = hours * rng.uniform(0.2, 0.3) if trained else 0.0
            contractor = plan.row["contractor_id"]
            if modality in (Modality.ETTI, Modality.AI, Modality.GEIQ):
                employer, user_company = orgs[data.INTERMEDIARIES[modality]].pk, contractor
            elif modality in (Modality.EI, Modality.ACI):
                employer, user_company = orgs[data.INTERMEDIARIES[modality]].pk, None
            else:
                employer, user_company = contractor, None
            ended_long_ago = ends_on is not None and ends_on <= scene.today - months(6)
            row = {
                "market_id": None,
                "employer_id": employer,
                "user_company_id": user_company,
                "contract_type": contract_type.value,
                "modality": modality.value,
                "job_code": rng.choice(data.JOBS[MarketKind(plan.kind)]),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "hours_worked": tenths(max(hours, 7)),
                "training_hours": tenths(training),
                "end_reason": (
                    (EndReason.TERM if rng.random() < 0.85 else rng.choice(list(EndReason))).value
                    if ends_on
                    else ""
                ),
                "situation_6_months": (
                    weighted(rng, data.SITUATIONS) if ended_long_ago else Situation.UNKNOWN
                ).value,
            }
            slots.append(Slot(plan, row))
    return sorted(
        slots, key=lambda slot: (slot.row["starts_on"], slot.plan.row["number"], slot.row["job_code"])
    )


def participant_row(scene: Scene, number: int, plan: Plan) -> dict[str, Any]:
    rng = scene.rng("participant", number)
    facilitator_reference = f"{data.FACILITATOR_PREFIX[scene.key]}-{number:05d}"
    digest = hashlib.sha256(f"{scene.seed}:insertion:{facilitator_reference}".encode()).hexdigest()
    age_band = weighted(rng, data.AGE_BANDS)
    resident = rng.random() < data.QPV_RESIDENT_SHARE
    publics = [weighted(rng, data.OTHER_PUBLICS)]
    if age_band == AgeBand.UNDER_26:
        publics.insert(0, Public.UNDER_26)
    elif age_band == AgeBand.OVER_50 and rng.random() < 0.6:
        publics.insert(0, Public.OVER_50)
    if rng.random() < 0.2:
        publics.append(weighted(rng, data.OTHER_PUBLICS))
    publics = list(dict.fromkeys(publics))
    women = data.WOMEN_SHARE[MarketKind(plan.kind)]
    return {
        "reference": f"P-{digest[:8].upper()}",
        "facilitator_reference": facilitator_reference,
        "sex": (Sex.WOMAN if rng.random() < women else Sex.MAN).value,
        "age_band": age_band.value,
        "qualification": weighted(rng, data.QUALIFICATIONS).value,
        "commune": rng.choice(plan.communes) if resident else rng.choice(data.OTHER_COMMUNES),
        "qpv_resident": resident,
        "qpv": rng.choice(plan.qpvs) if resident else "",
        "publics": [public.value for public in publics],
        "prescriber": rng.choice(data.PRESCRIBERS),
    }


def assign_participants(scene: Scene, slots: list[Slot]) -> tuple[list[dict], list[int]]:
    """Participants in order of their first contract; the index of each slot's participant. A participant
    whose contract has ended may come back for another one."""
    rng = scene.rng("retours")
    participants: list[dict] = []
    free: list[tuple[datetime.date, int]] = []  # (free from, participant index)
    owners = []
    for slot in slots:
        ready = bisect.bisect_left(free, (slot.row["starts_on"], -1))  # free[:ready] ended before it starts
        if ready and rng.random() < data.RETURN_SHARE:
            index = free.pop(rng.randrange(max(ready - 30, 0), ready))[1]
        else:
            index = len(participants)
            participants.append(participant_row(scene, index + 1, slot.plan))
        owners.append(index)
        if slot.row["ends_on"] is not None:
            bisect.insort(free, (slot.row["ends_on"], index))
    return participants, owners


def set_targets(
    scene: Scene, plans: list[Plan], slots: list[Slot], participants: list[dict], owners: list[int]
):
    """Each market's target from what its MOA achieves (its performance), labour hours and amount from it."""
    achieved: Counter[str] = Counter()
    for slot, owner in zip(slots, owners, strict=True):
        counts = not slot.plan.row["anru_funded"] or participants[owner]["qpv_resident"]
        trained = (
            slot.row["contract_type"] in ("apprentissage", "professionnalisation")
            or slot.row["modality"] == Modality.GEIQ
        )
        if counts:
            hours = slot.row["hours_worked"] + (slot.row["training_hours"] if trained else 0)
            achieved[slot.plan.row["number"]] += float(hours)
    for plan in plans:
        kind = MarketKind(plan.kind)
        rate = CHARTE_RATES[kind]
        whole = max((plan.row["ends_on"] - max(plan.row["starts_on"], scene.first_day)).days, 1)
        run = max(elapsed_days(scene, plan), 1) / whole
        done = achieved[plan.row["number"]] or 500.0 * run
        target = done / plan.performance
        labour = round(target / float(rate), -1)
        plan.row["labour_hours"] = tenths(labour)
        plan.row["target_rate"] = rate
        plan.row["target_hours_override"] = None
        amount = labour * data.HOURLY_COST[kind] / data.LABOUR_SHARE[kind]
        plan.row["amount"] = Decimal(str(round(amount, -3))).quantize(Decimal("0.01"))


# --- Writing ---------------------------------------------------------------------------------------------


def row_of(instance, names: list[str]) -> tuple:
    return tuple(getattr(instance, name) for name in names)


def sync(model, stored: dict, rows: dict[str, dict], names: list[str], build) -> tuple[list, list]:
    """Create the missing rows, rewrite the changed ones; (created, changed) instances."""
    fresh, changed = [], []
    for key, row in rows.items():
        instance = stored.get(key)
        if instance is None:
            fresh.append(build(key, row))
            continue
        if getattr(instance, "anonymised_at", None):
            continue
        if row_of(instance, names) != tuple(row[name] for name in names):
            for name in names:
                setattr(instance, name, row[name])
            changed.append(instance)
    for index, instance in enumerate(fresh):
        if index % SAMPLE_EVERY == 0:
            instance.full_clean()
    model.objects.bulk_create(fresh, batch_size=1000)
    if changed:
        model.objects.bulk_update(changed, [name.removesuffix("_id") for name in names], batch_size=500)
    return fresh, changed


def seed_insertion(programme: Programme, *, target, today: datetime.date, log: Log = print) -> None:
    """Markets, participants and contracts of a seeded programme (demo or metro)."""
    scene = Scene(programme, target.key, target.seed, today)
    orgs = organisations(scene)
    plans = market_plans(scene, orgs)
    if not plans:
        return
    slots = contract_slots(scene, plans, orgs)
    participants, owners = assign_participants(scene, slots)
    set_targets(scene, plans, slots, participants, owners)
    selectors.figures_cache_bump()

    stored_markets = {m.number: m for m in Market.objects.filter(programme=programme)}
    market_rows = {plan.row["number"]: plan.row for plan in plans}
    new_markets, changed_markets = sync(
        Market,
        stored_markets,
        market_rows,
        MARKET_FIELDS,
        lambda key, row: Market(programme=programme, **row),
    )
    market_ids = {m.number: m.pk for m in [*stored_markets.values(), *new_markets]}

    stored_people = {p.reference: p for p in Participant.objects.filter(programme=programme)}
    people_rows = {row["reference"]: row for row in participants}
    new_people, changed_people = sync(
        Participant,
        stored_people,
        people_rows,
        PARTICIPANT_FIELDS,
        lambda key, row: Participant(programme=programme, **row),
    )
    people_ids = {p.reference: p.pk for p in [*stored_people.values(), *new_people]}

    contract_rows = {}
    years: Counter[int] = Counter()
    for slot, owner in zip(slots, owners, strict=True):
        year = slot.row["starts_on"].year
        years[year] += 1
        reference = f"CT-{year}-{years[year]:05d}"
        row = dict(slot.row)
        row["market_id"] = market_ids[slot.plan.row["number"]]
        row["participant_id"] = people_ids[participants[owner]["reference"]]
        contract_rows[reference] = row
    stored_contracts = {c.reference: c for c in WorkContract.objects.filter(programme=programme)}
    new_contracts, changed_contracts = sync(
        WorkContract,
        stored_contracts,
        contract_rows,
        CONTRACT_FIELDS,
        lambda key, row: WorkContract(programme=programme, reference=key, **row),
    )
    anonymised = retention.participants_anonymise(today=today, programme=programme)
    created = len(new_markets) + len(new_people) + len(new_contracts)
    rewritten = len(changed_markets) + len(changed_people) + len(changed_contracts)
    log_counts(scene, created, rewritten, anonymised, log)


def log_counts(scene: Scene, created: int, rewritten: int, anonymised: int, log: Log) -> None:
    markets = Market.objects.filter(programme=scene.programme)
    contracts = WorkContract.objects.filter(programme=scene.programme)
    moas = selectors.hours_by("moa", markets, contracts, today=scene.today)
    spread = selectors.dispersion(moas)
    totals = contracts.aggregate(hours=Sum("hours_worked"), people=Count("participant", distinct=True))
    unlinked = markets.filter(operation__isnull=True).count()
    log(
        f"  {markets.count()} marchés avec clause ({unlinked} sans opération), {contracts.count()} contrats, "
        f"{totals['people']} participants, {totals['hours'] or 0:.0f} heures travaillées "
        f"({created} lignes créées, {rewritten} mises à jour, {anonymised} participants anonymisés ce jour)"
    )
    log(f"  Maîtres d'ouvrage : {spread.reached} à leur objectif ou au-delà, {spread.below} en dessous")
