"""Governance and concertation of the demo programmes: bodies, a year of séances with their agenda,
attendance, minutes and decisions, the actions that follow, public events and residents' remarks.

Séances fall on fixed calendar slots (say the 3rd Tuesday of each month, put off by a week on a public
holiday) within the 12 months before the reference date and the 3 months after it. Each séance, event or
remark draws its content from its own random stream, so that a later run finds the same rows, moves them
forward (planned → held, actions done) and adds the new ones. Rows are looked up by natural key: a body by
name, a séance by body and start, a decision by séance and order, an action by title and due date, an
event by title and date, a remark by date and text. What a held séance recorded (agenda, attendance,
decisions, minutes) is never rewritten, and statuses only move forward, so a second run on the same day
writes nothing. Every write goes through ``governance.services``.
"""

import collections
import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape

from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind, User
from core.dates import days, months_between, open_day, public_holidays
from core.seeding import Log
from governance import services
from governance.models import (
    Action,
    ActionStatus,
    AttendanceStatus,
    Body,
    BodyKind,
    Decision,
    Feedback,
    FeedbackStatus,
    Meeting,
    MeetingStatus,
    PublicEvent,
)
from governance.seeders import data
from projects.models import Operation, Programme, Sector
from projects.seeders import data as projects_catalogue

K = OrganisationKind
A = ActionStatus
FB = FeedbackStatus
PAST_DAYS, AHEAD_DAYS = 365, 92
POLITICAL_KINDS = (BodyKind.COPIL, BodyKind.REVUE_PROJET)
# Statuses only move forward: a rank per status.
ACTION_RANK = {A.TODO: 0, A.IN_PROGRESS: 1, A.DONE: 2, A.DROPPED: 2}
FEEDBACK_RANK = {FB.RECEIVED: 0, FB.IN_PROGRESS: 1, FB.ANSWERED: 2, FB.CLOSED: 3}


# --- Calendar -------------------------------------------------------------------------------------------


def slot_day(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    """The nth given weekday of the month, put off by a week when it is a public holiday."""
    first = datetime.date(year, month, 1)
    day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    while day in public_holidays(day.year):
        day += datetime.timedelta(days=7)
    return day


def at(day: datetime.date, time: str) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time.fromisoformat(time), tzinfo=timezone.get_current_timezone()
    )


def unique(items: Iterable) -> list:
    return list(dict.fromkeys(items))


# --- Organisations and scene ------------------------------------------------------------------------------


@dataclass
class Directory:
    """The programme's organisations, found through the catalogue's tokens."""

    by_kind: dict[str, list[Organisation]]
    bailleurs_by_sector: dict[int, list[Organisation]]
    councils_by_sector: dict[int, list[Organisation]]

    def resolve(self, token: str, sectors: list[Sector]) -> list[Organisation]:
        if token in data.SINGLE_TOKENS:
            return self.by_kind.get(data.SINGLE_TOKENS[token], [])[:1]
        if token in data.GROUP_TOKENS:
            return self.by_kind.get(data.GROUP_TOKENS[token], [])
        if token.startswith("sector_") and not sectors:  # a programme-wide body: all of the kind
            return self.resolve(token.removeprefix("sector_"), sectors)
        if token == "sector_villes":
            communes = {commune for sector in sectors for commune in sector.communes.split(", ")}
            return [o for o in self.by_kind.get(K.VILLE, []) if o.name.removeprefix("Ville de ") in communes]
        tables = {"sector_bailleurs": self.bailleurs_by_sector, "sector_conseils": self.councils_by_sector}
        return unique(o for sector in sectors for o in tables.get(token, {}).get(sector.pk, []))

    def one(self, token: str, sectors: list[Sector], rng: random.Random) -> Organisation:
        """One organisation for the token, the Métropole when the programme has none."""
        found = self.resolve(token, sectors)
        return rng.choice(found) if found else self.resolve("mel", [])[0]


def council_name(key: str, sector: Sector) -> str:
    if key == "metro":
        return data.METRO_COUNCIL.format(sector=sector.name)
    return data.DEMO_COUNCILS.get(sector.name, "")


def ensure_extra_organisations(programme: Programme, key: str, sectors: list[Sector]) -> None:
    """The load set has no conseil citoyen nor maison de l'emploi of its own: add them."""
    if key != "metro":
        return
    rows = [*data.METRO_EXTRA_ORGANISATIONS]
    rows += [(council_name(key, sector), K.CONSEIL_CITOYEN, "") for sector in sectors]
    for name, kind, short in rows:
        account_services.organisation_upsert(name=name, kind=kind, short_name=short, programme=programme)


