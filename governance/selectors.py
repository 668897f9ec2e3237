"""Reads of governance and concertation: scoped querysets, the calendar, the preparation of a séance and
the concertation figures. One SQL aggregate per figure, never a Python loop over rows of the database."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, Max, Min, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionQuerySet,
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Feedback,
    Meeting,
    MeetingStatus,
    PublicEvent,
    PublicEventKind,
    Theme,
)
from projects.models import CONFIDENTIALITY_BY_ROLE, Document, Operation, Programme

# --- Scoped querysets -------------------------------------------------------------------------------


def visible_bodies(*, user, programme: Programme) -> QuerySet[Body]:
    return Body.objects.visible_to(user).filter(programme=programme)


def visible_meetings(*, user, programme: Programme) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).filter(body__programme=programme)


def visible_decisions(*, user, programme: Programme) -> QuerySet[Decision]:
    return Decision.objects.visible_to(user).filter(meeting__body__programme=programme)


def visible_actions(*, user, programme: Programme) -> QuerySet[Action]:
    return Action.objects.visible_to(user).filter(programme=programme)


def visible_events(*, user, programme: Programme) -> QuerySet[PublicEvent]:
    return PublicEvent.objects.visible_to(user).filter(programme=programme)


def visible_feedbacks(*, user, programme: Programme) -> QuerySet[Feedback]:
    return Feedback.objects.visible_to(user).filter(programme=programme)


# --- Bodies -----------------------------------------------------------------------------------------


def bodies_with_list_data(bodies: QuerySet[Body], *, now: datetime.datetime | None = None) -> QuerySet[Body]:
    """Bodies with their sectors, chair and the dates of their next and last séances (query + prefetch)."""
    now = now or timezone.now()
    return (
        bodies.select_related("chair")
        .prefetch_related("sectors")
        .annotate(
            next_meeting_at=Min(
                "meetings__starts_at",
                filter=Q(meetings__starts_at__gte=now) & ~Q(meetings__status=MeetingStatus.CANCELLED),
            ),
            last_meeting_at=Max(
                "meetings__starts_at",
                filter=Q(meetings__starts_at__lt=now) & ~Q(meetings__status=MeetingStatus.CANCELLED),
            ),
        )
        .order_by("kind", "name", "pk")
    )


def body_meetings(body: Body, *, now: datetime.datetime | None = None, past_limit: int = 12):
    """(upcoming séances, the last past séances) of a body."""
    now = now or timezone.now()
    meetings = body.meetings.annotate(decision_count=Count("decisions"))
    upcoming = meetings.filter(starts_at__gte=now).order_by("starts_at", "pk")
    past = meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:past_limit]
    return upcoming, past


# --- Calendar ---------------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    meetings: list[Meeting] = field(default_factory=list)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware start of the month and of the next one, in the current time zone (Europe/Paris)."""
    start = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(following, datetime.time.min)),
    )


def meetings_of_month(meetings: QuerySet[Meeting], *, year: int, month: int) -> list[Meeting]:
    start, end = month_bounds(year, month)
    return list(
        meetings.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("body")
        .order_by("starts_at", "pk")
    )


