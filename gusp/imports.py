"""Import of the reports exported by a city's reporting tool (CSV or xlsx): one row per report.

Formats, columns, accepted spellings and the rules below are described for users in docs/imports.md
(section « Signalements GUSP (outil de signalement) »):

- reports are keyed by the source's number (« Numéro »), unique in the programme: a re-import updates
  them, never duplicates them; an unchanged row writes nothing;
- the category becomes a theme by name or by one of its other spellings (`Theme.synonyms`, a value
  mapping of the programme); an unknown category goes to « Autre » and is listed in the preview, where
  it can be mapped to a theme for the next imports;
- statuses accept the usual wordings of such tools (gusp.vocabularies.REPORT_STATUS); an unknown one is
  an error naming the value; on update, a change of status follows REPORT_LIFECYCLE;
- the quartier is found by name (accents, case, apostrophes and a leading « QPV » ignored) or QPV code,
  or, when the cell is empty, by the point falling inside a sector's perimeter;
- an unknown handler organisation is created (type « Autre »), announced in the preview;
- a « Doublon » may lack the report it duplicates; « Hors compétence » may lack the body named;
- empty cells keep the stored values. The history of each report records its creation and each change of
  status or handler made by an import (ReportEvent), with the user who committed it.
"""

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.import_refs import OrganisationRef, OrganisationRefs
from accounts.models import OrganisationKind
from core.import_upsert import ModelUpsertSpec, PendingObject, changed_fields
from core.imports import Action, ImportResult, Progress, Row, RowPlan, display_name
from core.parsing import bounded, invalid, is_blank, normalize_key, parse_date_fr, parse_decimal_fr, text_of
from gusp import geo
from gusp.models import CLOSED_STATUSES, EventKind, Report, ReportEvent, ReportSource, ReportStatus, Theme
from gusp.services import (
    handler_delays,
    report_check_transition,
    reports_bulk_create,
    reports_bulk_update,
    themes_ensure,
)
from gusp.vocabularies import (
    DEFAULT_THEMES,
    OTHER_THEME,
    REPORT_HEADERS,
    REPORT_SOURCE,
    REPORT_STATUS,
    SECTORS,
    THEMES,
    theme_lookup,
)
from projects.models import Sector

R = ReportStatus
WRITE_BATCH = 1_000
UNKNOWN_HANDLER = "Organisation en charge « {name} » inconnue : elle sera créée (type : {kind})."
UNKNOWN_CATEGORY = (
    "Catégorie « {value} » inconnue : {count} signalement(s) rangé(s) dans « Autre ». Pour la suite, "
    "rattachez-la à un thème dans l'aperçu : elle rejoint les autres intitulés de ce thème."
)