def build_directory(programme: Programme, key: str, sectors: list[Sector]) -> Directory:
    organisations = list(Organisation.objects.filter(programmes=programme).order_by("name", "pk"))
    by_kind: dict[str, list[Organisation]] = collections.defaultdict(list)
    for organisation in organisations:
        by_kind[organisation.kind].append(organisation)
    by_pk = {organisation.pk: organisation for organisation in organisations}
    pairs = (
        Operation.objects.filter(programme=programme, moa__kind=K.BAILLEUR, sector__isnull=False)
        .values_list("sector_id", "moa_id")
        .distinct()
    )
    bailleurs: dict[int, list[Organisation]] = collections.defaultdict(list)
    for sector_id, moa_id in sorted(pairs, key=lambda pair: (pair[0], by_pk[pair[1]].name)):
        bailleurs[sector_id].append(by_pk[moa_id])
    by_name = {organisation.name: organisation for organisation in organisations}
    councils = {
        sector.pk: [by_name[council_name(key, sector)]]
        for sector in sectors
        if council_name(key, sector) in by_name
    }
    return Directory(dict(by_kind), dict(bailleurs), councils)


@dataclass
class Scene:
    """What every row of one programme's governance is drawn against."""

    programme: Programme
    key: str
    seed: int
    today: datetime.date
    sectors: list[Sector]
    directory: Directory
    users: dict[str, User | None]
    risky: list[Operation]

    @property
    def start(self) -> datetime.date:
        return self.today - days(PAST_DAYS)

    @property
    def end(self) -> datetime.date:
        return self.today + days(AHEAD_DAYS)

    def in_past_year(self, day: datetime.date) -> bool:
        return self.start < day < self.today

    def rng(self, *parts: Any) -> random.Random:
        return random.Random(":".join(str(part) for part in (self.seed, "gouvernance", *parts)))

    def risky_in(self, sectors: list[Sector]) -> list[Operation]:
        ids = {sector.pk for sector in sectors}
        return [operation for operation in self.risky if not ids or operation.sector_id in ids]

    def places(self, sector: Sector) -> list[str]:
        if sector.name in data.DEMO_PLACES:
            return data.DEMO_PLACES[sector.name]
        names = self.rng("lieux", sector.slug).sample(projects_catalogue.RESIDENCE_NAMES, 4)
        return [f"résidence {name}" for name in names]


def build_scene(programme: Programme, *, target, today: datetime.date) -> Scene:
    sectors = list(programme.sectors.order_by("order", "pk"))
    ensure_extra_organisations(programme, target.key, sectors)
    users = {
        local: User.objects.filter(email=f"{local}@{target.email_domain}").first()
        for local in ("mission", "referent")
    }
    risky = list(
        Operation.objects.filter(programme=programme, at_risk=True)
        .select_related("moa", "sector")
        .order_by("identifier")
    )
    directory = build_directory(programme, target.key, sectors)
    return Scene(programme, target.key, target.seed, today, sectors, directory, users, risky)


def function_of(organisation: Organisation, level: str, rng: random.Random) -> str:
    """A function (never a name) for someone of this organisation at a body of this level."""
    functions = data.FUNCTIONS.get(organisation.kind, {})
    choices = functions.get(level) or functions.get("technical") or [data.DEFAULT_FUNCTION]
    return rng.choice(choices)


# --- Bodies -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyPlan:
    name: str
    kind: str
    chair: str
    members: tuple[str, ...]
    periodicity: int
    months: tuple[int, ...]
    slot: tuple[int, int, str, int]  # weekday (0 = Monday), nth of the month, start, minutes
    place: str
    sectors: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        if self.kind in POLITICAL_KINDS:
            return "political"
        return data.DOMAIN_BY_KIND.get(self.kind, "technical")


def quarter_copil(index: int, sector: Sector) -> BodyPlan:
    months = data.METRO_QUARTER_MONTHS[index % len(data.METRO_QUARTER_MONTHS)]
    template = data.METRO_QUARTER_COPIL
    return BodyPlan(
        name=template["name"].format(sector=sector.name),
        kind=template["kind"],
        chair=template["chair"],
        members=template["members"],
        periodicity=12 // len(months),
        months=months,
        slot=(3, 1 + index % 3, "17:30", 120),
        place=template["place"].format(commune=sector.communes.split(", ")[0]),
        sectors=(sector.name,),
    )


def body_plans(key: str, sectors: list[Sector]) -> list[BodyPlan]:
    if key != "metro":
        return [BodyPlan(**row) for row in data.DEMO_BODIES]
    plans = [BodyPlan(**row) for row in data.METRO_BODIES]
    plans += [quarter_copil(index, sector) for index, sector in enumerate(sectors)]
    return plans + [BodyPlan(**row) for row in data.METRO_GROUP_BODIES]


