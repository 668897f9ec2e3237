"""Search-as-you-type choice fields for large querysets (operations, households…).

`AutocompleteSelect` renders only the empty choice and the current value, not one `<option>` per row
of the queryset; static/js/autocomplete.js turns it into a Tom Select (vendored) that asks `url` for
matching choices as the user types. The field keeps its whole queryset, so validation is unchanged.
The URL answers JSON built by `autocomplete_response`: `{"results": [{"value", "text"}], "next"}`,
paginated, filtered accent-insensitively (core.search) within the user's visible objects.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import JsonResponse

from core.filters import int_param
from core.search import Fold, fold

PAGE_SIZE = 20
MAX_PAGE = 10_000  # beyond, an OFFSET PostgreSQL refuses; a search narrows long before


class AutocompleteSelect(forms.Select):
    def __init__(self, url: str = "", attrs=None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {"data-autocomplete-url": str(self.url), "data-placeholder": "Tapez pour rechercher…"}
        )
        return context

    def optgroups(self, name, value, attrs=None):
        """Only the empty choice and the selected one: the others are searched for by the browser."""
        iterator = self.choices
        if not isinstance(iterator, forms.models.ModelChoiceIterator):  # pragma: no cover - plain choices
            return super().optgroups(name, value, attrs)
        queryset = iterator.queryset
        selected = [item for item in value if item not in ("", None) and _is_key(queryset, item)]
        choices: list[tuple[Any, Any]] = []
        if iterator.field.empty_label is not None:
            choices.append(("", iterator.field.empty_label))
        if selected:
            choices.extend(iterator.choice(obj) for obj in queryset.filter(pk__in=selected))
        self.choices = choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


def _is_key(queryset: QuerySet, value) -> bool:
    """Whether `value` can be a primary key of the queryset's model: a bound form (a list's filters read
    from the address) may hold "abc", which the field reports as invalid but the lookup would raise on."""
    try:
        queryset.model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


def use_autocomplete(field: forms.ModelChoiceField, url: str) -> None:
    """Give a model choice field of a built form the search-as-you-type widget (same classes)."""
    widget = AutocompleteSelect(url, attrs=dict(field.widget.attrs))
    widget.choices = field.choices  # type: ignore[assignment]  # a ModelChoiceIterator, read by optgroups
    widget.is_required = field.widget.is_required
    field.widget = widget


def autocomplete_response(
    request, queryset: QuerySet, *, fields: list[str], order_by: list[str]
) -> JsonResponse:
    """One page of `queryset` whose `fields` contain the words of `?q=` (each word, in any field;
    accents and case ignored), as `{"results": [{"value", "text"}], "next": url or null}`."""
    words = fold(request.GET.get("q", "").replace("\x00", "")).split()[:5]  # PostgreSQL refuses NUL
    if words:
        queryset = queryset.alias(**{f"_fold_{name}": Fold(name) for name in fields})
    for word in words:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"_fold_{name}__contains": word})
        queryset = queryset.filter(condition)
    page = int_param(request.GET.get("page"), default=1, minimum=1, maximum=MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset.order_by(*order_by)[start : start + PAGE_SIZE + 1])
    next_url = None
    if len(rows) > PAGE_SIZE:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        next_url = f"{request.path}?{query.urlencode()}"
    results = [{"value": str(obj.pk), "text": str(obj)} for obj in rows[:PAGE_SIZE]]
    return JsonResponse({"results": results, "next": next_url})
