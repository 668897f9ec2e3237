"""Accent- and case-insensitive matching without the unaccent extension (absent from some servers)."""

import unicodedata

from django.db.models import CharField, Func, Value
from django.db.models.functions import Lower

ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyoa"


def fold(text: str) -> str:
    """Python twin of Fold: lower case, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Fold(Func):
    """SQL: translate(lower(expr), accented, plain)."""

    function = "TRANSLATE"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(Lower(expression), Value(ACCENTED), Value(PLAIN), **extra)
