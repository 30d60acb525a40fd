"""Deciding a row once: the row still in the state a decision starts from, locked, or a
refusal the user reads (a second click, a second tab, two staff members deciding the same
row at the same instant: the second one is told, never a second decision)."""

from __future__ import annotations

from django.db import models


def locked_in_state(queryset: models.QuerySet, refusal: Exception, **state):
    """The one row of ``queryset`` matching ``state``, locked until the transaction ends (its
    own row only, never the rows ``select_related`` joins: those every other write refers to
    stay free), or ``refusal`` raised. Called inside a transaction."""
    row = queryset.select_for_update(of=("self",)).filter(**state).first()
    if row is None:
        raise refusal
    return row
