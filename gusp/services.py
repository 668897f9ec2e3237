"""Every write on GUSP conventions, themes, walk audits, reports, photos and actions.

A report's lifecycle (REPORT_LIFECYCLE, docs/STATUTS.md) is enforced here, and every change of its status
or of its handler writes a `ReportEvent` (who, when, from, to, why): the history the triage page, the
handler's page and the handling-time figures read. Two timestamps serve the figures: `acknowledged_at`,
the first time the report left « Nouveau » (sent to its handler, or settled at triage), and `closed_at`,
the time it entered a closed status (cleared when it is reopened).

Services take the acting user as `by` (None for imports and tasks) and the time as `now` (the clock by
default); they do not check permissions: views ask `gusp.rules` first.
"""

import datetime
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Organisation
from core import jobs
from core.services import model_save
from core.transitions import State, StateMachine, step
from core.utils import assign_changed
from gusp import selectors
from gusp.models import (
    CLOSED_STATUSES,
    ROUTED_OPEN_STATUSES,
    ActionStatus,
    AnswerTemplate,
    Commitment,
    DigestStatus,
    EventKind,
    GuspAction,
    GuspConvention,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    TfpbAbatement,
    Theme,
    ThemeHandlerDelay,
    WalkAudit,
    WeeklyDigest,
)
from gusp.photos import check_size, clean_photo
from gusp.vocabularies import DEFAULT_THEMES
from projects.models import Programme, Sector

logger = structlog.get_logger(__name__)
R = ReportStatus
HANDLER = "organisation en charge (partenaire)"
TEAM = "équipe projet, référent GUSP"
REPORT_LIFECYCLE = StateMachine(
    "gusp.report",
    ReportStatus,
    {
        R.NEW: State(
            to=[R.SENT, R.IN_PROGRESS, R.RESOLVED, R.CLOSED_UNRESOLVED, R.NOT_OURS, R.DUPLICATE],
            services=["report_route", "reports_bulk_route", "report_set_status", "reports_bulk_set_status"],
            case=(
                "tri : transmis à l'organisation en charge, réglé sur place, hors compétence (organisme "
                "compétent nommé) ou doublon d'un autre signalement"
            ),
        ),
        R.SENT: State(
            to=[
                step(R.NEW, "correction"),
                R.IN_PROGRESS,
                R.RESOLVED,
                R.CLOSED_UNRESOLVED,
                R.NOT_OURS,
                R.DUPLICATE,
            ],
            role=f"{TEAM} ; {HANDLER} vers En cours, Résolu, Clos non résolu, Hors compétence",
            services=["report_route", "reports_bulk_route", "report_set_status", "reports_bulk_set_status"],
            case=(
                "l'organisation en charge le prend en charge, le règle, ou dit qu'il n'est pas de son ressort"
            ),
        ),
        R.IN_PROGRESS: State(
            to=[step(R.SENT, "réorientation"), R.RESOLVED, R.CLOSED_UNRESOLVED, R.NOT_OURS],
            role=f"{TEAM} ; {HANDLER} vers Résolu, Clos non résolu, Hors compétence",
            services=["report_route", "reports_bulk_route", "report_set_status", "reports_bulk_set_status"],
            case="intervention faite, impossible, ou confiée à une autre organisation (réorientation)",
        ),
        R.RESOLVED: State(
            to=[step(R.IN_PROGRESS, "réouverture")], case="le problème revient ou la résolution est contestée"
        ),
        R.CLOSED_UNRESOLVED: State(to=[step(R.IN_PROGRESS, "réouverture")], case="une solution se présente"),
        R.NOT_OURS: State(
            to=[step(R.NEW, "réouverture")],
            case="l'organisme nommé renvoie le signalement : il revient au tri",
        ),
        R.DUPLICATE: State(to=[step(R.NEW, "correction")], case="ce n'était pas un doublon"),
    },
    role=TEAM,
    services=["report_set_status", "reports_bulk_set_status"],
)
# What a handler organisation's partner users may move a report to (gusp.rules).
HANDLER_TARGETS = frozenset({R.IN_PROGRESS, R.RESOLVED, R.CLOSED_UNRESOLVED, R.NOT_OURS})


def bulk_status_choices() -> list[tuple[str, str]]:
    """The statuses the lifecycle lets some report reach, in its order, « Transmis » aside (it goes with an
    organisation: the triage queue and the routing form give it). Each report's own move is checked when
    the change is made (`reports_triage`)."""
    targets = {target for status in R.values for target in REPORT_LIFECYCLE.allowed(status)}
    return [(value, label) for value, label in R.choices if value in targets and value != R.SENT]


