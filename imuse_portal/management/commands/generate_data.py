"""``manage.py generate_data --families N --establishments M``: synthetic data at scale, for
the benchmark (``make bench``) and for trying the portal on a large install."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Establishment
from imuse_portal.synthetic import PASSWORD, generate, identifier


class Command(BaseCommand):
    help = (
        "Add N synthetic families across M new establishments (French names, ten years of "
        "courses, marks, absences, pieces played, invoices and payments, an open "
        "re-enrolment campaign). Their logins are famille1, famille2… in gen1, gen2…, "
        f"password {PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, required=True)
        parser.add_argument("--establishments", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already holds establishments.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off (a production database): never on real data.",
        )

    def handle(self, *args, families, establishments, seed, append, force, **options):
        if families < 1 or establishments < 1:
            raise CommandError("--families and --establishments must be at least 1.")
        if establishments > families:
            raise CommandError("Every establishment needs a family: fewer establishments.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production database. Synthetic families "
                "must never mix with real ones; pass --force on a database made for it."
            )
        if Establishment.objects.exists() and not append:
            raise CommandError(
                "The database already holds establishments; pass --append to add to them."
            )
        started = time.monotonic()
        counts = generate(
            families=families, establishments=establishments, seed=seed,
            report=lambda line: self.stdout.write(line),
        )  # fmt: skip
        total = sum(counts.values())
        seconds = time.monotonic() - started
        for table, count in counts.items():
            self.stdout.write(f"  {table:32} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{total:,} rows in {seconds:.0f} s ({total / max(seconds, 0.001):,.0f} rows/s). "
                f"Logins: gen<N> / {identifier(1)}, {identifier(2)}…, password {PASSWORD}."
            )
        )
