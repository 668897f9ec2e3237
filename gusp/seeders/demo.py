"""GUSP of the demo programmes: themes and their handlers, a year of reports, walk audits and their
observations, the GUSP convention and the « projet de gestion », the action plan and the landlords' TFPB
actions.

Reports are drawn day by day over the year before `today` (each day from its own seeded stream, so that
a report keeps its number from one run to the next): a sector by population, a theme by weight, a point
inside the sector's perimeter and an address; a share of them fall on a few recurring hotspots (the same
place and theme, again and again). Each report's life is drawn once — triage delay, handler, outcome,
handling time from its theme's target delay and its handler's pace — and its status is where that life
stands at `today`: recent ones are still new or in progress, slow handlers leave some late. The history
(ReportEvent) follows the same dates. Walk audits take place three times a year in each sector; their
observations are reports linked to the walk.

Rows are keyed (report number, walk date and sector, action title and year): a second run on the same day
writes nothing, a later run moves statuses forward. Bulk writes, a sample validated with full_clean.
"""

import datetime
import io
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind, User
from core.seeding import Log, Target
from gusp import geo, selectors, services
from gusp.models import (
    CLOSED_STATUSES,
    ActionStatus,
    AnswerTemplate,
    EventKind,
    GuspAction,
    GuspConvention,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    TfpbAbatement,
    TfpbAxis,
    Theme,
    ThemeHandlerDelay,
    WalkAudit,
)
from gusp.photos import clean_photo
from gusp.seeders import data
from projects.models import Convention, ConventionKind, Operation, Programme, Sector

R = ReportStatus
SAMPLE_EVERY = 50
REPORT_FIELDS = [
    "sector_id",
    "theme_id",
    "description",
    "address",
    "latitude",
    "longitude",
    "source",
    "walk_audit_id",
    "handler_id",
    "priority",
    "reported_at",
    "due_on",
    "status",
    "acknowledged_at",
    "closed_at",
    "competent_body",
    "answer",
]
PHOTO_DIR = "gusp/photos/demo"


def local_time(day: datetime.date, time: datetime.time = datetime.time()) -> datetime.datetime:
    """The local time of that day, in UTC: durations added to it are real durations (no daylight saving
    gap, and the same value as stored)."""
    return timezone.make_aware(datetime.datetime.combine(day, time)).astimezone(datetime.UTC)


