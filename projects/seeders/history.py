"""A backdated history for the seeded programmes, so that the demo tells a multi-year story.

Without it, every operation and funding line of the demo would have been "created" on the seeding day,
and a revue de projet would find nothing at 31 December of the previous year. Here each operation gets
the status path it would have followed (created "étude" when its convention was signed, "programmée"
a year before its planned start, "engagée" at its planned start, "en travaux" at its actual start,
"livrée" at its actual end, "soldée" some years later, or "abandonnée" when the avenant said so), each
funding line its planned amount from the operation's creation, its commitments (in one or two tranches)
and its payments (one a year) up to today's amounts, and each milestone its creation and completion.

They are written as django-pghistory events with backdated `pgh_created_at`, under a context of their
own ("Reprise de l'historique (démo)", shown as the author in an operation's history). The last event of
each object holds the object exactly as it is. Only objects whose history is the seeder's own (events
written by `seed_demo` or by this module) are rewritten, so a person's changes are never touched; a
second run on the same day computes the same events and writes nothing.
"""

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

import pghistory.models
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from core.seeding import SEED_SOURCE, SeedRun
from projects.models import FundingLine, Milestone, Operation, OperationStatus, Programme
from projects.semesters import add_semesters, semester_first_day

S = OperationStatus
HISTORY_SOURCE = "Reprise de l'historique (démo)"
# The order an operation goes through, as the lifecycle allows it step by step.
PATH = [S.ETUDE, S.PROGRAMMEE, S.ENGAGEE, S.TRAVAUX, S.LIVREE, S.SOLDEE]
# Progress shown at each step before the current one (never above today's).
STEP_PROGRESS = {S.ETUDE: 5, S.PROGRAMMEE: 10, S.ENGAGEE: 20, S.TRAVAUX: 40, S.LIVREE: 100, S.SOLDEE: 100}
ABANDON_MILESTONE = "Abandon acté par avenant"
MOMENT_HOUR = 10
MIN_GAP = datetime.timedelta(days=15)  # between two steps of one object


def history_context(programme: Programme) -> pghistory.models.Context:
    """The context of a programme's backdated events: one row, the same on every run."""
    context_id = uuid.uuid5(uuid.NAMESPACE_URL, f"npru:seed-history:{programme.slug}")
    context, _ = pghistory.models.Context.objects.get_or_create(
        id=context_id, defaults={"metadata": {"source": HISTORY_SOURCE}}
    )
    return context


def moment(day: datetime.date, order: int = 0) -> datetime.datetime:
    """A working-hours instant of a day; `order` keeps the events of one day in sequence."""
    naive = datetime.datetime.combine(day, datetime.time(MOMENT_HOUR)) + datetime.timedelta(minutes=order)
    return timezone.make_aware(naive)


