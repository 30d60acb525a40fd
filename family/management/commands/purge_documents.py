from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Establishment
from family.services import documents_retention_purge


class Command(BaseCommand):
    help = (
        "Delete, with their files, the documents families sent more than DOCUMENT_RETENTION_DAYS "
        "days ago (730 by default), per establishment, except those still awaiting the staff's "
        "check. --dry-run only counts them. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: the DOCUMENT_RETENTION_DAYS setting).",
        )
        parser.add_argument(
            "--establishment",
            metavar="CODE",
            help="Only this establishment (its short code).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing."
        )

    def handle(self, *args, days, establishment, dry_run, **options):
        days = settings.DOCUMENT_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("The retention is a number of days, 0 or more.")
        if days == 0:
            self.stdout.write("DOCUMENT_RETENTION_DAYS is 0: documents are kept; none deleted.")
            return
        establishments = Establishment.objects.order_by("name")
        if establishment:
            establishments = establishments.filter(code=establishment)
            if not establishments:
                raise CommandError(f"No establishment has the code {establishment!r}.")
        outcome = documents_retention_purge(
            days=days, dry_run=dry_run, establishments=establishments
        )
        verb = "would be deleted (dry run: nothing deleted)" if dry_run else "deleted"
        for each, count in outcome:
            self.stdout.write(
                f"{each.name}: {count} document(s) sent more than {days} days ago {verb}."
            )
        total = sum(count for _establishment, count in outcome)
        self.stdout.write(f"Total: {total} document(s) {verb}.")
