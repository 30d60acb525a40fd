"""Checking a document a family uploads, before anything is stored.

Nothing about the file is trusted: its name only has to end in an accepted extension, its type is
read from its content (python-magic), images are decoded in full and re-encoded with Pillow (which
drops trailing payloads, EXIF and GPS data), PDFs are parsed in full with pikepdf and refused when
they carry JavaScript, automatic or launch actions, attached files, XML forms, 3D or rich media, or
encryption (``family.pdf_inspection``). The stored name
is generated elsewhere (``family.services``), never taken from the upload.

Limits: 2 MB per stored document. A photo up to 10 MB is reduced to fit rather than refused; a PDF
over 2 MB is refused (it cannot be shrunk without changing what was signed or scanned).
"""

from __future__ import annotations

import io
import logging
import math
import os
import subprocess
import sys
import unicodedata
import warnings
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageFile, ImageOps

logger = logging.getLogger(__name__)

MAX_STORED_BYTES = 2 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; beyond that, a decompression bomb
# Wall clock; the child also has its own limits of 5 s of CPU and 384 MB of address space
# (family.pdf_inspection: CPU_LIMIT_SECONDS, MEMORY_LIMIT_BYTES).
PDF_INSPECTION_SECONDS = 20
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


def check_pdf(content: bytes) -> None:
    """Parse the whole PDF in a child process with memory and CPU limits
    (``family.pdf_inspection``); refuse it when damaged, encrypted, active, or too heavy to
    parse (a decompression bomb)."""
    try:
        child = subprocess.run(
            [sys.executable, "-E", "-s", "-m", "family.pdf_inspection"],
            input=content,
            capture_output=True,
            timeout=PDF_INSPECTION_SECONDS,
            cwd=settings.BASE_DIR,
            # Nothing of the portal's environment (database URL, secret key) reaches the
            # process that parses a stranger's file.
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            check=False,
        )
        verdict = child.stdout.decode(errors="replace").strip() if child.returncode == 0 else ""
    except subprocess.TimeoutExpired:
        verdict = ""
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


def _unreadable_image_message() -> str:
    return _("This image is damaged or incomplete and cannot be read. Take the photo again.")


def reencode_image(content: bytes, mime: str) -> tuple[bytes, bool]:
    """Decode the whole image and encode it again (no metadata, the camera's orientation
    applied), reduced if needed to fit 2 MB. Returns the bytes and whether it was reduced."""
    # A truncated image must be refused: WeasyPrint (billing.pdf) switches this Pillow flag on
    # for the whole process when it is imported.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=[PILLOW_FORMAT[mime]])
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(_too_many_pixels_message(image.width, image.height))
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _normalised_mode(image, mime)
        except UploadRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRefused(_too_many_pixels_message(0, 0)) from None
        except Exception as error:
            logger.info("image refused, unreadable: %s", type(error).__name__)
            raise UploadRefused(_unreadable_image_message()) from None
    return fit_image(image, PILLOW_FORMAT[mime])


def _too_many_pixels_message(width: int, height: int) -> str:
    if width and height:
        return _(
            "This image is too large (%(width)d × %(height)d pixels): the limit is 50 "
            "megapixels. Take the photo again at a lower resolution."
        ) % {"width": width, "height": height}
    return _(
        "This image is too large: the limit is 50 megapixels. Take the photo again at a lower "
        "resolution."
    )


def _normalised_mode(image: Image.Image, mime: str) -> Image.Image:
    if image.mode in {"I", "F"} or image.mode.startswith("I;16"):
        # 16-bit grey (some scanners): scaled to 8 bits, not clipped to white.
        image = image.convert("I") if image.mode != "F" else image
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    if mime == JPEG:
        return image if image.mode in {"RGB", "L"} else image.convert("RGB")
    if image.mode in {"1", "L", "LA", "RGB", "RGBA", "P"}:
        return image
    return image.convert("RGBA")


def _encode(image: Image.Image, pillow_format: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if pillow_format == "JPEG":
        image.save(buffer, "JPEG", quality=quality, optimize=True)
    else:
        image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def fit_image(image: Image.Image, pillow_format: str) -> tuple[bytes, bool]:
    """The image encoded within ``MAX_STORED_BYTES``: as it is if it fits, else (JPEG) at a
    lower quality, else scaled down step by step."""
    data = _encode(image, pillow_format, quality=90)
    if len(data) <= MAX_STORED_BYTES:
        return data, False
    quality = 80
    if pillow_format == "JPEG":
        data = _encode(image, pillow_format, quality=quality)
        if len(data) <= MAX_STORED_BYTES:
            return data, True
    width, height = image.size
    for _attempt in range(12):
        # The encoded size grows about with the pixel count: aim a little under the limit.
        scale = min(0.9, math.sqrt(MAX_STORED_BYTES / len(data)) * 0.95)
        width, height = max(1, int(width * scale)), max(1, int(height * scale))
        smaller = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        data = _encode(smaller, pillow_format, quality=quality)
        if len(data) <= MAX_STORED_BYTES:
            return data, True
    raise UploadRefused(
        _("This image cannot be reduced enough to fit within 2 MB: take the photo again.")
    )