A = ActionStatus
ACTION_LIFECYCLE = StateMachine(
    "gusp.action",
    ActionStatus,
    {
        A.TODO: State(
            to=[A.IN_PROGRESS, A.DONE, A.DROPPED], case="l'action démarre, est réalisée ou abandonnée"
        ),
        A.IN_PROGRESS: State(
            to=[step(A.TODO, "correction"), A.DONE, A.DROPPED], case="réalisée ou abandonnée"
        ),
        A.DONE: State(to=[step(A.IN_PROGRESS, "réouverture")], case="réalisation contestée au bilan"),
        A.DROPPED: State(to=[A.TODO], case="action relancée"),
    },
    role=TEAM,
    services=["gusp_action_update"],
)


def _bump() -> None:
    selectors.figures_cache_bump()


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def report_check_transition(*, current: str, target: str) -> None:
    REPORT_LIFECYCLE.check(current, target)


# --- Conventions -----------------------------------------------------------------------------------------


@transaction.atomic
def convention_create(
    *,
    programme: Programme,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    sectors: Iterable[Sector] = (),
    signatories: Iterable[Organisation] = (),
    commitments: Iterable[tuple[str, str, Organisation | None]] = (),
    **fields: Any,
) -> GuspConvention:
    """A GUSP convention (or the NPNRU « projet de gestion ») with its sectors, signatories and
    commitments, each given as (volet, text, signatory or None)."""
    convention = model_save(
        GuspConvention(programme=programme, title=title, starts_on=starts_on, ends_on=ends_on, **fields)
    )
    convention.sectors.set(list(sectors))
    convention.signatories.set(list(signatories))
    for order, (volet, text, organisation) in enumerate(commitments, start=1):
        commitment_add(convention=convention, volet=volet, text=text, organisation=organisation, order=order)
    return convention


@transaction.atomic
def commitment_add(
    *,
    convention: GuspConvention,
    volet: str,
    text: str,
    organisation: Organisation | None = None,
    order: int = 0,
) -> Commitment:
    return model_save(
        Commitment(convention=convention, volet=volet, text=text, organisation=organisation, order=order)
    )


# --- Themes ----------------------------------------------------------------------------------------------


