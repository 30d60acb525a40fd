"""Synthetic data at the scale of a large install (``manage.py generate_data``): French
families across many establishments, written in bulk (``rows``), each establishment with the
same school structure (``school``) and each family drawn from its own seed (``households``)."""

from __future__ import annotations

import datetime
import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from accounts.models import Establishment
from billing.models import NumberSequence
from imuse_portal.synthetic.households import Households, identifier
from imuse_portal.synthetic.rows import ForeignKeysSetAside, Writer
from imuse_portal.synthetic.school import build_school

PASSWORD = "Musique2024"

__all__ = ["PASSWORD", "generate", "identifier"]


def generate(*, families: int, establishments: int, seed: int = 1, report=print) -> dict:
    """Write ``families`` families spread over ``establishments`` new establishments (codes
    ``gen1``, ``gen2``…, after those already generated) and return the rows written per table.
    One transaction: an interrupted run leaves nothing."""
    started = time.monotonic()
    password_hash = make_password(PASSWORD)  # hashed once: every generated login shares it
    today = datetime.date.today()
    first = Establishment.objects.filter(code__startswith="gen").count() + 1
    per_establishment = [
        families // establishments + (1 if rank < families % establishments else 0)
        for rank in range(establishments)
    ]
    with transaction.atomic():
        writer = Writer()
        households = Households(writer, password_hash, seed)
        filled = [table.model for table in writer.tables]
        with ForeignKeysSetAside(filled):
            for offset, count in enumerate(per_establishment):
                number = first + offset
                school = build_school(number, today)
                for rank in range(1, count + 1):
                    households.family(school, number, rank)
                writer.flush()
                NumberSequence.objects.bulk_create(
                    NumberSequence(establishment=school.establishment, kind=kind, year=year,
                                   last=last)
                    for (kind, year), last in school.invoice_numbers.items()
                )  # fmt: skip
                report(
                    f"{school.establishment.code}: {count} families "
                    f"({time.monotonic() - started:.0f} s)"
                )
            writer.finish()
            report("checking the references…")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in writer.tables:
                cursor.execute(f'ANALYZE "{table.name}"')
    return {table.name: table.count for table in writer.tables}
