"""Checking a document a family uploads, before anything is stored.

Nothing about the file is trusted: its name only has to end in an accepted extension, its type is
read from its content (python-magic), images are decoded in full and re-encoded with Pillow (which
drops trailing payloads, EXIF and GPS data; ``family.image_inspection``), PDFs are parsed in full
with pikepdf and refused when they carry JavaScript, automatic or launch actions, attached files,
XML forms, 3D or rich media, or encryption (``family.pdf_inspection``). The stored name is
generated elsewhere (``family.services``), never taken from the upload.

Limits: 2 MB per stored document. A photo up to 10 MB is reduced to fit rather than refused; a PDF
over 2 MB is refused (it cannot be shrunk without changing what was signed or scanned). Images and
PDFs are both decoded in a child process limited in memory and processor time, never in the web
server's worker.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import subprocess
import sys
import unicodedata
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

MAX_STORED_BYTES = 2 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Wall clock; the child also has its own limits of 5 s of CPU and 384 MB of address space
# (family.pdf_inspection: CPU_LIMIT_SECONDS, MEMORY_LIMIT_BYTES).
INSPECTION_SECONDS = 20
# How a child stopped by its limits ends: killed past its CPU time (or the wall clock here).
OVERRUN_SIGNALS = (-signal.SIGXCPU, -signal.SIGKILL)
NAME_LENGTH = 150

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG}
STORED_EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
KIND_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG"}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class UploadRefused(Exception):
    """The file cannot be accepted; ``message`` says why, for the family."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check: the bytes to store and what the family is told."""

    content: bytes
    mime: str
    original_name: str
    original_size: int
    reduced: bool = False  # a photo re-encoded smaller to fit the limit
    named_as: str = ""  # the type its name announced, when the content is another one

    @property
    def extension(self) -> str:
        return STORED_EXTENSION[self.mime]

    @property
    def kind(self) -> str:
        return KIND_NAMES[self.mime]


def human_size(size: int) -> str:
    """A file size as families read it, in the unit of the limit: "719 octets", "32 Ko",
    "1,5 Mo". Rounded up, so that a file over the limit never reads as "2,0 Mo"."""
    if size < 1024:
        return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)s kB") % {"size": number_format(math.ceil(size / 1024), 0)}
    return _("%(size)s MB") % {"size": number_format(math.ceil(size / 1024 / 102.4) / 10, 1)}


class UploadSizeLimit(FileUploadHandler):
    """The first upload handler: a file past 10 MB is not read further (nor written to a
    temporary file), and its field is noted on the request, so that the form says it was too
    large instead of filling the disk."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_PHOTO_BYTES:
            oversized = getattr(self.request, "oversized_uploads", set())
            self.request.oversized_uploads = oversized | {self.field_name}
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file


def too_large_message(size: str) -> str:
    return _(
        "This file is too large (%(size)s). A document may weigh up to 2 MB; a photo up to "
        "10 MB is reduced to fit."
    ) % {"size": size}


def display_name(name: str) -> str:
    """The upload's name as shown back to people: no control or direction characters (U+202E
    would show "photo‮gpj.exe" as "photoexe.jpg"), no folders, at most 150 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(c) == "Zs" else c
        for c in name
        if unicodedata.category(c)[0] != "C" and unicodedata.category(c) not in {"Zl", "Zp"}
    )
    name = name.strip(" .")
    if len(name) > NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = NAME_LENGTH - len(extension) - 2
        name = f"{stem[:keep]}…{dot}{extension}" if dot and keep > 0 else name[:NAME_LENGTH]
    return name