@dataclass
class Seat:
    """A body as written, with the plan it follows and its resolved sectors, chair and members."""

    body: Body
    plan: BodyPlan
    sectors: list[Sector]
    chair: Organisation | None
    members: list[Organisation]


def ensure_body(scene: Scene, plan: BodyPlan) -> Seat:
    by_name = {sector.name: sector for sector in scene.sectors}
    sectors = [by_name[name] for name in plan.sectors]
    resolve = scene.directory.resolve
    chair = next(iter(resolve(plan.chair, sectors)), None)
    members = unique([*([chair] if chair else []), *(o for t in plan.members for o in resolve(t, sectors))])
    body = services.body_upsert(
        programme=scene.programme,
        name=plan.name,
        kind=plan.kind,
        chair=chair,
        periodicity_months=plan.periodicity,
        sectors=sectors,
        members=members,
    )
    return Seat(body, plan, sectors, chair, members)


# --- Séances ----------------------------------------------------------------------------------------------


@dataclass
class Sitting:
    """A séance as the seed wants it."""

    seat: Seat
    day: datetime.date
    status: str = MeetingStatus.PLANNED

    @property
    def kind(self) -> str:
        return self.seat.plan.kind

    @property
    def starts_at(self) -> datetime.datetime:
        return at(self.day, self.seat.plan.slot[2])

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.seat.plan.slot[3])

    def rng(self, scene: Scene, aspect: str) -> random.Random:
        return scene.rng("seance", self.seat.body.name, self.day.isoformat(), aspect)


def plan_sittings(scene: Scene, seats: list[Seat]) -> list[Sitting]:
    """Séances of the window, held before today; one of the coming ones (not a COPIL) is cancelled."""
    sittings = []
    for seat in seats:
        weekday, nth, _, _ = seat.plan.slot
        for year, month in months_between(scene.start, scene.end):
            day = slot_day(year, month, weekday, nth)
            if month in seat.plan.months and scene.start < day <= scene.end:
                status = MeetingStatus.HELD if day < scene.today else MeetingStatus.PLANNED
                sittings.append(Sitting(seat, day, status))
    coming = [s for s in sittings if s.status == MeetingStatus.PLANNED and s.kind not in POLITICAL_KINDS]
    if coming:
        min(coming, key=lambda s: s.rng(scene, "annulation").random()).status = MeetingStatus.CANCELLED
    return sorted(sittings, key=lambda s: (s.day, s.seat.body.name))


def next_day(plan: BodyPlan, after: datetime.date) -> datetime.date:
    weekday, nth, _, _ = plan.slot
    for year, month in months_between(after + days(1), after + days(400)):
        day = slot_day(year, month, weekday, nth)
        if month in plan.months and day > after:
            return day
    return after + days(365)


def place_of(scene: Scene, sitting: Sitting) -> str:
    remote = sitting.kind in (BodyKind.CTE, BodyKind.GTR) and sitting.rng(scene, "lieu").random() < 0.25
    return "En visioconférence" if remote else sitting.seat.plan.place


@dataclass
class Tally:
    """What the séances pass on: whether a coming séance is already cancelled, the actions to follow."""

    cancelled_ahead: bool
    actions: list["ActionDraft"] = field(default_factory=list)


def sync_sitting(scene: Scene, sitting: Sitting, meeting: Meeting | None, tally: Tally) -> Meeting:
    """Write a séance: created when missing, moved forward from planned (one cancelled séance ahead is
    enough), then filled in."""
    if meeting is None:
        meeting = services.meeting_schedule(
            body=sitting.seat.body,
            starts_at=sitting.starts_at,
            ends_at=sitting.ends_at,
            place=place_of(scene, sitting),
        )
    another_cancelled = tally.cancelled_ahead and sitting.status == MeetingStatus.CANCELLED
    if meeting.status == MeetingStatus.PLANNED and sitting.status != meeting.status and not another_cancelled:
        meeting = services.meeting_update(meeting=meeting, status=sitting.status)
    fill_agenda(scene, sitting, meeting)
    if meeting.status == MeetingStatus.HELD:
        fill_attendance(scene, sitting, meeting)
        tally.actions += fill_decisions(scene, sitting, meeting)
        fill_minutes(scene, sitting, meeting)
    return meeting


def sync_sittings(scene: Scene, sittings: list[Sitting]) -> Tally:
    existing = {
        (meeting.body_id, meeting.starts_at): meeting
        for meeting in Meeting.objects.filter(body__programme=scene.programme).prefetch_related(
            "agenda_items", "attendances", "decisions"
        )
    }
    cancelled = [m for m in existing.values() if m.status == MeetingStatus.CANCELLED]
    tally = Tally(cancelled_ahead=any(m.starts_at.date() >= scene.today for m in cancelled))
    for sitting in sittings:
        sync_sitting(scene, sitting, existing.get((sitting.seat.body.pk, sitting.starts_at)), tally)
    return tally