def weighted(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Scene:
    programme: Programme
    key: str
    seed: int
    today: datetime.date
    sectors: list[Sector] = field(default_factory=list)
    themes: dict[str, Theme] = field(default_factory=dict)
    handlers: dict[tuple[str, int], Organisation | None] = field(default_factory=dict)
    delays: dict[tuple[int, int], int] = field(default_factory=dict)
    mission: User | None = None

    def rng(self, *parts: Any) -> random.Random:
        return random.Random(":".join(str(part) for part in (self.seed, "gusp", *parts)))

    @property
    def now(self) -> datetime.datetime:
        """The reference time: the evening of `today`."""
        return local_time(self.today, datetime.time(19))

    @property
    def first_day(self) -> datetime.date:
        return self.today - datetime.timedelta(days=365)


# --- Organisations, themes and handlers ------------------------------------------------------------------


def _first(organisations: list[Organisation], kind: str) -> Organisation | None:
    return next((o for o in organisations if o.kind == kind), None)


def landlord_of(scene: Scene, sector: Sector, landlords: list[Organisation]) -> Organisation | None:
    """The landlord of a sector: the one leading most of its operations, else one in turn."""
    if not landlords:
        return None
    counts = Counter(
        Operation.objects.filter(
            programme=scene.programme, sector=sector, moa__kind=OrganisationKind.BAILLEUR
        )
        .values_list("moa_id", flat=True)
        .order_by()
    )
    by_pk = {o.pk: o for o in landlords}
    for pk, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if pk in by_pk:
            return by_pk[pk]
    return landlords[scene.sectors.index(sector) % len(landlords)]


def prepare_handlers(scene: Scene) -> None:
    """Themes (created once, their default handler set when none), the landlords' own delay for « gestion
    locative » (created once), and the handler of each theme in each sector: the sector's own city for a
    city's theme, the sector's landlord for « gestion locative »."""
    police = account_services.organisation_upsert(
        name=data.POLICE, kind=OrganisationKind.AUTRE, programme=scene.programme
    )
    organisations = list(scene.programme.organisations.order_by("name", "pk"))
    landlords = [o for o in organisations if o.kind == OrganisationKind.BAILLEUR]
    by_kind = {
        "ville": _first(organisations, OrganisationKind.VILLE),
        "epci": _first(organisations, OrganisationKind.EPCI),
        "amenageur": _first(organisations, OrganisationKind.AMENAGEUR),
        "police": police,
        "bailleur": None,
        "": None,
    }
    scene.themes = services.themes_ensure(programme=scene.programme)
    for slug, theme in scene.themes.items():
        handler = by_kind.get(data.THEME_HANDLERS.get(slug, ""))
        if theme.default_handler_id is None and handler is not None:
            services.theme_update(theme=theme, default_handler=handler)
    for (slug, kind), days in data.HANDLER_DELAYS.items():
        theme = scene.themes.get(slug)
        targets = landlords if kind == "bailleur" else [by_kind.get(kind)]
        for organisation in targets if theme is not None else []:
            if organisation is None:
                continue
            if not ThemeHandlerDelay.objects.filter(theme=theme, organisation=organisation).exists():
                services.theme_delay_set(theme=theme, organisation=organisation, target_days=days)
    scene.delays = services.handler_delays(theme_ids=[theme.pk for theme in scene.themes.values()])
    villes = {o.name: o for o in organisations if o.kind == OrganisationKind.VILLE}
    for sector in scene.sectors:
        commune = (sector.communes.split(",")[0].strip() if sector.communes else "") or ""
        ville = villes.get(f"Ville de {commune}") or by_kind["ville"]
        landlord = landlord_of(scene, sector, landlords)
        for slug in scene.themes:
            kind = data.THEME_HANDLERS.get(slug, "")
            handler = {"ville": ville, "bailleur": landlord}.get(kind, by_kind.get(kind))
            scene.handlers[(slug, sector.pk)] = handler or by_kind["ville"]


# --- Places ----------------------------------------------------------------------------------------------


def point_in(sector: Sector, rng: random.Random) -> tuple[Decimal, Decimal]:
    """A point inside the sector's perimeter (its bounding box's centre when it has none)."""
    box = geo.bounds(sector.perimeter)
    if box is None:
        return Decimal("50.630000"), Decimal("3.060000")
    west, south, east, north = box
    for _ in range(40):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if geo.contains(sector.perimeter, longitude=lon, latitude=lat):
            break
    else:
        lon, lat = (west + east) / 2, (south + north) / 2
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def address(sector: Sector, rng: random.Random) -> str:
    streets = data.STREETS.get(sector.name, data.GENERIC_STREETS)
    commune = (sector.communes.split(",")[0].strip() if sector.communes else "") or "Lille"
    return f"{rng.randint(1, 180)} {rng.choice(streets)}, {commune}"


@dataclass(frozen=True)
class Hotspot:
    sector: Sector
    theme: str
    latitude: Decimal
    longitude: Decimal
    address: str


def hotspots(scene: Scene) -> list[Hotspot]:
    spots = []
    for sector in scene.sectors:
        rng = scene.rng("hotspots", sector.slug)
        themes = rng.sample(
            ["proprete", "encombrants", "tranquillite-publique", "degradations", "gestion-locative"], 3
        )
        for theme in themes[: data.HOTSPOTS_PER_SECTOR]:
            latitude, longitude = point_in(sector, rng)
            spots.append(Hotspot(sector, theme, latitude, longitude, address(sector, rng)))
    return spots


# --- Reports: drawing each one's life -----------------------------------------------------------------------


@dataclass
class Drawn:
    """A report as drawn: its row, the history up to `now`, and whether it has a photo."""

    reference: str
    row: dict[str, Any]
    events: list[dict[str, Any]]
    photo: int | None
    hotspot: int | None = None


def life(scene: Scene, rng: random.Random, row: dict[str, Any], theme: Theme, pace_kind: str) -> list[dict]:
    """Draw the report's life from its reporting time and set its status at `now`; the history."""
    reported = row["reported_at"]
    now = scene.now
    handler_id = row["handler_id"]
    triage_hours = rng.expovariate(1 / 18) if rng.random() > 0.15 else rng.uniform(48, 300)
    acknowledged = reported + datetime.timedelta(hours=min(triage_hours, 400) + 0.2)
    outcome = weighted(rng, data.OUTCOMES)
    pace = data.HANDLER_PACE.get(pace_kind, 1.0) * math.exp(rng.gauss(0, 0.6))
    started = acknowledged + datetime.timedelta(hours=rng.uniform(2, 48))
    closed = reported + datetime.timedelta(days=theme.target_days * pace)
    closed = max(closed, started + datetime.timedelta(hours=1))
    events = [{"kind": EventKind.CREATED, "at": reported, "to_status": R.NEW, "to_handler_id": handler_id}]
    row.update(status=R.NEW, acknowledged_at=None, closed_at=None, competent_body="", answer="")
    if now < acknowledged:
        return events
    row["acknowledged_at"] = acknowledged
    if outcome in (R.NOT_OURS, R.DUPLICATE):  # settled at triage
        row.update(status=outcome, closed_at=acknowledged)
        note = ""
        if outcome == R.NOT_OURS:
            row["competent_body"] = note = rng.choice(data.COMPETENT_BODIES)
        events.append(
            {
                "kind": EventKind.STATUS,
                "at": acknowledged,
                "from_status": R.NEW,
                "to_status": outcome,
                "note": note,
            }
        )
        return events
    events.append(
        {
            "kind": EventKind.ROUTED,
            "at": acknowledged,
            "from_status": R.NEW,
            "to_status": R.SENT,
            "to_handler_id": handler_id,
            "by_mission": True,
        }
    )
    row["status"] = R.SENT
    if now < started:
        return events
    row["status"] = R.IN_PROGRESS
    events.append(
        {"kind": EventKind.STATUS, "at": started, "from_status": R.SENT, "to_status": R.IN_PROGRESS}
    )
    if now < closed:
        return events
    row.update(status=outcome, closed_at=closed)
    events.append(
        {"kind": EventKind.STATUS, "at": closed, "from_status": R.IN_PROGRESS, "to_status": outcome}
    )
    if outcome == R.RESOLVED and rng.random() < 0.5:
        row["answer"] = rng.choice(data.ANSWERS)
        events.append({"kind": EventKind.ANSWERED, "at": closed, "note": row["answer"]})
    return events


def draw_report(
    scene: Scene,
    rng: random.Random,
    *,
    reference: str,
    sector: Sector,
    theme_slug: str,
    reported_at: datetime.datetime,
    source: str,
    place: tuple[Decimal, Decimal, str] | None = None,
    walk_audit_id: int | None = None,
) -> Drawn:
    theme = scene.themes[theme_slug]
    latitude, longitude = place[:2] if place else point_in(sector, rng)
    handler = scene.handlers[(theme_slug, sector.pk)]
    row = {
        "sector_id": sector.pk,
        "theme_id": theme.pk,
        "description": rng.choice(data.DESCRIPTIONS[theme_slug]),
        "address": place[2] if place else address(sector, rng),
        "latitude": latitude,
        "longitude": longitude,
        "source": source,
        "walk_audit_id": walk_audit_id,
        "handler_id": handler.pk if handler else None,
        "priority": weighted(rng, data.PRIORITIES),
        "reported_at": reported_at,
        "due_on": services.due_date(theme, reported_at, handler.pk if handler else None, delays=scene.delays),
    }
    events = life(scene, rng, row, theme, data.THEME_HANDLERS.get(theme_slug, ""))
    photo = rng.randrange(data.PHOTOS) if rng.random() < data.PHOTO_SHARE or walk_audit_id else None
    return Drawn(reference, row, events, photo)


def daily_reports(scene: Scene, spots: list[Hotspot]) -> list[Drawn]:
    """The reports of each day of the year before `today`, numbered by their day in the year."""
    per_day = data.REPORTS[scene.key] / 365
    weights = {sector: sector.population or 1 for sector in scene.sectors}
    drawn = []
    day = scene.first_day + datetime.timedelta(days=1)
    while day <= scene.today:
        rng = scene.rng("jour", day.isoformat())
        count = int(per_day) + (1 if rng.random() < per_day - int(per_day) else 0)
        for index in range(count):
            seconds = rng.randint(7 * 3600, 21 * 3600)
            reported_at = local_time(day) + datetime.timedelta(seconds=seconds)
            if reported_at > scene.now:
                continue
            reference = f"GUSP-{day.year}-{day.timetuple().tm_yday * 100 + index:05d}"
            source = weighted(rng, data.SOURCES)
            if spots and rng.random() < data.HOTSPOT_SHARE:
                spot_index = rng.randrange(len(spots))
                spot = spots[spot_index]
                jitter = (Decimal(rng.randint(-4, 4)) / 100000, Decimal(rng.randint(-4, 4)) / 100000)
                place = (spot.latitude + jitter[0], spot.longitude + jitter[1], spot.address)
                item = draw_report(
                    scene,
                    rng,
                    reference=reference,
                    sector=spot.sector,
                    theme_slug=spot.theme,
                    reported_at=reported_at,
                    source=source,
                    place=place,
                )
                item.hotspot = spot_index
            else:
                sector = weighted(rng, weights)
                item = draw_report(
                    scene,
                    rng,
                    reference=reference,
                    sector=sector,
                    theme_slug=weighted(rng, data.THEME_WEIGHTS),
                    reported_at=reported_at,
                    source=source,
                )
            drawn.append(item)
        day += datetime.timedelta(days=1)
    return drawn


# --- Walk audits -----------------------------------------------------------------------------------------


def walk_dates(scene: Scene, sector: Sector) -> list[datetime.date]:
    """Three walks a year in each sector (spring, early summer, autumn), the next one included."""
    offset = scene.sectors.index(sector) * 3
    dates = []
    for year in (scene.today.year - 1, scene.today.year, scene.today.year + 1):
        for month in (3, 6, 10)[: data.WALKS_PER_SECTOR]:
            dates.append(datetime.date(year, month, 8 + offset % 18))
    past = [d for d in dates if scene.first_day < d <= scene.today]
    ahead = [d for d in dates if d > scene.today][:1]
    return past + ahead


def sync_walk_audits(scene: Scene) -> dict[tuple[int, datetime.date], WalkAudit]:
    stored = {(w.sector_id, w.held_on): w for w in WalkAudit.objects.filter(programme=scene.programme)}
    partners = [
        o
        for o in scene.programme.organisations.order_by("name", "pk")
        if o.kind in (OrganisationKind.BAILLEUR, OrganisationKind.EPCI, OrganisationKind.VILLE)
    ]
    for sector in scene.sectors:
        for held_on in walk_dates(scene, sector):
            if (sector.pk, held_on) in stored:
                walk = stored[(sector.pk, held_on)]
                if held_on <= scene.today and not walk.proposals:  # held since the last run
                    proposals = scene.rng("propositions", sector.slug, held_on.isoformat())
                    services.walk_audit_update(
                        walk_audit=walk, proposals=proposals.choice(data.WALK_PROPOSALS)
                    )
                continue
            rng = scene.rng("marche", sector.slug, held_on.isoformat())
            done = held_on <= scene.today
            stored[(sector.pk, held_on)] = services.walk_audit_create(
                programme=scene.programme,
                sector=sector,
                held_on=held_on,
                route=rng.choice(data.ROUTES),
                residents=rng.randint(6, 25) if done else 0,
                citizen_council=rng.randint(1, 5) if done else 0,
                elected_officials=rng.randint(0, 2) if done else 0,
                professionals=rng.randint(3, 9) if done else 0,
                summary=(
                    "Propreté des pieds d'immeubles et cheminements autour du chantier à améliorer ; "
                    "éclairage à reprendre rue principale."
                    if done
                    else ""
                ),
                proposals=(
                    scene.rng("propositions", sector.slug, held_on.isoformat()).choice(data.WALK_PROPOSALS)
                    if done
                    else ""
                ),
                partners=rng.sample(partners, k=min(len(partners), 3)),
            )
    return stored


def walk_reports(scene: Scene, walks: dict[tuple[int, datetime.date], WalkAudit]) -> list[Drawn]:
    by_pk = {sector.pk: sector for sector in scene.sectors}
    drawn = []
    for (sector_id, held_on), walk in sorted(walks.items(), key=lambda item: (item[0][1], item[0][0])):
        if held_on > scene.today or sector_id not in by_pk:
            continue
        sector = by_pk[sector_id]
        rng = scene.rng("observations", sector.slug, held_on.isoformat())
        start = local_time(held_on, datetime.time(10))
        for number in range(1, rng.randint(*data.OBSERVATIONS) + 1):
            drawn.append(
                draw_report(
                    scene,
                    rng,
                    reference=f"DM-{held_on:%Y%m%d}-{sector.slug[:16]}-{number:02d}",
                    sector=sector,
                    theme_slug=weighted(rng, data.THEME_WEIGHTS),
                    reported_at=start + datetime.timedelta(minutes=6 * number),
                    source=ReportSource.WALK_AUDIT,
                    walk_audit_id=walk.pk,
                )
            )
    return drawn


# --- Writing reports, their history and photos -----------------------------------------------------------


def events_of(scene: Scene, item: Drawn, report: Report) -> list[ReportEvent]:
    handler_id = item.row["handler_id"]
    rows = []
    for event in item.events:
        event = dict(event)
        by_mission = event.pop("by_mission", False)
        event.setdefault("from_handler_id", handler_id if event["kind"] != EventKind.CREATED else None)
        event.setdefault("to_handler_id", handler_id if event["kind"] != EventKind.ANSWERED else None)
        if event["kind"] == EventKind.ANSWERED:
            event["from_handler_id"] = None
        rows.append(ReportEvent(report=report, user=scene.mission if by_mission else None, **event))
    return rows


def sync_reports(scene: Scene, drawn: list[Drawn]) -> tuple[int, int]:
    stored = {r.reference: r for r in Report.objects.filter(programme=scene.programme)}
    fresh, changed, events = [], [], []
    for item in drawn:
        report = stored.get(item.reference)
        if report is None:
            report = Report(programme=scene.programme, reference=item.reference, **item.row)
            fresh.append(report)
            events += events_of(scene, item, report)
        elif any(getattr(report, name) != value for name, value in item.row.items()):
            for name, value in item.row.items():
                setattr(report, name, value)
            changed.append((report, item))
    for index, report in enumerate(fresh):
        if index % SAMPLE_EVERY == 0:
            report.full_clean(exclude=["duplicate_of"])
    services.reports_bulk_create(reports=fresh, events=events)
    if changed:
        ReportEvent.objects.filter(report__in=[report for report, _ in changed]).delete()
        services.reports_bulk_update(
            changes=[(report, item.row) for report, item in changed],
            events=[event for report, item in changed for event in events_of(scene, item, report)],
        )
    if fresh or changed:
        analyze(Report, ReportEvent, apps.get_model("gusp", "ReportHistory"))
    link_duplicates(scene, drawn)
    return len(fresh), len(changed)


def link_duplicates(scene: Scene, drawn: list[Drawn]) -> None:
    """A duplicate on a hotspot names the hotspot's report made just before it."""
    ids = dict(Report.objects.filter(programme=scene.programme).values_list("reference", "pk"))
    last: dict[int, str] = {}
    wanted: dict[int, int | None] = {}
    for item in sorted(drawn, key=lambda item: item.row["reported_at"]):
        if item.row["status"] == R.DUPLICATE:
            original = last.get(item.hotspot) if item.hotspot is not None else None
            wanted[ids[item.reference]] = ids[original] if original else None
        elif item.hotspot is not None:
            last[item.hotspot] = item.reference
    current = dict(
        Report.objects.filter(programme=scene.programme, status=R.DUPLICATE).values_list(
            "pk", "duplicate_of_id"
        )
    )
    updates = [
        Report(pk=pk, duplicate_of_id=target) for pk, target in wanted.items() if current.get(pk) != target
    ]
    if updates:
        Report.objects.bulk_update(updates, ["duplicate_of"], batch_size=1000)


def demo_photos() -> list[tuple[str, int, int, int]]:
    """The shared demo photos (name, width, height, size), drawn and stored once, re-encoded like any."""
    photos = []
    for number in range(data.PHOTOS):
        rng = random.Random(f"photo:{number}")
        image = Image.new(
            "RGB", (480, 360), (rng.randint(90, 160), rng.randint(100, 170), rng.randint(90, 150))
        )
        draw = ImageDraw.Draw(image)
        for _ in range(6):
            x, y = rng.randint(0, 400), rng.randint(0, 300)
            colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
            draw.rectangle((x, y, x + rng.randint(30, 120), y + rng.randint(20, 90)), fill=colour)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        clean = clean_photo(buffer.getvalue())
        name = f"{PHOTO_DIR}/photo-{number + 1}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(clean.content))
        photos.append((name, clean.width, clean.height, len(clean.content)))
    return photos


def sync_photos(scene: Scene, drawn: list[Drawn]) -> int:
    photos = demo_photos()
    ids = dict(Report.objects.filter(programme=scene.programme).values_list("reference", "pk"))
    having = set(
        ReportPhoto.objects.filter(report__programme=scene.programme).values_list("report_id", flat=True)
    )
    fresh = []
    for item in drawn:
        pk = ids[item.reference]
        if item.photo is None or pk in having:
            continue
        name, width, height, size = photos[item.photo]
        fresh.append(ReportPhoto(report_id=pk, image=name, width=width, height=height, size=size))
    ReportPhoto.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)


