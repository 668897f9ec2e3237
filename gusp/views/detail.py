"""One report's page: what it says, where (a small map), its photos, its history and its answer; the forms
its user may use (the team: route, status, answer, photo; a handler partner: status, answer, photo). A
form sent back with errors is shown on this page, bound, with the others blank."""

from django.shortcuts import render
from django.utils import timezone

from gusp.forms import AnswerForm, PhotoForm, RouteForm, StatusForm
from gusp.models import Report


def _hours(later, earlier) -> float | None:
    if not later or not earlier:
        return None
    return (later - earlier).total_seconds() / 3600


def render_detail(request, report: Report, *, status: int = 200, **bound) -> object:
    """The report's page; `bound` holds a form sent back with its errors (route, status, answer, photo)."""
    report = Report.objects.with_detail_data().get(pk=report.pk)
    user = request.user
    can_route = user.has_perm("gusp.route_report", report)
    can_status = user.has_perm("gusp.change_report_status", report)
    can_answer = user.has_perm("gusp.answer_report", report)
    can_photo = user.has_perm("gusp.add_reportphoto", report)
    forms = {}
    if can_route and report.is_open:
        forms["route_form"] = bound.get("route_form") or RouteForm(report=report)
    if can_status:
        form = bound.get("status_form") or StatusForm(user=user, report=report)
        if form.has_choices:
            forms["status_form"] = form
    if can_answer:
        forms["answer_form"] = bound.get("answer_form") or AnswerForm(report=report)
    if can_photo:
        forms["photo_form"] = bound.get("photo_form") or PhotoForm()
    ack_hours = _hours(report.acknowledged_at, report.reported_at)
    closure_hours = _hours(report.closed_at, report.reported_at)
    duplicates = (
        Report.objects.visible_to(user).filter(duplicate_of=report).only("pk", "reference", "reported_at")
    )
    duplicate_visible = bool(
        report.duplicate_of_id and Report.objects.visible_to(user).filter(pk=report.duplicate_of_id).exists()
    )
    context = {
        "report": report,
        "duplicate_visible": duplicate_visible,
        "today": timezone.localdate(),
        "is_late": report.is_late(timezone.localdate()),
        "events": list(report.events.all()),
        "photos": list(report.photos.all()),
        "duplicates": duplicates,
        "ack_days": None if ack_hours is None else ack_hours / 24,
        "ack_hours": ack_hours,
        "closure_days": None if closure_hours is None else closure_hours / 24,
        "can_edit": user.has_perm("gusp.change_report", report),
        "is_handler_partner": can_status and not can_route,
        **forms,
    }
    return render(request, "gusp/report_detail.html", context, status=status)
