"""Demo and benchmark data: one believable NPRU ("demo") and a metropolitan load set ("metro").

Everything is drawn from a seeded ``random.Random`` and placed relative to a reference date, so that two
runs on the same day write the same rows. Existing rows are looked up by slug, identifier or e-mail and
updated in place; nothing is saved when nothing differs.
The demo writes through ``projects.services``; the load set bulk-creates its operations, funding lines
and milestones (validating a sample with ``full_clean``), since 300 operations through the services
would be slow.
"""

import datetime
import json
import math
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind
from core.dates import working_day
from core.seeding import Log, Target
from projects import services
from projects.models import (
    Convention,
    Family,
    FundingKind,
    FundingLine,
    Milestone,
    Operation,
    OperationStatus,
    Programme,
    Sector,
)
from projects.seeders import data as cat
from projects.seeders.accounts import ensure_accounts
from projects.semesters import (
    add_semesters,
    semester_first_day,
    semester_index,
    semester_last_day,
    semester_of,
)

DEMO_PERIMETERS = Path(__file__).resolve().parent / "perimetres_demo.geojson"
# The reference data of each target's programme (name, slug, ANRU project code…).
PROGRAMMES = {"demo": cat.DEMO_PROGRAMME, "metro": cat.METRO_PROGRAMME}

F = Family
S = OperationStatus


def programme_slug(target: Target) -> str:
    return PROGRAMMES[target.key]["slug"]


def demo_programme(target: Target) -> Programme:
    """The programme a target seeds (for the seeders of the apps that come after projects)."""
    return Programme.objects.get(slug=programme_slug(target))


# ANRU's family numbers, used in operation identifiers ("C0591-21-0003").
FAMILY_CODES = {
    F.INGENIERIE: "14",
    F.DEMOLITION: "21",
    F.RECYCLAGE_COPRO: "22",
    F.RECYCLAGE_HABITAT: "23",
    F.AMENAGEMENT: "24",
    F.RECONSTITUTION: "31",
    F.REQUALIFICATION: "33",
    F.RESIDENTIALISATION: "34",
    F.DIVERSIFICATION: "36",
    F.EQUIPEMENT: "37",
    F.ECONOMIQUE: "38",
    F.AUTRE: "39",
}

# Cost per housing unit (€) for the families counted in units, else a cost range (M€).
UNIT_COSTS = {
    F.DEMOLITION: (22_000, 38_000),
    F.RECONSTITUTION: (140_000, 175_000),
    F.REQUALIFICATION: (38_000, 62_000),
}
COST_RANGES = {
    F.INGENIERIE: (0.15, 2.5),
    F.DEMOLITION: (0.8, 6.0),
    F.RECYCLAGE_COPRO: (3.0, 9.0),
    F.RECYCLAGE_HABITAT: (2.5, 8.0),
    F.AMENAGEMENT: (1.5, 12.0),
    F.RECONSTITUTION: (3.0, 12.0),
    F.REQUALIFICATION: (2.0, 12.0),
    F.RESIDENTIALISATION: (0.3, 1.6),
    F.DIVERSIFICATION: (0.4, 2.5),
    F.EQUIPEMENT: (1.5, 11.0),
    F.ECONOMIQUE: (0.8, 4.5),
    F.AUTRE: (0.2, 1.2),
}
MIN_COST, MAX_COST = 100_000, 15_000_000


@dataclass(frozen=True)
class FundingRule:
    """One funder's usual share of an operation of a family: a rate of the eligible base or of the cost."""

    funder: str
    kind: str
    low: float
    high: float
    of_eligible: bool = False
    chance: float = 1.0
    keywords: tuple[str, ...] = ()


SUB, PRET = FundingKind.SUBVENTION, FundingKind.PRET
FUNDING_RULES = {
    F.INGENIERIE: [FundingRule("anru", SUB, 0.35, 0.5, True), FundingRule("bdt", SUB, 0.1, 0.25)],
    F.DEMOLITION: [
        FundingRule("anru", SUB, 0.7, 0.85, True),
        FundingRule("mel", SUB, 0.02, 0.05, chance=0.5),
    ],
    F.RECYCLAGE_COPRO: [
        FundingRule("anru", SUB, 0.4, 0.55, True),
        FundingRule("anah", SUB, 0.15, 0.25),
        FundingRule("ville", SUB, 0.05, 0.1),
    ],
    F.RECYCLAGE_HABITAT: [
        FundingRule("anru", SUB, 0.4, 0.55, True),
        FundingRule("ville", SUB, 0.1, 0.15),
        FundingRule("mel", SUB, 0.05, 0.1),
    ],
    F.AMENAGEMENT: [
        FundingRule("anru", SUB, 0.3, 0.45, True),
        FundingRule("ville", SUB, 0.1, 0.2),
        FundingRule("region", SUB, 0.03, 0.08, chance=0.5),
    ],
    F.RECONSTITUTION: [
        FundingRule("anru", SUB, 0.05, 0.09, True),
        FundingRule("al", PRET, 0.08, 0.14),
        FundingRule("bdt", PRET, 0.4, 0.55),
        FundingRule("mel", SUB, 0.03, 0.06),
    ],
    F.REQUALIFICATION: [
        FundingRule("anru", SUB, 0.1, 0.2, True),
        FundingRule("al", PRET, 0.1, 0.2),
        FundingRule("bdt", PRET, 0.3, 0.4),
        FundingRule("region", SUB, 0.04, 0.08, chance=0.6),
    ],
    F.RESIDENTIALISATION: [
        FundingRule("anru", SUB, 0.3, 0.5, True),
        FundingRule("ville", SUB, 0.05, 0.1, chance=0.5),
    ],
    F.DIVERSIFICATION: [FundingRule("anru", SUB, 0.04, 0.08, True)],
    F.EQUIPEMENT: [
        FundingRule("anru", SUB, 0.2, 0.35, True),
        FundingRule("region", SUB, 0.08, 0.15),
        FundingRule("mel", SUB, 0.05, 0.1, chance=0.7),
        FundingRule("departement", SUB, 0.04, 0.08, chance=0.5),
        FundingRule("caf", SUB, 0.08, 0.15, keywords=("crèche", "centre social", "maison de quartier")),
    ],
    F.ECONOMIQUE: [
        FundingRule("anru", SUB, 0.25, 0.35, True),
        FundingRule("region", SUB, 0.1, 0.2),
        FundingRule("bdt", SUB, 0.1, 0.2),
    ],
    F.AUTRE: [
        FundingRule("anru", SUB, 0.3, 0.45, True),
        FundingRule("bdt", SUB, 0.05, 0.15),
        FundingRule("departement", SUB, 0.05, 0.1, chance=0.5),
    ],
}

