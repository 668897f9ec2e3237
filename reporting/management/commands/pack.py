"""`python manage.py pack copil|cotec|revue …` (the kinds' stored values): build a pack now (no worker)
and write it to a file."""

import datetime
import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from projects.models import Programme, Sector
from reporting import services as packs
from reporting.kinds import default_period
from reporting.models import Pack, PackAudience, PackKind, PackStatus


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date attendue au format AAAA-MM-JJ : « {value} ».") from error


def _seconds(milliseconds: int | None) -> str:
    return f"{(milliseconds or 0) / 1000:.1f}".replace(".", ",") + " s"


class Command(BaseCommand):
    help = (
        "Génère un dossier PDF tout de suite (sans passer par la file de tâches) et l'écrit dans un fichier. "
        "Exemples : pack copil --sector moulins --output copil.pdf ; "
        "pack revue --programme npru-demo --year 2025 --output revue.pdf ; "
        "pack cotec --programme npru-demo --output cotec.pdf"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="{" + ",".join(PackKind.values) + "}"
        )
        copil = kinds.add_parser(
            PackKind.COPIL, help="dossier de COPIL d'un quartier (ou de tout le programme)"
        )
        copil.add_argument("--sector", help="identifiant court du quartier ; sans lui, tout le programme")
        copil.add_argument("--programme", help="identifiant court du programme (si le quartier est ambigu)")
        cotec = kinds.add_parser(PackKind.COTEC, help="dossier de COTEC (tout le programme)")
        cotec.add_argument("--programme", required=True, help="identifiant court du programme")
        for sub in (copil, cotec):
            sub.add_argument("--date", type=_date, help="date de situation AAAA-MM-JJ (défaut : aujourd'hui)")
            sub.add_argument("--from", dest="start", type=_date, help="début de la période AAAA-MM-JJ")
        revue = kinds.add_parser(
            PackKind.REVUE, help="dossier de revue de projet d'une année (tout le programme)"
        )
        revue.add_argument("--programme", required=True, help="identifiant court du programme")
        revue.add_argument("--year", type=int, required=True, help="année couverte, par exemple 2025")
        for sub in (copil, cotec, revue):
            sub.add_argument("--output", required=True, help="fichier PDF à écrire")
            sub.add_argument(
                "--audience",
                choices=PackAudience.values,
                default=PackAudience.INTERNAL,
                help="interne (défaut) ou partenaires (petits effectifs masqués)",
            )

    def handle(self, *args, kind: str, output: str, audience: str, **options) -> None:
        programme, sector = self._scope(kind, options)
        start, end = self._period(kind, options)
        try:
            pack = packs.pack_create(
                programme=programme,
                kind=PackKind(kind),
                sector=sector,
                period_start=start,
                period_end=end,
                audience=audience,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        pack = packs.pack_generate(pack=pack)
        self._report(pack, Path(output))

    def _scope(self, kind: str, options: dict) -> tuple[Programme, Sector | None]:
        programme_slug, sector_slug = options.get("programme"), options.get("sector")
        if kind == PackKind.COPIL and sector_slug:
            sectors = Sector.objects.filter(slug=sector_slug).select_related("programme")
            if programme_slug:
                sectors = sectors.filter(programme__slug=programme_slug)
            found = list(sectors[:2])
            if not found:
                raise CommandError(f"Aucun quartier « {sector_slug} »{self._in(programme_slug)}.")
            if len(found) > 1:
                raise CommandError(f"Plusieurs quartiers « {sector_slug} » : précisez --programme.")
            return found[0].programme, found[0]
        if not programme_slug:
            raise CommandError("Indiquez --sector ou --programme.")
        programme = Programme.objects.filter(slug=programme_slug).first()
        if programme is None:
            raise CommandError(f"Aucun programme « {programme_slug} ».")
        return programme, None

    @staticmethod
    def _in(programme_slug: str | None) -> str:
        return f" dans le programme « {programme_slug} »" if programme_slug else ""

    @staticmethod
    def _period(kind: str, options: dict) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        if kind == PackKind.REVUE:
            year = options["year"]
            return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
        situation = options.get("date") or today
        start, end = default_period(PackKind(kind), situation)
        return options.get("start") or start, end

    def _report(self, pack: Pack, output: Path) -> None:
        if pack.status != PackStatus.READY:
            raise CommandError(f"Échec de la génération du dossier n° {pack.pk} : {pack.error}")
        output.parent.mkdir(parents=True, exist_ok=True)
        with pack.file.open("rb") as source, output.open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"{pack} : {pack.page_count} pages en {_seconds(pack.duration_ms)} "
                f"(dont rendu PDF {_seconds(pack.render_ms)}) → {output}"
            )
        )
