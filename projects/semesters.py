"""Semesters as ANRU's financial annex writes them ("S2 2024"), stored as sortable "2024-S2"."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

STORED = re.compile(r"^(?P<year>\d{4})-S(?P<half>[12])$")
_PATTERNS = [
    re.compile(r"^S(?P<half>[12])\s*[-/ ]?\s*(?P<year>\d{4})$", re.I),
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*S(?P<half>[12])$", re.I),
    re.compile(r"^(?P<half>[12])\s*(?:er|e|ème|nd)?\s*sem(?:estre)?\.?\s*(?P<year>\d{4})$", re.I),
]

semester_validator = RegexValidator(STORED, "Semestre attendu au format « 2024-S1 ».")


def parse_semester(text: str) -> str:
    """Return "YYYY-SN" for any of the spellings found in partners' files, or raise ValidationError."""
    cleaned = " ".join(str(text).split())
    for pattern in [STORED, *_PATTERNS]:
        match = pattern.match(cleaned)
        if match:
            return f"{match['year']}-S{match['half']}"
    raise ValidationError("« %(value)s » n'est pas un semestre (ex. « S1 2024 »).", params={"value": text})


def add_semesters(semester: str, count: int) -> str:
    match = STORED.match(semester)
    if not match:
        raise ValidationError("Semestre invalide : %(value)s", params={"value": semester})
    index = int(match["year"]) * 2 + int(match["half"]) - 1 + count
    return f"{index // 2}-S{index % 2 + 1}"


def semester_of(day: datetime.date) -> str:
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def semester_index(semester: str) -> int:
    """A count of semesters (consecutive semesters differ by one)."""
    year, half = semester.split("-S")
    return int(year) * 2 + int(half) - 1


def semester_first_day(semester: str) -> datetime.date:
    year, half = semester.split("-S")
    return datetime.date(int(year), 1 if half == "1" else 7, 1)


def semester_last_day(semester: str) -> datetime.date:
    year, half = semester.split("-S")
    return datetime.date(int(year), 6, 30) if half == "1" else datetime.date(int(year), 12, 31)


def semester_label(semester: str) -> str:
    match = STORED.match(semester or "")
    return f"S{match['half']} {match['year']}" if match else ""


class SemesterField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [semester_validator])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs
