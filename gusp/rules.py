"""Who may write GUSP data (django-rules). Reads are scoped by `visible_to(user)` (gusp.models).

- The programme's editors (administrator, mission team) and the GUSP referent do everything: themes,
  conventions, walk audits, actions, reports (create, route, status, answer, photos).
- A handler organisation's partner users may change the status of, answer and add a photo to the reports
  routed to their organisation, and only those — a report is routed once it has left « Nouveau » (a
  « Nouveau » report's handler is only its theme's default, until the team triages it): to « En cours »,
  « Résolu », « Clos non résolu » or « Hors compétence » (`gusp.services.HANDLER_TARGETS`).
  It is the one place where a partner writes.
- Everyone else reads, as their audience allows.
"""

import rules

from accounts.models import Domain, Membership, Role
from accounts.selectors import programme_id_of
from core.scoping import EditorScope
from gusp.models import ReportStatus
from gusp.services import HANDLER_TARGETS, REPORT_LIFECYCLE


def _writers(user, obj):
    memberships = Membership.objects.active().filter(user=user, programme_id=programme_id_of(obj))
    return memberships.writing(Domain.GUSP)


@rules.predicate
def edits_gusp(user, obj) -> bool:
    """Admin, mission or GUSP referent in the programme of `obj` (and in its sector when limited)."""
    if obj is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    writers = _writers(user, obj)
    if writers.filter(sectors__isnull=True).exists():
        return True
    sector_id = getattr(obj, "sector_id", None)
    return sector_id is not None and writers.filter(sectors=sector_id).exists()


@rules.predicate
def handles_report(user, report) -> bool:
    """A partner of the organisation the report is routed to, in its programme: never while the report is
    « Nouveau » (its handler is then only its theme's default, the team has not triaged it yet)."""
    if report is None or not user.is_authenticated or not getattr(report, "handler_id", None):
        return False
    if report.status == ReportStatus.NEW:
        return False
    return (
        Membership.objects.active()
        .filter(
            user=user, programme_id=report.programme_id, role=Role.PARTNER, organisation_id=report.handler_id
        )
        .exists()
    )


def editor_scope(user, programme) -> EditorScope:
    """What `edits_gusp` answers for every report of a list, worked out once (at most two queries)."""
    if not user.is_authenticated or programme is None:
        return EditorScope(False, frozenset())
    if user.is_superuser:
        return EditorScope(True, frozenset())
    writers = Membership.objects.active().filter(user=user, programme=programme).writing(Domain.GUSP)
    if writers.filter(sectors__isnull=True).exists():
        return EditorScope(True, frozenset())
    sector_ids = {pk for pk in writers.values_list("sectors", flat=True) if pk is not None}
    return EditorScope(False, frozenset(sector_ids))


def status_choices(user, report) -> list[tuple[str, str]]:
    """The statuses `user` may give `report` (its current one first among them, in the lifecycle's order):
    every allowed one for an editor, the handler's ones for its partner users, none otherwise."""
    allowed = REPORT_LIFECYCLE.allowed(report.status)
    if edits_gusp(user, report):
        kept = set(allowed)
    elif handles_report(user, report):
        kept = set(allowed) & HANDLER_TARGETS
    else:
        return []
    return [
        (value, label)
        for value, label in REPORT_LIFECYCLE.choices(report.status)
        if value in kept | {report.status}
    ]


rules.add_perm("gusp.add_report", edits_gusp)  # obj: the programme (or a sector)
rules.add_perm("gusp.route_report", edits_gusp)
rules.add_perm("gusp.change_report", edits_gusp)  # what it says: description, place, theme, priority
rules.add_perm("gusp.change_report_status", edits_gusp | handles_report)
rules.add_perm("gusp.answer_report", edits_gusp | handles_report)
rules.add_perm("gusp.add_reportphoto", edits_gusp | handles_report)
rules.add_perm("gusp.change_theme", edits_gusp)
rules.add_perm("gusp.add_walkaudit", edits_gusp)
rules.add_perm("gusp.change_walkaudit", edits_gusp)
rules.add_perm("gusp.add_guspaction", edits_gusp)
rules.add_perm("gusp.change_guspaction", edits_gusp)
rules.add_perm("gusp.add_guspconvention", edits_gusp)
rules.add_perm("gusp.change_guspconvention", edits_gusp)
rules.add_perm("gusp.add_answertemplate", edits_gusp)  # obj: the programme
rules.add_perm("gusp.change_answertemplate", edits_gusp)
rules.add_perm("gusp.delete_answertemplate", edits_gusp)
rules.add_perm("gusp.add_tfpbabatement", edits_gusp)  # obj: the programme
rules.add_perm("gusp.change_tfpbabatement", edits_gusp)
rules.add_perm("gusp.delete_tfpbabatement", edits_gusp)
