from django.core.management.base import BaseCommand, CommandError

from gonghui.regions import loader


class Command(BaseCommand):
    help = "Administrative divisions (GB/T 2260): `regions load [FILE]` loads the data file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load or refresh the division table")
        load.add_argument("file", nargs="?", default=str(loader.DEFAULT_FILE))

    def handle(self, *args, action, file, **options):
        try:
            created, updated = loader.load(file)
        except FileNotFoundError as e:
            raise CommandError(f"no such file: {file}") from e
        except (KeyError, ValueError) as e:
            raise CommandError(f"{file} is not a division table: {e}") from e
        self.stdout.write(f"regions: {created} added, {updated} refreshed")
