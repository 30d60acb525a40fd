"""Inspecting an uploaded PDF in a child process, under memory and CPU limits.

Run as ``python -m family.pdf_inspection`` with the PDF on standard input; it prints one
verdict: ``ok``, ``encrypted``, ``damaged``, ``active`` or ``heavy``. Parsing a PDF in full means
decompressing every stream, and a few kilobytes of nested compression can unpack to gigabytes;
qpdf may also crash on a hostile file. In a child process, such a file only exhausts the child's
limits, never the web server's worker (``family.uploads.check_pdf`` treats a child that dies or
overruns as a refusal).

This module imports nothing of Django: it starts fast, and it runs with an empty environment
(no database URL, no secret key).
"""

from __future__ import annotations

import io
import resource
import sys

MEMORY_LIMIT_BYTES = 384 * 1024 * 1024
CPU_LIMIT_SECONDS = 5
MAX_NESTING = 64

# Refused wherever they appear, as a key or as what a dictionary is (its /Type or /Subtype) or
# does (its /S): scripts, actions run without a click on a link (a page's or a field's /AA,
# even towards an https address), files hidden inside (an attachment's /EF, a file attachment
# annotation, any stream typed /EmbeddedFile), XML forms, 3D and multimedia (which carry
# scripts of their own, such as a 3D model's /OnInstantiate), and the actions that open, send,
# import or play something.
REFUSED_NAMES = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/Launch",
    "/EF",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/FileAttachment",
    "/XFA",
    "/3D",
    "/3DD",
    "/OnInstantiate",
    "/RichMedia",
    "/RichMediaExecute",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/GoToR",
}
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")
# What qpdf says when it rebuilds a wrong or missing cross-reference table, as every viewer
# does: such a file still opens everywhere. Any other repair (a stream or the trailer lost, an
# object cut short) means a file cut short or damaged.
HARMLESS_REPAIRS = (
    "file is damaged",
    "xref not found",
    "can't find startxref",
    "Attempting to reconstruct cross-reference table",
)


class Verdict(Exception):
    pass


def inspect(content: bytes) -> str:
    """Parse the whole PDF: ``ok``, or why it is refused."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(content), attempt_recovery=True)
    except pikepdf.PasswordError:
        return "encrypted"
    except MemoryError:
        return "heavy"
    except Exception:  # any parser failure on hostile input is a refusal
        return "damaged"
    with pdf:
        if pdf.is_encrypted:
            return "encrypted"
        for warning in pdf.get_warnings():
            if not any(repair in warning for repair in HARMLESS_REPAIRS):
                return "damaged"
        try:
            problems = pdf.check_pdf_syntax()
            if any("bad_alloc" in problem for problem in problems):
                return "heavy"  # a decompression bomb, stopped by the memory limit
            if problems or len(pdf.pages) == 0:
                return "damaged"
            opening = pdf.Root.get("/OpenAction")
            if isinstance(opening, pikepdf.Dictionary) and opening.get("/S") != "/GoTo":
                # Opening on a page is fine; anything else run when the file opens is not.
                return "active"
            for obj in pdf.objects:
                _walk(pikepdf, obj, depth=0)
            for page in pdf.pages:
                pikepdf.parse_content_stream(page)
        except Verdict as verdict:
            return str(verdict)
        except MemoryError:
            return "heavy"  # a decompression bomb, stopped by the memory limit
        except Exception:
            return "damaged"
    return "ok"


def _walk(pikepdf, obj, depth: int) -> None:
    """One object and the direct objects inside it (indirect ones are walked on their own, as
    members of ``pdf.objects``)."""
    if depth > MAX_NESTING:
        raise Verdict("damaged")
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        if any(key in REFUSED_NAMES for key in obj):
            raise Verdict("active")
        for key in ("/Type", "/Subtype", "/S"):
            value = obj.get(key)
            if isinstance(value, pikepdf.Name) and str(value) in REFUSED_NAMES:
                raise Verdict("active")
        if obj.get("/S") == "/URI":
            target = str(obj.get("/URI", "")).strip().lower()
            if not target.startswith(SAFE_URI_SCHEMES):
                raise Verdict("active")  # javascript:, file:, data:…
        children = obj.values()
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            _walk(pikepdf, child, depth + 1)


def limit_resources() -> None:
    """The limits of a process that parses a stranger's file (PDFs here, images in
    ``family.image_inspection``)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS))


def main() -> None:
    limit_resources()
    sys.stdout.write(inspect(sys.stdin.buffer.read()))


if __name__ == "__main__":
    main()
