"""Rewrite docs/donnees-personnelles.md (the register entry of the personal data) from the code and the
settings, as the "Données personnelles" page shows it."""

from pathlib import Path

from django.conf import settings

from core.data_register import render_markdown
from core.management.generated_doc import GeneratedDocCommand

DOC = Path(settings.BASE_DIR) / "docs" / "donnees-personnelles.md"


class Command(GeneratedDocCommand):
    help = (
        "Réécrit docs/donnees-personnelles.md (registre des traitements, base de l'analyse d'impact) à "
        "partir du code et des réglages. Avec --check, signale seulement un écart."
    )
    command = "write_personal_data_doc"

    def path(self) -> Path:
        return DOC

    def render(self, current: str) -> str:
        return render_markdown()