def floor_hundred(value: Decimal) -> Decimal:
    return (value / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100


def days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


@dataclass
class Timeline:
    """When an operation was created and reached each status of its path (dates increasing)."""

    created: datetime.date
    steps: list[tuple[str, datetime.date]] = field(default_factory=list)

    def date_of(self, status: str) -> datetime.date | None:
        return next((day for step, day in self.steps if step == status), None)


def _ordered(dates: list[datetime.date], *, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Each date some weeks after the previous one at least, and none after `last`."""
    result, previous = [], first
    for day in dates:
        day = min(max(day, previous + MIN_GAP), last)
        result.append(day)
        previous = day
    return result


def operation_timeline(
    operation: Operation, *, abandoned_on: datetime.date | None, last: datetime.date, rng: random.Random
) -> Timeline:
    """The dates of an operation's path to its current status, consistent with its semesters."""
    signed = operation.convention.signed_on if operation.convention else None
    planned_start = semester_first_day(operation.planned_start) if operation.planned_start else last
    programmed = (
        semester_first_day(add_semesters(operation.planned_start, -2)) if operation.planned_start else last
    ) + days(rng, 10, 60)
    created = min(signed or planned_start - datetime.timedelta(days=730), last) + days(rng, 0, 30)
    created = min(created, last)
    # inscribed at the convention a few weeks after it was signed when its start was already near
    programmed = max(programmed, created + days(rng, 20, 90))
    if operation.status == S.ABANDONNEE:
        decided = abandoned_on or created + days(rng, 300, 600)
        wanted = [(S.ABANDONNEE, decided)]
        if programmed < decided:
            wanted.insert(0, (S.PROGRAMMEE, programmed))
    else:
        path = PATH[1 : PATH.index(operation.status) + 1] if operation.status in PATH else []
        wanted = []
        for status in path:
            if status == S.PROGRAMMEE:
                day = programmed
            elif status == S.ENGAGEE:
                day = planned_start + days(rng, 5, 50)
            elif status == S.TRAVAUX:
                start = operation.actual_start or operation.planned_start
                day = max(semester_first_day(start) + days(rng, 20, 110), wanted[-1][1] + days(rng, 45, 90))
            elif status == S.LIVREE:
                end = operation.actual_end or operation.planned_end
                day = semester_first_day(end) + days(rng, 60, 170)
            else:  # soldée: the last payments, a year or more after delivery
                delivered = wanted[-1][1]
                spread = min(max((last - delivered).days - 365, 1), 600)
                day = delivered + datetime.timedelta(days=365 + rng.randint(0, spread))
            wanted.append((status, day))
    dates = _ordered([day for _, day in wanted], first=created, last=last)
    return Timeline(created, [(status, day) for (status, _), day in zip(wanted, dates, strict=True)])


def row_of(obj: models.Model) -> dict:
    return {
        model_field.attname: getattr(obj, model_field.attname) for model_field in obj._meta.concrete_fields
    }


def operation_events(operation: Operation, timeline: Timeline) -> list[tuple[datetime.datetime, str, dict]]:
    """(moment, label, row): created as an étude, then one update a status; the last is today's row."""
    current = row_of(operation)
    events = []
    states = [(S.ETUDE, timeline.created), *timeline.steps]
    for index, (status, day) in enumerate(states):
        reached = {step for step, _ in states[: index + 1]}
        row = {**current, "status": status, "updated_at": moment(day)}
        row["progress"] = min(STEP_PROGRESS.get(status, current["progress"]), current["progress"])
        if S.TRAVAUX not in reached:
            row["actual_start"] = ""
        if S.LIVREE not in reached:
            row["actual_end"] = ""
        if index == len(states) - 1:
            row = {**current, "updated_at": moment(day)}
        events.append((moment(day), "insert" if index == 0 else "update", row))
    return events


def funding_events(
    line: FundingLine, timeline: Timeline, *, last: datetime.date, rng: random.Random
) -> list[tuple[datetime.datetime, str, dict]]:
    """The planned amount from the operation's creation; the commitment at "engagée" (the rest at
    "en travaux" when there is one); the payments once a year up to today's amounts, never above what
    was committed at the time."""
    current = row_of(line)
    zero = Decimal(0)
    states = [(timeline.created, zero, zero)]
    engaged, works = timeline.date_of(S.ENGAGEE), timeline.date_of(S.TRAVAUX)
    commitments: list[tuple[datetime.date, Decimal]] = []
    if line.committed and engaged:
        if works and works > engaged and line.committed > 1000:
            commitments.append((engaged + days(rng, 0, 20), floor_hundred(line.committed * Decimal("0.55"))))
            commitments.append((works + days(rng, 0, 20), line.committed))
        else:
            commitments.append((engaged + days(rng, 0, 20), line.committed))
    payments: list[tuple[datetime.date, Decimal]] = []
    if line.paid and commitments:
        first = commitments[0][0] + days(rng, 30, 120)
        settled = timeline.date_of(S.SOLDEE)
        end = max(min(settled or last - days(rng, 0, 150), last), first)
        years = list(range(first.year, end.year + 1))[-6:] or [end.year]
        for number, year in enumerate(years, start=1):
            low = max(first, datetime.date(year, 1, 15))
            high = min(end, datetime.date(year, 12, 10))
            day = (
                end
                if number == len(years)
                else low + datetime.timedelta(days=rng.randint(0, max((high - low).days, 0)))
            )
            amount = line.paid if number == len(years) else floor_hundred(line.paid * number / len(years))
            payments.append((day, amount))
    committed = paid = zero
    steps = sorted(
        [(day, "c", amount) for day, amount in commitments] + [(day, "p", amount) for day, amount in payments]
    )
    for day, kind, amount in steps:
        if kind == "c":
            committed = amount
        else:
            paid = min(amount, committed)
        states.append((day, committed, paid))
    if states[-1][1:] != (line.committed, line.paid):
        states.append((last, line.committed, line.paid))
    dates = _ordered([day for day, _, _ in states[1:]], first=timeline.created, last=last)
    events = []
    for index, ((_, committed, paid), day) in enumerate(zip(states, [timeline.created, *dates], strict=True)):
        row = {**current, "committed": committed, "paid": paid}
        events.append((moment(day, 1), "insert" if index == 0 else "update", row))
    return events


def milestone_events(
    milestone: Milestone, timeline: Timeline, *, last: datetime.date
) -> list[tuple[datetime.datetime, str, dict]]:
    """Created with the operation; done on the day it was done (a step done before the operation was
    recorded, such as a permit filed early, is recorded done)."""
    current = row_of(milestone)
    created = timeline.created
    if milestone.done_on is None or milestone.done_on <= created:
        return [(moment(created, 2), "insert", current)]
    return [
        (moment(created, 2), "insert", {**current, "done_on": None}),
        (moment(min(milestone.done_on, last), 2), "update", current),
    ]


def restore_dates(event_model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """Set the given date columns of events by primary key, a thousand rows a statement."""
    table = connection.ops.quote_name(event_model._meta.db_table)
    columns = [connection.ops.quote_name(name) for name in names]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        values = ", ".join(["(%s::integer" + ", %s::timestamptz" * len(names) + ")"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v(pgh_id, {', '.join(columns)}) "
                f"WHERE {table}.pgh_id = v.pgh_id",
                [value for row in chunk for value in row],
            )


@dataclass
class EventWriter:
    """Replaces the seeder-written events of one model by the wanted ones where they differ."""

    model: type[models.Model]
    context: pghistory.models.Context
    owned_contexts: set
    wanted: dict[int, list[tuple[datetime.datetime, str, dict]]] = field(default_factory=dict)

    @property
    def event_model(self) -> type[models.Model]:
        return apps.get_model("projects", f"{self.model.__name__}Event")

    @staticmethod
    def auto_dates(event_model) -> list[str]:
        return [
            model_field.attname
            for model_field in event_model._meta.concrete_fields
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
        ]

    def write(self) -> int:
        event_model = self.event_model
        columns = [model_field.attname for model_field in self.model._meta.concrete_fields]
        existing: dict[int, list[dict]] = defaultdict(list)
        rows = (
            event_model.objects.filter(pgh_obj_id__in=list(self.wanted))
            .order_by("pgh_obj_id", "pgh_created_at", "pgh_id")
            .values("pgh_id", "pgh_obj_id", "pgh_created_at", "pgh_label", "pgh_context_id", *columns)
        )
        for row in rows:
            existing[row["pgh_obj_id"]].append(row)
        stale, fresh = [], []
        for pk, events in self.wanted.items():
            current = existing.get(pk, [])
            if any(row["pgh_context_id"] not in self.owned_contexts for row in current):
                continue  # someone changed it: its history is theirs
            wanted = [
                {"pgh_created_at": when, "pgh_label": label, "pgh_context_id": self.context.pk, **row}
                for when, label, row in events
            ]
            found = [
                {key: value for key, value in row.items() if key not in {"pgh_id", "pgh_obj_id"}}
                for row in current
            ]
            if found == wanted:
                continue
            stale += [row["pgh_id"] for row in current]
            fresh += [event_model(pgh_obj_id=pk, **row) for row in wanted]
        event_model.objects.filter(pgh_id__in=stale).delete()
        dates = self.auto_dates(event_model)
        wanted_dates = [[getattr(event, name) for name in dates] for event in fresh]
        event_model.objects.bulk_create(fresh, batch_size=2000)
        # bulk_create stamps the auto dates (pgh_created_at, updated_at) with now: put the wanted ones back
        restore_dates(
            event_model,
            dates,
            [(event.pk, *values) for event, values in zip(fresh, wanted_dates, strict=True)],
        )
        return len(fresh)


def streams(seed: int, identifier: str):
    """The random stream of one aspect of an operation's history, the same on every run."""

    def rng(aspect: str) -> random.Random:
        return random.Random(f"{seed}:{identifier}:history:{aspect}")

    return rng


def seed_history(programme: Programme, run: SeedRun) -> None:
    last = run.today - datetime.timedelta(days=1)
    context = history_context(programme)
    owned = set(
        pghistory.models.Context.objects.filter(
            metadata__source__in=[SEED_SOURCE, HISTORY_SOURCE]
        ).values_list("id", flat=True)
    )
    writers = {model: EventWriter(model, context, owned) for model in (Operation, FundingLine, Milestone)}
    operations = (
        Operation.objects.filter(programme=programme)
        .select_related("convention")
        .prefetch_related("funding_lines", "milestones")
        .order_by("identifier")
    )
    for operation in operations:
        rng = streams(run.target.seed, operation.identifier)
        milestones = list(operation.milestones.all())
        abandoned_on = next((m.done_on for m in milestones if m.label == ABANDON_MILESTONE), None)
        timeline = operation_timeline(operation, abandoned_on=abandoned_on, last=last, rng=rng("status"))
        writers[Operation].wanted[operation.pk] = operation_events(operation, timeline)
        for line in operation.funding_lines.all():
            writers[FundingLine].wanted[line.pk] = funding_events(
                line, timeline, last=last, rng=rng(f"funding:{line.funder_id}:{line.kind}")
            )
        for milestone in milestones:
            writers[Milestone].wanted[milestone.pk] = milestone_events(milestone, timeline, last=last)
    written = sum(writer.write() for writer in writers.values())
    if written:
        run.log(f"  historique reconstitué depuis la signature des conventions ({written} événements)")
