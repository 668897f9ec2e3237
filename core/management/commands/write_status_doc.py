"""Rewrite the transition tables of docs/STATUTS.md from the lifecycles declared in the code."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.transitions import machines, render_doc

STATUS_DOC = Path(settings.BASE_DIR) / "docs" / "STATUTS.md"


class Command(BaseCommand):
    help = (
        "Réécrit les tables de transitions de docs/STATUTS.md à partir des cycles de vie déclarés dans "
        "le code (le texte autour des tables est conservé). Avec --check, signale seulement un écart."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="n'écrit rien, échoue si le fichier diffère")

    def handle(self, *args, check, **options):
        current = STATUS_DOC.read_text(encoding="utf-8")
        try:
            wanted = render_doc(current, machines())
        except ValueError as error:
            raise CommandError(str(error)) from error
        if wanted == current:
            self.stdout.write("docs/STATUTS.md est à jour.")
        elif check:
            raise CommandError("docs/STATUTS.md diffère du code : lancer manage.py write_status_doc.")
        else:
            STATUS_DOC.write_text(wanted, encoding="utf-8")
            self.stdout.write("docs/STATUTS.md réécrit.")