def check_upload(upload) -> CheckedFile:
    """Every check of an uploaded file; raises ``UploadRefused`` with the reason."""
    name = display_name(upload.name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise UploadRefused(
            _(
                "Only PDF documents and JPEG or PNG images are accepted: the file's name must "
                "end in .pdf, .jpg, .jpeg or .png."
            )
        )
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(_("This file is empty: choose the document again."))
    if size > MAX_PHOTO_BYTES:
        raise UploadRefused(too_large_message(human_size(size)))
    upload.seek(0)
    content = upload.read(MAX_PHOTO_BYTES + 1)
    mime = magic.from_buffer(content[:4096], mime=True)
    if mime not in STORED_EXTENSION:
        raise UploadRefused(
            _(
                "This file is not a PDF document, a JPEG image or a PNG image (its content "
                "was checked, whatever its name says)."
            )
        )
    named_as = EXTENSIONS[extension]
    if mime == PDF:
        if len(content) > MAX_STORED_BYTES:
            raise UploadRefused(
                _(
                    "This PDF is too large (%(size)s): the limit is 2 MB. Scan it again at a "
                    "lower resolution, or send a photo of each page."
                )
                % {"size": human_size(len(content))}
            )
        check_pdf(content)
        stored, reduced = content, False
    else:
        stored, reduced = reencode_image(content, mime)
    return CheckedFile(
        content=stored,
        mime=mime,
        original_name=name,
        original_size=len(content),
        reduced=reduced,
        named_as=KIND_NAMES[named_as] if named_as != mime else "",
    )


def _inspect_in_child(module: str, content: bytes, *arguments: str) -> tuple[int, bytes]:
    """Run ``python -m module`` on the file, with its limits; its exit code (``None`` when it
    overran the wall clock) and what it wrote."""
    try:
        child = subprocess.run(
            [sys.executable, "-E", "-s", "-m", module, *arguments],
            input=content,
            capture_output=True,
            timeout=INSPECTION_SECONDS,
            cwd=settings.BASE_DIR,
            # Nothing of the portal's environment (database URL, secret key) reaches the
            # process that parses a stranger's file.
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -signal.SIGKILL, b""
    return child.returncode, child.stdout


def check_pdf(content: bytes) -> None:
    """Parse the whole PDF in a child process with memory and CPU limits
    (``family.pdf_inspection``); refuse it when damaged, encrypted, active, or too heavy to
    parse (a decompression bomb)."""
    returncode, output = _inspect_in_child("family.pdf_inspection", content)
    verdict = output.decode(errors="replace").strip() if returncode == 0 else ""
    if verdict == "ok":
        return
    logger.info("PDF refused: %s", verdict or "inspection overran its limits")
    raise UploadRefused(
        {
            "encrypted": _encrypted_message,
            "damaged": _damaged_pdf_message,
            "active": _active_pdf_message,
        }.get(verdict, _heavy_pdf_message)()
    )


def _heavy_pdf_message() -> str:
    return _(
        "This PDF would take too much memory or time to check. Print it again as a PDF, or "
        "send a photo of it."
    )


def _encrypted_message() -> str:
    return _(
        "This PDF is protected by a password or encryption, so it cannot be checked. Save or "
        "print it again as a PDF without protection, or send a photo of it."
    )


def _damaged_pdf_message() -> str:
    return _(
        "This PDF is damaged or incomplete and cannot be read. Save or scan it again, or send "
        "a photo of it."
    )


def _active_pdf_message() -> str:
    return _(
        "This PDF contains scripts, automatic actions or attached files, which are refused for "
        "safety. Print it again as a PDF, or send a photo of it."
    )


def reencode_image(content: bytes, mime: str) -> tuple[bytes, bool]:
    """Decode the whole image and encode it again (no metadata, the camera's orientation
    applied), reduced if needed to fit 2 MB, in a child process with memory and CPU limits
    (``family.image_inspection``). Returns the bytes and whether it was reduced."""
    returncode, output = _inspect_in_child("family.image_inspection", content, PILLOW_FORMAT[mime])
    head, _newline, image = output.partition(b"\n") if returncode == 0 else (b"", b"", b"")
    verdict, *details = head.decode(errors="replace").split() or [""]
    if verdict == "ok":
        return image, details == ["reduced"]
    if not verdict:
        # A decoder that crashed on the file: damaged; one stopped by its limits: too large.
        verdict = "heavy" if returncode in OVERRUN_SIGNALS else "damaged"
    logger.info("image refused: %s (exit code %s)", verdict, returncode)
    numbers = all(d.isascii() and d.isdigit() for d in details)
    if verdict == "large" and len(details) == 2 and numbers:
        raise UploadRefused(_too_many_pixels_message(int(details[0]), int(details[1])))
    raise UploadRefused(
        {
            "damaged": _unreadable_image_message,
            "unfit": _unfit_image_message,
        }.get(verdict, _heavy_image_message)()
    )


def _unreadable_image_message() -> str:
    return _("This image is damaged or incomplete and cannot be read. Take the photo again.")


def _too_many_pixels_message(width: int, height: int) -> str:
    return _(
        "This image is too large (%(width)d × %(height)d pixels): the limit is 50 "
        "megapixels. Take the photo again at a lower resolution."
    ) % {"width": width, "height": height}


def _heavy_image_message() -> str:
    return _(
        "This image is too large to be checked: reading it would take too much memory or "
        "time. Take the photo again, or scan the document again, at a lower resolution."
    )


def _unfit_image_message() -> str:
    return _("This image cannot be reduced enough to fit within 2 MB: take the photo again.")
