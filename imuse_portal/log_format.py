"""The log lines' formats (plain text, or JSON with ``LOG_FORMAT=json``): an exception is
written with its traceback (where the code failed) and its type, never its message, which may
quote what a family typed or a database row (PostgreSQL's "Key (email)=(…) already exists").
With ``DEBUG`` on, messages are kept for the developer. (Imported by the logging
configuration: nothing of Django's models.)"""

from __future__ import annotations

import logging
import re
import traceback

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter


def exception_without_values(exc: BaseException) -> str:
    """The traceback of ``exc`` and of the exceptions that led to it, messages left out."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
        parts.append(
            "Traceback (most recent call last):\n"
            + "".join(traceback.format_tb(exc.__traceback__))
            + f"{kind} (message not logged)"
        )
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n\nwhich led to:\n\n".join(reversed(parts))


def _debug() -> bool:
    from django.conf import settings

    return settings.configured and settings.DEBUG


class _Private:
    def formatException(self, ei):
        if _debug() or ei[1] is None:
            return super().formatException(ei)
        return exception_without_values(ei[1])


class PlainFormatter(_Private, logging.Formatter):
    pass


class JsonFormatter(_Private, _JsonFormatter):
    pass


CALENDAR_ADDRESS = re.compile(r"/agenda/[^/\s]+\.ics")


class CalendarTokenFilter(logging.Filter):
    """A calendar address's token is its key: Django's "Not Found: /agenda/….ics" lines (an
    address deleted, or one whose login is switched off for now) keep it out of the logs."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = CALENDAR_ADDRESS.sub("/agenda/….ics", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                CALENDAR_ADDRESS.sub("/agenda/….ics", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True