# --- Agenda, attendance, minutes --------------------------------------------------------------------------


@dataclass
class ItemDraft:
    title: str
    description: str = ""
    operation: Operation | None = None
    presenter: Organisation | None = None


def agenda_drafts(scene: Scene, sitting: Sitting) -> list[ItemDraft]:
    rng = sitting.rng(scene, "ordre-du-jour")
    pool = data.AGENDA[sitting.kind]
    if sitting.kind == BodyKind.COPIL and sitting.seat.sectors:
        sector = sitting.seat.sectors[0].name
        pool = [title.format(sector=sector) for title in data.SECTOR_AGENDA] + pool[:3]
    picked = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
    items = [ItemDraft(title) for title in sorted(picked, key=pool.index)]
    if sitting.kind in (*data.DECIDING_KINDS, BodyKind.CTE):
        risky = scene.risky_in(sitting.seat.sectors)
        for operation in rng.sample(risky, k=min(len(risky), rng.choice((0, 1, 1, 2)))):
            title = data.RISK_AGENDA.format(operation=operation.label)[:300]
            items.append(ItemDraft(title, operation.at_risk_reason, operation, operation.moa))
    opening = [ItemDraft(data.OPENING_ITEM)] if sitting.kind in data.DECIDING_KINDS else []
    return [*opening, *items, ItemDraft(data.CLOSING_ITEM)]


def fill_agenda(scene: Scene, sitting: Sitting, meeting: Meeting) -> None:
    if meeting.agenda_items.all():
        return
    for order, item in enumerate(agenda_drafts(scene, sitting), start=1):
        services.agenda_item_add(
            meeting=meeting,
            title=item.title,
            order=order,
            description=item.description,
            operation=item.operation,
            presenter=item.presenter,
        )


def usual_function(scene: Scene, seat: Seat, organisation: Organisation) -> str:
    return function_of(
        organisation, seat.plan.level, scene.rng("fonction", seat.body.name, organisation.name)
    )


def fill_attendance(scene: Scene, sitting: Sitting, meeting: Meeting) -> None:
    """Each member organisation present (4 in 5), excused or absent, through a function only."""
    if meeting.attendances.all():
        return
    rng = sitting.rng(scene, "presences")
    for organisation in sitting.seat.members:
        roll, stand_in = rng.random(), rng.random()
        if organisation == sitting.seat.chair or roll < 0.8:
            status = AttendanceStatus.PRESENT
        else:
            status = AttendanceStatus.EXCUSED if roll < 0.95 else AttendanceStatus.ABSENT
        attendee = usual_function(scene, sitting.seat, organisation)
        if stand_in < 0.15:
            attendee = function_of(organisation, sitting.seat.plan.level, rng)
        attendee = "" if status == AttendanceStatus.ABSENT else attendee
        services.attendance_set(meeting=meeting, organisation=organisation, status=status, attendee=attendee)


def minutes_html(scene: Scene, sitting: Sitting, meeting: Meeting, note: str) -> str:
    seat = sitting.seat
    statuses = list(meeting.attendances.values_list("status", flat=True))
    items = meeting.agenda_items.order_by("order").values_list("title", flat=True)
    decisions = meeting.decisions.order_by("order").values_list("text", flat=True)
    chair = f"{usual_function(scene, seat, seat.chair)}, {seat.chair.name}" if seat.chair else "—"
    parts = [
        f"<p><strong>Présidence :</strong> {escape(chair)}.</p>",
        f"<p><strong>Organisations présentes :</strong> {statuses.count(AttendanceStatus.PRESENT)} ; "
        f"<strong>excusées :</strong> {statuses.count(AttendanceStatus.EXCUSED)}.</p>",
        "<h3>Points examinés</h3>",
        "<ol>" + "".join(f"<li>{escape(title)}</li>" for title in items) + "</ol>",
        f"<p>{escape(note)}</p>",
    ]
    if decisions:
        parts += ["<h3>Relevé de décisions</h3>"]
        parts += ["<ol>" + "".join(f"<li>{escape(text)}</li>" for text in decisions) + "</ol>"]
    parts.append(f"<p>Prochaine séance : {next_day(seat.plan, sitting.day):%d/%m/%Y}.</p>")
    return "".join(parts)


def fill_minutes(scene: Scene, sitting: Sitting, meeting: Meeting) -> None:
    """Minutes for most deciding séances and some others, written ten days after the séance."""
    rng = sitting.rng(scene, "compte-rendu")
    wanted = rng.random() < (0.8 if sitting.kind in data.DECIDING_KINDS else 0.4)
    note = rng.choice(data.MINUTES_NOTES)
    if meeting.minutes or not wanted or sitting.day > scene.today - days(10):
        return
    services.meeting_update(meeting=meeting, minutes=minutes_html(scene, sitting, meeting, note))


# --- Decisions and actions --------------------------------------------------------------------------------


@dataclass
class ActionDraft:
    title: str
    owner: Organisation
    owner_name: str
    due_on: datetime.date
    status: str
    done_on: datetime.date | None = None
    owner_user: User | None = None
    sector: Sector | None = None
    operation: Operation | None = None
    meeting: Meeting | None = None
    decision: Decision | None = None
    description: str = ""
    opened_on: datetime.date | None = None


@dataclass
class DecisionDraft:
    text: str
    templates: list[tuple]
    sector: Sector | None = None
    operation: Operation | None = None


def decision_pool(scene: Scene, sitting: Sitting, rng: random.Random) -> list[DecisionDraft]:
    """The decisions this séance may take, besides those on operations at risk."""
    sectors = sitting.seat.sectors
    if sitting.kind != BodyKind.COPIL:
        return [DecisionDraft(text, actions) for text, actions in data.DECISIONS[sitting.kind]]
    if not sectors:
        sector = rng.choice(scene.sectors)
        drafts = [DecisionDraft(text, actions) for text, actions in data.COPIL_DECISIONS]
        text, actions = rng.choice(data.QUARTER_DECISIONS)
        return [*drafts, DecisionDraft(text.format(sector=sector.name), actions, sector)]
    return [
        DecisionDraft(text.format(sector=sectors[0].name), actions, sectors[0])
        for text, actions in data.QUARTER_DECISIONS
    ]


def decision_drafts(scene: Scene, sitting: Sitting) -> list[DecisionDraft]:
    """Two to five decisions, one or two of them on operations at risk."""
    rng = sitting.rng(scene, "decisions")
    count, on_risks = rng.randint(2, 5), rng.choice((0, 1, 1, 2))
    pool = decision_pool(scene, sitting, rng)
    risky = scene.risky_in(sitting.seat.sectors)
    risky = rng.sample(risky, k=min(len(risky), on_risks, count - 1))
    drafts = rng.sample(pool, k=min(len(pool), count - len(risky)))
    for operation in risky:
        text, actions = rng.choice(data.OPERATION_DECISIONS)
        drafts.append(
            DecisionDraft(text.format(operation=operation.label), actions, operation.sector, operation)
        )
    return drafts


def fill_decisions(scene: Scene, sitting: Sitting, meeting: Meeting) -> list[ActionDraft]:
    """Decisions of a held deciding séance, and the actions they call for. Recorded decisions are kept;
    those that still read as drafted have their actions followed."""
    if sitting.kind not in data.DECIDING_KINDS:
        return []
    recorded = {decision.order: decision for decision in meeting.decisions.all()}
    actions = []
    for order, draft in enumerate(decision_drafts(scene, sitting), start=1):
        decision = recorded.get(order)
        if not recorded:
            decision = services.decision_record(
                meeting=meeting, text=draft.text, sector=draft.sector, operation=draft.operation, order=order
            )
        if decision is not None and decision.text == draft.text:
            actions += decision_actions(scene, sitting, meeting, decision, draft)
    return actions


def decision_actions(
    scene: Scene, sitting: Sitting, meeting: Meeting, decision: Decision, draft: DecisionDraft
) -> list[ActionDraft]:
    actions = []
    for index, template in enumerate(draft.templates):
        rng = sitting.rng(scene, f"action-{decision.order}-{index}")
        title, token, function, delay, domain = template
        sectors = [draft.sector] if draft.sector else sitting.seat.sectors
        owner = draft.operation.moa if token == "moa" and draft.operation else None
        owner = owner or scene.directory.one(token, sectors, rng)
        names = {
            "sector": getattr(draft.sector, "name", ""),
            "operation": getattr(draft.operation, "label", ""),
        }
        action = new_action(
            scene,
            title=title.format(**names),
            owner=owner,
            function=function,
            domain=domain,
            opened_on=sitting.day,
            due_on=open_day(sitting.day + days(delay), saturday=False),
            rng=rng,
        )
        action.sector, action.operation = draft.sector, draft.operation
        action.meeting, action.decision = meeting, decision
        action.description = f"Suite à donner à la décision : {draft.text}"
        actions.append(action)
    return actions


def action_fate(
    rng: random.Random, *, opened_on: datetime.date, due_on: datetime.date, today: datetime.date
) -> tuple[str, datetime.date | None]:
    """Status and completion date as of today: done on time (half), late (30 %), stuck, or dropped."""
    roll, early, late, dropped, started = (
        rng.random(),
        rng.randint(-25, 5),
        rng.randint(20, 150),
        rng.randint(5, 40),
        rng.randint(3, 30),
    )
    done_on = None
    if roll < 0.5:
        done_on = max(opened_on + days(2), due_on + days(early))
    elif roll < 0.8:
        done_on = due_on + days(late)
    if done_on and open_day(done_on, saturday=False) <= today:
        return A.DONE, open_day(done_on, saturday=False)
    if roll >= 0.96 and due_on + days(dropped) <= today:
        return A.DROPPED, None
    return (A.IN_PROGRESS if opened_on + days(started) <= today else A.TODO), None


