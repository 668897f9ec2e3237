"""The programme's themes (« Thèmes »): each one's default handler, target delay and other spellings, the
reference data the triage, the due dates and the imports read. The GUSP referent and the mission team edit
them (`gusp.change_theme`); the programme's other members read the list, partners without the report
counts (they see only the reports routed to them)."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.audience import audience_for_request
from core.decorators import programme_required
from core.forms import save_or_errors
from core.readonly import readonly
from gusp import services
from gusp.forms import ThemeDelayForm, ThemeForm
from gusp.models import OPEN_STATUSES, Report, Theme, ThemeHandlerDelay
from gusp.views.common import require_perm


def _themes(request):
    return Theme.objects.visible_to(request.user).filter(programme=request.programme)


@readonly
@programme_required
def theme_list(request):
    is_internal = audience_for_request(request).is_internal
    themes = (
        _themes(request)
        .select_related("default_handler")
        .prefetch_related(
            Prefetch("handler_delays", ThemeHandlerDelay.objects.select_related("organisation"))
        )
        .order_by("order", "name", "pk")
    )
    if is_internal:
        # The open reports the user may count: its perimeter (a member limited to sectors, those sectors).
        counted = Report.objects.aggregable_by(request.user).filter(
            programme=request.programme, status__in=OPEN_STATUSES
        )
        open_counts = dict(
            counted.values("theme").annotate(n=Count("pk")).order_by().values_list("theme", "n")
        )
    else:
        open_counts = {}
    rows = [(theme, open_counts.get(theme.pk, 0)) for theme in themes]
    context = {
        "rows": rows,
        "is_internal": is_internal,
        "can_edit": request.user.has_perm("gusp.change_theme", request.programme),
        "total_open": sum(open_counts.values()),
    }
    return render(request, "gusp/theme_list.html", context)


@programme_required
def theme_edit(request, pk: int):
    theme = get_object_or_404(_themes(request).select_related("default_handler"), pk=pk)
    require_perm(request, "gusp.change_theme", theme)
    before_days = theme.target_days
    form = ThemeForm(request.POST or None, instance=theme, programme=request.programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if save_or_errors(
            form,
            lambda: services.theme_update(
                theme=theme,
                default_handler=data["default_handler"],
                target_days=data["target_days"],
                synonyms=data["synonyms"],
            ),
        ):
            message = f"Thème « {theme.name} » mis à jour."
            if theme.target_days != before_days:
                message += (
                    f" Le délai de {theme.target_days} jours vaut pour les prochains signalements ; "
                    "les signalements déjà enregistrés gardent leur échéance."
                )
            messages.success(request, message)
            return redirect("gusp:theme_list")
    return _edit_page(request, theme, form=form)


def _edit_page(request, theme: Theme, *, form=None, delay_form=None):
    list_url = reverse("gusp:theme_list")
    open_reports = Report.objects.filter(theme=theme, status__in=OPEN_STATUSES).count()
    delays = theme.handler_delays.select_related("organisation").order_by("organisation__name", "pk")
    return render(
        request,
        "gusp/theme_form.html",
        {
            "form": form or ThemeForm(instance=theme, programme=request.programme),
            "delay_form": delay_form or ThemeDelayForm(programme=request.programme),
            "delays": delays,
            "theme": theme,
            "title": f"Modifier le thème « {theme.name} »",
            "cancel_url": list_url,
            "breadcrumb": [(list_url, "Thèmes")],
            "open_reports": open_reports,
        },
    )


@require_POST
@programme_required
def theme_delay_set(request, pk: int):
    """Add or change the theme's delay for one handler organisation (the small form of the edit page)."""
    theme = get_object_or_404(_themes(request).select_related("default_handler"), pk=pk)
    require_perm(request, "gusp.change_theme", theme)
    delay_form = ThemeDelayForm(request.POST, programme=request.programme)
    if delay_form.is_valid():
        data = delay_form.cleaned_data
        if save_or_errors(
            delay_form,
            lambda: services.theme_delay_set(
                theme=theme, organisation=data["organisation"], target_days=data["target_days"]
            ),
        ):
            messages.success(
                request,
                f"Délai de {data['target_days']} jour{'s' if data['target_days'] > 1 else ''} pour "
                f"« {data['organisation'].name} » sur le thème « {theme.name} » : il vaut pour les prochains "
                "signalements qui lui sont confiés ; ceux déjà enregistrés gardent leur échéance.",
            )
            return redirect("gusp:theme_edit", pk=theme.pk)
    return _edit_page(request, theme, delay_form=delay_form)


@require_POST
@programme_required
def theme_delay_remove(request, pk: int, delay_pk: int):
    """Remove the theme's delay for one organisation: the theme's own delay applies to its next reports."""
    theme = get_object_or_404(_themes(request), pk=pk)
    require_perm(request, "gusp.change_theme", theme)
    delay = get_object_or_404(theme.handler_delays.select_related("organisation"), pk=delay_pk)
    services.theme_delay_remove(delay=delay)
    messages.success(
        request,
        f"Délai propre à « {delay.organisation.name} » retiré : le délai du thème ({theme.target_days} "
        f"jour{'s' if theme.target_days > 1 else ''}) vaut pour ses prochains signalements.",
    )
    return redirect("gusp:theme_edit", pk=theme.pk)
