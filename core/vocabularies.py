"""Vocabularies: the words partners' files use for a list of choices, as data.

A `Vocabulary` is a table — the choices (code, label) and the other spellings met in partners' files — and
is used as the parser of an import column: `Column("status", "Statut", parser=HOUSEHOLD_STATUS)`. A column
whose parser is a vocabulary is *mappable*: a value the table does not know is grouped in the preview, and
the user maps it to a choice once for the programme (core.import_mappings), which extends the vocabulary
for the next imports of that kind. Apps keep their tables in `<app>/vocabularies.py`.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from core.parsing import is_blank, normalize_key, parse_text, shown


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Choices and their synonyms; called on a cell, gives the choice's code (None for a blank cell)."""

    what: str  # names the thing in messages: « … » n'est pas une valeur reconnue pour « Statut »
    choices: tuple[tuple[str, str], ...]
    synonyms: Mapping[str, str] = field(default_factory=dict)
    key: Callable[[Any], str] = normalize_key
    _table: dict[str, str] = field(init=False, repr=False, default_factory=dict)  # set by __post_init__

    @classmethod
    def of(
        cls, text_choices, *, what: str, synonyms: Mapping[str, str] | None = None, **kwargs
    ) -> "Vocabulary":
        return cls(what=what, choices=tuple(text_choices.choices), synonyms=synonyms or {}, **kwargs)

    def __post_init__(self):
        table = {self.key(value): value for value, _label in self.choices if value}
        table.update({self.key(label): value for value, label in self.choices if value})
        table.update({self.key(word): value for word, value in self.synonyms.items()})
        object.__setattr__(self, "_table", table)

    def __call__(self, value: Any) -> str | None:
        if is_blank(value):
            return None
        found = self._table.get(self.key(parse_text(value)))
        if found is None:
            raise ValidationError(
                (
                    "« {value} » n'est pas une valeur reconnue pour « {what} ». "
                    "Valeurs acceptées : {accepted}."
                ).format(
                    value=shown(value),
                    what=self.what,
                    accepted=", ".join(str(label) for _v, label in self.choices),
                ),
                code="invalid_choice",
            )
        return found

    # A mappable column's targets: what a value of the file may be mapped to.
    target_what = "la valeur"

    def targets(self, programme) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in self.choices if value]

    def target(self, programme, code: str) -> str | None:
        """The choice a mapping's target names (its code or its label), or None."""
        return self._table.get(self.key(code)) if code else None


def vocabulary_table(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Synonyms written by choice: [(code, ("word", "other word")), …] → {"word": code, …}."""
    return {word: code for code, words in pairs for word in words}


# Bands ("< 30 ans", "1501 - 2000 €") ------------------------------------------------------------------

_DIGIT_GROUPS = re.compile(r"(?<=\d)[\s\u00a0\u202f.](?=\d{3}\b)")
_BAND_NOISE = {"ans", "an", "euros", "euro", "eur", "par", "mois", "mensuels", "net", "nets"}


def band_key(text: Any) -> str:
    """Comparable band: "< 30 ans" = "moins de 30 ans", "1501 - 2000 €" = "1 501 à 2 000 €"."""
    text = str(text).strip().lower()
    text = _DIGIT_GROUPS.sub("", text)
    text = re.sub(r"^(<=?|≤|inf\.?\s*(a|à)?|inférieur\s+(a|à)|-\s*de|jusqu'?\s*(a|à))\s*", "moins de ", text)
    text = re.sub(r"^(>=?|≥|sup\.?\s*(a|à)?|supérieur\s+(a|à)|\+\s*de|au-dessus\s+de)\s*", "plus de ", text)
    text = re.sub(r"(?<=\d)\s*(-|–|/|à|a)\s*(?=\d)", " a ", text)
    text = re.sub(r"(\bet\s*)?\+$|\bet\s+plus$|\bou\s+plus$|\bet\s+\+\s*$", " et plus", text)
    words = [word for word in normalize_key(text).split() if word not in _BAND_NOISE]
    return " ".join(words)
