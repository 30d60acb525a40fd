"""Running actions at the same instant, each in its own thread and database connection (for
the locking tests on PostgreSQL), and removing the seats' protection for a control run."""

from __future__ import annotations

import contextlib
import threading

from django.db import connection


def run_together(actions) -> list:
    """Start every action at once; each outcome is its result, or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as error:  # kept for the test to judge
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@contextlib.contextmanager
def without_seat_protection(monkeypatch):
    """Inside a control test only: no row lock, no database constraint on a slot's seats (no
    switch in the product), so that the concurrency tests are shown able to fail."""
    from django.db.models import QuerySet

    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reenrolment_slot DROP CONSTRAINT slot_never_over_capacity")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE reenrolment_slot ADD CONSTRAINT slot_never_over_capacity "
                "CHECK (taken <= capacity) NOT VALID"
            )
