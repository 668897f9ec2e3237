"""Seed the demo programme (and, at scale "metro", the metropolitan load set) with accounts per role."""

import datetime
import time

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from projects import demo


def french_number(value) -> str:
    return f"{value:,.0f}".replace(",", " ")


def millions(value) -> str:
    return f"{value / 1_000_000:,.1f} M€".replace(",", " ").replace(".", ",")


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les données de démonstration : le programme « npru-demo », ses quartiers, "
        "opérations, financements, jalons et un compte par rôle. --scale metro ajoute le jeu de charge "
        "« npru-metro » (10 quartiers, 300 opérations). Relancer la commande ne crée aucun doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=demo.SCALES, default="demo", help="demo (défaut) ou metro")
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
            with pghistory.context(source="Jeu de démonstration (seed_demo)"):
                summaries = demo.seed(scale, reset_first=reset, today=today, dry_run=dry_run, log=log)
        except DatabaseError as error:
            raise CommandError(f"Échec de l'initialisation, rien n'a été enregistré : {error}") from error
        if not dry_run:
            # Planner statistics for the rows just loaded, as autovacuum would set them some time later.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if verbosity < 1:
            return
        for summary in summaries:
            self.print_summary(summary)
        self.print_accounts(summaries)
        self.stdout.write(self.style.SUCCESS(f"Terminé en {time.monotonic() - started:.1f} s."))

    @staticmethod
    def quiet(message: str) -> None:
        """Progress is not shown at verbosity 0."""

    def print_summary(self, summary: demo.Summary) -> None:
        money = {
            key: millions(getattr(summary, key)) for key in ("cost", "anru", "planned", "committed", "paid")
        }
        housing = [french_number(getattr(summary, key)) for key in ("demolished", "rebuilt", "rehabilitated")]
        lines = [
            ("Quartiers", summary.sectors),
            ("Opérations", f"{summary.operations} (dont {summary.at_risk} à risque)"),
            ("Maîtres d'ouvrage", summary.moas),
            ("Lignes de financement", summary.funding_lines),
            ("Jalons", summary.milestones),
            ("Comptes", len(summary.accounts)),
            ("Coût HT", f"{money['cost']} (dont subventions ANRU {money['anru']})"),
            ("Financements", f"prévu {money['planned']}, engagé {money['committed']}, versé {money['paid']}"),
            ("Logements", f"{housing[0]} démolis, {housing[1]} reconstitués, {housing[2]} réhabilités"),
        ]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"{summary.name} ({summary.slug})"))
        for label, value in lines:
            self.stdout.write(f"  {label:<22} : {value}")

    def print_accounts(self, summaries: list[demo.Summary]) -> None:
        rows = [("Adresse électronique", "Rôle", "Organisation", "Périmètre")]
        rows += [(a.email, a.role, a.organisation, a.scope) for s in summaries for a in s.accounts]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        write = self.stdout.write
        write("")
        write(self.style.MIGRATE_HEADING("Comptes de démonstration"))
        for index, row in enumerate(rows):
            write(
                (
                    "  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                ).rstrip()
            )
            if index == 0:
                write("  " + "-+-".join("-" * width for width in widths))
        write("")
        write(f"  Mot de passe (tous les comptes) : {demo.DEMO_PASSWORD}")