def month_grid(meetings: list[Meeting], *, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its séances (already fetched, in order)."""
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localdate(meeting.starts_at), []).append(meeting)
    return [
        [
            CalendarDay(day, day.month == month, by_day.get(day, []) if day.month == month else [])
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def meetings_for_feed(*, user, since: datetime.datetime) -> QuerySet[Meeting]:
    """Every séance the user may see, in all their programmes, for a calendar subscription."""
    return (
        Meeting.objects.visible_to(user)
        .filter(starts_at__gte=since)
        .select_related("body", "body__programme")
        .prefetch_related(Prefetch("agenda_items", AgendaItem.objects.order_by("order", "pk")))
        .order_by("starts_at", "pk")
    )


# --- Séance -----------------------------------------------------------------------------------------


def meeting_with_detail_data(meetings: QuerySet[Meeting], *, user) -> QuerySet[Meeting]:
    visible_actions_qs = (
        Action.objects.visible_to(user)
        .select_related("owner_organisation", "sector")
        .order_by("due_on", "pk")
    )
    return meetings.select_related("body", "body__programme").prefetch_related(
        Prefetch("agenda_items", AgendaItem.objects.select_related("operation", "presenter")),
        Prefetch("attendances", Attendance.objects.select_related("organisation")),
        Prefetch(
            "decisions",
            Decision.objects.select_related("sector", "operation").prefetch_related(
                Prefetch("actions", visible_actions_qs)
            ),
        ),
        Prefetch("actions", visible_actions_qs.select_related("decision"), to_attr="visible_actions"),
    )


def meeting_documents(*, meeting: Meeting, user, membership) -> QuerySet[Document]:
    """Documents of a séance the user may open: the séance is already in their scope, so only the
    confidentiality level of each document filters them (a partner never opens an internal note)."""
    documents = Document.objects.attached_to(meeting).filter(programme_id=meeting.body.programme_id)
    if user.is_superuser:
        return documents
    if membership is None or membership.programme_id != meeting.body.programme_id:
        return documents.none()
    return documents.filter(confidentiality__in=CONFIDENTIALITY_BY_ROLE[membership.role])


# --- Actions ----------------------------------------------------------------------------------------


def actions_for_board(actions: ActionQuerySet, *, today: datetime.date) -> QuerySet[Action]:
    """Overdue actions first, then by due date; `is_overdue` is annotated for the table."""
    return (
        actions.with_board_data()
        .annotate(
            is_overdue=Case(
                When(Q(status__in=OPEN_ACTION_STATUSES) & Q(due_on__lt=today), then=Value(True)),
                default=Value(False),
            )
        )
        .order_by("-is_overdue", "due_on", "pk")
    )


def action_counts(actions: QuerySet[Action], *, today: datetime.date) -> dict[str, int]:
    return actions.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)),
    )


# --- Preparing the next séance of a body ------------------------------------------------------------


@dataclass
class AgendaCandidate:
    """One proposed agenda line. `lines` lists what it gathers (shown under it, and written as the
    item's description), so that open items are grouped and each appears once."""

    key: str
    title: str
    description: str = ""
    operation: Operation | None = None
    presenter_id: int | None = None
    checked: bool = True
    detail: str = ""
    lines: list[str] = field(default_factory=list)

    def as_item(self) -> dict:
        return {
            "title": self.title[:300],
            "description": self.description or "\n".join(self.lines),
            "operation": self.operation,
            "presenter_id": self.presenter_id,
        }


@dataclass
class MeetingProposal:
    starts_at: datetime.datetime
    last_meeting: Meeting | None
    openers: list[AgendaCandidate]
    follow_ups: list[AgendaCandidate]
    sectors: list[AgendaCandidate]
    closers: list[AgendaCandidate]
    upcoming_meeting: Meeting | None = None

    @property
    def groups(self) -> list[tuple[str, str, list[AgendaCandidate]]]:
        return [
            ("ouverture", "Ouverture de séance", self.openers),
            ("suites", "Suites de la dernière séance", self.follow_ups),
            ("quartiers", "Point d'avancement par quartier", self.sectors),
            ("cloture", "Clôture", self.closers),
        ]

    @property
    def candidates(self) -> list[AgendaCandidate]:
        return [candidate for _key, _label, group in self.groups for candidate in group]


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def proposed_start(body: Body, last: Meeting | None, *, now: datetime.datetime) -> datetime.datetime:
    """Last séance + periodicity (kept in the future, moved off week-ends); two weeks ahead otherwise."""
    if last is not None:
        start = timezone.localtime(last.starts_at)
    else:
        start = timezone.localtime(now).replace(hour=9, minute=30, second=0, microsecond=0)
    if body.periodicity_months:
        start = add_months(start, body.periodicity_months)
        while start <= now:
            start = add_months(start, body.periodicity_months)
    else:
        start = max(start, timezone.localtime(now)).replace(second=0, microsecond=0)
        start += datetime.timedelta(days=14)
    while start.weekday() >= 5:
        start += datetime.timedelta(days=1)
    return start


def _date(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _action_line(action: dict) -> str:
    late = " — en retard" if action["is_overdue"] else ""
    due = _date(action["due_on"])
    return f"{action['title']} ({action['owner_organisation__name']}, échéance le {due}{late})"


def _listed(lines: list[str], limit: int) -> list[str]:
    """At most `limit` lines, the rest counted on one line."""
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"… et {len(lines) - limit} autre(s)"]


PROPOSAL_ACTION_CAP = 1000  # open actions read for one proposal (a body's scope holds far fewer)


def _counts(*counts: tuple[int, str, str]) -> str:
    """ "2 décisions, 6 actions ouvertes, 2 en retard": each (count, singular, plural) but the zeros."""
    return ", ".join(_plural(count, singular, plural) for count, singular, plural in counts if count)


def meeting_proposal(
    *, body: Body, user, now: datetime.datetime | None = None, listed_limit: int = 8
) -> MeetingProposal:
    """The next séance's date and a short draft agenda, each open item once:

    - the approval of the last séance's relevé;
    - one line for the follow-up of the last séance: its decisions whose actions are still open, with
      those actions;
    - one line per quartier of the body's scope (and one for the programme scale) gathering, operation
      by operation, the operations at risk and the other open actions; ticked when something is late,
      at risk or due by the séance, left unticked otherwise;
    - questions diverses.
    """
    now = now or timezone.now()
    sector_ids = list(body.sectors.values_list("pk", flat=True))
    scheduled = body.meetings.exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at", "-pk")
    last = scheduled.filter(starts_at__lt=now).first()
    upcoming = list(scheduled.filter(starts_at__gte=now).reverse()[:1])
    # After the latest séance already on the calendar, so that preparing twice does not propose the same day.
    starts_at = proposed_start(body, scheduled.first(), now=now)

    openers = []
    if last is not None:
        openers.append(
            AgendaCandidate(
                "relevé",
                "Approbation du relevé de décisions de la séance du "
                f"{_date(timezone.localdate(last.starts_at))}",
            )
        )
    open_actions = _proposal_open_actions(body=body, user=user, sector_ids=sector_ids, now=now)
    follow_ups, followed = _follow_up_candidates(last, open_actions, listed_limit=listed_limit)
    sectors = _sector_entries(
        body=body,
        user=user,
        sector_ids=sector_ids,
        actions=[action for action in open_actions if action["pk"] not in followed],
        due_by=timezone.localdate(starts_at),
    )
    candidates = [
        _sector_candidate(sector_id, entry, listed_limit=listed_limit)
        for sector_id, entry in sorted(sectors.items(), key=lambda item: (item[0] is None, item[1]["name"]))
    ]
    closers = [AgendaCandidate("divers", "Questions diverses")]
    return MeetingProposal(
        starts_at,
        last,
        openers,
        follow_ups,
        candidates,
        closers,
        upcoming_meeting=upcoming[0] if upcoming else None,
    )


def _proposal_open_actions(*, body: Body, user, sector_ids: list[int], now: datetime.datetime) -> list[dict]:
    """The open actions of the body's scope (decided by the body, or of its quartiers; the whole
    programme for a programme body), late first, as the few values the agenda lines name."""
    in_scope = Q(meeting__body=body)
    if sector_ids:
        in_scope |= Q(sector__in=sector_ids)
    else:
        in_scope = Q()
    return list(
        actions_for_board(
            Action.objects.visible_to(user).filter(programme_id=body.programme_id).open().filter(in_scope),
            today=timezone.localdate(now),
        ).values(  # type: ignore[misc]  # `is_overdue` is annotated by actions_for_board
            "pk",
            "title",
            "due_on",
            "is_overdue",
            "decision_id",
            "sector_id",
            "sector__name",
            "operation_id",
            "owner_organisation__name",
        )[:PROPOSAL_ACTION_CAP]
    )


def _follow_up_candidates(
    last: Meeting | None, open_actions: list[dict], *, listed_limit: int
) -> tuple[list[AgendaCandidate], set[int]]:
    """The follow-up of the last séance (its decisions with open actions, those actions under them),
    and the actions it gathers (not repeated in the quartiers' points)."""
    followed: set[int] = set()
    if last is None:
        return [], followed
    decisions = list(
        last.decisions.filter(actions__status__in=OPEN_ACTION_STATUSES).distinct().order_by("order", "pk")
    )
    if not decisions:
        return [], followed
    lines = []
    for decision in decisions:
        actions = [action for action in open_actions if action["decision_id"] == decision.pk]
        followed.update(action["pk"] for action in actions)
        lines.append(f"Décision : {decision.text[:200]}")
        lines += [f"  · {_action_line(action)}" for action in actions]
    late = sum(1 for action in open_actions if action["pk"] in followed and action["is_overdue"])
    candidate = AgendaCandidate(
        "suites",
        f"Suites des décisions de la séance du {_date(timezone.localdate(last.starts_at))}",
        lines=_listed(lines, listed_limit * 2),
        detail=_counts(
            (len(decisions), "décision", "décisions"),
            (len(followed), "action ouverte", "actions ouvertes"),
            (late, "en retard", "en retard"),
        ),
    )
    return [candidate], followed


def _sector_entries(
    *, body: Body, user, sector_ids: list[int], actions: list[dict], due_by: datetime.date
) -> dict[int | None, dict]:
    """Per quartier (None: the programme scale): its operations at risk, its open actions, and whether
    something there is at risk, late or due by the séance (the point is then ticked)."""
    at_risk = Operation.objects.visible_to(user).filter(programme_id=body.programme_id, at_risk=True)
    if sector_ids:
        at_risk = at_risk.filter(sector__in=sector_ids)
    risky = list(at_risk.select_related("sector", "moa").order_by("identifier", "pk")[:PROPOSAL_ACTION_CAP])
    sectors: dict[int | None, dict] = {}

    def bucket(sector_id, sector_name) -> dict:
        return sectors.setdefault(
            sector_id, {"name": sector_name or NO_SECTOR, "risky": [], "actions": [], "urgent": False}
        )

    for operation in risky:
        entry = bucket(operation.sector_id, operation.sector.name if operation.sector_id else None)
        entry["risky"].append(operation)
        entry["urgent"] = True
    for action in actions:
        entry = bucket(action["sector_id"], action["sector__name"])
        entry["actions"].append(action)
        entry["urgent"] = entry["urgent"] or action["is_overdue"] or action["due_on"] <= due_by
    return sectors


def _sector_candidate(sector_id: int | None, entry: dict, *, listed_limit: int) -> AgendaCandidate:
    """A quartier's point: each operation at risk with its open actions under it, then the other
    actions."""
    lines = []
    for operation in entry["risky"]:
        with_actions = [a for a in entry["actions"] if a["operation_id"] == operation.pk]
        suffix = (
            f" ; {_plural(len(with_actions), 'action ouverte', 'actions ouvertes')}" if with_actions else ""
        )
        reason = f" ({operation.at_risk_reason})" if operation.at_risk_reason else ""
        lines.append(f"{operation.identifier} — {operation.label} : livraison à risque{reason}{suffix}")
        lines += [f"  · {_action_line(action)}" for action in with_actions]
    risky_here = {operation.pk for operation in entry["risky"]}
    others = [a for a in entry["actions"] if a["operation_id"] not in risky_here]
    lines += [_action_line(action) for action in others]
    late = sum(1 for action in entry["actions"] if action["is_overdue"])
    only_operation = entry["risky"][0] if len(entry["risky"]) == 1 and not others else None
    return AgendaCandidate(
        f"quartier-{sector_id or 'programme'}",
        f"Point d'avancement : {entry['name']}",
        operation=only_operation,
        presenter_id=only_operation.moa_id if only_operation else None,
        checked=entry["urgent"],
        lines=_listed(lines, listed_limit),
        detail=_counts(
            (len(entry["risky"]), "opération à risque", "opérations à risque"),
            (len(entry["actions"]), "action ouverte", "actions ouvertes"),
            (late, "en retard", "en retard"),
        ),
    )


# --- Concertation -----------------------------------------------------------------------------------

NO_SECTOR = "Échelle du programme"


@dataclass
class AttendanceRow:
    key: str
    label: str
    events: int = 0
    residents: int = 0
    conseil_citoyen: int = 0
    partners: int = 0

    @property
    def total(self) -> int:
        return self.residents + self.conseil_citoyen + self.partners


@dataclass
class FeedbackRow:
    key: str
    label: str
    events: int = 0
    attendance: int = 0
    received: int = 0
    answered: int = 0

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.received if self.received else None


@dataclass
class ConcertationFigures:
    by_kind: list[AttendanceRow]
    by_sector: list[FeedbackRow]
    by_theme: list[FeedbackRow]
    totals: AttendanceRow
    feedback_received: int
    feedback_answered: int

    @property
    def answered_share(self) -> float | None:
        return self.feedback_answered / self.feedback_received if self.feedback_received else None


ANSWERED = ~Q(answer="")


def _attendance_sums():
    return {
        "n": Count("pk"),
        "residents_sum": Coalesce(Sum("residents"), 0),
        "conseil_sum": Coalesce(Sum("conseil_citoyen"), 0),
        "partners_sum": Coalesce(Sum("partners"), 0),
    }


def concertation_figures(
    *, events: QuerySet[PublicEvent], feedbacks: QuerySet[Feedback]
) -> ConcertationFigures:
    """Events and attendance by kind, events and remontées by sector and by theme (five aggregates)."""
    by_kind = {kind: AttendanceRow(kind, label) for kind, label in PublicEventKind.choices}
    for row in events.values("kind").annotate(**_attendance_sums()).order_by():
        entry = by_kind[row["kind"]]
        entry.events, entry.residents = row["n"], row["residents_sum"]
        entry.conseil_citoyen, entry.partners = row["conseil_sum"], row["partners_sum"]
    totals = AttendanceRow("total", "Total")
    for entry in by_kind.values():
        totals.events += entry.events
        totals.residents += entry.residents
        totals.conseil_citoyen += entry.conseil_citoyen
        totals.partners += entry.partners

    by_sector: dict[int | None, FeedbackRow] = {}

    def sector_row(sector_id, name) -> FeedbackRow:
        return by_sector.setdefault(sector_id, FeedbackRow(str(sector_id or ""), name or NO_SECTOR))

    for row in events.values("sector_id", "sector__name").annotate(**_attendance_sums()).order_by():
        feedback_row = sector_row(row["sector_id"], row["sector__name"])
        feedback_row.events = row["n"]
        feedback_row.attendance = row["residents_sum"] + row["conseil_sum"] + row["partners_sum"]
    feedback_sums = {"received_n": Count("pk"), "answered_n": Count("pk", filter=ANSWERED)}
    for row in feedbacks.values("sector_id", "sector__name").annotate(**feedback_sums).order_by():
        feedback_row = sector_row(row["sector_id"], row["sector__name"])
        feedback_row.received, feedback_row.answered = row["received_n"], row["answered_n"]

    by_theme = {theme: FeedbackRow(theme, label) for theme, label in Theme.choices}
    for row in events.values("theme").annotate(**_attendance_sums()).order_by():
        feedback_row = by_theme[row["theme"]]
        feedback_row.events = row["n"]
        feedback_row.attendance = row["residents_sum"] + row["conseil_sum"] + row["partners_sum"]
    for row in feedbacks.values("theme").annotate(**feedback_sums).order_by():
        feedback_row = by_theme[row["theme"]]
        feedback_row.received, feedback_row.answered = row["received_n"], row["answered_n"]

    themes = [row for row in by_theme.values() if row.events or row.received]
    return ConcertationFigures(
        by_kind=list(by_kind.values()),
        by_sector=sorted(by_sector.values(), key=lambda row: (row.key == "", row.label)),
        by_theme=themes,
        totals=totals,
        feedback_received=sum(row.received for row in themes),
        feedback_answered=sum(row.answered for row in themes),
    )


def concertation_years(
    *, events: QuerySet[PublicEvent], feedbacks: QuerySet[Feedback], today: datetime.date
) -> list[int]:
    years = {today.year}
    years.update(day.year for day in events.dates("held_on", "year"))
    years.update(day.year for day in feedbacks.dates("received_on", "year"))
    return sorted(years, reverse=True)


def attendance_chart_rows(figures: ConcertationFigures) -> list[dict]:
    publics = [
        ("residents", "Habitants"),
        ("conseil_citoyen", "Conseil citoyen"),
        ("partners", "Partenaires"),
    ]
    return [
        {"kind": row.label, "public": label, "count": getattr(row, name), "order": index}
        for row in figures.by_kind
        if row.events
        for index, (name, label) in enumerate(publics)
        if getattr(row, name)
    ]


def feedback_chart_rows(figures: ConcertationFigures) -> list[dict]:
    return [
        {"theme": row.label, "stage": stage, "count": value}
        for row in figures.by_theme
        if row.received
        for stage, value in (("Reçues", row.received), ("Réponse apportée", row.answered))
    ]


# --- PDF packs (read by governance/reports.py) ------------------------------------------------------


def _sector_bodies(sector) -> QuerySet[Body]:
    return Body.objects.filter(sectors=sector)


def pack_meetings(
    *, programme: Programme, sector, start: datetime.date, end: datetime.date
) -> QuerySet[Meeting]:
    """Séances of the period: the programme's, or for a sector those of the bodies that cover it."""
    meetings = Meeting.objects.filter(
        body__programme=programme, starts_at__date__gte=start, starts_at__date__lte=end
    )
    if sector is not None:
        meetings = meetings.filter(body__in=_sector_bodies(sector))
    return (
        meetings.select_related("body")
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("starts_at", "pk")
    )


def pack_decisions(
    *, programme: Programme, sector, start: datetime.date, end: datetime.date
) -> QuerySet[Decision]:
    """Decisions taken in the period; for a sector, those about it or taken by a body that covers it."""
    decisions = Decision.objects.filter(
        meeting__body__programme=programme,
        meeting__starts_at__date__gte=start,
        meeting__starts_at__date__lte=end,
    )
    if sector is not None:
        decisions = decisions.filter(
            Q(sector=sector) | Q(sector__isnull=True, meeting__body__in=_sector_bodies(sector))
        )
    return decisions.select_related("meeting__body", "sector", "operation").order_by(
        "meeting__starts_at", "meeting_id", "order", "pk"
    )


def pack_actions(*, programme: Programme, sector) -> QuerySet[Action]:
    """Actions of the programme, or of one sector."""
    actions = Action.objects.filter(programme=programme)
    return actions.filter(sector=sector) if sector is not None else actions


def actions_done_between(actions: QuerySet[Action], *, start: datetime.date, end: datetime.date) -> int:
    from governance.models import ActionStatus

    return actions.filter(status=ActionStatus.DONE, done_on__gte=start, done_on__lte=end).count()


def last_minutes(*, programme: Programme, sector, body_kind: str, until: datetime.date) -> Meeting | None:
    """The latest séance with minutes held by a body of this kind at the pack's level: for a sector, a
    body covering that sector; for the whole programme, a body of the whole programme (no sector), never
    a sector's body of the same kind (a programme COPIL does not print a quartier COPIL's minutes)."""
    meetings = Meeting.objects.filter(
        body__programme=programme,
        body__kind=body_kind,
        status=MeetingStatus.HELD,
        starts_at__date__lte=until,
    ).exclude(minutes="")
    if sector is not None:
        meetings = meetings.filter(body__in=_sector_bodies(sector))
    else:
        meetings = meetings.filter(body__in=Body.objects.filter(programme=programme, sectors__isnull=True))
    return meetings.select_related("body").order_by("-starts_at", "-pk").first()


def pack_events(
    *, programme: Programme, sector, start: datetime.date, end: datetime.date
) -> QuerySet[PublicEvent]:
    events = PublicEvent.objects.filter(programme=programme, held_on__gte=start, held_on__lte=end)
    return events.filter(sector=sector) if sector is not None else events


def pack_feedbacks(
    *, programme: Programme, sector, start: datetime.date, end: datetime.date
) -> QuerySet[Feedback]:
    feedbacks = Feedback.objects.filter(programme=programme, received_on__gte=start, received_on__lte=end)
    return feedbacks.filter(sector=sector) if sector is not None else feedbacks
