"""Document numbers: ``12FC01618`` is the 1,618th invoice an establishment issued in 2012.

Two digits of the calendar year of issue, the kind (FC invoice, RC receipt, AV credit note) and a
five-digit sequence, one sequence per establishment, kind and year, shared by both ledgers. A
number is taken inside the caller's transaction, with the sequence row locked: concurrent issues
wait for each other, and a rolled-back issue gives its number back, so numbers stay unique and
gapless. (pretix ``invoices.py`` does the same with its own counter rows.)
"""

from __future__ import annotations

import re

from django.db import transaction

from billing.models import NumberSequence

NUMBER_PATTERN = re.compile(r"^(?P<year>\d{2})(?P<kind>FC|RC|AV)(?P<sequence>\d{5,})$")


def format_number(*, year: int, kind: str, sequence: int) -> str:
    return f"{year % 100:02d}{kind}{sequence:05d}"


def _locked_sequence(*, establishment_id: int, kind: str, year: int) -> NumberSequence:
    # The row is created once, without racing (a concurrent creation is ignored), then locked.
    NumberSequence.objects.bulk_create(
        [NumberSequence(establishment_id=establishment_id, kind=kind, year=year)],
        ignore_conflicts=True,
    )
    return NumberSequence.objects.select_for_update().get(
        establishment_id=establishment_id, kind=kind, year=year
    )


def allocate(*, establishment_id: int, kind: str, year: int) -> tuple[str, int]:
    """The next number of a kind for an establishment and a year: (number, sequence).
    Must run inside the transaction that saves the numbered document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number is allocated inside the transaction that uses it.")
    sequence = _locked_sequence(establishment_id=establishment_id, kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return format_number(year=year, kind=kind, sequence=sequence.last), sequence.last


def parse(number: str) -> tuple[int, str, int]:
    """(two-digit year, kind, sequence) of a number; ValueError when it is not one."""
    match = NUMBER_PATTERN.match(number or "")
    if match is None:
        raise ValueError(f"{number!r} is not a document number")
    return int(match["year"]), match["kind"], int(match["sequence"])


def keep_imported(*, establishment_id: int, number: str, year: int) -> int:
    """A number given by an earlier system: the sequence goes on after the highest kept.
    Returns its sequence. Must run inside the transaction that saves the document."""
    two_digits, kind, value = parse(number)
    if two_digits != year % 100:
        raise ValueError(f"{number!r} is not a number of {year}")
    sequence = _locked_sequence(establishment_id=establishment_id, kind=kind, year=year)
    if value > sequence.last:
        sequence.last = value
        sequence.save(update_fields=["last"])
    return value
