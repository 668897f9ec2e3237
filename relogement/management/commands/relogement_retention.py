"""Apply the retention rules by hand: anonymise old households, purge old access-log events."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from core.access import access_events_purge
from relogement import retention


class Command(BaseCommand):
    help = (
        "Anonymise les ménages clos depuis plus de RELOGEMENT_RETENTION_MONTHS mois et supprime les "
        "accès aux données personnelles de plus de ACCESS_LOG_RETENTION_MONTHS mois. Essai à blanc par "
        "défaut : rien n'est modifié sans --wet-run."
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
            households = retention.households_anonymise(today=today, dry_run=dry_run)
            events = access_events_purge(today=today, dry_run=dry_run)
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(f"{households} ménage(s) {verb} anonymisé(s).")
        self.stdout.write(f"{events} accès au journal {verb} supprimé(s).")
        if dry_run:
            self.stdout.write(
                "Essai à blanc : rien n'a été modifié (relancer avec --wet-run pour appliquer)."
            )
        else:
            self.stdout.write(self.style.SUCCESS("Terminé."))
