"""Filters and query-parameter parsing shared by every list: a bad value in the address never fails.

A value that cannot be used (not a number, out of range, a year PostgreSQL or Python's `date` cannot
hold) is an invalid filter field — django-filter then leaves that filter out and the form shows the
error — or, read directly by a view, the default the view gives.
"""

import django_filters
from django import forms

YEAR_MIN = 1900
YEAR_MAX = 2200


class YearField(forms.IntegerField):
    """A calendar year within `YEAR_MIN`..`YEAR_MAX` (a year lookup on 0 or 99999999999 fails in SQL)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class YearFilter(django_filters.NumberFilter):
    """`?year=2026` on a date field (`field_name=…`, `lookup_expr="year"`)."""

    field_class = YearField


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose fields carry Bootstrap's small form classes (the lists' filter bars)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_field in self.form.fields.values():
            widget = filter_field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif hasattr(filter_field, "choices"):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"


def int_param(value: str | None, *, default: int, minimum: int, maximum: int) -> int:
    """An integer read from the address, or `default` when it is missing, not a number or out of range."""
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if minimum <= number <= maximum else default


__all__ = ["YEAR_MAX", "YEAR_MIN", "StyledFilterSet", "YearField", "YearFilter", "int_param"]