HOUSING_FIELDS = {
    F.DEMOLITION: "housing_demolished",
    F.RECONSTITUTION: "housing_rebuilt",
    F.REQUALIFICATION: "housing_rehabilitated",
}
STARTED = {S.ENGAGEE, S.TRAVAUX, S.LIVREE, S.SOLDEE}
FINISHED = {S.LIVREE, S.SOLDEE}


# --- Perimeters ---------------------------------------------------------------------------------------

KM_PER_DEGREE_LAT = 111.2


def km_per_degree_lon(lat: float) -> float:
    return 111.32 * math.cos(math.radians(lat))


def ring_area_km2(ring: list[list[float]]) -> float:
    """Area of a closed lon/lat ring, by the shoelace formula on a local equirectangular projection."""
    lat0 = sum(point[1] for point in ring) / len(ring)
    kx = km_per_degree_lon(lat0)
    points = [(lon * kx, lat * KM_PER_DEGREE_LAT) for lon, lat in ring]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False))) / 2


def irregular_ring(
    *, centre: tuple[float, float], area_km2: float, rng: random.Random, vertices: int = 12
) -> list[list[float]]:
    """A closed, counter-clockwise, star-shaped (so simple) ring of the given area around centre."""
    step = 2 * math.pi / vertices
    angles = [i * step + rng.uniform(-0.25, 0.25) * step for i in range(vertices)]
    stretch = rng.uniform(0.85, 1.15)
    radii = [rng.uniform(0.75, 1.25) for _ in range(vertices)]
    points = [
        (r * math.cos(a) * stretch, r * math.sin(a) / stretch) for r, a in zip(radii, angles, strict=True)
    ]
    shape_area = (
        abs(
            sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))
        )
        / 2
    )
    scale = math.sqrt(area_km2 / shape_area)
    lon0, lat0 = centre
    kx = km_per_degree_lon(lat0)
    ring = [
        [round(lon0 + x * scale / kx, 6), round(lat0 + y * scale / KM_PER_DEGREE_LAT, 6)] for x, y in points
    ]
    return [*ring, ring[0]]


def perimeter_collection(*, name: str, qpv_code: str, geometry: dict[str, Any]) -> dict[str, Any]:
    """A sector's perimeter: a FeatureCollection of one feature, in WGS84 as GeoJSON requires."""
    feature = {"type": "Feature", "properties": {"nom": name, "code_qpv": qpv_code}, "geometry": geometry}
    return {"type": "FeatureCollection", "features": [feature]}


def demo_perimeters() -> dict[str, dict[str, Any]]:
    """Geometry of each demo sector, by name, from the static GeoJSON file."""
    collection = json.loads(DEMO_PERIMETERS.read_text(encoding="utf-8"))
    return {feature["properties"]["nom"]: feature["geometry"] for feature in collection["features"]}


