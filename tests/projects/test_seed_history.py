"""The demo's backdated history: a revue de projet of the demo compares two different situations, with
statuses and amounts that follow each other credibly, and a second run writes no event."""

import datetime
from collections import defaultdict
from io import StringIO

import pghistory
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.audience import pack_audience
from core.pack_sections import PackScope
from projects import reports, services
from projects.history import operation_history
from projects.models import FundingLine, Milestone, Operation, OperationStatus, Programme
from projects.seeders.history import HISTORY_SOURCE
from projects.semesters import semester_first_day
from reporting.models import PackKind
from tests.conftest import DEMO_TODAY

YEAR_START = DEMO_TODAY.replace(month=1, day=1)
LIFECYCLE = [
    OperationStatus.ETUDE,
    OperationStatus.PROGRAMMEE,
    OperationStatus.ENGAGEE,
    OperationStatus.TRAVAUX,
    OperationStatus.LIVREE,
    OperationStatus.SOLDEE,
]


@pytest.fixture
def programme(seeded_demo):
    return Programme.objects.get(slug="npru-demo")


def scope(programme) -> PackScope:
    return PackScope(
        programme=programme,
        sector=None,
        kind=PackKind.REVUE,
        kind_label="Dossier de revue de projet",
        period_start=YEAR_START,
        period_end=DEMO_TODAY,
        audience=pack_audience(partners=False),
    )


def events(model_name: str, ids) -> dict[int, list[dict]]:
    grouped = defaultdict(list)
    rows = (
        apps.get_model("projects", model_name)
        .objects.filter(pgh_obj_id__in=list(ids))
        .order_by("pgh_obj_id", "pgh_created_at", "pgh_id")
        .values()
    )
    for row in rows:
        grouped[row["pgh_obj_id"]].append(row)
    return grouped


def test_the_demo_revue_compares_two_different_years(programme):
    finance = reports.revue_finance(scope(programme))
    total = finance["figures"].total
    assert 0 < total.before["committed"] < total.after["committed"]
    assert 0 < total.before["paid"] < total.after["paid"]
    assert total.before["planned"] == total.after["planned"] > 0
    assert not finance["history_after_year_start"]  # no "the history starts on …" note
    for row in [*finance["figures"].funders, *finance["figures"].families, total]:
        for state in (row.before, row.after):
            assert state["paid"] <= state["committed"] <= state["planned"], row.name
        assert row.before["committed"] <= row.after["committed"], row.name
        assert row.before["paid"] <= row.after["paid"], row.name

    progress = reports.revue_progress(scope(programme))
    operations = Operation.objects.filter(programme=programme).count()
    assert progress["not_recorded"] == 0  # every operation existed at 31 December
    assert sum(status["before"] for status in progress["statuses"]) == operations
    assert sum(status["after"] for status in progress["statuses"]) == operations
    assert [status["before"] for status in progress["statuses"]] != [
        status["after"] for status in progress["statuses"]
    ]
    assert progress["total"]["changed"] >= 5
    for row in progress["changed"]:
        for change in row.changes:
            assert YEAR_START <= change.on.date() <= DEMO_TODAY


def test_each_operation_goes_through_its_statuses_in_order(programme):
    operations = {op.pk: op for op in Operation.objects.filter(programme=programme)}
    for pk, history in events("OperationEvent", operations).items():
        operation = operations[pk]
        statuses = [row["status"] for row in history]
        moments = [row["pgh_created_at"] for row in history]
        assert history[0]["pgh_label"] == "insert"
        assert statuses[0] == OperationStatus.ETUDE
        assert statuses[-1] == operation.status
        assert moments == sorted(moments)
        assert moments[-1].date() < DEMO_TODAY
        if operation.convention and operation.convention.signed_on:
            assert moments[0].date() >= operation.convention.signed_on
        if operation.status != OperationStatus.ABANDONNEE:
            steps = [LIFECYCLE.index(status) for status in statuses]
            assert steps == list(range(len(steps))), operation.identifier  # one step at a time
        travaux = next((row for row in history if row["status"] == OperationStatus.TRAVAUX), None)
        if travaux is not None and operation.actual_start:
            # works start in the semester of the actual start (or after, never before)
            assert travaux["pgh_created_at"].date() >= semester_first_day(operation.actual_start)
            assert travaux["actual_start"] == operation.actual_start
        # the last event is the operation as it is
        assert {name: history[-1][name] for name in ("label", "progress", "actual_end", "cost_excl_tax")} == {
            "label": operation.label,
            "progress": operation.progress,
            "actual_end": operation.actual_end,
            "cost_excl_tax": operation.cost_excl_tax,
        }


