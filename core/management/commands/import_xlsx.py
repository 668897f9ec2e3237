"""Import an Excel or CSV file from the command line, with the same checks as the web upload."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.import_records import (
    import_record_commit,
    import_record_confirm,
    import_record_preview,
    record_errors,
)
from core.imports import (
    ImportFileError,
    RowError,
    check_size,
    describe_counts,
    get_spec,
    import_run,
    import_specs,
)
from core.models import ImportRecord, ImportStatus


class Command(BaseCommand):
    help = (
        "Importe un fichier .xlsx ou .csv (maquette financière, liste des QPV…) dans un programme. "
        "Avec --dry-run, vérifie tout et n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(import_specs()), help="type d'import")
        parser.add_argument("file", type=Path, help="chemin du fichier .xlsx ou .csv")
        parser.add_argument("--programme", required=True, help="identifiant court (slug) du programme")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien écrire")
        parser.add_argument("--user", help="adresse électronique de la personne à qui attribuer l'import")

    def handle(
        self, *args, kind: str, file: Path, programme: str, dry_run: bool, user: str | None, **options
    ):
        programme_obj = self._programme(programme)
        author = self._user(user)
        data = self._read(file)
        try:
            if dry_run:
                self._dry_run(kind, data, file.name, programme_obj, author)
            else:
                self._import(kind, data, file.name, programme_obj, author)
        except ImportFileError as error:
            raise CommandError(f"Fichier refusé : {error.message}") from None

    def _programme(self, slug: str):
        programme_model = ImportRecord._meta.get_field("programme").related_model
        programme = programme_model.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"Programme « {slug} » introuvable.")
        return programme

    def _user(self, email: str | None):
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"Utilisateur « {email} » introuvable.")
        return user

    def _read(self, path: Path) -> bytes:
        if not path.is_file():
            raise CommandError(f"Fichier « {path} » introuvable.")
        try:
            check_size(path.stat().st_size)
        except ImportFileError as error:
            raise CommandError(f"Fichier refusé : {error.message}") from None
        return path.read_bytes()

    def _dry_run(self, kind, data, filename, programme, user) -> None:
        result = import_run(
            spec_class=get_spec(kind), data=data, filename=filename, programme=programme, user=user
        )
        self._report(result.summary(), result.errors, committed=False)
        if result.errors:
            raise CommandError(self._refusal(len(result.errors)))
        self.stdout.write("Simulation (--dry-run) : rien n'a été écrit.")

    def _import(self, kind, data, filename, programme, user) -> None:
        record = import_record_preview(
            kind=kind, data=data, filename=filename, programme=programme, user=user
        )
        if record.status == ImportStatus.PREVIEW:
            import_record_confirm(record=record, user=user, enqueue=False)
            record = import_record_commit(record_id=record.pk)
        errors = record_errors(record)
        self._report(record.summary, errors, committed=record.status == ImportStatus.COMMITTED)
        if record.status != ImportStatus.COMMITTED:
            raise CommandError(self._refusal(len(errors)))
        self.stdout.write(self.style.SUCCESS(f"Import enregistré (n° {record.pk})."))

    def _report(self, summary: dict, errors: list[RowError], *, committed: bool) -> None:
        where = "feuille « {sheet} », ".format(sheet=summary["sheet"]) if summary.get("sheet") else ""
        self.stdout.write(
            "{label} — {where}en-tête ligne {row} : {counts}".format(
                label=summary.get("label", ""),
                where=where,
                row=summary.get("header_row"),
                counts=describe_counts(summary["counts"], committed=committed),
            )
        )
        for warning in summary.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
        for error in errors:
            self.stderr.write(str(error))

    @staticmethod
    def _refusal(count: int) -> str:
        return f"Import refusé : {count} erreur(s), rien n'a été écrit."
