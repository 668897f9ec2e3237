"""What is done to one report from its page (or a row of the triage queue): routing to an organisation,
a change of status, the answer, a photo. Each is a POST through a service; on success the page comes back
with a message, on error the report's page shows the form with its errors.

The team routes and changes anything; a handler organisation's partner users change the status of,
answer and add photos to the reports routed to them (gusp.rules) — the one place a partner writes."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.decorators import programme_required
from core.forms import apply_service_errors
from core.http import safe_next
from gusp import services
from gusp.forms import AnswerForm, PhotoForm, RouteForm, StatusForm
from gusp.models import Report
from gusp.views.common import require_perm, visible_report
from gusp.views.detail import render_detail


def _next(request, report) -> str:
    return safe_next(request, reverse("gusp:report_detail", args=[report.pk]))


def _act(
    request,
    pk: int,
    *,
    perm: str,
    form: Callable[[Report], object],
    save: Callable[[Report, dict], str],
    bound_as: str,
    field_map: dict[str, str] | None = None,
):
    """Check `perm` on the report the user sees, validate `form`, call the service (`save` returns the
    success message); the report's page with the form's errors otherwise."""
    report = visible_report(request, pk)
    require_perm(request, perm, report)
    bound = form(report)
    if bound.is_valid():
        try:
            message = save(report, bound.cleaned_data)
        except ValidationError as error:
            apply_service_errors(bound, error, field_map)
        else:
            messages.success(request, message)
            return redirect(_next(request, report))
    return render_detail(request, report, **{bound_as: bound})


@require_POST
@programme_required
def report_route(request, pk: int):
    def save(report, data):
        services.report_route(report=report, handler=data["handler"], by=request.user, note=data["note"])
        return f"Signalement {report.reference} transmis à {data['handler']}."

    return _act(
        request,
        pk,
        perm="gusp.route_report",
        form=lambda report: RouteForm(request.POST, report=report),
        save=save,
        bound_as="route_form",
    )


@require_POST
@programme_required
def report_status(request, pk: int):
    def save(report, data):
        services.report_set_status(
            report=report,
            status=data["status"],
            by=request.user,
            note=data["note"],
            competent_body=data.get("competent_body", ""),
            duplicate_of=data.get("duplicate_of"),
        )
        return f"Signalement {report.reference} : « {report.get_status_display()} »."

    return _act(
        request,
        pk,
        perm="gusp.change_report_status",
        form=lambda report: StatusForm(request.POST, user=request.user, report=report),
        save=save,
        bound_as="status_form",
    )


@require_POST
@programme_required
def report_answer(request, pk: int):
    def save(report, data):
        services.report_answer(report=report, text=data["text"], by=request.user)
        return f"Réponse enregistrée pour le signalement {report.reference}."

    return _act(
        request,
        pk,
        perm="gusp.answer_report",
        form=lambda report: AnswerForm(request.POST, report=report),
        save=save,
        bound_as="answer_form",
        field_map={"answer": "text"},
    )


@require_POST
@programme_required
def report_photo_add(request, pk: int):
    def save(report, data):
        services.report_photo_add_upload(report=report, upload=data["image"], by=request.user)
        return f"Photo ajoutée au signalement {report.reference}."

    return _act(
        request,
        pk,
        perm="gusp.add_reportphoto",
        form=lambda report: PhotoForm(request.POST, request.FILES),
        save=save,
        bound_as="photo_form",
    )
