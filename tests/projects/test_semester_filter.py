"""The `semester` template filter (projects' template library)."""

from django.template import Context, Template


def test_semester_filter_writes_anru_spelling_and_a_dash_when_empty():
    template = Template("{% load semesters %}{{ planned|semester }} / {{ empty|semester }}")
    assert template.render(Context({"planned": "2024-S2", "empty": ""})) == "S2 2024 / —"
