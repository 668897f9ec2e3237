"""Apply the insertion retention rule by hand: anonymise participants out of contract for long."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from insertion import retention


class Command(BaseCommand):
    help = (
        "Anonymise les participants dont le dernier contrat a pris fin il y a plus de "
        "INSERTION_RETENTION_MONTHS mois. Essai à blanc par défaut : rien n'est modifié sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="applique réellement les modifications")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="date de référence AAAA-MM-JJ ; par défaut aujourd'hui",
        )

    def handle(self, *args, wet_run, today, **options):
        dry_run = not wet_run
        with transaction.atomic():
            count = retention.participants_anonymise(today=today, dry_run=dry_run)
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(f"{count} participant(s) {verb} anonymisé(s).")
        if dry_run:
            self.stdout.write(
                "Essai à blanc : rien n'a été modifié (relancer avec --wet-run pour appliquer)."
            )
        else:
            self.stdout.write(self.style.SUCCESS("Terminé."))