def new_action(
    scene: Scene,
    *,
    title: str,
    owner: Organisation,
    function: str,
    domain: str,
    opened_on: datetime.date,
    due_on: datetime.date,
    rng: random.Random,
) -> ActionDraft:
    status, done_on = action_fate(rng, opened_on=opened_on, due_on=due_on, today=scene.today)
    level = "gtr" if domain == "relogement" else "technical"
    return ActionDraft(
        title=title[:300],
        owner=owner,
        owner_name=function or function_of(owner, level, scene.rng("fonction", "action", owner.name)),
        due_on=due_on,
        status=status,
        done_on=done_on,
        owner_user=account_to_remind(scene, owner, domain, rng),
        opened_on=opened_on,
    )


def account_to_remind(scene: Scene, owner: Organisation, domain: str, rng: random.Random) -> User | None:
    """For most actions of the Métropole, a demo account to remind: the relogement referent's for
    relogement, the mission team's otherwise."""
    if owner.kind != K.EPCI:
        return None
    wanted = rng.random() < 0.7
    if domain == "relogement":
        return scene.users["referent"]
    return scene.users["mission"] if wanted else None


def set_reminder_dates(scene: Scene, drafts: list[ActionDraft]) -> None:
    """Three open actions of the latest séances fall due within the coming week, and two older ones fell
    due about a week ago, each with an account to remind: reminders before and after the due date then
    have something to send whatever the reference date."""
    open_drafts = sorted(
        (d for d in drafts if d.status in (A.TODO, A.IN_PROGRESS)),
        key=lambda d: (d.opened_on, d.title),
        reverse=True,
    )
    coming = open_drafts[:3]
    late = [d for d in open_drafts[3:] if d.opened_on <= scene.today - days(20)][:2]
    for offset, draft in zip((1, 3, 5, -10, -8), [*coming, *late], strict=False):
        draft.due_on = open_day(scene.today + days(offset), saturday=False)
        draft.owner_user = draft.owner_user or scene.users["mission"]


def sync_actions(scene: Scene, drafts: list[ActionDraft]) -> None:
    """Create missing actions and move the others forward; an action is found by title and due date, or
    (its due date having moved) by decision and title."""
    existing = list(Action.objects.filter(programme=scene.programme))
    by_key = {(action.title, action.due_on): action for action in existing}
    by_decision = {(action.decision_id, action.title): action for action in existing if action.decision_id}
    seen = set()
    for draft in drafts:
        if (draft.title, draft.due_on) in seen:
            continue
        seen.add((draft.title, draft.due_on))
        action = by_key.get((draft.title, draft.due_on))
        if action is None and draft.decision is not None:
            action = by_decision.get((draft.decision.pk, draft.title))
        if action is None:
            create_action(scene, draft)
        else:
            advance_action(scene, action, draft)


def create_action(scene: Scene, draft: ActionDraft) -> Action:
    return services.action_create(
        programme=scene.programme,
        title=draft.title,
        owner_organisation=draft.owner,
        due_on=draft.due_on,
        owner_name=draft.owner_name,
        owner_user=draft.owner_user,
        status=draft.status,
        done_on=draft.done_on,
        sector=draft.sector,
        operation=draft.operation,
        meeting=draft.meeting,
        decision=draft.decision,
        description=draft.description,
    )


def advance_action(scene: Scene, action: Action, draft: ActionDraft) -> None:
    """Move the due date when it moved, and the status forward only."""
    fields: dict[str, Any] = {"due_on": draft.due_on} if action.due_on != draft.due_on else {}
    steps = []
    if ACTION_RANK[draft.status] > ACTION_RANK[action.status]:
        steps = services.ACTION_LIFECYCLE.path(action.status, draft.status) or []
    for step in steps[:-1]:
        action = services.action_update(action=action, status=step, today=scene.today)
    if steps:
        fields["status"] = steps[-1]
        if steps[-1] == A.DONE:
            fields["done_on"] = draft.done_on
    if fields:
        services.action_update(action=action, today=scene.today, **fields)


# --- Concertation -------------------------------------------------------------------------------------------


@dataclass
class EventDraft:
    kind: str
    theme: str
    title: str
    held_on: datetime.date
    sector: Sector
    residents: int
    conseil_citoyen: int
    partners: int
    summary: str


def scaled(count: int, scene: Scene) -> int:
    return round(count * len(scene.sectors) / 4)