def test_funding_lines_grow_to_todays_amounts_paid_never_above_committed(programme):
    lines = {line.pk: line for line in FundingLine.objects.filter(operation__programme=programme)}
    grown = 0
    for pk, history in events("FundingLineEvent", lines).items():
        line = lines[pk]
        assert history[0]["pgh_label"] == "insert"
        assert (history[0]["committed"], history[0]["paid"]) == (0, 0)
        for earlier, later in zip(history, history[1:], strict=False):
            assert earlier["committed"] <= later["committed"]
            assert earlier["paid"] <= later["paid"]
        assert all(row["paid"] <= row["committed"] <= row["planned"] for row in history)
        assert (history[-1]["committed"], history[-1]["paid"]) == (line.committed, line.paid)
        grown += len(history) > 2
    assert grown > len(lines) / 3  # commitments and payments spread over the years


def test_history_page_reads_the_reconstituted_history(programme):
    operation = (
        Operation.objects.filter(programme=programme, status=OperationStatus.SOLDEE)
        .order_by("identifier")
        .first()
    )
    entries = operation_history(operation)
    assert {entry.who for entry in entries} == {HISTORY_SOURCE}
    status_changes = [
        f"{change.before} → {change.after}"
        for entry in entries
        for change in entry.changes
        if change.field == "Statut"
    ]
    assert "Livrée → Soldée" in status_changes
    assert "Étude → Programmée" in status_changes
    assert entries[-1].what == "Création"


def test_a_second_run_writes_no_event(programme):
    event_models = [
        apps.get_model("projects", f"{name}Event") for name in ("Operation", "FundingLine", "Milestone")
    ]
    last_ids = [model.objects.aggregate(last=Max("pgh_id"))["last"] for model in event_models]
    call_command("seed_demo", today=DEMO_TODAY, stdout=StringIO())
    assert [model.objects.aggregate(last=Max("pgh_id"))["last"] for model in event_models] == last_ids


def test_a_run_keeps_the_history_of_what_a_person_changed(programme):
    operation = Operation.objects.filter(programme=programme, status=OperationStatus.TRAVAUX).first()
    mission = User.objects.get(email="mission@demo.npru.fr")
    with pghistory.context(user=mission.pk):  # as a request would record it
        services.operation_update(operation=operation, progress=operation.progress + 1)
    kept = events("OperationEvent", [operation.pk])[operation.pk]
    call_command("seed_demo", today=DEMO_TODAY, stdout=StringIO())
    after = events("OperationEvent", [operation.pk])[operation.pk]
    assert after[: len(kept)] == kept  # the seeder puts its value back, after the person's change


def test_a_later_run_keeps_the_history_before_today(programme):
    later = DEMO_TODAY + datetime.timedelta(days=200)
    call_command("seed_demo", today=later, stdout=StringIO())
    operation = Operation.objects.filter(programme=programme).order_by("identifier").first()
    history = events("OperationEvent", [operation.pk])[operation.pk]
    assert history[0]["pgh_label"] == "insert"
    assert all(row["pgh_created_at"].date() < later for row in history)
    assert history[-1]["status"] == Operation.objects.get(pk=operation.pk).status


def test_milestones_are_created_with_their_operation_and_done_when_done(programme):
    operations = {op.pk: op for op in Operation.objects.filter(programme=programme)}
    created = {
        pk: history[0]["pgh_created_at"] for pk, history in events("OperationEvent", operations).items()
    }
    milestones = {m.pk: m for m in Milestone.objects.filter(operation__programme=programme)}
    for pk, history in events("MilestoneEvent", milestones).items():
        milestone = milestones[pk]
        assert history[0]["pgh_created_at"] >= created[milestone.operation_id]
        assert history[-1]["done_on"] == milestone.done_on
        if len(history) > 1:
            done = timezone.localtime(history[-1]["pgh_created_at"]).date()
            assert done == min(milestone.done_on, DEMO_TODAY - datetime.timedelta(days=1))