def parse_datetime_fr(value: Any) -> datetime.datetime | None:
    """« 12/11/2025 12:58 », « 12/11/2025 », an ISO date and time or an Excel date cell: a local time."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = " ".join(str(value).split())
        day_text, _, time_text = text.replace("T", " ").partition(" ")
        day = parse_date_fr(day_text if time_text else value)
        if day is None:
            return None
        moment = datetime.datetime.combine(day, datetime.time())
        if time_text:
            try:
                moment = datetime.datetime.combine(
                    day, datetime.time.fromisoformat(time_text.replace("h", ":"))
                )
            except ValueError:
                raise invalid(
                    "« %(value)s » n'est pas une date et heure (ex. « 12/11/2025 12:58 »).", value
                ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


parse_latitude = bounded(
    parse_decimal_fr,
    minimum=-90,
    maximum=90,
    message="« %(value)s » n'est pas une latitude (ex. « 50,6187 »).",
)
parse_longitude = bounded(
    parse_decimal_fr,
    minimum=-180,
    maximum=180,
    message="« %(value)s » n'est pas une longitude (ex. « 3,0692 »).",
)
PRIORITY_WORDS = {
    "basse": "basse",
    "faible": "basse",
    "normale": "normale",
    "haute": "haute",
    "urgente": "urgente",
}


def parse_priority(value: Any) -> str | None:
    if is_blank(value):
        return None
    found = PRIORITY_WORDS.get(normalize_key(value))
    if found is None:
        raise invalid("« %(value)s » : priorité basse, normale, haute ou urgente.", value)
    return found


def coordinate(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))


C = REPORT_HEADERS.column
COLUMNS = (
    C("reference", parser=text_of(40), required=True),
    C("reported_at", parser=parse_datetime_fr, required=True),
    C("category", parser=text_of(120), required=True, values=THEMES),
    C("description", parser=text_of(2000)),
    C("address", parser=text_of(300)),
    C("sector", parser=text_of(200), values=SECTORS),
    C("latitude", parser=parse_latitude),
    C("longitude", parser=parse_longitude),
    C("status", parser=REPORT_STATUS),
    C("closed_at", parser=parse_datetime_fr),
    C("handler", parser=text_of(200)),
    C("source", parser=REPORT_SOURCE),
    C("priority", parser=parse_priority),
    C("duplicate_of", parser=text_of(40)),
    C("competent_body", parser=text_of(200)),
    C("answer", parser=text_of(2000)),
)


@dataclass
class ReportChange:
    reference: str
    report: Report | None
    theme: str  # slug: the theme may be created on commit (a programme without themes yet)
    handler: OrganisationRef | None
    fields: dict[str, Any] = field(default_factory=dict)
    duplicate_of: str = ""  # a reference, resolved on commit (it may be a row of the same file)


class ReportImport(ModelUpsertSpec):
    kind = "gusp"
    label = "Signalements GUSP (outil de signalement)"
    description = (
        "L'export d'un outil de signalement de la ville : une ligne par signalement (numéro, date, "
        "catégorie, adresse, quartier ou coordonnées, statut, date de clôture, service en charge, origine, "
        "description). Les signalements sont reconnus par leur numéro : un nouvel import les met à jour, "
        "sans doublon."
    )
    key_field = "reference"
    key_label = "Numéro"
    columns = COLUMNS
    model = Report
    copied = (
        "description",
        "address",
        "status",
        "closed_at",
        "source",
        "priority",
        "competent_body",
        "answer",
    )
    clean_exclude = (
        "programme",
        "sector",
        "theme",
        "handler",
        "duplicate_of",
        "walk_audit",
        "created_by",
        "reference",
    )
    lifecycle = ("status", report_check_transition)
    model_field_columns = {"theme": "category", "reported_at": "reported_at"}

    def prepare(self) -> None:
        self.organisations = OrganisationRefs(self, warning=UNKNOWN_HANDLER)
        themes = list(Theme.objects.filter(programme=self.programme))
        self.themes = {theme.slug: theme for theme in themes}
        self.theme_slugs = {theme.pk: theme.slug for theme in themes}
        self.theme_keys = theme_lookup(themes)
        # The themes' delays for one handler (gusp.services.target_days), by (theme slug, organisation).
        self.handler_delays = {
            (self.theme_slugs[theme_id], organisation_id): days
            for (theme_id, organisation_id), days in handler_delays(theme_ids=self.theme_slugs).items()
        }
        self.reports = {
            report.reference: report
            for report in Report.objects.filter(programme=self.programme).select_related(
                "sector", "theme", "duplicate_of"
            )
        }
        self.references = {report.pk: reference for reference, report in self.reports.items()}
        self.sectors = list(Sector.objects.filter(programme=self.programme).only("pk", "name", "perimeter"))
        self.unknown_categories: dict[str, int] = {}
        self.in_file: set[str] = set()
        self.originals: dict[str, int] = {}  # a duplicate's original → the row naming it

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
        reference = row.get("reference")
        self.in_file.add(reference)
        report = self.reports.get(reference)
        theme = self._theme(row)
        sector = self._sector(row)
        handler = self._handler(row)
        wanted = self._wanted(row, report, theme, sector, handler)
        self.check_lifecycle(row, report, wanted)
        if row.ok:
            candidate = copy.copy(report) if report else Report(programme=self.programme, reference=reference)
            if theme in self.themes:
                candidate.theme = self.themes[theme]
            if isinstance(handler, PendingObject):
                candidate.handler_id = -1  # created on commit: only its presence is checked here
            self.clean_candidate(row, candidate, wanted)
        if not row.ok:
            return None
        fields = changed_fields(report, wanted)
        if report is None or self.theme_slugs.get(report.theme_id) != theme:
            fields["theme_slug"] = theme
        duplicate_of = row.get("duplicate_of") or ""
        if duplicate_of:
            self.originals.setdefault(duplicate_of, row.number or 0)
        duplicate_changed = bool(duplicate_of) and (
            report is None or self.references.get(report.duplicate_of_id) != duplicate_of
        )
        changes = [*fields, "duplicate_of"] if duplicate_changed else list(fields)
        return self.upsert_plan(
            row,
            reference,
            created=report is None,
            changes=["theme" if name == "theme_slug" else name for name in changes],
            data=ReportChange(reference, report, theme, handler, fields, duplicate_of),
        )

    def _theme(self, row: Row) -> str:
        category = row.get("category")
        slug = self.theme_keys.get(normalize_key(category)) if category else None
        if slug is None:
            self.unknown_categories[category] = self.unknown_categories.get(category, 0) + 1
            row.unknown_values.setdefault("category", category)  # listed in the preview, to map
            slug = OTHER_THEME
        return slug

    def _sector(self, row: Row) -> Sector | None:
        sector = row.get("sector")
        if sector is not None or not row.usable("sector"):
            return sector
        latitude, longitude = row.get("latitude"), row.get("longitude")
        if latitude is None or longitude is None:
            if row.usable("latitude", "longitude"):
                row.error(
                    "sector", "Indiquez le quartier, ou les coordonnées d'un point situé dans un quartier."
                )
            return None
        found = geo.sectors_at(self.sectors, longitude=longitude, latitude=latitude)
        if len(found) != 1:
            names = ", ".join(s.name for s in found)
            point = f"Le point ({latitude} ; {longitude})"
            message = (
                f"{point} n'est dans aucun quartier du programme : indiquez le quartier."
                if not found
                else f"{point} est dans plusieurs quartiers ({names}) : indiquez le quartier."
            )
            row.error("sector", message)
            return None
        return found[0]

    def _handler(self, row: Row) -> OrganisationRef | None:
        name = row.get("handler")
        return self.organisations.named(name, OrganisationKind.AUTRE) if name else None

    def _wanted(
        self,
        row: Row,
        report: Report | None,
        theme: str,
        sector: Sector | None,
        handler: OrganisationRef | None,
    ) -> dict[str, Any]:
        """The report's fields as the row gives them; an empty cell keeps the stored value."""
        wanted = self.wanted_fields(row)
        if row.get("reported_at") is not None:
            wanted["reported_at"] = row.get("reported_at")
        if sector is not None:
            wanted["sector"] = sector
        if handler is not None:
            wanted["handler"] = handler
        for name in ("latitude", "longitude"):
            if row.get(name) is not None:
                wanted[name] = coordinate(row.get(name))
        if report is None:
            wanted.setdefault("status", R.NEW)
            wanted.setdefault("source", ReportSource.OTHER_TOOL)
            wanted.setdefault("description", row.get("category") or "")
        # The due date follows the target delay of the theme for the report's handler (its own delay when
        # it has one, gusp.services.target_days) from the day of the report; a change of handler moves it
        # when either handler has its own delay for the theme (as gusp.services.report_route does).
        theme_changed = report is None or self.theme_slugs.get(report.theme_id) != theme
        moment = wanted.get("reported_at") or (report.reported_at if report else None)
        stored_handler_id = report.handler_id if report else None
        handler_id = getattr(handler, "pk", None) if handler is not None else stored_handler_id
        handler_moved = report is not None and handler_id != stored_handler_id
        own_delay = {(theme, stored_handler_id), (theme, handler_id)} & self.handler_delays.keys()
        target_days = self._target_days(theme, handler_id)
        if (
            moment is not None
            and target_days is not None
            and (theme_changed or "reported_at" in wanted or (handler_moved and own_delay))
        ):
            wanted["due_on"] = timezone.localdate(moment) + datetime.timedelta(days=target_days)
        status = wanted.get("status") or (report.status if report else R.NEW)
        if status not in CLOSED_STATUSES:
            if row.get("closed_at") and row.usable("status"):
                row.error("closed_at", f"Date de clôture d'un signalement « {R(status).label} » (ouvert).")
            if report is not None and report.closed_at:
                wanted["closed_at"] = None  # reopened in the other tool
        if status != R.NOT_OURS:
            if row.get("competent_body"):
                row.error(
                    "competent_body",
                    "L'organisme compétent ne se nomme que pour un signalement hors compétence.",
                )
            if report is not None and report.competent_body:
                wanted["competent_body"] = ""
        if row.get("duplicate_of") and status != R.DUPLICATE and row.usable("status"):
            row.error("duplicate_of", "Seul un doublon renvoie à un autre signalement.")
        return wanted

    def _target_days(self, slug: str, handler_id: int | None = None) -> int | None:
        if (slug, handler_id) in self.handler_delays:
            return self.handler_delays[(slug, handler_id)]
        if slug in self.themes:
            return self.themes[slug].target_days
        return next((t.target_days for t in DEFAULT_THEMES if t.slug == slug), None)

    def complete(self, result: ImportResult) -> None:
        for category, count in sorted(self.unknown_categories.items()):
            self.warn(UNKNOWN_CATEGORY.format(value=category, count=count))
        for original, number in sorted(self.originals.items(), key=lambda item: item[1]):
            if original not in self.in_file and original not in self.reports:
                self.warn(
                    f"Ligne {number} : le signalement d'origine « {original} » est inconnu ; le doublon est "
                    "importé sans lui."
                )

    # Writing ------------------------------------------------------------------------------------------
    def apply_all(self, plans: list[RowPlan], result: ImportResult, on_progress: Progress) -> None:
        changes = [plan.data for plan in plans if plan.action != Action.UNCHANGED]
        if not changes:
            return
        needed = {change.theme for change in changes}
        themes = self.themes if needed <= set(self.themes) else themes_ensure(programme=self.programme)
        self.note = f"Import « {display_name(result.filename)} »"
        self.now = timezone.now()
        written: dict[str, Report] = {}
        for start in range(0, len(changes), WRITE_BATCH):
            written |= self._write(changes[start : start + WRITE_BATCH], themes)
            on_progress(min(start + WRITE_BATCH, len(changes)) / len(changes))
        self._link_duplicates(changes, written)

    def _fields(self, change: ReportChange, themes: dict[str, Theme]) -> dict[str, Any]:
        fields = {name: value for name, value in change.fields.items() if name != "theme_slug"}
        if "theme_slug" in change.fields:
            fields["theme"] = themes[change.theme]
        if "handler" in fields and fields["handler"] is not None:
            fields["handler"] = self.organisations.saved(fields["handler"], attach=True)
        return fields

    def _events(self, report: Report, before: Report | None, fields: dict[str, Any]) -> list[ReportEvent]:
        user = self.user
        events = []
        if before is None:
            events.append(
                ReportEvent(
                    report=report,
                    kind=EventKind.CREATED,
                    at=report.reported_at,
                    user=user,
                    to_status=R.NEW,
                    to_handler_id=report.handler_id,
                    note=self.note,
                )
            )
            if report.status != R.NEW:
                events.append(
                    ReportEvent(
                        report=report,
                        kind=EventKind.STATUS,
                        at=report.closed_at or self.now,
                        user=user,
                        from_status=R.NEW,
                        to_status=report.status,
                        from_handler_id=report.handler_id,
                        to_handler_id=report.handler_id,
                        note=self.note,
                    )
                )
            return events
        if (
            "handler" in fields
            and fields["handler"] is not None
            and fields["handler"].pk != before.handler_id
        ):
            events.append(
                ReportEvent(
                    report=report,
                    kind=EventKind.ROUTED,
                    at=self.now,
                    user=user,
                    from_status=before.status,
                    to_status=fields.get("status", before.status),
                    from_handler_id=before.handler_id,
                    to_handler_id=fields["handler"].pk,
                    note=self.note,
                )
            )
        if "status" in fields and fields["status"] != before.status:
            events.append(
                ReportEvent(
                    report=report,
                    kind=EventKind.STATUS,
                    at=fields.get("closed_at") or self.now,
                    user=user,
                    from_status=before.status,
                    to_status=fields["status"],
                    from_handler_id=report.handler_id,
                    to_handler_id=report.handler_id,
                    note=self.note,
                )
            )
        return events

    def _write(self, changes: list[ReportChange], themes: dict[str, Theme]) -> dict[str, Report]:
        created, created_events, updates, update_events = [], [], [], []
        for change in changes:
            fields = self._fields(change, themes)
            if change.report is None:
                report = Report(
                    programme=self.programme, reference=change.reference, created_by=self.user, **fields
                )
                created.append(report)
                created_events += self._events(report, None, fields)
            else:
                before = Report(status=change.report.status, handler_id=change.report.handler_id)
                update_events += self._events(change.report, before, fields)
                updates.append((change.report, fields))
        reports_bulk_create(reports=created, events=created_events)
        reports_bulk_update(changes=updates, events=update_events)
        return {report.reference: report for report in [*created, *(report for report, _ in updates)]}

    def _link_duplicates(self, changes: list[ReportChange], written: dict[str, Report]) -> None:
        wanted = {change.reference: change.duplicate_of for change in changes if change.duplicate_of}
        if not wanted:
            return
        known = dict(
            Report.objects.filter(programme=self.programme, reference__in=set(wanted.values())).values_list(
                "reference", "pk"
            )
        )
        linked = []
        for reference, original in wanted.items():
            report = written.get(reference)
            if report is not None and original in known and known[original] != report.pk:
                report.duplicate_of_id = known[original]
                linked.append(report)
        Report.objects.bulk_update(linked, ["duplicate_of"])