# --- Convention and actions ------------------------------------------------------------------------------


def organisations_by_key(scene: Scene) -> dict[str, list[Organisation]]:
    organisations = list(scene.programme.organisations.order_by("name", "pk"))
    return {
        "ville": [o for o in organisations if o.kind == OrganisationKind.VILLE][:1],
        "epci": [o for o in organisations if o.kind == OrganisationKind.EPCI][:1],
        "amenageur": [o for o in organisations if o.kind == OrganisationKind.AMENAGEUR][:1],
        "bailleur": [o for o in organisations if o.kind == OrganisationKind.BAILLEUR],
        "etat": [o for o in organisations if o.kind == OrganisationKind.ETAT][:1],
    }


def sync_conventions(scene: Scene) -> None:
    orgs = organisations_by_key(scene)
    signatories = [o for key in ("ville", "epci", "etat", "bailleur") for o in orgs[key]]
    start = datetime.date(scene.today.year - 2, 1, 1)
    title = f"Convention de gestion urbaine et sociale de proximité {start.year}-{start.year + 3}"
    if not GuspConvention.objects.filter(programme=scene.programme, title=title).exists():
        commitments = [
            (volet, text, (orgs[key] or [None])[0]) for volet, key, text in data.COMMITMENTS if key in orgs
        ]
        services.convention_create(
            programme=scene.programme,
            title=title,
            starts_on=start,
            ends_on=datetime.date(start.year + 3, 12, 31),
            signed_on=start + datetime.timedelta(days=45),
            sectors=scene.sectors,
            signatories=signatories,
            commitments=commitments,
            summary="Engagements de la Ville, de la Métropole, de l'État et des bailleurs sur la gestion des "
            "quartiers, renforcés pendant les travaux.",
        )
    npnru = Convention.objects.filter(programme=scene.programme, kind=ConventionKind.CONVENTION).first()
    title = "Projet de gestion annexé à la convention NPNRU"
    if npnru and not GuspConvention.objects.filter(programme=scene.programme, title=title).exists():
        services.convention_create(
            programme=scene.programme,
            title=title,
            starts_on=npnru.signed_on or start,
            ends_on=npnru.ends_on or datetime.date(start.year + 8, 12, 31),
            signed_on=npnru.signed_on,
            sectors=scene.sectors,
            signatories=signatories,
            npnru_convention=npnru,
            is_management_project=True,
            management_project=(
                "Anticiper la gestion des espaces publics et résidentiels livrés par le projet ; accompagner "
                "les habitants pendant les chantiers ; clarifier les domanialités et les responsabilités "
                "de gestion après les travaux."
            ),
        )


