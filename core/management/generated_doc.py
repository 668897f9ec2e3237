"""The shared end of the commands that rewrite a document of docs/ from the code (write_status_doc,
write_personal_data_doc): write it when it differs, or with --check only fail on a difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class GeneratedDocCommand(BaseCommand):
    """A subclass gives `command` (its manage.py name), `path()` and `render(current)`."""

    command = ""

    def path(self) -> Path:
        raise NotImplementedError

    def render(self, current: str) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="n'écrit rien, échoue si le fichier diffère")

    def handle(self, *args, check, **options):
        path = self.path()
        name = f"docs/{path.name}"
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        wanted = self.render(current)
        if wanted == current:
            self.stdout.write(f"{name} est à jour.")
        elif check:
            raise CommandError(f"{name} diffère du code : lancer manage.py {self.command}.")
        else:
            path.write_text(wanted, encoding="utf-8")
            self.stdout.write(f"{name} réécrit.")
