"""A request id on every log line: taken from the reverse proxy's ``X-Request-ID`` when it
sends a sane one, else made here, and sent back in the response so that a user's report can be
matched with the logs. (Imported by the logging configuration: nothing of Django's models.)"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if SANE_ID.match(given) else uuid.uuid4().hex
        # Kept after the response too: Django logs a request's outcome ("Not Found: /x") once
        # the middleware have returned. The next request sets its own.
        REQUEST_ID.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request: commands, the mail worker)."""

    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True