def build_demo_perimeter_file(seed: int = 591) -> dict[str, Any]:
    """The content of ``perimetres_demo.geojson`` (kept for regenerating the file)."""
    rng = random.Random(seed)
    features = []
    for sector in cat.DEMO_SECTORS:
        ring = irregular_ring(centre=sector["centre"], area_km2=sector["area_km2"], rng=rng, vertices=13)
        features.append(
            {
                "type": "Feature",
                "properties": {"nom": sector["name"], "code_qpv": sector["qpv_code_2024"]},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def metro_geometry(*, centre: tuple[float, float], area_km2: float, rng: random.Random, parts: int) -> dict:
    """A Polygon, or a MultiPolygon of two pieces side by side for an intercommunal quartier."""
    if parts == 1:
        return {"type": "Polygon", "coordinates": [irregular_ring(centre=centre, area_km2=area_km2, rng=rng)]}
    lon, lat = centre
    offset = 0.6 / km_per_degree_lon(lat)
    pieces = [
        [irregular_ring(centre=(lon - offset, lat), area_km2=area_km2 * 0.55, rng=rng, vertices=9)],
        [irregular_ring(centre=(lon + offset, lat), area_km2=area_km2 * 0.45, rng=rng, vertices=9)],
    ]
    return {"type": "MultiPolygon", "coordinates": pieces}


# --- Operation drafts and specs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """An operation as the catalogue or the load-set generator describes it, before figures are drawn."""

    sector: Sector | None
    family: str
    moa: Organisation
    label: str
    start: str
    duration: int
    units: int = 0
    location: str = ""
    risk_reason: str = ""
    risk_milestone: str = ""
    abandoned_on: datetime.date | None = None
    abandon_note: str = ""


@dataclass
class FundingSpec:
    funder: Organisation
    kind: str
    planned: Decimal
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


@dataclass
class MilestoneSpec:
    label: str
    due_on: datetime.date
    done_on: datetime.date | None = None


@dataclass
class OperationSpec:
    identifier: str
    fields: dict[str, Any]
    funding: list[FundingSpec] = field(default_factory=list)
    milestones: list[MilestoneSpec] = field(default_factory=list)


@dataclass
class Context:
    """What every operation of one programme is built against."""

    today: datetime.date
    code: str
    seed: int
    funders: dict[str, Organisation]
    conventions: dict[str, Convention | None]
    sequences: dict[str, int] = field(default_factory=dict)

    @property
    def now(self) -> str:
        return semester_of(self.today)

    def next_identifier(self, family: str) -> str:
        number = self.sequences.get(family, 0) + 1
        self.sequences[family] = number
        return f"{self.code}-{FAMILY_CODES[family]}-{number:04d}"


def draw_status(draft: Draft, *, now: str, rng: random.Random) -> str:
    """The status an operation of this planned window has reached by the current semester."""
    start, end, current = semester_index(draft.start), semester_index(end_of(draft)), semester_index(now)
    closing = rng.random()
    if draft.abandoned_on:
        return S.ABANDONNEE
    if end < current:
        return S.SOLDEE if current - end >= 4 and closing < 0.55 else S.LIVREE
    if start <= current:
        elapsed = (current - start + 0.5) / draft.duration
        return S.ENGAGEE if elapsed < 0.25 or draft.family == F.INGENIERIE else S.TRAVAUX
    return S.PROGRAMMEE if start - current <= 2 else S.ETUDE


def end_of(draft: Draft) -> str:
    return add_semesters(draft.start, draft.duration - 1)


def draw_progress(draft: Draft, *, status: str, now: str, rng: random.Random) -> int:
    elapsed = (semester_index(now) - semester_index(draft.start) + 0.5) / draft.duration
    noise = rng.randint(-8, 8)
    if status in FINISHED:
        return 100
    if status == S.TRAVAUX:
        return max(20, min(95, round(elapsed * 100) + noise))
    if status == S.ENGAGEE:
        return max(10, min(90, round(elapsed * 100) + noise)) if draft.family == F.INGENIERIE else 20 + noise
    return {S.PROGRAMMEE: 10, S.ETUDE: 5}.get(status, 0) + max(noise, 0)


def actual_semesters(draft: Draft, *, status: str, now: str, rng: random.Random) -> tuple[str, str]:
    """Actual start and end, with the odd semester of delay, never after the current semester."""
    delay = rng.choice((0, 0, 0, 1))
    latest = semester_index(now)

    def capped(semester: str) -> str:
        return semester if semester_index(semester) <= latest else now

    start = capped(add_semesters(draft.start, delay)) if status in STARTED else ""
    end = capped(add_semesters(end_of(draft), delay)) if status in FINISHED else ""
    return start, end


def euros(value: float, step: int = 1_000) -> Decimal:
    return Decimal(int(round(value / step)) * step)


def draw_cost(draft: Draft, rng: random.Random) -> tuple[Decimal, Decimal]:
    """Cost excl. tax (from units when counted in units) and eligible base (80–100 % of it)."""
    if draft.units and draft.family in UNIT_COSTS:
        low, high = UNIT_COSTS[draft.family]
        cost = draft.units * rng.uniform(low, high)
    else:
        low, high = COST_RANGES[draft.family]
        cost = rng.uniform(low, high) * 1_000_000
    cost = euros(min(max(cost, MIN_COST), MAX_COST), step=10_000)
    share = rng.uniform(0.9, 1.0) if draft.family == F.INGENIERIE else rng.uniform(0.8, 0.97)
    return cost, min(cost, euros(float(cost) * share))


def funding_plan(
    draft: Draft, *, cost: Decimal, eligible: Decimal, funders: dict[str, Organisation], rng: random.Random
) -> list[FundingSpec]:
    """Planned amounts per funder after the family's usual rules; the MOA's own funds close the plan."""
    lines: list[FundingSpec] = []
    label = draft.label.lower()
    for rule in FUNDING_RULES[draft.family]:
        rate, drawn = rng.uniform(rule.low, rule.high), rng.random()
        funder = funders[rule.funder]
        if drawn >= rule.chance or funder == draft.moa:
            continue
        if rule.keywords and not any(keyword in label for keyword in rule.keywords):
            continue
        lines.append(
            FundingSpec(funder, rule.kind, euros(float(eligible if rule.of_eligible else cost) * rate))
        )
    own = cost - sum((line.planned for line in lines), Decimal(0))
    if own > 0:
        lines.append(FundingSpec(draft.moa, FundingKind.FONDS_PROPRES, own))
    return lines


def floor_hundred(value: Decimal) -> Decimal:
    return (value / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100


def apply_payments(
    lines: list[FundingSpec], *, status: str, family: str, progress: int, rng: random.Random
) -> None:
    """Committed and paid amounts coherent with the status: 0 ≤ paid ≤ committed ≤ planned. Ingénierie
    under way (engagée for years) is paid as it progresses, like works."""
    for line in lines:
        commit_ratio, pay_ratio = rng.uniform(0.6, 1.0), rng.uniform(0.0, 0.15)
        if status in {S.ETUDE, S.PROGRAMMEE, S.ABANDONNEE}:
            commit_ratio = pay_ratio = 0.0
        elif status == S.ENGAGEE and family == F.INGENIERIE:
            commit_ratio, pay_ratio = rng.uniform(0.85, 1.0), progress / 100 * rng.uniform(0.75, 1.0)
        elif status == S.TRAVAUX:
            commit_ratio, pay_ratio = 1.0, progress / 100 * rng.uniform(0.7, 1.0)
        elif status == S.LIVREE:
            commit_ratio, pay_ratio = 1.0, rng.uniform(0.7, 0.95)
        elif status == S.SOLDEE:
            commit_ratio = pay_ratio = 1.0
        committed = (
            line.planned if commit_ratio == 1.0 else floor_hundred(line.planned * Decimal(commit_ratio))
        )
        paid = committed if pay_ratio == 1.0 else floor_hundred(committed * Decimal(pay_ratio))
        line.committed, line.paid = committed, paid


def draw_milestones(
    draft: Draft, *, status: str, at_risk: bool, today: datetime.date, rng: random.Random
) -> list[MilestoneSpec]:
    """2–4 milestones over the planned window; those due by today are done. A risky operation has the
    step its risk blocks overdue; an operation under way often has its next step within three months."""
    if status == S.ABANDONNEE:
        return abandoned_milestones(draft)
    templates = milestone_templates(draft, at_risk=at_risk, rng=rng)
    first, last = semester_first_day(draft.start), semester_last_day(end_of(draft))
    span = (last - first).days
    milestones = []
    for label, position in templates:
        due = working_day(first + datetime.timedelta(days=round(position * span)), backward=position >= 1)
        late = datetime.timedelta(days=rng.randint(-10, 30))
        done = min(working_day(due + late), today) if due <= today or status in FINISHED else None
        milestones.append(MilestoneSpec(label, due, done))
    if at_risk:
        add_blocked_step(milestones, label=draft.risk_milestone, today=today, rng=rng)
    elif status == S.ENGAGEE or (status == S.TRAVAUX and rng.random() < 0.5):
        bring_next_step_forward(milestones, today=today, rng=rng)
    return milestones


def milestone_templates(draft: Draft, *, at_risk: bool, rng: random.Random) -> list[tuple[str, float]]:
    """The family's steps plus the one a risk blocks (just before delivery): at most 4, sometimes 3."""
    templates = list(cat.MILESTONES[draft.family])
    blocked = draft.risk_milestone if at_risk else ""
    if blocked and blocked not in {label for label, _ in templates}:
        templates.insert(len(templates) - 1, (blocked, 0.9))
    optional = [index for index in range(1, len(templates) - 1) if templates[index][0] != blocked]
    if blocked and len(templates) > 4:
        templates.pop(optional[-1])  # the latest intermediate step, which the risk would put off anyway
    elif not blocked and len(templates) > 3 and rng.random() < 0.3:
        templates.pop(rng.choice(optional))
    return templates


def abandoned_milestones(draft: Draft) -> list[MilestoneSpec]:
    filed = working_day(semester_first_day(draft.start) - datetime.timedelta(days=60))
    decided = draft.abandoned_on or filed
    return [
        MilestoneSpec("Dépôt du permis de démolir", filed, filed),
        MilestoneSpec("Abandon acté par avenant", decided, decided),
    ]


def add_blocked_step(
    milestones: list[MilestoneSpec], *, label: str, today: datetime.date, rng: random.Random
) -> None:
    """The step the risk blocks fell due a few weeks ago and is still open; it is why delivery is at risk.
    The intermediate steps that depend on it are put off to the coming months."""
    blocked = next(milestone for milestone in milestones if milestone.label == label)
    blocked.due_on = working_day(today - datetime.timedelta(days=rng.randint(20, 80)))
    blocked.done_on = None
    for milestone in milestones[milestones.index(blocked) + 1 : -1]:
        if milestone.due_on <= today:
            milestone.due_on = working_day(today + datetime.timedelta(days=rng.randint(30, 120)))
            milestone.done_on = None
    milestones.sort(key=lambda milestone: milestone.due_on)


def bring_next_step_forward(
    milestones: list[MilestoneSpec], *, today: datetime.date, rng: random.Random
) -> None:
    """Put the next open intermediate step within the coming three months."""
    upcoming = working_day(today + datetime.timedelta(days=rng.randint(10, 80)))
    for milestone in milestones[:-1]:
        if milestone.done_on is None or milestone.due_on > today:
            milestone.due_on, milestone.done_on = min(upcoming, milestones[-1].due_on), None
            return


def risk_reason_text(reason: str) -> str:
    """A reason with the relogement figures pending (see cat.RELOGEMENT_FIGURES)."""
    return reason.replace(cat.RELOGEMENT_FIGURES, cat.RELOGEMENT_FIGURES_PENDING)


def figures_pattern(reason: str) -> re.Pattern:
    """The reason whatever the relogement figures written in it."""
    escaped = re.escape(risk_reason_text(reason)).replace(re.escape(cat.RELOGEMENT_FIGURES_PENDING), ".+")
    return re.compile(escaped)


def figures_kept(existing: str, wanted: str) -> bool:
    """Whether `existing` is `wanted` with the relogement figures that the relogement seeder wrote in it:
    then it stays (a second run changes nothing)."""
    return cat.RELOGEMENT_FIGURES_PENDING in wanted and bool(figures_pattern(wanted).fullmatch(existing))


def build_operation(draft: Draft, *, ctx: Context) -> OperationSpec:
    """Draw an operation's figures. Each aspect has its own random stream, seeded by the identifier, so that
    a later run (statuses have moved on) keeps the same costs and funding plan."""
    identifier = ctx.next_identifier(draft.family)

    def rng(aspect: str) -> random.Random:
        return random.Random(f"{ctx.seed}:{identifier}:{aspect}")

    status = draw_status(draft, now=ctx.now, rng=rng("status"))
    progress = draw_progress(draft, status=status, now=ctx.now, rng=rng("progress"))
    at_risk = bool(draft.risk_reason) and status in {S.PROGRAMMEE, S.ENGAGEE, S.TRAVAUX}
    if at_risk:
        progress = max(5, progress - 12)
    actual_start, actual_end = actual_semesters(draft, status=status, now=ctx.now, rng=rng("delay"))
    cost, eligible = draw_cost(draft, rng("cost"))
    funding = funding_plan(draft, cost=cost, eligible=eligible, funders=ctx.funders, rng=rng("funding"))
    apply_payments(funding, status=status, family=draft.family, progress=progress, rng=rng("payments"))
    is_protocole = semester_index(draft.start) < semester_index("2019-S2")
    fields = {
        "sector": draft.sector,
        "convention": ctx.conventions["protocole" if is_protocole else "convention"],
        "label": draft.label,
        "family": draft.family,
        "moa": draft.moa,
        "status": status,
        "planned_start": draft.start,
        "planned_end": end_of(draft),
        "actual_start": actual_start,
        "actual_end": actual_end,
        "cost_excl_tax": cost,
        "eligible_base": eligible,
        "housing_demolished": 0,
        "housing_rebuilt": 0,
        "housing_rehabilitated": 0,
        "location": draft.location,
        "progress": progress,
        "at_risk": at_risk,
        "at_risk_reason": risk_reason_text(draft.risk_reason) if at_risk else "",
        "description": draft.abandon_note,
    }
    if draft.family in HOUSING_FIELDS and status != S.ABANDONNEE:
        fields[HOUSING_FIELDS[draft.family]] = draft.units
    milestones = draw_milestones(
        draft, status=status, at_risk=at_risk, today=ctx.today, rng=rng("milestones")
    )
    return OperationSpec(identifier, fields, funding, milestones)


# --- Reference data: organisations, programme, conventions, sectors -------------------------------------


def ensure_organisations(programme: Programme, rows, log: Log) -> dict[str, Organisation]:
    organisations = {
        key: account_services.organisation_upsert(name=name, kind=kind, short_name=short, programme=programme)
        for key, name, kind, short in rows
    }
    log(f"  {len(organisations)} organisations")
    return organisations


def ensure_conventions(programme: Programme, log: Log) -> dict[str, Convention | None]:
    conventions: dict[str, Convention | None] = {}
    for data in cat.DEMO_CONVENTIONS:
        fields = {key: value for key, value in data.items() if key != "amendments"}
        convention = services.convention_upsert(programme=programme, **fields)
        for amendment in data["amendments"]:
            services.amendment_upsert(convention=convention, **amendment)
        conventions[data["kind"]] = convention
    log("  protocole de préfiguration, convention pluriannuelle et 2 avenants")
    return conventions


def ensure_sector(programme: Programme, *, order: int, data: dict[str, Any]) -> Sector:
    sector = Sector.objects.filter(programme=programme, slug=data["slug"]).first()
    fields = {key: value for key, value in data.items() if key not in {"slug", "area_km2", "centre"}}
    fields["order"] = order
    if sector is None:
        return services.sector_create(programme=programme, **fields, slug=data["slug"])
    changes = {key: value for key, value in fields.items() if getattr(sector, key) != value}
    return services.sector_update(sector=sector, **changes) if changes else sector


def ensure_demo_sectors(programme: Programme, log: Log) -> dict[str, Sector]:
    geometries = demo_perimeters()
    sectors = {}
    for order, data in enumerate(cat.DEMO_SECTORS, start=1):
        perimeter = perimeter_collection(
            name=data["name"], qpv_code=data["qpv_code_2024"], geometry=geometries[data["name"]]
        )
        sectors[data["name"]] = ensure_sector(programme, order=order, data={**data, "perimeter": perimeter})
    log(f"  {len(sectors)} quartiers : {', '.join(sectors)}")
    return sectors


# --- Writing operations ---------------------------------------------------------------------------------


def write_operations(programme: Programme, specs: list[OperationSpec], log: Log) -> None:
    """Through the services, one operation at a time; only what differs is written."""
    existing = {
        operation.identifier: operation
        for operation in Operation.objects.filter(programme=programme)
        .select_related("sector", "moa", "convention")
        .prefetch_related("funding_lines", "milestones")
    }
    for spec in specs:
        operation = existing.get(spec.identifier)
        if operation is None:
            operation = services.operation_create(
                programme=programme, identifier=spec.identifier, **spec.fields
            )
        else:
            operation = update_operation(operation, spec, log)
        write_funding(operation, spec.funding)
        write_milestones(operation, spec.milestones)
    log(f"  {len(specs)} opérations avec leurs financements et jalons")


def update_operation(operation: Operation, spec: OperationSpec, log: Log) -> Operation:
    """Apply what differs; a status moves forward step by step, as the transition table requires."""
    changes = {name: value for name, value in spec.fields.items() if getattr(operation, name) != value}
    if "at_risk_reason" in changes and figures_kept(operation.at_risk_reason, changes["at_risk_reason"]):
        del changes["at_risk_reason"]
    if not changes:
        return operation
    path = (
        services.OPERATION_LIFECYCLE.path(operation.status, changes["status"]) if "status" in changes else []
    )
    if path is None:
        kept = operation.get_status_display()
        log(f"  ! {operation.identifier} : statut « {kept} » conservé (--reset pour repartir de zéro)")
        del changes["status"]
        path = []
    for step in path[:-1]:
        operation = services.operation_update(operation=operation, status=step)
    return services.operation_update(operation=operation, **changes)


def write_funding(operation: Operation, lines: list[FundingSpec]) -> None:
    """Bring the operation's funding lines to the plan, deleting those the plan no longer has."""
    existing = {(line.funder_id, line.kind): line for line in operation.funding_lines.all()}
    for key in existing.keys() - {(line.funder.pk, line.kind) for line in lines}:
        services.funding_line_delete(line=existing[key])
    for line in lines:
        current = existing.get((line.funder.pk, line.kind))
        wanted = (line.planned, line.committed, line.paid)
        if current is None or (current.planned, current.committed, current.paid) != wanted:
            services.funding_line_set(
                operation=operation,
                funder=line.funder,
                kind=line.kind,
                planned=line.planned,
                committed=line.committed,
                paid=line.paid,
            )


def write_milestones(operation: Operation, milestones: list[MilestoneSpec]) -> None:
    """Bring the operation's milestones to the plan, deleting those the plan no longer has."""
    existing = {milestone.label: milestone for milestone in operation.milestones.all()}
    for label in existing.keys() - {milestone.label for milestone in milestones}:
        services.milestone_delete(milestone=existing[label])
    for milestone in milestones:
        current = existing.get(milestone.label)
        if current is None or (current.due_on, current.done_on) != (milestone.due_on, milestone.done_on):
            services.milestone_upsert(
                operation=operation, label=milestone.label, due_on=milestone.due_on, done_on=milestone.done_on
            )


def bulk_write_operations(programme: Programme, specs: list[OperationSpec], log: Log) -> None:
    """Load-set path: insert what is missing and bulk-update what differs, three queries a table."""
    operations = sync_operations(programme, specs)
    wanted_lines = {
        (operations[spec.identifier].pk, line.funder.pk, line.kind): FundingLine(
            operation=operations[spec.identifier],
            funder=line.funder,
            kind=line.kind,
            planned=line.planned,
            committed=line.committed,
            paid=line.paid,
        )
        for spec in specs
        for line in spec.funding
    }
    operation_ids = [operation.pk for operation in operations.values()]
    current_lines = FundingLine.objects.filter(operation_id__in=operation_ids)
    sync_rows(
        FundingLine,
        wanted_lines,
        {(r.operation_id, r.funder_id, r.kind): r for r in current_lines},
        ["planned", "committed", "paid"],
    )
    wanted_milestones = {
        (operations[spec.identifier].pk, m.label): Milestone(
            operation=operations[spec.identifier], label=m.label, due_on=m.due_on, done_on=m.done_on
        )
        for spec in specs
        for m in spec.milestones
    }
    current_milestones = Milestone.objects.filter(operation_id__in=operation_ids)
    sync_rows(
        Milestone,
        wanted_milestones,
        {(r.operation_id, r.label): r for r in current_milestones},
        ["due_on", "done_on"],
    )
    counts = f"{len(specs)} opérations, {len(wanted_lines)} lignes de financement"
    log(f"  {counts}, {len(wanted_milestones)} jalons")


def sync_operations(programme: Programme, specs: list[OperationSpec]) -> dict[str, Operation]:
    wanted = {
        spec.identifier: Operation(programme=programme, identifier=spec.identifier, **spec.fields)
        for spec in specs
    }
    current = {operation.identifier: operation for operation in Operation.objects.filter(programme=programme)}
    for identifier, row in wanted.items():
        existing = current.get(identifier)
        pending = cat.RELOGEMENT_FIGURES_PENDING in row.at_risk_reason
        if (
            pending
            and existing is not None
            and figures_pattern(row.at_risk_reason).fullmatch(existing.at_risk_reason)
        ):
            row.at_risk_reason = existing.at_risk_reason  # the figures the relogement seeder wrote
    fields = [name for name in specs[0].fields if name in services.OPERATION_EDITABLE_FIELDS]
    sync_rows(Operation, wanted, current, [*fields, "updated_at"], compare=fields)
    return {identifier: current.get(identifier, operation) for identifier, operation in wanted.items()}


def sync_rows(
    model, wanted: dict, current: dict, fields: list[str], compare: list[str] | None = None
) -> None:
    """Bulk-create the missing rows (every 25th validated first), bulk-update the ones that differ and,
    for child rows (compare given as None), delete the current ones no longer wanted."""
    if compare is None:
        stale = [row.pk for key, row in current.items() if key not in wanted]
        model.objects.filter(pk__in=stale).delete()
    compare = compare or fields
    missing = [row for key, row in wanted.items() if key not in current]
    for row in missing[::25]:
        row.full_clean()
    model.objects.bulk_create(missing, batch_size=1000)
    changed = []
    for key, row in wanted.items():
        existing = current.get(key)
        if existing is None or all(_value(existing, name) == _value(row, name) for name in compare):
            continue
        for name in compare:
            setattr(existing, name, getattr(row, name))
        if "updated_at" in fields:
            existing.updated_at = timezone.now()
        changed.append(existing)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=1000)


def _value(row, name: str):
    """A field's value without loading related objects (foreign keys compare by id)."""
    field_object = row._meta.get_field(name)
    return getattr(row, field_object.attname)


# --- Demo programme --------------------------------------------------------------------------------------


def demo_drafts(sectors: dict[str, Sector], organisations: dict[str, Organisation]) -> list[Draft]:
    drafts = []
    for sector, family, moa, start, duration, units, location, label in cat.DEMO_OPERATIONS:
        abandoned_on, note = cat.DEMO_ABANDONED.get(label, (None, ""))
        reason, blocked_step = cat.DEMO_RISKS.get(label, ("", ""))
        drafts.append(
            Draft(
                sector=sectors[sector] if sector else None,
                family=family,
                moa=organisations[moa],
                label=label,
                start=start,
                duration=duration,
                units=units,
                location=location,
                risk_reason=reason,
                risk_milestone=blocked_step,
                abandoned_on=abandoned_on,
                abandon_note=note,
            )
        )
    return drafts


def seed_demo_programme(target: Target, *, today: datetime.date, log: Log) -> Programme:
    programme = ensure_programme(target, log)
    organisations = ensure_organisations(programme, cat.DEMO_ORGANISATIONS, log)
    conventions = ensure_conventions(programme, log)
    sectors = ensure_demo_sectors(programme, log)
    ctx = Context(today, PROGRAMMES[target.key]["project_code"], target.seed, organisations, conventions)
    specs = [build_operation(draft, ctx=ctx) for draft in demo_drafts(sectors, organisations)]
    write_operations(programme, specs, log)
    ensure_accounts(target, programme, organisations, [sectors["Moulins"], sectors["Concorde"]], log)
    return programme


def ensure_programme(target: Target, log: Log) -> Programme:
    slug = programme_slug(target)
    fields = {
        key: value for key, value in PROGRAMMES[target.key].items() if key not in {"slug", "project_code"}
    }
    programme, created = services.programme_upsert(slug=slug, **fields)
    log(f"Programme « {programme.name} » ({slug}) {'créé' if created else 'mis à jour'}")
    return programme


# --- Metropolitan load set ----------------------------------------------------------------------------


@dataclass
class MetroOrganisations:
    """The load set's organisations by role, with round-robin pickers so that each one is an MOA."""

    funders: dict[str, Organisation]
    villes: dict[str, Organisation]
    pools: dict[str, list[Organisation]]
    turns: dict[str, int] = field(default_factory=dict)

    def next(self, pool: str) -> Organisation:
        turn = self.turns.get(pool, 0)
        self.turns[pool] = turn + 1
        members = self.pools[pool]
        return members[turn % len(members)]

    @property
    def moas(self) -> list[Organisation]:
        return [
            self.funders["mel"],
            *self.villes.values(),
            *(o for pool in self.pools.values() for o in pool),
        ]


def ensure_metro_organisations(programme: Programme, log: Log) -> MetroOrganisations:
    def upsert(name: str, kind: str, short: str = "") -> Organisation:
        return account_services.organisation_upsert(
            name=name, kind=kind, short_name=short, programme=programme
        )

    funders = {
        key: upsert(name, kind, short)
        for key, name, kind, short in cat.DEMO_ORGANISATIONS
        if key in cat.FUNDER_KEYS
    }
    communes = sorted({commune for _, names, _, _ in cat.METRO_SECTORS for commune in names})
    villes = {commune: upsert(f"Ville de {commune}", OrganisationKind.VILLE) for commune in communes}
    k = OrganisationKind
    pools = {
        "bailleur": [upsert(name, k.BAILLEUR) for name in cat.METRO_BAILLEURS],
        "amenageur": [upsert(name, k.AMENAGEUR) for name in cat.METRO_AMENAGEURS],
        "promoteur": [
            upsert(name, k.ENTREPRISE if "exemple" in name else k.AUTRE) for name in cat.METRO_PROMOTERS
        ],
        "economique": [upsert(name, k.AMENAGEUR) for name in cat.METRO_ECONOMIC],
        "proximite": [upsert(name, k.ASSOCIATION) for name in cat.METRO_ASSOCIATIONS]
        + [upsert(f"Régie de quartier de {commune}", k.ASSOCIATION) for commune in cat.METRO_REGIES],
        "social": [
            upsert(f"Centre social de {commune}", k.ASSOCIATION) for commune in cat.METRO_SOCIAL_CENTRES
        ]
        + [upsert(f"CCAS de {commune}", k.AUTRE) for commune in cat.METRO_CCAS],
    }
    organisations = MetroOrganisations(funders, villes, pools)
    log(
        f"  {len(funders) + len(villes) + sum(map(len, pools.values()))} organisations "
        f"dont {len(organisations.moas)} maîtres d'ouvrage"
    )
    return organisations


def ensure_metro_sectors(programme: Programme, log: Log) -> list[tuple[Sector, list[str]]]:
    rng = random.Random(1599)
    sectors = []
    for order, (name, communes, centre, area) in enumerate(cat.METRO_SECTORS, start=1):
        code_2015, code_2024 = f"QP059{100 + order:03d}", f"QN059{40 + order:02d}M"
        geometry = metro_geometry(centre=centre, area_km2=area, rng=rng, parts=2 if order == 10 else 1)
        housing = rng.randint(18, 50) * 100
        data = {
            "name": name,
            "slug": slugify_fr(name),
            "qpv_code_2015": code_2015,
            "qpv_code_2024": code_2024,
            "interest": "prin" if order <= 6 else "prir",
            "communes": ", ".join(communes),
            "population": rng.randint(30, 120) * 100,
            "housing_units": housing,
            "social_housing_units": int(housing * rng.uniform(0.45, 0.85)) // 10 * 10,
            "perimeter": perimeter_collection(name=name, qpv_code=code_2024, geometry=geometry),
        }
        sectors.append((ensure_sector(programme, order=order, data=data), communes))
    log(f"  {len(sectors)} quartiers")
    return sectors


def slugify_fr(name: str) -> str:
    return slugify(name.replace("'", " "))


# Per sector of the load set: (family, MOA pool, how many). 29 per sector, plus 10 programme-wide.
METRO_MIX = [
    (F.DEMOLITION, "bailleur", 4),
    (F.RECONSTITUTION, "bailleur", 6),
    (F.REQUALIFICATION, "bailleur", 4),
    (F.RESIDENTIALISATION, "bailleur", 3),
    (F.AMENAGEMENT, "amenagement", 4),
    (F.EQUIPEMENT, "equipement", 3),
    (F.INGENIERIE, "ville", 1),
    (F.RECYCLAGE_HABITAT, "amenageur", 1),
    (F.DIVERSIFICATION, "promoteur", 1),
    (F.ECONOMIQUE, "economique", 1),
    (F.AUTRE, "proximite", 1),
]
# Planned start window (first and last possible start) and duration range in semesters, per family.
METRO_WINDOWS = {
    F.INGENIERIE: ("2017-S1", "2022-S2", 3, 8),
    F.DEMOLITION: ("2019-S2", "2027-S1", 4, 8),
    F.RECYCLAGE_HABITAT: ("2020-S1", "2026-S2", 6, 10),
    F.RECYCLAGE_COPRO: ("2020-S1", "2026-S2", 6, 10),
    F.RECONSTITUTION: ("2020-S1", "2028-S1", 5, 8),
    F.REQUALIFICATION: ("2020-S1", "2028-S2", 4, 8),
    F.RESIDENTIALISATION: ("2021-S1", "2029-S1", 2, 5),
    F.AMENAGEMENT: ("2021-S1", "2029-S1", 4, 10),
    F.EQUIPEMENT: ("2020-S2", "2028-S2", 4, 8),
    F.DIVERSIFICATION: ("2024-S1", "2029-S2", 4, 6),
    F.ECONOMIQUE: ("2022-S1", "2029-S1", 4, 6),
    F.AUTRE: ("2021-S1", "2028-S1", 2, 4),
}


def metro_moa(
    pool: str, *, orgs: MetroOrganisations, communes: list[str], index: int, position: int
) -> Organisation:
    """The MOA of the index-th operation of a pool in the position-th sector."""
    ville = orgs.villes[communes[index % len(communes)]]
    if pool == "ville":
        return ville
    if pool == "amenagement" and index == 1:
        return orgs.next("amenageur")
    if pool == "amenagement":
        return ville if index == 2 else orgs.funders["mel"]
    if pool == "equipement":
        return orgs.next("social") if index == 2 else ville
    if pool == "economique" and position % 3 == 0:
        return orgs.next("economique")
    if pool == "economique":
        return ville if position % 3 == 2 else orgs.funders["mel"]
    return orgs.next(pool)


def metro_label(family: str, *, name: str, units: int, sector: str, commune: str, rng: random.Random) -> str:
    kind = rng.choice(["tour", "barre", "résidence"])
    labels = {
        F.DEMOLITION: f"Démolition de la {kind} {name} ({units} logements)",
        F.RECONSTITUTION: f"Reconstitution de l'offre : {units} logements PLUS-PLAI à {commune}, site {name}",
        F.REQUALIFICATION: f"Requalification de la résidence {name} ({units} logements)",
        F.RESIDENTIALISATION: f"Résidentialisation de la résidence {name}",
        F.AMENAGEMENT: rng.choice(
            [
                f"Requalification du mail {name}",
                f"Création du parc {name}",
                f"Espaces publics de l'îlot {name}",
                f"Nouvelle voie de desserte {name}",
            ]
        ),
        F.EQUIPEMENT: rng.choice(
            [
                f"Reconstruction du groupe scolaire {name}",
                f"Extension du centre social {name}",
                f"Crèche {name}",
                f"Salle de sports {name}",
                f"Maison de santé {name}",
            ]
        ),
        F.INGENIERIE: f"Étude urbaine et plan guide : {sector}",
        F.RECYCLAGE_HABITAT: f"Recyclage de l'habitat ancien dégradé : îlot {name}",
        F.RECYCLAGE_COPRO: f"Recyclage de la copropriété dégradée {name} ({units} logements)",
        F.DIVERSIFICATION: f"Programme en accession sociale îlot {name} ({units} logements)",
        F.ECONOMIQUE: rng.choice(
            [f"Hôtel d'activités {name}", f"Commerces en pied d'immeuble, place {name}"]
        ),
        F.AUTRE: rng.choice([f"Ferme urbaine {name}", f"Ressourcerie et ateliers partagés {name}"]),
    }
    return labels[family]


METRO_UNITS = {
    F.DEMOLITION: (40, 160),
    F.RECONSTITUTION: (20, 80),
    F.REQUALIFICATION: (60, 240),
    F.RECYCLAGE_COPRO: (30, 90),
    F.DIVERSIFICATION: (20, 45),
}


def metro_draft(
    family: str,
    pool: str,
    *,
    index: int,
    position: int,
    sector: Sector,
    communes: list[str],
    orgs: MetroOrganisations,
    rng: random.Random,
) -> Draft:
    first, last, shortest, longest = METRO_WINDOWS[family]
    start = add_semesters(first, rng.randint(0, semester_index(last) - semester_index(first)))
    low, high = METRO_UNITS.get(family, (0, 0))
    units = rng.randint(low // 2, high // 2) * 2 if high else 0
    name = rng.choice(cat.RESIDENCE_NAMES)
    offsite = rng.choice(cat.METRO_OFFSITE_COMMUNES)
    label = metro_label(family, name=name, units=units, sector=sector.name, commune=offsite, rng=rng)
    reason, blocked_step = rng.choice(cat.RISK_REASONS) if rng.random() < 0.28 else ("", "")
    return Draft(
        sector=sector,
        family=family,
        moa=metro_moa(pool, orgs=orgs, communes=communes, index=index, position=position),
        label=label,
        start=start,
        duration=rng.randint(shortest, longest),
        units=units,
        location=f"{offsite} (hors QPV)" if family == F.RECONSTITUTION else f"{sector.name}, {communes[0]}",
        risk_reason=reason,
        risk_milestone=blocked_step,
    )


def metro_drafts(sectors, orgs: MetroOrganisations, rng: random.Random) -> list[Draft]:
    drafts = [
        Draft(
            sector=None,
            family=F.INGENIERIE,
            moa=orgs.funders["mel"],
            label=label,
            start=add_semesters("2018-S1", index),
            duration=rng.randint(10, 24),
            location="Tous quartiers",
        )
        for index, label in enumerate(cat.PROGRAMME_WIDE_LABELS)
    ]
    for position, (sector, communes) in enumerate(sectors):
        for family, pool, count in METRO_MIX:
            if family == F.RECYCLAGE_HABITAT and position % 2:
                family = F.RECYCLAGE_COPRO
            for index in range(count):
                draft = metro_draft(
                    family,
                    pool,
                    index=index,
                    position=position,
                    sector=sector,
                    communes=communes,
                    orgs=orgs,
                    rng=rng,
                )
                drafts.append(draft)
    return drafts


def ensure_metro_conventions(programme: Programme, *, code: str) -> dict[str, Convention | None]:
    protocole = services.convention_upsert(
        programme=programme,
        kind="protocole",
        reference=f"PR-{code[1:]}-2017",
        title="Protocole de préfiguration (jeu de charge)",
        signed_on=datetime.date(2017, 3, 2),
        ends_on=datetime.date(2019, 6, 30),
    )
    convention = services.convention_upsert(
        programme=programme,
        kind="convention",
        reference=code,
        title="Convention pluriannuelle de renouvellement urbain (jeu de charge)",
        signed_on=datetime.date(2019, 12, 16),
        ends_on=datetime.date(2031, 12, 31),
    )
    return {"protocole": protocole, "convention": convention}


def seed_metro_programme(target: Target, *, today: datetime.date, log: Log) -> Programme:
    rng = random.Random(target.seed)
    programme = ensure_programme(target, log)
    orgs = ensure_metro_organisations(programme, log)
    conventions = ensure_metro_conventions(programme, code=PROGRAMMES[target.key]["project_code"])
    sectors = ensure_metro_sectors(programme, log)
    funders = {**orgs.funders, "ville": orgs.villes[sectors[0][1][0]]}
    ctx = Context(today, PROGRAMMES[target.key]["project_code"], target.seed, funders, conventions)
    specs = []
    for draft in metro_drafts(sectors, orgs, rng):
        if draft.sector is not None:
            ctx.funders["ville"] = orgs.villes[draft.sector.communes.split(", ")[0]]
        specs.append(build_operation(draft, ctx=ctx))
    bulk_write_operations(programme, specs, log)
    landlord_sectors = [sector for sector, _ in sectors[:2]]
    organisations = {**orgs.funders, "hm": orgs.pools["bailleur"][0]}
    ensure_accounts(target, programme, organisations, landlord_sectors, log)
    return programme
