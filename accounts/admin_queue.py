"""What awaits the staff, counted on the admin's home page.

Each app registers its queues (pending changes, documents to check, re-enrolment requests…)
in its ``AppConfig.ready``; every count is scoped to the staff member's establishment.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Queue:
    label: object  # a lazy translated string
    count: Callable  # (request) -> int, already scoped to the request's user
    url_name: str
    permission: str  # the user sees the line only with this permission
    query: str = ""  # a list filter, e.g. "?status__exact=received"


_queues: list[Queue] = []


def register(queue: Queue) -> None:
    if queue not in _queues:
        _queues.append(queue)


def awaiting(request) -> list[dict]:
    """The lines of the "À traiter" box for this staff member."""
    lines = []
    for queue in _queues:
        if request.user.has_perm(queue.permission):
            lines.append(
                {
                    "label": queue.label,
                    "count": queue.count(request),
                    "url": reverse(queue.url_name) + queue.query,
                }
            )
    return lines
