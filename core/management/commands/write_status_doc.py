"""Rewrite the transition tables of docs/STATUTS.md from the lifecycles declared in the code."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.management.generated_doc import GeneratedDocCommand
from core.transitions import machines, render_doc

STATUS_DOC = Path(settings.BASE_DIR) / "docs" / "STATUTS.md"


class Command(GeneratedDocCommand):
    help = (
        "Réécrit les tables de transitions de docs/STATUTS.md à partir des cycles de vie déclarés dans "
        "le code (le texte autour des tables est conservé). Avec --check, signale seulement un écart."
    )
    command = "write_status_doc"

    def path(self) -> Path:
        return STATUS_DOC

    def render(self, current: str) -> str:
        try:
            return render_doc(current, machines())
        except ValueError as error:
            raise CommandError(str(error)) from error
