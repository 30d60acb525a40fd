from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language

register = template.Library()

# Babel's locale for each language of the portal: "84,00 €" in French, "€84.00" in English.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@register.filter
def money(value, currency: str = "EUR") -> str:
    """An amount in the reader's language; empty for no amount (an empty Débit cell)."""
    if value is None or value == "":
        return ""
    locale = LOCALES.get((get_language() or "fr")[:2], "fr_FR")
    return format_currency(Decimal(value), currency, locale=locale)
