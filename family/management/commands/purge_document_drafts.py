from datetime import timedelta

from django.core.management.base import BaseCommand

from family.services import document_drafts_purge


class Command(BaseCommand):
    help = (
        "Delete the files families imported but never sent (Importer without Valider), older "
        "than --hours (48 by default). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48, help="Age of the drafts to delete.")

    def handle(self, *args, hours: int, **options):
        count = document_drafts_purge(older_than=timedelta(hours=hours))
        self.stdout.write(f"{count} imported file(s) never sent deleted.")