def follow_up_rows(
    scene: Scene, walks: dict[tuple[int, datetime.date], WalkAudit], orgs: dict[str, list[Organisation]]
) -> dict[tuple[str, int | None], dict[str, Any]]:
    """The follow-up actions of the last walk held in each quartier (`data.WALK_FOLLOW_UPS`): the first one
    done within a month when that month is over, the other due two months after the walk."""
    rows: dict[tuple[str, int | None], dict[str, Any]] = {}
    last: dict[int, WalkAudit] = {}
    for (sector_id, held_on), walk in walks.items():
        if held_on <= scene.today and (sector_id not in last or last[sector_id].held_on < held_on):
            last[sector_id] = walk
    by_pk = {sector.pk: sector for sector in scene.sectors}
    for sector_id, walk in sorted(last.items()):
        sector = by_pk.get(sector_id)
        if sector is None:
            continue
        for index, (volet, key, label) in enumerate(data.WALK_FOLLOW_UPS):
            owners = orgs.get(key) or orgs["ville"]
            if not owners:
                continue
            due_on = walk.held_on + datetime.timedelta(days=30 if index == 0 else 60)
            done = index == 0 and due_on <= scene.today
            status = ActionStatus.DONE if done else ActionStatus.TODO
            if not done and walk.held_on + datetime.timedelta(days=7) <= scene.today:
                status = ActionStatus.IN_PROGRESS
            rows[(f"{label} — {sector.name} ({walk.held_on:%d/%m/%Y})", None)] = {
                "sector": sector,
                "volet": volet,
                "owner": owners[0],
                "due_on": due_on,
                "status": status,
                "done_on": walk.held_on + datetime.timedelta(days=25) if done else None,
                "tfpb_axis": "",
                "tfpb_year": None,
                "tfpb_amount": None,
                "walk_audit": walk,
            }
    return rows


