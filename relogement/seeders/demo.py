"""Relogement of the demo programmes: a plan per demolition (and heavy requalification) with its MOUS and
targets, the households still living there, their offers, rehousings and satisfaction surveys.

Households are spread over the operations in proportion to the housing they demolish (or requalify). Each
operation has a rehousing window placed from its dates: delivered demolitions were emptied before their
works started, ongoing ones are emptied in stages until their planned end (households needing reinforced
support later still), planned ones must be emptied before they start. Each household draws its planned
move in the window from its own random stream, and its status follows from that date and the reference
date: moved long ago (closed), recently (rehoused, follow-up), soon (offer in progress), later (searching,
surveyed, to survey); a few leave without rehousing or go through a temporary rehousing first.

Households are found by their pseudonymous reference (derived from the seed and the landlord reference, so
it survives anonymisation) or by landlord and landlord reference; a household whose draft differs is
rewritten with its offers and rehousings, an anonymised one is never touched, so a second run on the same
day writes nothing. Rows are bulk-created (a few thousand at metro scale), a sample is validated with
``full_clean``. No name, phone or address is ever drawn.
"""

import collections
import datetime
import hashlib
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind
from core.dates import days, months
from core.seeding import Log
from projects import services as project_services
from projects.models import Family, Operation, OperationStatus, Programme
from projects.semesters import semester_first_day
from relogement import retention, services
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
)
from relogement.seeders import data

H = HouseholdStatus
S = OperationStatus
FINISHED = (S.LIVREE, S.SOLDEE)
UNDER_WAY = (S.ENGAGEE, S.TRAVAUX)
SAMPLE_EVERY = 40  # full_clean one row in SAMPLE_EVERY
HOUSEHOLD_FIELDS = [
    "programme_id",
    "reference",
    "landlord_reference",
    "origin_operation_id",
    "origin_landlord_id",
    "origin_typology",
    "origin_surface",
    "origin_rent",
    "origin_charges",
    "origin_aid",
    "adults",
    "children",
    "holder_age_band",
    "income_band",
    "needs_mobility",
    "needs_decohabitation",
    "over_occupation",
    "under_occupation",
    "wished_communes",
    "wishes_outside_qpv",
    "diagnostic_on",
    "reinforced_support",
    "status",
    "last_contact_on",
    "closed_on",
    "comments",
]
OFFER_FIELDS = [
    "offered_on",
    "landlord_id",
    "commune",
    "in_qpv",
    "new_or_recent",
    "typology",
    "rent",
    "charges",
    "estimated_aid",
    "technical_committee_on",
    "cal_on",
    "answer",
    "refusal_reason",
]
REHOUSING_FIELDS = [
    "rehoused_on",
    "kind",
    "landlord_id",
    "commune",
    "in_qpv",
    "new_or_recent",
    "same_site",
    "typology",
    "rent",
    "charges",
    "aid",
    "indemnity_eligible",
    "indemnity_amount",
    "survey_on",
    "satisfaction",
    "survey_comment",
]


# --- Helpers ------------------------------------------------------------------------------------------------


def euros(value: float) -> Decimal:
    return Decimal(str(round(max(value, 0), 2))).quantize(Decimal("0.01"))


