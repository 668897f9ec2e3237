"""The programme's themes (« Thèmes »): each one's default handler, target delay and other spellings, the
reference data the triage, the due dates and the imports read. The GUSP referent and the mission team edit
them (`gusp.change_theme`); the programme's other members read the list, partners without the report
counts (they see only the reports routed to them)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.audience import audience_for_request
from core.decorators import programme_required
from core.forms import save_or_errors
from core.readonly import readonly
from gusp import services
from gusp.forms import ThemeForm
from gusp.models import OPEN_STATUSES, Report, Theme
from gusp.views.common import require_perm


def _themes(request):
    return Theme.objects.visible_to(request.user).filter(programme=request.programme)


@readonly
@programme_required
def theme_list(request):
    is_internal = audience_for_request(request).is_internal
    themes = _themes(request).select_related("default_handler").order_by("order", "name", "pk")
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
    list_url = reverse("gusp:theme_list")
    open_reports = Report.objects.filter(theme=theme, status__in=OPEN_STATUSES).count()
    return render(
        request,
        "gusp/theme_form.html",
        {
            "form": form,
            "theme": theme,
            "title": f"Modifier le thème « {theme.name} »",
            "cancel_url": list_url,
            "breadcrumb": [(list_url, "Thèmes")],
            "open_reports": open_reports,
        },
    )
