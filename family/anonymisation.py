"""Anonymising a family that left: the pieces ``family.services.family_anonymise`` puts together.

A family's records live in several apps (its students and their school records, its invoices,
its re-enrolment requests), and ``family`` may not import them. Each of those apps registers
its part here from its ``AppConfig.ready()``, as they register their admin queues: the
dependency keeps its direction (they import ``family``, never the reverse), and the service
still runs every part in its one transaction.

A part answers three questions:

* ``refusals(family=)``: why the family cannot be anonymised now (an unpaid balance, a
  re-enrolment awaiting validation), as messages for the staff; an empty list when it can;
* ``names(family=)``: the names and addresses its records hold (students' names…), so that
  every part and the audit log can take them out of free text (an invoice line "Piano –
  Irina");
* ``anonymise(family=, label=, scrub=)``: replace or clear its personal data; returns an
  ``Erased`` saying what it changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass
class Erased:
    """What a part changed: counts for the audit entry and the staff's message, and the
    records it touched, so that the audit log's entries about them lose their personal data
    too (``personal``: their details are dropped; ``kept``: names replaced in them)."""

    counts: dict[str, int] = field(default_factory=dict)
    personal: dict[str, list] = field(default_factory=dict)  # model label -> pks
    kept: dict[str, list] = field(default_factory=dict)

    def merge(self, other: Erased) -> None:
        self.counts.update(other.counts)
        for mine, theirs in ((self.personal, other.personal), (self.kept, other.kept)):
            for label, pks in theirs.items():
                mine.setdefault(label, []).extend(pks)


def no_refusals(*, family) -> list[str]:
    return []


@dataclass(frozen=True)
class Part:
    name: str
    names: Callable[..., Iterable[str]]
    anonymise: Callable[..., Erased]
    refusals: Callable[..., list[str]] = no_refusals


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    """Called from an app's ``ready()``; registering the same name again replaces it."""
    _parts[part.name] = part


def parts() -> list[Part]:
    return [_parts[name] for name in sorted(_parts)]


class Scrubber:
    """Replaces the family's names (whole words, case aside) in free text. Names shorter than
    three letters are left ("Le", "Da" would eat ordinary words of an invoice line), and so
    are names without a letter (a numeric login "2026" would eat a school year or an amount);
    the records' own name fields are replaced whatever they hold."""

    def __init__(self, names: Iterable[str], label: str):
        words = sorted(
            {
                name.strip()
                for name in names
                if name and len(name.strip()) >= 3 and any(c.isalpha() for c in name)
            },
            key=len,
            reverse=True,
        )
        self.label = label
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)
            if words
            else None
        )
        # "ABARRE Irina" becomes one label, not two.
        self._repeated = re.compile(f"{re.escape(label)}(?:[ ,]+{re.escape(label)})+")

    def __call__(self, text: str) -> str:
        if not text or self._pattern is None:
            return text
        return self._repeated.sub(self.label, self._pattern.sub(self.label, text))

    def json(self, value):
        """The same, inside a JSON value (an audit entry's details)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {
                key: item if key in NOT_NAMES else self.json(item) for key, item in value.items()
            }
        return value


# Details of audit entries that never hold a name: amounts, counts, modes, numbers.
NOT_NAMES = {"total", "amount", "count", "mode", "number", "retention_days"}


def identity_erase(record, *, label: str) -> None:
    """Every field of a record's identity tab (``IDENTITY_FIELDS``) erased, not saved: the
    last name becomes ``label``, texts are emptied, choices and dates unset, authorisations
    withdrawn."""
    for name in type(record).IDENTITY_FIELDS:
        field = record._meta.get_field(name)
        if name == "last_name":
            value = label
        elif isinstance(field, models.BooleanField):
            value = False
        elif field.is_relation or field.null:
            value = None
        else:
            value = ""
        setattr(record, field.attname, value)