def action_rows(
    scene: Scene, walks: dict[tuple[int, datetime.date], WalkAudit] | None = None
) -> dict[tuple[str, int | None], dict[str, Any]]:
    orgs = organisations_by_key(scene)
    rows: dict[tuple[str, int | None], dict[str, Any]] = {}
    for landlord in orgs["bailleur"]:
        sectors = (
            list(
                Sector.objects.filter(operations__moa=landlord, programme=scene.programme)
                .distinct()
                .order_by("pk")
            )
            or scene.sectors[:1]
        )
        for year in range(scene.today.year - data.TFPB_YEARS + 1, scene.today.year + 1):
            rng = scene.rng("tfpb", landlord.name, year)
            others = [axis for axis in data.TFPB_AXES if axis != TfpbAxis.PRESENCE]
            axes = [TfpbAxis.PRESENCE, *rng.sample(others, k=rng.randint(*data.TFPB_ACTIONS))]
            for axis in axes:
                low, high, label = data.TFPB_AXES[axis]
                sector = rng.choice(sectors)
                due_on = datetime.date(year, 12, 31)
                done = year < scene.today.year and rng.random() < 0.85
                status = (
                    ActionStatus.DONE if done else rng.choice([ActionStatus.TODO, ActionStatus.IN_PROGRESS])
                )
                rows[(f"{label} — {sector.name}", year)] = {
                    "sector": sector,
                    "volet": "correctif",
                    "owner": landlord,
                    "due_on": due_on,
                    "status": status,
                    "done_on": datetime.date(year, rng.randint(6, 12), 15) if done else None,
                    "tfpb_axis": axis,
                    "tfpb_year": year,
                    "tfpb_amount": Decimal(rng.randrange(low, high, 500)),
                }
    for index, (volet, key, title) in enumerate(data.OTHER_ACTIONS):
        owners = orgs.get(key) or orgs["ville"]
        if not owners:
            continue
        sector = scene.sectors[index % len(scene.sectors)] if scene.sectors else None
        rng = scene.rng("action", title)
        due_on = scene.today + datetime.timedelta(days=rng.randint(-90, 200))
        status = ActionStatus.IN_PROGRESS if due_on < scene.today else ActionStatus.TODO
        rows[(title, None)] = {
            "sector": sector,
            "volet": volet,
            "owner": owners[0],
            "due_on": due_on,
            "status": status,
            "done_on": None,
            "tfpb_axis": "",
            "tfpb_year": None,
            "tfpb_amount": None,
        }
    rows.update(follow_up_rows(scene, walks or {}, orgs))
    return rows


