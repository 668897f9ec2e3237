"""Rewrite docs/donnees-personnelles.md (the register entry of the personal data) from the code and the
settings, as the "Données personnelles" page shows it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.data_register import render_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "donnees-personnelles.md"


class Command(BaseCommand):
    help = (
        "Réécrit docs/donnees-personnelles.md (registre des traitements, base de l'analyse d'impact) à "
        "partir du code et des réglages. Avec --check, signale seulement un écart."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="n'écrit rien, échoue si le fichier diffère")

    def handle(self, *args, check, **options):
        wanted = render_markdown()
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if wanted == current:
            self.stdout.write("docs/donnees-personnelles.md est à jour.")
        elif check:
            raise CommandError(
                "docs/donnees-personnelles.md diffère du code : lancer manage.py write_personal_data_doc."
            )
        else:
            DOC.write_text(wanted, encoding="utf-8")
            self.stdout.write("docs/donnees-personnelles.md réécrit.")