def event_draft(scene: Scene, rng: random.Random, *, year: int, month: int, sector: Sector) -> EventDraft:
    kinds = list(data.EVENT_WEIGHTS)
    kind = rng.choices(kinds, weights=[data.EVENT_WEIGHTS[k] for k in kinds])[0]
    theme, title, summary = rng.choice(data.EVENTS[kind])
    place = rng.choice(scene.places(sector))
    held_on = open_day(datetime.date(year, month, rng.randint(1, 28)))
    residents, council, partners = (rng.randint(*bounds) for bounds in data.EVENT_ATTENDANCE[kind])
    names = {"sector": sector.name, "place": place}
    return EventDraft(
        kind=kind,
        theme=theme,
        title=title.format(**names),
        held_on=held_on,
        sector=sector,
        residents=residents,
        conseil_citoyen=council,
        partners=partners,
        summary=summary.format(residents=residents, **names),
    )


def event_drafts(scene: Scene) -> list[EventDraft]:
    """Public events of the months of the past year (the month's count by the catalogue, sectors in
    turn), each from its own random stream; those outside the year are left to the caller."""
    drafts = []
    for year, month in months_between(scene.start, scene.today):
        for index in range(scaled(data.EVENTS_PER_MONTH[month], scene)):
            rng = scene.rng("concertation", year, month, index)
            sector = scene.sectors[(year * 12 + month + index * 3) % len(scene.sectors)]
            drafts.append(event_draft(scene, rng, year=year, month=month, sector=sector))
    return list({(draft.title, draft.held_on): draft for draft in drafts}.values())


def sync_events(scene: Scene, drafts: list[EventDraft]) -> dict[tuple[str, datetime.date], PublicEvent]:
    events = {(e.title, e.held_on): e for e in PublicEvent.objects.filter(programme=scene.programme)}
    for draft in drafts:
        if (draft.title, draft.held_on) not in events:
            events[(draft.title, draft.held_on)] = services.public_event_record(
                programme=scene.programme,
                title=draft.title,
                kind=draft.kind,
                theme=draft.theme,
                held_on=draft.held_on,
                sector=draft.sector,
                residents=draft.residents,
                conseil_citoyen=draft.conseil_citoyen,
                partners=draft.partners,
                summary=draft.summary,
            )
    return events


@dataclass
class FeedbackDraft:
    theme: str
    text: str
    received_on: datetime.date
    sector: Sector
    status: str
    answer: str
    answered_on: datetime.date | None
    event: EventDraft | None = None
    action: ActionDraft | None = None


def feedback_status(
    scene: Scene, rng: random.Random, *, received_on: datetime.date, answered_on, has_action: bool
) -> str:
    closing, examined = rng.random(), rng.random()
    if answered_on and answered_on <= scene.today:
        return FB.CLOSED if answered_on + days(60) <= scene.today and closing < 0.4 else FB.ANSWERED
    if has_action or (received_on + days(10) <= scene.today and examined < 0.3):
        return FB.IN_PROGRESS
    return FB.RECEIVED


def feedback_action(
    scene: Scene, rng: random.Random, template, *, received_on: datetime.date, sector: Sector, place: str
) -> ActionDraft | None:
    wanted, delay = rng.random() < 0.4, rng.randint(20, 60)
    if template is None or not wanted or received_on + days(5) > scene.today:
        return None
    title, token = template
    action = new_action(
        scene,
        title=title.format(sector=sector.name, place=place),
        owner=scene.directory.one(token, [sector], rng),
        function="",
        domain="",
        opened_on=received_on + days(5),
        due_on=open_day(received_on + days(delay), saturday=False),
        rng=rng,
    )
    action.sector = sector
    return action


def feedback_draft(scene: Scene, rng: random.Random, row, *, year: int, month: int, events) -> FeedbackDraft:
    theme, text, answer, template = row
    at_event = rng.random() < 0.3
    event = rng.choice(events) if events and at_event else None
    sector = event.sector if event else rng.choice(scene.sectors)
    received_on = event.held_on if event else open_day(datetime.date(year, month, rng.randint(1, 28)))
    place = rng.choice(scene.places(sector))
    answered_on = open_day(received_on + days(rng.randint(6, 50)), saturday=False)
    answered_on = answered_on if rng.random() < 0.62 else None
    action = feedback_action(scene, rng, template, received_on=received_on, sector=sector, place=place)
    status = feedback_status(
        scene, rng, received_on=received_on, answered_on=answered_on, has_action=action is not None
    )
    names = {"sector": sector.name, "place": place}
    return FeedbackDraft(
        theme, text.format(**names), received_on, sector, status, answer, answered_on, event, action
    )