def sync_actions(scene: Scene, walks: dict[tuple[int, datetime.date], WalkAudit] | None = None) -> int:
    stored = {
        (a.title, a.tfpb_year): a
        for a in GuspAction.objects.filter(programme=scene.programme).select_related()
    }
    fresh, changed = [], []
    for (title, _year), row in action_rows(scene, walks).items():
        action = stored.get((title, row["tfpb_year"]))
        if action is None:
            action = GuspAction(programme=scene.programme, title=title, **row)
            action.full_clean()
            fresh.append(action)
        elif action.status != row["status"] or action.done_on != row["done_on"]:
            action.status, action.done_on = row["status"], row["done_on"]
            changed.append(action)
    GuspAction.objects.bulk_create(fresh)
    GuspAction.objects.bulk_update(changed, ["status", "done_on"])
    return len(fresh) + len(changed)


def abatement_rows(scene: Scene) -> dict[tuple[int, int], dict[str, Any]]:
    """Each landlord's abatement for each year it has valued actions (all its QPV housing in the programme):
    its valued euros cover between 60 % and 110 % of it (data.TFPB_COVERAGE), at about 100 to 200 € an
    apartment (data.TFPB_PER_DWELLING)."""
    valued: dict[tuple[Organisation, int], Decimal] = {}
    for row in action_rows(scene).values():
        if row["tfpb_axis"]:
            key = (row["owner"], row["tfpb_year"])
            valued[key] = valued.get(key, Decimal(0)) + row["tfpb_amount"]
    rows = {}
    for (landlord, year), amount in valued.items():
        rng = scene.rng("tfpb-abattement", landlord.name, year)
        coverage = Decimal(str(round(rng.uniform(*data.TFPB_COVERAGE), 3)))
        abatement = (amount / coverage).quantize(Decimal("1E2"))
        dwellings = round(float(abatement) / rng.uniform(*data.TFPB_PER_DWELLING), -1)
        rows[(landlord.pk, year)] = {
            "landlord": landlord,
            "year": year,
            "amount": abatement,
            "note": f"Bilan annuel du bailleur : environ {int(dwellings)} logements en QPV.",
        }
    return rows


