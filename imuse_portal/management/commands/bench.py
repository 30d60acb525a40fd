"""``make bench``: measured figures, printed (never asserted by the tests).

It runs in a throwaway database and a throwaway storage folder, so it never touches the
portal's data. Sections: ``pdf`` (the duplicate of an invoice: the first render in a process,
the first render of a document in a warm worker, and serving the stored copy).
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

SECTIONS = ("pdf",)


def _timed(action, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _figures(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):8.1f} ms   "
        f"min {min(times):8.1f} ms   max {max(times):8.1f} ms   (n={len(times)})"
    )


class Command(BaseCommand):
    help = "Print the portal's measured figures (a throwaway database; nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("sections", nargs="*", metavar="section", help=", ".join(SECTIONS))
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, sections, repeat, **options):
        sections = sections or list(SECTIONS)
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise CommandError(f"Unknown section(s): {', '.join(sorted(unknown))}")
        logging.getLogger("billing").setLevel(logging.WARNING)  # one line per issued invoice
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
                storages = {
                    "default": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": f"{folder}/public"},
                    },
                    "billing": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": f"{folder}/billing"},
                    },
                }
                from django.conf import settings

                with override_settings(STORAGES={**settings.STORAGES, **storages}):
                    translation.activate("fr")
                    if "pdf" in sections:
                        self.bench_pdf(repeat)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def bench_pdf(self, repeat: int) -> None:
        from accounts.models import Establishment
        from billing import pdf, services
        from billing.models import Invoice, InvoiceLine, Ledger
        from family.models import Family, Guardian

        establishment = Establishment.objects.create(
            name="Conservatoire de mesure",
            code="mesure",
            address="1 place du Martroi",
            postal_code="45000",
            city="ORLEANS",
        )
        family = Family.objects.create(establishment=establishment, name="ABARRE")
        Guardian.objects.create(
            establishment=establishment,
            family=family,
            last_name="ABARRE",
            first_name="Jérémie",
            address="19 rue de Paris",
            postal_code="45000",
            city="ORLEANS",
        )

        def new_invoice():
            invoice = Invoice.objects.create(
                establishment=establishment, family=family, ledger=Ledger.FEES, label="Cotisation"
            )
            InvoiceLine.objects.bulk_create(
                InvoiceLine(
                    invoice=invoice,
                    position=n,
                    description=f"Cours {n}",
                    unit_price=Decimal("42.50"),
                )
                for n in range(5)
            )
            return services.invoice_issue(invoice=invoice)

        self.stdout.write("Duplicate PDF of a one-page invoice (5 lines), WeasyPrint:")
        first = new_invoice()
        cold = _timed(lambda: pdf.duplicate_bytes(first), 1)
        self.stdout.write(f"  first render in a new process (imports WeasyPrint) {cold[0]:8.1f} ms")
        invoices = [new_invoice() for _ in range(repeat)]
        queue = list(invoices)
        warm = _timed(lambda: pdf.duplicate_bytes(queue.pop()), repeat)
        self.stdout.write(f"  first render in a warm worker (render + store)  {_figures(warm)}")
        stored = _timed(lambda: pdf.duplicate_bytes(invoices[0]), repeat)
        self.stdout.write(f"  stored copy served again                        {_figures(stored)}")