def feedback_drafts(scene: Scene, events: list[EventDraft]) -> list[FeedbackDraft]:
    """Residents' remarks of the past year: the month's stream picks the catalogue's rows, each remark
    draws the rest from its own stream (some are made at the month's events)."""
    drafts = []
    for year, month in months_between(scene.start, scene.today):
        month_events = [e for e in events if (e.held_on.year, e.held_on.month) == (year, month)]
        count = min(scaled(data.FEEDBACK_PER_MONTH[month], scene), len(data.FEEDBACK))
        rows = scene.rng("remontees", year, month).sample(range(len(data.FEEDBACK)), k=count)
        for index in rows:
            rng = scene.rng("remontee", year, month, index)
            row = data.FEEDBACK[index]
            drafts.append(feedback_draft(scene, rng, row, year=year, month=month, events=month_events))
    drafts = [draft for draft in drafts if scene.in_past_year(draft.received_on)]
    return list({(draft.received_on, draft.text): draft for draft in drafts}.values())


def sync_feedback(scene: Scene, drafts: list[FeedbackDraft], events) -> None:
    existing = {
        (f.received_on, f.text): f
        for f in Feedback.objects.filter(programme=scene.programme).select_related("action")
    }
    for draft in drafts:
        feedback = existing.get((draft.received_on, draft.text))
        if feedback is None:
            event = events.get((draft.event.title, draft.event.held_on)) if draft.event else None
            feedback = services.feedback_record(
                programme=scene.programme,
                text=draft.text,
                theme=draft.theme,
                received_on=draft.received_on,
                sector=draft.sector,
                event=event,
            )
        sync_feedback_action(scene, feedback, draft)
        advance_feedback(feedback, draft)


def sync_feedback_action(scene: Scene, feedback: Feedback, draft: FeedbackDraft) -> None:
    if draft.action is None:
        return
    if feedback.action_id:
        advance_action(scene, feedback.action, draft.action)
        return
    action = services.feedback_to_action(
        feedback=feedback,
        owner_organisation=draft.action.owner,
        due_on=draft.action.due_on,
        title=draft.action.title,
    )
    fields = {"owner_name": draft.action.owner_name, "owner_user": draft.action.owner_user}
    action = services.action_update(action=action, today=scene.today, **fields)
    advance_action(scene, action, draft.action)


def advance_feedback(feedback: Feedback, draft: FeedbackDraft) -> None:
    if FEEDBACK_RANK[draft.status] <= FEEDBACK_RANK[feedback.status]:
        return
    answer = {"answer": draft.answer, "answered_on": draft.answered_on} if draft.answered_on else {}
    for step in services.FEEDBACK_LIFECYCLE.path(feedback.status, draft.status) or []:
        feedback = services.feedback_update(feedback=feedback, status=step, **answer)


# --- Entry point --------------------------------------------------------------------------------------------


def seed_governance(programme: Programme, *, target, today: datetime.date, log: Log = print) -> None:
    """Bodies, séances, decisions, actions and concertation of a seeded programme (demo or metro)."""
    scene = build_scene(programme, target=target, today=today)
    seats = [ensure_body(scene, plan) for plan in body_plans(target.key, scene.sectors)]
    tally = sync_sittings(scene, plan_sittings(scene, seats))
    events = event_drafts(scene)
    feedback = feedback_drafts(scene, events)
    set_reminder_dates(scene, tally.actions)
    sync_actions(scene, tally.actions)
    events = [event for event in events if scene.in_past_year(event.held_on)]
    sync_feedback(scene, feedback, sync_events(scene, events))
    log_counts(scene, log)


def log_counts(scene: Scene, log: Log) -> None:
    programme, S = scene.programme, MeetingStatus
    meetings = Meeting.objects.filter(body__programme=programme).aggregate(
        held=Count("pk", filter=Q(status=S.HELD)),
        planned=Count("pk", filter=Q(status=S.PLANNED)),
        cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
    )
    actions = Action.objects.filter(programme=programme)
    feedback = Feedback.objects.filter(programme=programme)
    answered = feedback.filter(status__in=[FB.ANSWERED, FB.CLOSED]).count()
    log(
        f"  {programme.bodies.count()} instances, {sum(meetings.values())} séances ({meetings['held']} "
        f"tenues, {meetings['planned']} prévues, {meetings['cancelled']} annulée"
        f"{'s' if meetings['cancelled'] > 1 else ''}), "
        f"{Decision.objects.filter(meeting__body__programme=programme).count()} décisions"
    )
    log(f"  {actions.count()} actions dont {actions.overdue(scene.today).count()} en retard")
    log(
        f"  {programme.public_events.count()} temps de concertation, {feedback.count()} remontées "
        f"d'habitants dont {answered} avec réponse et {feedback.exclude(action=None).count()} suivies "
        "d'une action"
    )