def sync_abatements(scene: Scene) -> int:
    """The demo's abatements, created when missing (an existing one is the team's: never changed)."""
    taken = set(
        TfpbAbatement.objects.filter(programme=scene.programme, sector=None).values_list(
            "landlord_id", "year"
        )
    )
    created = 0
    for key, row in abatement_rows(scene).items():
        if key not in taken:
            services.tfpb_abatement_create(programme=scene.programme, **row)
            created += 1
    return created


def sync_answer_templates(scene: Scene) -> None:
    """The demo's canned answers, created when missing (an existing one is the team's: never changed)."""
    taken = set(AnswerTemplate.objects.filter(programme=scene.programme).values_list("title", flat=True))
    for order, (title, text) in enumerate(data.ANSWER_TEMPLATES, start=1):
        if title not in taken:
            services.answer_template_create(programme=scene.programme, title=title, text=text, order=order)


# --- Entry point -----------------------------------------------------------------------------------------


def seed_gusp(programme: Programme, *, target: Target, today: datetime.date, log: Log = print) -> None:
    scene = Scene(programme, target.key, target.seed, today)
    scene.sectors = list(programme.sectors.order_by("order", "pk"))
    if not scene.sectors:
        return
    scene.mission = User.objects.filter(email=f"mission@{target.email_domain}").first()
    selectors.figures_cache_bump()
    prepare_handlers(scene)
    walks = sync_walk_audits(scene)
    drawn = daily_reports(scene, hotspots(scene)) + walk_reports(scene, walks)
    created, rewritten = sync_reports(scene, drawn)
    photos = sync_photos(scene, drawn)
    sync_conventions(scene)
    sync_answer_templates(scene)
    actions = sync_actions(scene, walks)
    sync_abatements(scene)
    if photos or actions:
        analyze(ReportPhoto, GuspAction)
    log_counts(scene, created, rewritten, photos, actions, log)


def analyze(*models) -> None:
    """Planner statistics for the GUSP tables just written in bulk. `seed_demo` runs ANALYZE once it has
    committed, but what runs before — the next seeders, the metropolitan target after the demo, tests and
    benches that seed in a transaction they roll back — would plan on tables it believes empty (the triage
    queue took 10 s on the metropolitan set). ANALYZE runs inside a transaction and sees its rows."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(table) for table in tables)}")


def log_counts(scene: Scene, created: int, rewritten: int, photos: int, actions: int, log: Log) -> None:
    reports = Report.objects.filter(programme=scene.programme)
    counts = dict(reports.values_list("status").annotate(n=Count("pk")).order_by())
    open_count = sum(counts.get(status, 0) for status in (R.NEW, R.SENT, R.IN_PROGRESS))
    late = reports.late(scene.today).count()
    closed = sum(counts.get(status, 0) for status in CLOSED_STATUSES)
    log(
        f"  {reports.count()} signalements GUSP ({open_count} ouverts dont {late} en retard, {closed} clos), "
        f"{WalkAudit.objects.filter(programme=scene.programme).count()} diagnostics en marchant "
        f"({created} signalements créés, {rewritten} mis à jour, {photos} photos, {actions} actions écrites)"
    )
