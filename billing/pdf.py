"""Duplicates of invoices, credit notes and receipts: a template, a context, one render function.

WeasyPrint is imported on first use (half a second). It reads nothing but the portal's own
fonts and ``data:`` URLs (the logo is embedded): no network, no other local file. Since an
issued document never changes, its bytes are kept in the private ``billing`` storage under a
name that says what it shows (number, language, and for an invoice the payments and credit notes
listed on it): a later request is served from there, and an invoice that gets a payment or a
credit note is rendered anew. The logo is the establishment's at the time of rendering.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import translation

from billing.models import Invoice, Payment

logger = logging.getLogger(__name__)

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class PortalFetcher(URLFetcher):
        """Only the shipped fonts and embedded data: no SSRF, no local reads."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if path.is_relative_to(FONTS.resolve()):
                    return super().fetch(path.as_uri(), headers)
            logger.warning("billing.pdf refused to fetch %s", url[:200])
            raise ValueError(f"The duplicate may not fetch {url[:200]}")

    return PortalFetcher


def _logo_data_uri(establishment) -> str:
    logo = establishment.logo
    if not logo:
        return ""
    mime = LOGO_TYPES.get(Path(logo.name).suffix.lower())
    if mime is None:
        return ""
    try:
        with logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.error("establishment %s: logo %s is missing", establishment.pk, logo.name)
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def duplicate_context(document: Invoice | Payment) -> dict:
    """What the duplicate shows: only the document's own snapshot, and the payments and credit
    notes of an invoice (which make its balance)."""
    context = {
        "document": document,
        "logo": _logo_data_uri(document.establishment),
        "fonts": FONTS.resolve().as_uri(),
    }
    if isinstance(document, Invoice):
        settlements = list(
            document.settlements.select_related("payment").order_by("payment__date", "pk")
        )
        credit_notes = (
            [] if document.is_credit_note else list(document.credit_notes.issued().order_by("pk"))
        )
        remaining = (
            document.total
            - sum((note.total for note in credit_notes), Decimal("0.00"))
            - sum((s.amount for s in settlements), Decimal("0.00"))
        )
        context.update(
            is_invoice=True,
            lines=list(document.lines.all()),
            settlements=settlements,
            credit_notes=credit_notes,
            left_to_pay=max(remaining, Decimal("0.00")),
            overpaid=max(-remaining, Decimal("0.00")),
        )
    else:
        settlements = list(
            document.settlements.select_related("invoice").order_by("invoice__date", "pk")
        )
        context.update(
            is_invoice=False,
            settlements=settlements,
            on_account=document.amount - sum((s.amount for s in settlements), Decimal("0.00")),
        )
    return context


def render_duplicate(document: Invoice | Payment) -> bytes:
    """The PDF bytes of a duplicate, in the active language."""
    import weasyprint
    from PIL import ImageFile

    # Importing WeasyPrint lets Pillow accept truncated images in the whole process; the
    # upload checks (family.uploads) refuse them: switched back off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    html = render_to_string("billing/pdf/duplicate.html", duplicate_context(document))
    return weasyprint.HTML(
        string=html, base_url=FONTS.resolve().as_uri() + "/", url_fetcher=_fetcher_class()()
    ).write_pdf(pdf_tags=True)  # tagged: headings and tables reach screen readers


def _stored_name(document: Invoice | Payment, language: str) -> str:
    kind = "invoice" if isinstance(document, Invoice) else "payment"
    # What the duplicate shows that may change after it is issued: the settlements and credit
    # notes of an invoice, and the names of both (rewritten when the family is anonymised):
    # a copy rendered before a change is never served after it.
    shown = [document.family_name, document.family_address, document.label]
    if isinstance(document, Invoice):
        # One query for the three: its settlements, its credit notes and its lines.
        settlements = (
            document.settlements.annotate(
                part=Value("S"), text=Cast("pk", CharField()), rank=Value(0)
            )
            .order_by()
            .values_list("part", "text", "rank", "pk")
        )
        notes = (
            document.credit_notes.issued()
            .annotate(part=Value("C"), text=F("number"), rank=Value(0))
            .order_by()
            .values_list("part", "text", "rank", "pk")
        )
        lines = (
            document.lines.annotate(part=Value("L"), text=F("description"), rank=F("position"))
            .order_by()
            .values_list("part", "text", "rank", "pk")
        )
        rows = list(settlements.union(notes, lines, all=True))
        shown += sorted(f"S{text}" for part, text, _rank, _pk in rows if part == "S")
        shown += sorted(text for part, text, _rank, _pk in rows if part == "C")
        lines = sorted((rank, pk, text) for part, text, rank, pk in rows if part == "L")
        shown += [text for _rank, _pk, text in lines]
    stamp = hashlib.sha256("|".join(shown).encode()).hexdigest()[:12]
    return (
        f"{document.establishment_id}/{kind}-{document.pk}-{document.number}-{language}-{stamp}.pdf"
    )


def duplicate_bytes(document: Invoice | Payment) -> bytes:
    """The stored duplicate, rendered and stored on the first request."""
    storage = storages["billing"]
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    name = _stored_name(document, language)
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        pass
    data = render_duplicate(document)
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Another request stored it meanwhile: keep one copy.
        storage.delete(saved)
    return data


def stored_duplicates_delete(documents) -> int:
    """Delete the stored duplicates of these documents, in every language and version: the
    next request renders them again (after the family's name on them was anonymised)."""
    storage = storages["billing"]
    prefixes: dict[int, set[str]] = {}
    for document in documents:
        kind = "invoice" if isinstance(document, Invoice) else "payment"
        prefixes.setdefault(document.establishment_id, set()).add(f"{kind}-{document.pk}-")
    deleted = 0
    for establishment_id, starts in prefixes.items():
        try:
            _folders, names = storage.listdir(str(establishment_id))
            for name in names:
                if name.startswith(tuple(starts)):
                    storage.delete(f"{establishment_id}/{name}")
                    deleted += 1
        except FileNotFoundError:
            continue
        except Exception as error:  # run after the commit: the erasure stands, say what is left
            logger.error(
                "billing.pdf: duplicates of establishment %s left in storage (%s); they are "
                "never served again (their names changed)",
                establishment_id,
                type(error).__name__,
            )
    return deleted
