"""How a student's record reads: durations "01:30", hours "54:00", marks "15,75 / 20,00"."""

import datetime

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hhmm(value) -> str:
    """A duration as hours and minutes, "01:30"; hours may pass 24 ("54:00")."""
    if not isinstance(value, datetime.timedelta) or value < datetime.timedelta(0):
        return ""
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@register.filter
def decimal2(value) -> str:
    """A mark with two decimals, in the language's format ("15,75" in French)."""
    if value is None or value == "":
        return ""
    return number_format(value, 2)


@register.filter
def out_of(value, denominator) -> str:
    """A mark and what it is out of: "15,75 / 20,00"; nothing when there is no mark."""
    if value is None:
        return ""
    return f"{decimal2(value)} / {decimal2(denominator)}"


@register.filter
def yes_no(value) -> str:
    return _("yes") if value else _("no")
