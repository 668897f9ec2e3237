"""Seed the demo programme (and, at scale "metro", the metropolitan load set) with accounts per role."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core.seeding import SCALES, seed_demo


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les données de démonstration : le programme « npru-demo », ses quartiers, "
        "opérations, financements, jalons, instances, relogement… et un compte par rôle (chaque "
        "application fournit sa part dans son module seeders). --scale metro ajoute le jeu de charge "
        "« npru-metro » (10 quartiers, 300 opérations). Relancer la commande ne crée aucun doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="demo", help="demo (défaut) ou metro")
        parser.add_argument("--reset", action="store_true", help="supprime d'abord les programmes et comptes")
        parser.add_argument("--dry-run", action="store_true", help="calcule tout sans rien enregistrer")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="date de référence AAAA-MM-JJ (statuts, jalons) ; par défaut aujourd'hui",
        )

    def handle(self, *args, scale, reset, dry_run, today, verbosity=1, **options):
        started = time.monotonic()
        log = self.stdout.write if verbosity >= 1 else self.quiet
        try:
            report = seed_demo(scale, reset=reset, today=today, dry_run=dry_run, log=log)
        except DatabaseError as error:
            raise CommandError(f"Échec de l'initialisation, rien n'a été enregistré : {error}") from error
        if verbosity < 1:
            return
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Terminé en {time.monotonic() - started:.1f} s."))

    @staticmethod
    def quiet(message: str) -> None:
        """Progress is not shown at verbosity 0."""
