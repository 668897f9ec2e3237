"""Template filters of the projects app: `{% load semesters %}`, then `{{ value|semester }}`."""

from django import template

from projects.semesters import semester_label

register = template.Library()


@register.filter
def semester(value: str) -> str:
    """A stored semester ("2024-S2") as ANRU writes it ("S2 2024"), "—" when empty."""
    return semester_label(value) or "—"
