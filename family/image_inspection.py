"""Decoding an uploaded image in a child process, under the same limits as PDFs.

Run as ``python -m family.image_inspection JPEG`` (or ``PNG``) with the image on standard input.
It writes one verdict line: ``ok kept`` or ``ok reduced`` followed by the image to store, or
``large <width> <height>``, ``damaged``, ``heavy`` or ``unfit``.

Decoding is where an image costs: a 49-megapixel photo takes half a gigabyte and seconds of
processor time once decoded, turned upright and reduced, and a 16-bit scan twice as much per
pixel. A limit on the pixel count alone would not bound that (the cost per pixel depends on the
format and the mode, and phones do take 50-megapixel photos), so the image is decoded here, in a
process limited like the PDF check (``family.pdf_inspection``): what exceeds the limits kills
this process, never the web server's worker, and the family is told the image is too large.

This module imports nothing of Django: it starts fast, and it runs with an empty environment.
"""

from __future__ import annotations

import io
import math
import sys

from family.pdf_inspection import limit_resources

MAX_STORED_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; beyond that, a decompression bomb
# A JPEG over 32 megapixels is decoded at half its width and height (libjpeg scales while
# decoding, in a quarter of the memory and time). Decoded in full and turned upright, a photo
# takes 8 bytes per pixel (Pillow holds RGB in 4 bytes, twice while turning it): 32 megapixels
# fit the memory limit with room to spare, 45 no longer do. Its 2 MB copy would rarely hold
# more pixels than its half anyway.
HALVED_ABOVE_PIXELS = 32_000_000


class Unfit(Exception):
    """The image cannot be reduced enough to fit ``MAX_STORED_BYTES``."""


def inspect(content: bytes, pillow_format: str) -> tuple[str, bytes]:
    """Decode the whole image and encode it again (no metadata, the camera's orientation
    applied), reduced if needed to fit 2 MB: the verdict, and the bytes to store."""
    from PIL import Image, ImageFile, ImageOps

    # A truncated image is refused; the pixel count is checked below, with the image's size.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    Image.MAX_IMAGE_PIXELS = None
    try:
        image = Image.open(io.BytesIO(content), formats=[pillow_format])
        width, height = image.size
        if width * height > MAX_PIXELS:
            return f"large {width} {height}", b""
        if pillow_format == "JPEG" and width * height > HALVED_ABOVE_PIXELS:
            image.draft(None, (width // 2, height // 2))
        drafted = image.size != (width, height)
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        image = normalised_mode(image, pillow_format)
    except MemoryError:
        return "heavy", b""
    except Exception:  # any decoder failure on hostile input is a refusal
        return "damaged", b""
    try:
        data, reduced = fit_image(image, pillow_format)
    except Unfit:
        return "unfit", b""
    except MemoryError:
        return "heavy", b""
    return ("ok reduced" if reduced or drafted else "ok kept"), data


def normalised_mode(image, pillow_format: str):
    if image.mode in {"I", "F"} or image.mode.startswith("I;16"):
        # 16-bit grey (some scanners): scaled to 8 bits, not clipped to white.
        image = image.convert("I") if image.mode != "F" else image
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    if pillow_format == "JPEG":
        return image if image.mode in {"RGB", "L"} else image.convert("RGB")
    if image.mode in {"1", "L", "LA", "RGB", "RGBA", "P"}:
        return image
    return image.convert("RGBA")


def _encode(image, pillow_format: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if pillow_format == "JPEG":
        image.save(buffer, "JPEG", quality=quality, optimize=True)
    else:
        image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def fit_image(image, pillow_format: str) -> tuple[bytes, bool]:
    """The image encoded within ``MAX_STORED_BYTES``: as it is if it fits, else (JPEG) at a
    lower quality, else scaled down step by step."""
    from PIL import Image

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
        del smaller
        if len(data) <= MAX_STORED_BYTES:
            return data, True
    raise Unfit


def main() -> None:
    limit_resources()
    try:
        verdict, data = inspect(sys.stdin.buffer.read(), sys.argv[1])
    except MemoryError:
        verdict, data = "heavy", b""
    sys.stdout.buffer.write(verdict.encode() + b"\n" + data)


if __name__ == "__main__":
    main()