def _organisation_of_kind(programme: Programme, kind: str) -> Organisation | None:
    if not kind:
        return None
    found = list(programme.organisations.filter(kind=kind).order_by("pk")[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def themes_ensure(*, programme: Programme) -> dict[str, Theme]:
    """The programme's themes by slug, the default ones (gusp.vocabularies.DEFAULT_THEMES) created when
    missing; a theme already there is never changed (the mission team edits them)."""
    themes = {theme.slug: theme for theme in Theme.objects.filter(programme=programme)}
    missing = [default for default in DEFAULT_THEMES if default.slug not in themes]
    taken = {theme.name for theme in themes.values()}
    for order, default in enumerate(DEFAULT_THEMES, start=1):
        if default not in missing or default.name in taken:
            continue
        theme = Theme(
            programme=programme,
            slug=default.slug,
            name=default.name,
            target_days=default.target_days,
            default_handler=_organisation_of_kind(programme, default.handler_kind),
            synonyms=list(default.synonyms),
            order=order,
        )
        themes[default.slug] = model_save(theme)
    return themes


@transaction.atomic
def theme_update(*, theme: Theme, **fields: Any) -> Theme:
    """Change a theme (name, default handler, target delay, synonyms). Reports keep their due date."""
    if assign_changed(theme, fields):
        model_save(theme)
    return theme


@transaction.atomic
def theme_add_synonym(*, theme: Theme, word: str) -> Theme:
    """Add another tool's category to a theme (from an import's preview): the next import maps it."""
    word = " ".join(word.split())
    if word and word not in theme.synonyms:
        theme_update(theme=theme, synonyms=[*theme.synonyms, word])
    return theme


@transaction.atomic
def theme_delay_set(*, theme: Theme, organisation: Organisation, target_days: int) -> ThemeHandlerDelay:
    """The theme's target delay when `organisation` handles the report (created, or changed when the
    organisation has one already). Reports keep their due date: the delay applies to the reports created
    or routed to the organisation afterwards."""
    delay = (
        ThemeHandlerDelay.objects.select_for_update().filter(theme=theme, organisation=organisation).first()
    )
    if delay is None:
        delay = ThemeHandlerDelay(theme=theme, organisation=organisation, target_days=target_days)
    elif delay.target_days == target_days:
        return delay
    delay.target_days = target_days
    return model_save(delay)


@transaction.atomic
def theme_delay_remove(*, delay: ThemeHandlerDelay) -> None:
    """Remove a handler's delay: the theme's delay applies again to its next reports (history kept)."""
    delay.delete()


# --- Reports ---------------------------------------------------------------------------------------------


def handler_delays(*, theme_ids: Iterable[int] | None = None, organisation_id: int | None = None) -> dict:
    """The per-handler delays as {(theme id, organisation id): days}, for the themes or the organisation
    given (one query)."""
    rows = ThemeHandlerDelay.objects.order_by()
    if theme_ids is not None:
        rows = rows.filter(theme_id__in=list(theme_ids))
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return {
        (theme_id, organisation_id): days
        for theme_id, organisation_id, days in rows.values_list("theme_id", "organisation_id", "target_days")
    }


def target_days(theme: Theme, handler_id: int | None, *, delays: dict | None = None) -> int:
    """The target delay of a report of `theme` handled by `handler_id`: the delay set for that handler
    (ThemeHandlerDelay) when there is one, else the theme's. `delays` (`handler_delays`) saves the query."""
    if handler_id is None:
        return theme.target_days
    if delays is None:
        delays = handler_delays(theme_ids=[theme.pk], organisation_id=handler_id)
    return delays.get((theme.pk, handler_id), theme.target_days)


def due_date(
    theme: Theme,
    reported_at: datetime.datetime,
    handler_id: int | None = None,
    *,
    delays: dict | None = None,
) -> datetime.date:
    """The report's due date: the day it was reported plus the target delay of its theme for its handler
    (`target_days`)."""
    days = target_days(theme, handler_id, delays=delays)
    return timezone.localdate(reported_at) + datetime.timedelta(days=days)


def _rerouted_due_on(report: Report, handler_id: int, delays: dict | None = None) -> datetime.date:
    """The due date of a report sent from its handler to `handler_id`: recomputed from the day it was
    reported when either handler has its own delay for the theme; kept otherwise (the theme's delay applied
    and still applies: a theme's delay changed since does not move the due dates already set)."""
    if delays is None:
        delays = handler_delays(theme_ids=[report.theme_id])
    keys = {(report.theme_id, report.handler_id), (report.theme_id, handler_id)}
    if not keys & delays.keys():
        return report.due_on
    return due_date(report.theme, report.reported_at, handler_id, delays=delays)


def new_report_references(programme: Programme, year: int, count: int) -> list[str]:
    """`count` new references of the programme for the year (GUSP-2026-00042), after the last one."""
    prefix = f"GUSP-{year}-"
    last = Report.objects.filter(programme=programme, reference__startswith=prefix).aggregate(
        last=Max("reference")
    )["last"]
    start = int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    return [f"{prefix}{number:05d}" for number in range(start, start + count)]


def _event(
    report: Report,
    *,
    kind: str,
    at: datetime.datetime,
    by=None,
    from_status: str = "",
    to_status: str = "",
    from_handler_id: int | None = None,
    to_handler_id: int | None = None,
    note: str = "",
) -> ReportEvent:
    return ReportEvent(
        report=report,
        kind=kind,
        at=at,
        user=by,
        from_status=from_status,
        to_status=to_status,
        from_handler_id=from_handler_id,
        to_handler_id=to_handler_id,
        note=note,
    )


@transaction.atomic
def report_create(
    *,
    programme: Programme,
    sector: Sector,
    theme: Theme,
    description: str,
    source: str,
    by=None,
    reported_at: datetime.datetime | None = None,
    reference: str | None = None,
    photos: Sequence[bytes] = (),
    now: datetime.datetime | None = None,
    **fields: Any,
) -> Report:
    """A new report (« Nouveau », for triage): its handler the theme's default one unless given, its due
    date from the target delay of the theme for that handler (`due_date`). Photos are checked and
    re-encoded (`report_photo_add`)."""
    reported_at = reported_at or _now(now)
    fields.setdefault("handler", theme.default_handler)
    handler = fields["handler"]
    report = Report(
        programme=programme,
        sector=sector,
        theme=theme,
        description=description.strip(),
        source=source,
        reported_at=reported_at,
        due_on=fields.pop("due_on", None) or due_date(theme, reported_at, handler.pk if handler else None),
        reference=(reference or "").strip()
        or new_report_references(programme, timezone.localdate(reported_at).year, 1)[0],
        created_by=by,
        **fields,
    )
    model_save(report)
    _event(
        report,
        kind=EventKind.CREATED,
        at=reported_at,
        by=by,
        to_status=report.status,
        to_handler_id=report.handler_id,
    ).save()
    for data in photos:
        report_photo_add(report=report, data=data, by=by)
    return report


@transaction.atomic
def report_update(*, report: Report, **fields: Any) -> Report:
    """Change what a report says (description, place, theme, priority). Its status and its handler change
        through `report_set_status` and `report_route`. A new theme brings its target delay (for the report's
    handler)."""
    for name in ("status", "handler", "acknowledged_at", "closed_at"):
        if name in fields:
            raise ValueError(
                f"report_update ne change pas « {name} » : utilisez report_set_status / report_route."
            )
    theme = fields.get("theme")
    if theme is not None and theme.pk != report.theme_id and "due_on" not in fields:
        fields["due_on"] = due_date(theme, report.reported_at, report.handler_id)
    if assign_changed(report, fields):
        model_save(report)
    return report


# What a bulk change sets: only these fields are validated one by one (the others did not change, and a
# foreign key's validation is one query per row); the model's `clean` checks the report as a whole.
BULK_VALIDATED = frozenset({"status", "acknowledged_at", "closed_at", "competent_body"})
BULK_UNCHANGED = [field.name for field in Report._meta.fields if field.name not in BULK_VALIDATED]


def _locked(pks: Iterable[int]) -> list[Report]:
    """Reports locked for a bulk change, with what their `clean` reads (no query per report)."""
    return list(
        Report.objects.select_for_update(of=("self",))
        .select_related("sector", "theme", "walk_audit", "duplicate_of")
        .filter(pk__in=list(pks))
        .order_by("pk")
    )


def _stored(report: Report) -> Report:
    """The report as stored, locked (the status a change starts from is the one in the database)."""
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_route(
    *,
    report: Report,
    handler: Organisation,
    by=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Report:
    """Send the report to `handler` (routing at triage, or re-routing to another organisation): a new or
    in-hand report becomes « Transmis » to it. The change of handler is written in the history; the due
    date follows the new handler's delay for the theme when one of the two handlers has its own
    (`_rerouted_due_on`)."""
    at = _now(now)
    stored = _stored(report)
    if stored.status in CLOSED_STATUSES:
        raise ValidationError(
            {"handler": "Ce signalement est clos : rouvrez-le avant de le confier à une autre organisation."}
        )
    target = R.SENT
    if stored.handler_id == handler.pk and stored.status == target:
        return stored
    REPORT_LIFECYCLE.check(stored.status, target)
    event = _event(
        stored,
        kind=EventKind.ROUTED,
        at=at,
        by=by,
        from_status=stored.status,
        to_status=target,
        from_handler_id=stored.handler_id,
        to_handler_id=handler.pk,
        note=note.strip(),
    )
    if stored.handler_id != handler.pk:
        stored.due_on = _rerouted_due_on(stored, handler.pk)
    stored.handler, stored.status = handler, target
    stored.acknowledged_at = stored.acknowledged_at or at
    model_save(stored)
    event.save()
    _copy(stored, report)
    return report


def _copy(source: Report, target: Report) -> None:
    if source is not target:
        for field in Report._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


def _apply_status(
    report: Report,
    target: str,
    *,
    at: datetime.datetime,
    competent_body: str = "",
    duplicate_of: Report | None = None,
) -> None:
    """Set the status and what goes with it on `report` (not saved): timestamps, body named, original."""
    report.status = target
    if target != R.NEW:
        report.acknowledged_at = report.acknowledged_at or at
    if target in CLOSED_STATUSES:
        report.closed_at = report.closed_at or at
    else:
        report.closed_at = None
    report.competent_body = competent_body.strip() if target == R.NOT_OURS else ""
    report.duplicate_of = duplicate_of if target == R.DUPLICATE else None


def _status_errors(
    report: Report, target: str, *, competent_body: str, duplicate_of: Report | None, require_original: bool
) -> None:
    if target == R.NOT_OURS and not competent_body.strip():
        raise ValidationError(
            {"competent_body": "Nommez l'organisme compétent vers lequel le signalement est réorienté."}
        )
    if target == R.DUPLICATE and duplicate_of is None and require_original:
        raise ValidationError({"duplicate_of": "Indiquez le signalement dont celui-ci est le doublon."})
    if duplicate_of is not None and duplicate_of.pk == report.pk:
        raise ValidationError({"duplicate_of": "Un signalement ne peut pas être le doublon de lui-même."})


@transaction.atomic
def report_set_status(
    *,
    report: Report,
    status: str,
    by=None,
    note: str = "",
    competent_body: str = "",
    duplicate_of: Report | None = None,
    now: datetime.datetime | None = None,
) -> Report:
    """Move the report along REPORT_LIFECYCLE. « Hors compétence » names the competent body, « Doublon »
    the original report; reopening a closed report clears its closing time. Written in the history."""
    at = _now(now)
    stored = _stored(report)
    REPORT_LIFECYCLE.check(stored.status, status)
    if stored.status == status:
        return report
    _status_errors(
        stored, status, competent_body=competent_body, duplicate_of=duplicate_of, require_original=True
    )
    event = _event(
        stored,
        kind=EventKind.STATUS,
        at=at,
        by=by,
        from_status=stored.status,
        to_status=status,
        from_handler_id=stored.handler_id,
        to_handler_id=stored.handler_id,
        note="\n".join(part for part in (competent_body.strip(), note.strip()) if part),
    )
    _apply_status(stored, status, at=at, competent_body=competent_body, duplicate_of=duplicate_of)
    model_save(stored)
    event.save()
    _copy(stored, report)
    return report


@transaction.atomic
def reports_bulk_set_status(
    *,
    reports: Iterable[Report],
    status: str,
    by=None,
    note: str = "",
    competent_body: str = "",
    duplicate_of: Report | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """The same status for several reports (triage): every move is checked first, and one refused move
    refuses them all (a `ValidationError` naming the report). Returns how many changed."""
    at = _now(now)
    stored = _locked(report.pk for report in reports)
    changed, events = [], []
    for report in stored:
        if report.status == status:
            continue
        if not REPORT_LIFECYCLE.can(report.status, status):
            raise ValidationError(
                {
                    "status": f"{report.reference} : passage de « {REPORT_LIFECYCLE.label(report.status)} » "
                    f"à « {REPORT_LIFECYCLE.label(status)} » impossible."
                }
            )
        _status_errors(
            report, status, competent_body=competent_body, duplicate_of=duplicate_of, require_original=True
        )
        events.append(
            _event(
                report,
                kind=EventKind.STATUS,
                at=at,
                by=by,
                from_status=report.status,
                to_status=status,
                from_handler_id=report.handler_id,
                to_handler_id=report.handler_id,
                note=note.strip(),
            )
        )
        _apply_status(report, status, at=at, competent_body=competent_body, duplicate_of=duplicate_of)
        report.updated_at = at
        report.full_clean(exclude=BULK_UNCHANGED)
        changed.append(report)
    if changed:
        _bump()
        Report.objects.bulk_update(
            changed,
            ["status", "acknowledged_at", "closed_at", "competent_body", "duplicate_of", "updated_at"],
        )
        ReportEvent.objects.bulk_create(events)
    return len(changed)


@transaction.atomic
def reports_bulk_route(
    *,
    reports: Iterable[Report],
    handler: Organisation,
    by=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """Send several reports to `handler` (triage), as `report_route` does for one: every move is checked
    first, and one refused move (a closed report) refuses them all. Returns how many changed."""
    at = _now(now)
    stored = _locked(report.pk for report in reports)
    delays = handler_delays(theme_ids={report.theme_id for report in stored})
    changed, events = [], []
    for report in stored:
        if report.status in CLOSED_STATUSES:
            raise ValidationError(
                {
                    "handler": f"{report.reference} est clos : rouvrez-le avant de le confier à une autre "
                    "organisation."
                }
            )
        if report.handler_id == handler.pk and report.status == R.SENT:
            continue
        REPORT_LIFECYCLE.check(report.status, R.SENT)
        events.append(
            _event(
                report,
                kind=EventKind.ROUTED,
                at=at,
                by=by,
                from_status=report.status,
                to_status=R.SENT,
                from_handler_id=report.handler_id,
                to_handler_id=handler.pk,
                note=note.strip(),
            )
        )
        if report.handler_id != handler.pk:
            report.due_on = _rerouted_due_on(report, handler.pk, delays)
        report.handler, report.status = handler, R.SENT
        report.acknowledged_at = report.acknowledged_at or at
        report.updated_at = at
        report.full_clean(exclude=BULK_UNCHANGED)
        changed.append(report)
    if changed:
        _bump()
        Report.objects.bulk_update(changed, ["handler", "status", "acknowledged_at", "due_on", "updated_at"])
        ReportEvent.objects.bulk_create(events)
    return len(changed)


@transaction.atomic
def report_answer(*, report: Report, text: str, by=None, now: datetime.datetime | None = None) -> Report:
    """The answer given to whoever reported (kept on the report, written in the history)."""
    text = text.strip()
    if not text:
        raise ValidationError({"answer": "La réponse est vide."})
    if text == report.answer:
        return report
    report.answer = text
    model_save(report)
    _event(report, kind=EventKind.ANSWERED, at=_now(now), by=by, note=text).save()
    return report


@transaction.atomic
def reports_bulk_answer(
    *, reports: Iterable[Report], text: str, by=None, now: datetime.datetime | None = None
) -> int:
    """The same answer to several reports (a canned answer at triage), each written in its history.
    Returns how many changed."""
    text = text.strip()
    if not text:
        raise ValidationError({"answer": "La réponse est vide."})
    at = _now(now)
    pks = [report.pk for report in reports]
    changed = list(
        Report.objects.select_for_update(of=("self",)).filter(pk__in=pks).exclude(answer=text).order_by("pk")
    )
    for report in changed:
        report.answer, report.updated_at = text, at
    if changed:
        _bump()
        Report.objects.bulk_update(changed, ["answer", "updated_at"])
        ReportEvent.objects.bulk_create(
            [_event(report, kind=EventKind.ANSWERED, at=at, by=by, note=text) for report in changed]
        )
    return len(changed)


@transaction.atomic
def reports_triage(
    *,
    reports: Sequence[Report],
    by=None,
    handler: Organisation | None = None,
    status: str = "",
    competent_body: str = "",
    duplicate_of: Report | None = None,
    note: str = "",
    answer: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """One decision for several reports at triage, all or nothing: sent to `handler`, or moved to `status`
    (« Hors compétence » naming the competent body, « Doublon » the original); with the same answer to each
    when `answer` is given. Returns how many reports changed status or handler."""
    if not reports:
        raise ValidationError("Cochez au moins un signalement.")
    at = _now(now)
    if handler is not None:
        changed = reports_bulk_route(reports=reports, handler=handler, by=by, note=note, now=at)
    elif status:
        changed = reports_bulk_set_status(
            reports=reports,
            status=status,
            by=by,
            note=note,
            competent_body=competent_body,
            duplicate_of=duplicate_of,
            now=at,
        )
    else:
        raise ValidationError("Choisissez une organisation en charge ou un statut.")
    if answer.strip():
        reports_bulk_answer(reports=reports, text=answer, by=by, now=at)
    return changed


# --- Photos ----------------------------------------------------------------------------------------------


@transaction.atomic
def report_photo_add(*, report: Report, data: bytes, by=None) -> ReportPhoto:
    """A photo of the report, checked and stored re-encoded without any metadata (gusp.photos)."""
    photo = clean_photo(data)
    stored = ReportPhoto(
        report=report, width=photo.width, height=photo.height, size=len(photo.content), uploaded_by=by
    )
    stored.image.save(f"{report.pk}-{secrets.token_hex(8)}.jpg", ContentFile(photo.content), save=False)
    return model_save(stored)


def report_photo_add_upload(*, report: Report, upload, by=None) -> ReportPhoto:
    """A photo sent through a form: refused by its announced size before it is read."""
    check_size(getattr(upload, "size", 0))
    return report_photo_add(report=report, data=upload.read(settings.GUSP_PHOTO_MAX_BYTES + 1), by=by)


# --- Walk audits -----------------------------------------------------------------------------------------


@transaction.atomic
def walk_audit_create(
    *,
    programme: Programme,
    sector: Sector,
    held_on: datetime.date,
    partners: Iterable[Organisation] = (),
    by=None,
    **fields: Any,
) -> WalkAudit:
    audit = model_save(
        WalkAudit(programme=programme, sector=sector, held_on=held_on, created_by=by, **fields)
    )
    audit.partners.set(list(partners))
    return audit


@transaction.atomic
def walk_audit_update(
    *, walk_audit: WalkAudit, partners: Iterable[Organisation] | None = None, **fields: Any
) -> WalkAudit:
    if assign_changed(walk_audit, fields):
        model_save(walk_audit)
    if partners is not None:
        walk_audit.partners.set(list(partners))
    return walk_audit


@transaction.atomic
def walk_audit_observation_add(
    *,
    walk_audit: WalkAudit,
    theme: Theme,
    description: str,
    by=None,
    reported_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    **fields: Any,
) -> Report:
    """An observation made during the walk: a report of the walk's sector, from the walk audit, linked
    to it (routed at triage like any other)."""
    if reported_at is None:
        at = _now(now)
        held = walk_audit.held_on
        reported_at = (
            at
            if timezone.localdate(at) == held
            else timezone.make_aware(datetime.datetime.combine(held, datetime.time(10)))
        )
    return report_create(
        programme=walk_audit.programme,
        sector=walk_audit.sector,
        theme=theme,
        description=description,
        source=ReportSource.WALK_AUDIT,
        walk_audit=walk_audit,
        reported_at=reported_at,
        by=by,
        now=now,
        **fields,
    )


# --- Actions ---------------------------------------------------------------------------------------------


@transaction.atomic
def gusp_action_create(
    *, programme: Programme, title: str, volet: str, owner: Organisation, due_on: datetime.date, **fields: Any
) -> GuspAction:
    return model_save(
        GuspAction(programme=programme, title=title, volet=volet, owner=owner, due_on=due_on, **fields)
    )


@transaction.atomic
def gusp_action_update(
    *, action: GuspAction, today: datetime.date | None = None, **fields: Any
) -> GuspAction:
    """Change an action; its status follows ACTION_LIFECYCLE and « Réalisée » records the day it was done."""
    if "status" in fields:
        current = GuspAction.objects.filter(pk=action.pk).values_list("status", flat=True).get()
        ACTION_LIFECYCLE.check(current, fields["status"])
        if fields["status"] == ActionStatus.DONE:
            fields.setdefault("done_on", action.done_on or today or timezone.localdate())
        else:
            fields["done_on"] = None
    if assign_changed(action, fields):
        model_save(action)
    return action


# --- TFPB abatement amounts -------------------------------------------------------------------------------


@transaction.atomic
def tfpb_abatement_create(
    *,
    programme: Programme,
    landlord: Organisation,
    year: int,
    amount,
    sector: Sector | None = None,
    note: str = "",
) -> TfpbAbatement:
    """Record a landlord's abatement of a year (for one quartier, or all its QPV housing in the programme).
    Refused: a negative amount, a year before 2015 or too far ahead, an organisation that is not a
    landlord of the programme, a second amount for the same landlord, year and quartier."""
    abatement = TfpbAbatement(
        programme=programme, landlord=landlord, year=year, amount=amount, sector=sector, note=note.strip()
    )
    _check_abatement_once(abatement)
    model_save(abatement)
    _bump()
    return abatement


@transaction.atomic
def tfpb_abatement_update(*, abatement: TfpbAbatement, **fields: Any) -> TfpbAbatement:
    if "note" in fields:
        fields["note"] = fields["note"].strip()
    if assign_changed(abatement, fields):
        _check_abatement_once(abatement)
        model_save(abatement)
        _bump()
    return abatement


def _check_abatement_once(abatement: TfpbAbatement) -> None:
    """One amount per landlord, year and quartier (or all the programme): a second one is refused on the
    year, naming what is already recorded (the database constraint stays the last word)."""
    if abatement.year is None or not abatement.landlord_id:
        return
    taken = (
        TfpbAbatement.objects.filter(
            programme=abatement.programme,
            landlord_id=abatement.landlord_id,
            year=abatement.year,
            sector__isnull=abatement.sector_id is None,
        )
        .filter(**({"sector_id": abatement.sector_id} if abatement.sector_id else {}))
        .exclude(pk=abatement.pk)
        .exists()
    )
    if taken:
        where = f"le quartier {abatement.sector}" if abatement.sector_id else "tout le programme"
        raise ValidationError(
            {
                "year": f"Un montant d'abattement est déjà enregistré pour {abatement.landlord} en "
                f"{abatement.year} ({where}) : modifiez-le plutôt."
            }
        )


@transaction.atomic
def tfpb_abatement_delete(*, abatement: TfpbAbatement) -> None:
    """Remove an amount recorded by mistake (the removal stays in its history)."""
    abatement.delete()
    _bump()


# --- Answer templates -------------------------------------------------------------------------------------


@transaction.atomic
def answer_template_create(*, programme: Programme, title: str, text: str, order: int = 0) -> AnswerTemplate:
    return model_save(
        AnswerTemplate(programme=programme, title=title.strip(), text=text.strip(), order=order)
    )


@transaction.atomic
def answer_template_update(*, template: AnswerTemplate, **fields: Any) -> AnswerTemplate:
    for name in ("title", "text"):
        if name in fields:
            fields[name] = fields[name].strip()
    if assign_changed(template, fields):
        model_save(template)
    return template


@transaction.atomic
def answer_template_delete(*, template: AnswerTemplate) -> None:
    """Remove a canned answer: the answers already given keep their text."""
    template.delete()


# --- Bulk writes (demo data, imports) ----------------------------------------------------------------------
# Their rows were validated beforehand in the same transaction; these write without a query per row.


@transaction.atomic
def reports_bulk_create(*, reports: list[Report], events: Iterable[ReportEvent] = ()) -> list[Report]:
    """Insert reports (primary keys set) and then their history (events naming reports by object)."""
    _bump()
    created = Report.objects.bulk_create(reports, batch_size=1000)
    rows = list(events)
    for event in rows:
        event.report_id = event.report.pk
    ReportEvent.objects.bulk_create(rows, batch_size=2000)
    return created


@transaction.atomic
def reports_bulk_update(
    *, changes: list[tuple[Report, dict[str, Any]]], events: Iterable[ReportEvent] = ()
) -> None:
    """Apply each report's changed fields, then write the history of the changes."""
    names: set[str] = set()
    now = timezone.now()
    for report, fields in changes:
        report.updated_at = now
        for name, value in fields.items():
            setattr(report, name, value)
        names.update(fields)
    _bump()
    if names:
        Report.objects.bulk_update(
            [report for report, _ in changes], sorted(names | {"updated_at"}), batch_size=1000
        )
    ReportEvent.objects.bulk_create(list(events), batch_size=2000)


# --- Weekly digest to handler organisations ---------------------------------------------------------------
# One WeeklyDigest row per (programme, organisation, week), unique in the table: the Monday planner can run
# twice, a task can be delivered twice, a worker can retry, and the e-mail still leaves once (core/jobs.py).


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the day's week."""
    return day - datetime.timedelta(days=day.weekday())


def digests_plan(*, today: datetime.date | None = None) -> list[WeeklyDigest]:
    """Beat, on Mondays: a digest for each handler organisation with open reports routed to it (« Transmis »
    or « En cours »: a « Nouveau » report is not yet routed, `ROUTED_OPEN_STATUSES`), once per week; the new
    ones are sent to the worker once planned. Returns the digests created now."""
    today = today or timezone.localdate()
    week = week_of(today)
    pairs = (
        Report.objects.filter(status__in=ROUTED_OPEN_STATUSES, handler__isnull=False)
        .values_list("programme_id", "handler_id")
        .distinct()
        .order_by("programme_id", "handler_id")
    )
    created = []
    for programme_id, organisation_id in pairs:
        with transaction.atomic():
            digest, new = WeeklyDigest.objects.get_or_create(
                programme_id=programme_id, organisation_id=organisation_id, week=week
            )
            if new:
                jobs.enqueue_on_commit(WeeklyDigest, digest.pk)
                created.append(digest)
    return created


def _digest_message(digest: WeeklyDigest, content: selectors.DigestContent, recipients: list[str]):
    context = {
        "digest": digest,
        "content": content,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = (
        f"[Pilotage NPRU] Signalements GUSP, semaine du {digest.week:%d/%m/%Y} : {content.open} ouverts, "
        f"dont {content.late} en retard"
    )
    message = EmailMultiAlternatives(
        subject=subject[:200], body=render_to_string("emails/gusp_digest.txt", context), to=recipients
    )
    message.attach_alternative(render_to_string("emails/gusp_digest.html", context), "text/html")
    return message


def digest_send(*, digest_id: int, today: datetime.date | None = None) -> bool:
    """The worker: claim the digest (committed before anything leaves), send it, mark it sent. A digest
    already claimed, sent or given up sends nothing. True when an e-mail left."""
    today = today or timezone.localdate()
    with transaction.atomic():
        digest = jobs.claim(
            WeeklyDigest.objects.select_related("organisation", "programme"),
            pk=digest_id,
            statuses=(DigestStatus.PENDING,),
            start_status=DigestStatus.SENDING,
        )
    if digest is None:
        return False
    reports = Report.objects.filter(programme_id=digest.programme_id, handler_id=digest.organisation_id)
    content = selectors.digest_content(reports, today=today)
    recipients = selectors.digest_recipients(
        programme_id=digest.programme_id, organisation_id=digest.organisation_id
    )
    fields = {"open_reports": content.open, "late_reports": content.late, "recipients": len(recipients)}
    if not recipients or not content.open:
        status = DigestStatus.NO_RECIPIENT if not recipients else DigestStatus.SENT
        WeeklyDigest.objects.filter(pk=digest.pk).update(status=status, **fields)
        return False
    _digest_message(digest, content, recipients).send()
    WeeklyDigest.objects.filter(pk=digest.pk).update(
        status=DigestStatus.SENT, sent_at=timezone.now(), **fields
    )
    logger.info("gusp_digest_sent", digest_id=digest.pk, recipients=len(recipients), open=content.open)
    return True


def digest_give_up(digest: WeeklyDigest, message: str) -> None:
    """The sweep gives up on a digest (its row locked by the sweep)."""
    digest.status, digest.message = DigestStatus.FAILED, message
    digest.save(update_fields=["status", "message"])


def digests_pending_sweep() -> int:
    return jobs.sweep(WeeklyDigest)


# --- Conventions: changes after creation (the referential pages) -------------------------------------------


@transaction.atomic
def convention_update(
    *,
    convention: GuspConvention,
    sectors: Iterable[Sector] | None = None,
    signatories: Iterable[Organisation] | None = None,
    **fields: Any,
) -> GuspConvention:
    """Change a convention: its fields, and its sectors and signatories when given."""
    if assign_changed(convention, fields):
        model_save(convention)
    if sectors is not None:
        convention.sectors.set(list(sectors))
    if signatories is not None:
        convention.signatories.set(list(signatories))
    return convention


@transaction.atomic
def commitment_update(*, commitment: Commitment, **fields: Any) -> Commitment:
    if assign_changed(commitment, fields):
        model_save(commitment)
    return commitment


@transaction.atomic
def commitment_delete(*, commitment: Commitment) -> None:
    commitment.delete()
