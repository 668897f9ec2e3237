"""Import an Excel or CSV file from the command line, with the same checks as the web upload."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.import_mappings import mapping_set_save, options_mapping_set
from core.import_records import (
    import_record_commit,
    import_record_confirm,
    import_record_preview,
    record_errors,
)
from core.imports import (
    ImportFileError,
    MappingSet,
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
        parser.add_argument(
            "--map-column",
            action="append",
            default=[],
            metavar="CHAMP=EN-TÊTE",
            help=(
                'la colonne du fichier qui tient un champ, ex. "Opération=Programme / opération" '
                "(répétable ; enregistrée pour les prochains imports, sauf avec --dry-run)"
            ),
        )
        parser.add_argument(
            "--map-value",
            action="append",
            default=[],
            metavar="CHAMP:VALEUR=CIBLE",
            help=(
                'ce que désigne une valeur du fichier, ex. "Opération:Démolition Tour Bizet=C0591-21-0003" '
                "(identifiant de l'objet ou code de la valeur ; répétable ; enregistrée sauf avec --dry-run)"
            ),
        )

    def handle(
        self,
        *args,
        kind: str,
        file: Path,
        programme: str,
        dry_run: bool,
        user: str | None,
        map_column: list[str],
        map_value: list[str],
        **options,
    ):
        programme_obj = self._programme(programme)
        author = self._user(user)
        data = self._read(file)
        spec_class = get_spec(kind)
        try:
            given = options_mapping_set(spec_class, programme_obj, columns=map_column, values=map_value)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if given and not dry_run:
            sources = self._sources(map_column, map_value)
            count = mapping_set_save(
                programme=programme_obj, kind=kind, mappings=given, sources=sources, user=author
            )
            self.stdout.write(
                f"{count} correspondance(s) enregistrée(s) pour les prochains imports « {kind} »."
            )
        try:
            if dry_run:
                self._dry_run(kind, data, file.name, programme_obj, author, given)
            else:
                self._import(kind, data, file.name, programme_obj, author)
        except ImportFileError as error:
            self._suggest(error.details, spec_class)
            raise CommandError(f"Fichier refusé : {error.message}") from None

    @staticmethod
    def _sources(columns: list[str], values: list[str]) -> dict[str, str]:
        """The texts as typed, by comparison key, to save them as the user wrote them."""
        from core.imports import header_key
        from core.parsing import normalize_key, parse_text

        sources = {}
        for option in columns:
            header = option.partition("=")[2]
            sources[header_key(header)] = parse_text(header)
        for option in values:
            value = option.partition(":")[2].rpartition("=")[0]
            sources[normalize_key(value)] = parse_text(value)
        return sources

    def _programme(self, slug: str):
        programme_model = ImportRecord._meta.get_field("programme").related_model
        assert isinstance(programme_model, type)  # a model class, not "self"
        programme = programme_model._default_manager.filter(slug=slug).first()
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

    def _dry_run(self, kind, data, filename, programme, user, given: MappingSet) -> None:
        from core.import_mappings import mappings_for

        spec_class = get_spec(kind)
        mappings = mappings_for(programme=programme, kind=kind).merged(given)
        result = import_run(
            spec_class=spec_class,
            data=data,
            filename=filename,
            programme=programme,
            user=user,
            mappings=mappings,
        )
        summary = result.summary()
        self._report(summary, result.errors, committed=False)
        if result.errors:
            self._suggest(summary, spec_class)
            raise CommandError(self._refusal(len(result.errors)))
        self.stdout.write("Simulation (--dry-run) : rien n'a été écrit.")

    def _import(self, kind, data, filename, programme, user) -> None:
        record = import_record_preview(
            kind=kind, data=data, filename=filename, programme=programme, user=user
        )
        if record.status == ImportStatus.PREVIEW:
            import_record_confirm(record=record, user=user, enqueue=False)
            record = import_record_commit(record_id=record.pk) or record  # None: another worker took it
        errors = record_errors(record)
        if "counts" not in (record.summary or {}):
            # Refused as a whole (missing columns, unreadable file): one message, no row counted.
            self._suggest(record.summary or {}, get_spec(kind))
            message = " ".join(error.message for error in errors) or "le fichier n'a pas pu être lu."
            raise CommandError(f"Fichier refusé : {message}")
        self._report(record.summary, errors, committed=record.status == ImportStatus.COMMITTED)
        if record.status != ImportStatus.COMMITTED:
            self._suggest(record.summary, get_spec(kind))
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
        for change in summary.get("changes", []):
            if change.get("details"):  # before → after, e.g. the amounts of a funding line
                amounts = " ; ".join(
                    f"{what} {after} (inchangé)" if before == after else f"{what} {before} → {after}"
                    for what, before, after in change["details"]
                )
                self.stdout.write(f"Ligne {change['row']} — {change['key']} : {amounts}")
        for warning in summary.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
        for error in errors:
            self.stderr.write(str(error))

    @staticmethod
    def _refusal(count: int) -> str:
        return f"Import refusé : {count} erreur(s), rien n'a été écrit."

    def _suggest(self, summary: dict, spec_class) -> None:
        """Unknown columns and values, as options ready to paste on the next run."""
        options = []
        missing = summary.get("missing_columns") or []
        for item in summary.get("unknown_columns") or []:
            if item.get("label"):
                options.append(f'--map-column "{item["label"]}={item["header"]}"')
        suggested = {item.get("field") for item in summary.get("unknown_columns") or []}
        for item in missing:
            if item["field"] not in suggested:
                options.append(f'--map-column "{item["label"]}=<en-tête du fichier>"')
        for group in summary.get("unknown_values") or []:
            what = spec_class.column(group["field"]).lookup.target_what
            for item in group["values"]:
                target = item.get("suggestion") or "<code>"
                options.append(f'--map-value "{group["label"]}:{item["value"]}={target}"')
                if not item.get("suggestion"):
                    options[-1] += f"  # {item['count']} ligne(s) ; <code> : {what}"
        if options:
            self.stderr.write(
                "Pour mettre ces colonnes ou valeurs en correspondance, relancez la commande avec "
                "(vérifiez chaque cible proposée) :"
            )
            for option in options:
                self.stderr.write(f"  {option}")