def weighted(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def landlord_prefix(landlord: Organisation) -> str:
    if landlord.name in data.LANDLORD_PREFIXES:
        return data.LANDLORD_PREFIXES[landlord.name]
    words = [w for w in landlord.name.replace("-", " ").split() if w[0].isupper() and w != "exemple"]
    return ("".join(w[0] for w in words) or "BLR")[:4].upper()


# --- Scene --------------------------------------------------------------------------------------------------


@dataclass
class Scene:
    programme: Programme
    key: str
    seed: int
    today: datetime.date
    landlords: list[Organisation]
    rates: dict[str, Decimal]

    def rng(self, *parts: Any) -> random.Random:
        return random.Random(":".join(str(part) for part in (self.seed, "relogement", *parts)))


@dataclass
class Site:
    """One operation that rehouses: its households' landlord, commune and rehousing window."""

    operation: Operation
    landlord: Organisation
    count: int
    commune: str
    start: datetime.date
    end: datetime.date


def ensure_rates() -> dict[str, Decimal]:
    rates = {}
    for group, amount in data.INDEMNITY_RATES:
        rate, _ = IndemnityRate.objects.get_or_create(
            typology_group=group, zone="", valid_from=data.INDEMNITY_VALID_FROM, defaults={"amount": amount}
        )
        rates[group] = rate.amount
    return rates


def relocating_operations(programme: Programme) -> list[Operation]:
    """Demolitions, and requalifications called heavy ("lourde"), that were not abandoned."""
    heavy = Q(family=Family.REQUALIFICATION, label__icontains=data.HEAVY_REQUALIFICATION_WORD)
    return list(
        Operation.objects.filter(programme=programme)
        .filter(Q(family=Family.DEMOLITION, housing_demolished__gt=0) | heavy)
        .exclude(status=S.ABANDONNEE)
        .select_related("moa", "sector")
        .order_by("identifier", "pk")
    )


def window(operation: Operation) -> tuple[datetime.date, datetime.date]:
    """When the operation's households are rehoused (see the module's docstring)."""
    start = semester_first_day(operation.actual_start or operation.planned_start or "2024-S1")
    planned_end = operation.actual_end or operation.planned_end
    planned_end = semester_first_day(planned_end) if planned_end else start + months(24)
    if operation.status in FINISHED:
        end = start + months(3)
    elif operation.status in UNDER_WAY:
        end = max(start + months(3), planned_end)
    else:
        end = start
    length = 30 if operation.family == Family.DEMOLITION else 18
    return end - months(length), end


def build_sites(scene: Scene) -> list[Site]:
    sites = []
    for operation in relocating_operations(scene.programme):
        if operation.family == Family.DEMOLITION:
            count = round(operation.housing_demolished * data.OCCUPANCY["demolition"])
        else:
            count = round(operation.housing_rehabilitated * data.OCCUPANCY["requalification"])
        if not count:
            continue
        landlord = operation.moa
        if landlord.kind != OrganisationKind.BAILLEUR:
            landlord = scene.rng("bailleur", operation.identifier).choice(scene.landlords)
        commune = (operation.sector.communes.split(", ")[0] if operation.sector else "") or "Lille"
        start, end = window(operation)
        sites.append(Site(operation, landlord, count, commune, start, end))
    return sites


def ensure_plans(scene: Scene, sites: list[Site]) -> None:
    mous = account_services.organisation_upsert(
        name=data.MOUS[scene.key], kind=OrganisationKind.ASSOCIATION, programme=scene.programme
    )
    for site in sites:
        services.relogement_plan_set(
            operation=site.operation,
            mous=mous,
            households_planned=site.count,
            target_new_share=data.TARGET_NEW_SHARE,
            target_outside_qpv_share=data.TARGET_OUTSIDE_QPV_SHARE,
            max_rent_increase=data.MAX_RENT_INCREASE,
        )


# --- Drafts -------------------------------------------------------------------------------------------------


@dataclass
class Draft:
    household: dict[str, Any]
    offers: list[dict[str, Any]] = field(default_factory=list)
    rehousings: list[dict[str, Any]] = field(default_factory=list)


def rooms_needed(adults: int, children: int) -> int:
    return max(1, min(6, adults + math.ceil(children / 2) + (0 if adults > 1 or children else 0)))


def typology_of(rooms: int) -> str:
    return data.TYPOLOGIES[max(1, min(6, rooms)) - 1].value


def origin_dwelling(rng: random.Random, adults: int, children: int, income_band: str) -> dict[str, Any]:
    needed = rooms_needed(adults, children)
    rooms = max(1, min(6, needed + rng.choice((-1, 0, 0, 0, 1, 1, 2))))
    typology = typology_of(rooms)
    rent = rng.uniform(*data.ORIGIN_RENTS[typology])
    charges = rng.uniform(*data.ORIGIN_CHARGES)
    aid = (rent + charges) * rng.uniform(*data.AID_SHARES[income_band])
    return {
        "origin_typology": typology,
        "origin_surface": Decimal(str(round(rng.uniform(*data.ORIGIN_SURFACES[typology]), 1))),
        "origin_rent": euros(rent),
        "origin_charges": euros(charges),
        "origin_aid": euros(aid),
        "over_occupation": rooms < needed,
        "under_occupation": rooms >= needed + 2,
    }


def destination(
    scene: Scene, site: Site, rng: random.Random, household: dict[str, Any], *, new_or_recent: bool
) -> dict[str, Any]:
    """A dwelling offered to (or taken by) the household, its reste à charge close to the one it had."""
    same_site = rng.random() < data.SAME_SITE_SHARE
    others = [commune for commune in data.COMMUNES if commune != site.commune] or data.COMMUNES
    commune = site.commune if same_site else rng.choice(others)
    in_qpv = same_site or rng.random() < data.OFF_SITE_IN_QPV_SHARE
    landlord = site.landlord
    if rng.random() < data.OTHER_LANDLORD_SHARE:
        landlord = rng.choice(scene.landlords)
    typology = typology_of(rooms_needed(household["adults"], household["children"]))
    low, high = data.ORIGIN_RENTS[typology]
    factor = rng.uniform(*(data.NEW_RENT_PREMIUM if new_or_recent else data.OLD_RENT_FACTOR))
    rent = rng.uniform(low, high) * factor
    charges = rng.uniform(*data.ORIGIN_CHARGES)
    before = float(household["origin_rent"] + household["origin_charges"] - household["origin_aid"])
    mean, deviation = data.REMAINING_COST_CHANGE
    after = max(before + rng.gauss(mean, deviation), 30.0)
    aid = min(max(rent + charges - after, 0.0), rent)
    return {
        "landlord_id": landlord.pk,
        "commune": commune,
        "in_qpv": in_qpv,
        "new_or_recent": new_or_recent,
        "same_site": same_site,
        "typology": typology,
        "rent": euros(rent),
        "charges": euros(charges),
        "aid": euros(aid),
    }


def offer_row(
    place: dict[str, Any], offered_on: datetime.date, rng: random.Random, answer: str, *, today: datetime.date
) -> dict:
    """One offer: the comité technique matched the dwelling before it was offered; the household visited
    and answered; an accepted or pending offer then goes to the landlord's CAL, which decides after the
    offer (never before), and a refused one never reaches it."""
    row = {name: place[name] for name in ("landlord_id", "commune", "in_qpv", "new_or_recent", "typology")}
    committee_on = offered_on - days(rng.randint(30, 60))
    cal_on: datetime.date | None = offered_on + days(rng.randint(5, 20))
    if answer == OfferAnswer.REFUSED or (cal_on is not None and cal_on > today):
        cal_on = None
    return {
        **row,
        "offered_on": offered_on,
        "rent": place["rent"],
        "charges": place["charges"],
        "estimated_aid": place["aid"],
        "technical_committee_on": committee_on,
        "cal_on": cal_on,
        "answer": answer,
        "refusal_reason": weighted(rng, data.REFUSAL_REASONS).value if answer == OfferAnswer.REFUSED else "",
    }


def offers_before(
    scene: Scene,
    site: Site,
    rng: random.Random,
    household: dict[str, Any],
    *,
    last_on: datetime.date,
    last: dict[str, Any] | None,
    last_answer: str,
    refused: int,
) -> list[dict[str, Any]]:
    """The refused offers, then the last one (accepted or pending) on last_on, all after the diagnostic."""
    rows, day = [], last_on
    if last is not None:
        rows.append(offer_row(last, last_on, rng, last_answer, today=scene.today))
    for _ in range(refused):
        day -= days(rng.randint(40, 90))
        if household["diagnostic_on"] and day <= household["diagnostic_on"] + days(14):
            break
        new = rng.random() < data.NEW_OR_RECENT_SHARE
        place = destination(scene, site, rng, household, new_or_recent=new)
        rows.append(offer_row(place, day, rng, OfferAnswer.REFUSED, today=scene.today))
    return sorted(rows, key=lambda row: row["offered_on"])


def rehousing_row(
    scene: Scene, rng: random.Random, place: dict[str, Any], *, on: datetime.date, kind: str
) -> dict[str, Any]:
    definitive = kind == RehousingKind.DEFINITIVE
    eligible = definitive and place["new_or_recent"] and rng.random() < data.INDEMNITY_WITHIN_CEILING_SHARE
    group = data.TYPOLOGY_GROUPS[place["typology"]]
    survey_on = on + days(rng.randint(90, 180))
    surveyed = definitive and survey_on <= scene.today and rng.random() < data.SURVEY_SHARE
    return {
        **place,
        "rehoused_on": on,
        "kind": kind,
        "indemnity_eligible": eligible,
        "indemnity_amount": scene.rates.get(group) if eligible else None,
        "survey_on": survey_on if surveyed else None,
        "satisfaction": weighted(rng, data.SATISFACTION) if surveyed else None,
        "survey_comment": rng.choice(data.SURVEY_COMMENTS) if surveyed and rng.random() < 0.3 else "",
    }


def household_draft(scene: Scene, site: Site, number: int, landlord_reference: str) -> Draft:
    rng = scene.rng("menage", site.operation.identifier, number)
    today = scene.today
    adults, children = weighted(rng, data.ADULTS), weighted(rng, data.CHILDREN)
    age_band, income_band = weighted(rng, data.AGE_BANDS), weighted(rng, data.INCOME_BANDS)
    digest = hashlib.sha256(f"{scene.seed}:{site.landlord.name}:{landlord_reference}".encode()).hexdigest()
    span = max((site.end - site.start).days - 120, 30)
    move_on = site.start + days(120 + rng.random() * span)
    reinforced = rng.random() < 0.15
    if reinforced and site.operation.status not in FINISHED:
        move_on += days(rng.randint(90, 270))  # harder cases take longer
    diagnostic_on = max(site.start, move_on - days(rng.randint(150, 420)))
    wished = rng.sample(data.COMMUNES[:10], k=rng.randint(1, 3)) if rng.random() < 0.7 else []
    household: dict[str, Any] = {
        "programme_id": scene.programme.pk,
        "reference": f"M-{digest[:8].upper()}",
        "landlord_reference": landlord_reference,
        "origin_operation_id": site.operation.pk,
        "origin_landlord_id": site.landlord.pk,
        "adults": adults,
        "children": children,
        "holder_age_band": age_band.value,
        "income_band": income_band.value,
        "needs_mobility": rng.random() < (0.3 if age_band in ("60_74", "gte75") else 0.05),
        "needs_decohabitation": adults > 1 and rng.random() < 0.1,
        "wished_communes": ", ".join(wished),
        "wishes_outside_qpv": rng.choices((True, False, None), weights=(40, 45, 15))[0],
        "diagnostic_on": diagnostic_on if diagnostic_on <= today else None,
        "reinforced_support": reinforced,
        "comments": rng.choice(data.COMMENTS) if rng.random() < 0.35 else "",
        "closed_on": None,
        **origin_dwelling(rng, adults, children, income_band),
    }
    draft = Draft(household)
    fate, refused = rng.random(), weighted(rng, data.OFFER_COUNTS) - 1
    new = rng.random() < data.NEW_OR_RECENT_SHARE
    place = destination(scene, site, rng, household, new_or_recent=new)
    if household["diagnostic_on"] is None:
        status, last_contact = H.TO_SURVEY, None
    elif fate < data.LEFT_SHARE and diagnostic_on + (move_on - diagnostic_on) / 2 <= today:
        left_on = diagnostic_on + (move_on - diagnostic_on) / 2
        draft.offers = offers_before(
            scene, site, rng, household, last_on=left_on, last=None, last_answer="", refused=min(refused, 1)
        )
        status, last_contact, household["closed_on"] = H.LEFT, left_on, left_on
    elif move_on <= today:
        status, last_contact = moved(scene, site, rng, draft, place, move_on, refused, temporary=fate > 0.94)
    else:
        ahead = (move_on - today).days
        last_on = min(today - days(rng.randint(3, 30)), move_on - days(45))
        if ahead <= 120 and last_on > diagnostic_on + days(14):
            draft.offers = offers_before(
                scene,
                site,
                rng,
                household,
                last_on=last_on,
                last=place,
                last_answer="en_attente",
                refused=refused,
            )
            status = H.OFFER
        elif ahead <= 300:
            status = H.SEARCHING
        else:
            status = H.SURVEYED
        last_contact = max(diagnostic_on, today - days(rng.randint(2, 75)))
    household["status"] = status.value
    household["last_contact_on"] = last_contact
    return draft


def moved(
    scene: Scene,
    site: Site,
    rng: random.Random,
    draft: Draft,
    place: dict[str, Any],
    move_on: datetime.date,
    refused: int,
    *,
    temporary: bool,
) -> tuple[str, datetime.date]:
    """Offers and rehousing(s) of a household that moved on move_on; its status and last contact."""
    household, today = draft.household, scene.today
    last_on = move_on - days(rng.randint(30, 75))
    draft.offers = offers_before(
        scene, site, rng, household, last_on=last_on, last=place, last_answer="acceptee", refused=refused
    )
    definitive_on = move_on
    if temporary:
        draft.rehousings.append(rehousing_row(scene, rng, place, on=move_on, kind=RehousingKind.TEMPORARY))
        definitive_on = move_on + days(rng.randint(180, 420))
        if definitive_on > today:
            return H.TEMPORARY, move_on + days(rng.randint(0, 20))
        final = destination(scene, site, rng, household, new_or_recent=rng.random() < 0.5)
        offer_on = definitive_on - days(rng.randint(30, 60))
        draft.offers.append(offer_row(final, offer_on, rng, OfferAnswer.ACCEPTED, today=today))
        place = final
    draft.rehousings.append(rehousing_row(scene, rng, place, on=definitive_on, kind=RehousingKind.DEFINITIVE))
    elapsed = (today - definitive_on).days
    if elapsed < 90:
        return H.REHOUSED, definitive_on
    closing = definitive_on + days(rng.randint(330, 420))
    if closing > today:
        return H.FOLLOW_UP, min(today, definitive_on + days(rng.randint(60, 120)))
    household["closed_on"] = closing
    return H.CLOSED, closing


def drafts_for(scene: Scene, sites: list[Site]) -> list[Draft]:
    drafts, numbers = [], collections.Counter()
    start = data.REFERENCE_START.get(scene.key, 0)
    for site in sites:
        prefix = landlord_prefix(site.landlord)
        for index in range(site.count):
            numbers[site.landlord.pk] += 1
            reference = f"{prefix}-{start + numbers[site.landlord.pk]:04d}"
            drafts.append(household_draft(scene, site, index, reference))
    return drafts


# --- Writing ------------------------------------------------------------------------------------------------


def row_of(instance, names: list[str]) -> tuple:
    return tuple(getattr(instance, name) for name in names)


def draft_rows(draft: Draft) -> tuple:
    return (
        tuple(draft.household[name] for name in HOUSEHOLD_FIELDS),
        [tuple(offer[name] for name in OFFER_FIELDS) for offer in draft.offers],
        [tuple(rehousing[name] for name in REHOUSING_FIELDS) for rehousing in draft.rehousings],
    )


def sync_households(scene: Scene, drafts: list[Draft]) -> tuple[int, int]:
    """Create the missing households, rewrite the changed ones; (created, rewritten)."""
    stored = list(
        Household.objects.filter(programme=scene.programme).prefetch_related("offers", "rehousings")
    )
    by_reference = {household.reference: household for household in stored}
    by_key = {(h.origin_landlord_id, h.landlord_reference): h for h in stored}
    fresh, changed = [], []
    for draft in drafts:
        row = draft.household
        household = by_reference.get(row["reference"]) or by_key.get(
            (row["origin_landlord_id"], row["landlord_reference"])
        )
        if household is None:
            fresh.append((Household(**row), draft))
            continue
        if household.anonymised_at:
            continue
        current = (
            row_of(household, HOUSEHOLD_FIELDS),
            [row_of(offer, OFFER_FIELDS) for offer in household.offers.all()],
            [row_of(rehousing, REHOUSING_FIELDS) for rehousing in household.rehousings.all()],
        )
        if current != draft_rows(draft):
            for name, value in row.items():
                setattr(household, name, value)
            changed.append((household, draft))
    for index, (household, _) in enumerate(fresh):
        if index % SAMPLE_EVERY == 0:
            household.full_clean()
    Household.objects.bulk_create([household for household, _ in fresh])
    if changed:
        names = [name.removesuffix("_id") for name in HOUSEHOLD_FIELDS if name != "reference"]
        Household.objects.bulk_update([household for household, _ in changed], names, batch_size=500)
        Offer.objects.filter(household__in=[h for h, _ in changed]).delete()
        Rehousing.objects.filter(household__in=[h for h, _ in changed]).delete()
    offers, rehousings = [], []
    for household, draft in [*fresh, *changed]:
        offers += [Offer(household=household, **row) for row in draft.offers]
        rehousings += [Rehousing(household=household, **row) for row in draft.rehousings]
    for index, offer in enumerate(offers):
        if index % SAMPLE_EVERY == 0:
            offer.full_clean()
    for index, rehousing in enumerate(rehousings):
        if index % SAMPLE_EVERY == 0:
            rehousing.full_clean()
    Offer.objects.bulk_create(offers, batch_size=1000)
    Rehousing.objects.bulk_create(rehousings, batch_size=1000)
    return len(fresh), len(changed)


# --- Entry points -------------------------------------------------------------------------------------------


def seed_relogement(programme: Programme, *, target, today: datetime.date, log: Log = print) -> None:
    """Plans, households, offers and rehousings of a seeded programme (demo or metro); households closed
    long ago are anonymised as the nightly task would."""
    landlords = list(
        Organisation.objects.filter(programmes=programme, kind=OrganisationKind.BAILLEUR).order_by(
            "name", "pk"
        )
    )
    if not landlords:
        return
    scene = Scene(programme, target.key, target.seed, today, landlords, ensure_rates())
    sites = build_sites(scene)
    ensure_plans(scene, sites)
    created, rewritten = sync_households(scene, drafts_for(scene, sites))
    anonymised = retention.households_anonymise(today=today, programme=programme)
    align_risk_reasons(programme)
    log_counts(scene, created, rewritten, anonymised, log)


def figures_text(remaining: int, total: int) -> str:
    if remaining == 0:
        return f"les {total} ménages viennent d'être relogés"
    if remaining == 1:
        return f"1 ménage sur {total} reste à reloger"
    return f"{remaining} ménages sur {total} restent à reloger"


def align_risk_reasons(programme: Programme) -> None:
    """Write the operation's own relogement figures in the demo's at-risk reasons that cite them (see
    projects.seeders.data.RELOGEMENT_FIGURES): still to rehouse = in progress or temporarily rehoused,
    out of every household of the operation's plan, as the relogement dashboard counts them."""
    from projects.seeders import data as projects_data
    from projects.seeders.demo import figures_pattern

    templates = [
        reason
        for reason, _ in projects_data.DEMO_RISKS.values()
        if projects_data.RELOGEMENT_FIGURES in reason
    ]
    operations = Operation.objects.filter(programme=programme, at_risk=True).annotate(
        households_total=Count("households"),
        households_remaining=Count("households", filter=Q(households__status__in=IN_PROGRESS)),
    )
    for operation in operations:
        template = next(
            (t for t in templates if figures_pattern(t).fullmatch(operation.at_risk_reason)), None
        )
        if template is None or not operation.households_total:
            continue
        figures = figures_text(operation.households_remaining, operation.households_total)
        reason = template.replace(projects_data.RELOGEMENT_FIGURES, figures)
        if reason != operation.at_risk_reason:
            project_services.operation_update(operation=operation, at_risk_reason=reason)


def log_counts(scene: Scene, created: int, rewritten: int, anonymised: int, log: Log) -> None:
    households = Household.objects.filter(programme=scene.programme)
    figures = households.aggregate(
        total=Count("pk"),
        rehoused=Count("pk", filter=Q(status__in=DEFINITIVELY_REHOUSED)),
        left=Count("pk", filter=Q(status=H.LEFT)),
        anonymised=Count("pk", filter=Q(anonymised_at__isnull=False)),
    )
    rehousings = Rehousing.objects.filter(household__programme=scene.programme, kind=RehousingKind.DEFINITIVE)
    total = rehousings.count() or 1
    share = {
        "hors site": rehousings.filter(same_site=False).count() / total,
        "neuf ou < 5 ans": rehousings.filter(new_or_recent=True).count() / total,
        "hors QPV": rehousings.filter(in_qpv=False).count() / total,
    }
    shares = ", ".join(f"{label} {value:.0%}".replace("%", " %") for label, value in share.items())
    log(
        f"  {figures['total']} ménages à reloger ({created} créés, {rewritten} mis à jour), "
        f"{figures['rehoused']} relogés définitivement, {figures['left']} partis sans relogement, "
        f"{figures['anonymised']} anonymisés (dont {anonymised} ce jour)"
    )
    log(f"  Relogements définitifs : {shares}")
