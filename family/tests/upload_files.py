"""The files of the upload tests: a hostile corpus and real-world documents.

The small files are committed in ``corpus/`` (rebuild them with
``python -m family.tests.upload_files``), so that anyone can open them; the large ones (a phone
photo of several megabytes, PDFs of exactly 2 MB) are built here at test time, deterministically,
to keep the repository small. ``corpus/attestation-libreoffice.pdf`` is a real export of
LibreOffice Writer 7.4 and is not rebuilt.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw

CORPUS = Path(__file__).with_name("corpus")
PARIS_GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 8.0)}


def pdf(text: str = "Justificatif de domicile", *, pages: int = 1, change=None) -> bytes:
    """A small valid PDF with a line of text per page; ``change(pdf)`` may add hostile parts
    and may return save options (encryption)."""
    document = pikepdf.new()
    font = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for number in range(pages):
        page = document.add_blank_page(page_size=(595, 842))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        line = f"BT /F1 20 Tf 72 760 Td ({text} - page {number + 1}) Tj ET"
        page.obj.Contents = document.make_stream(line.encode("latin-1"))
    options = change(document) if change else None
    buffer = io.BytesIO()
    document.save(buffer, static_id=True, **(options or {}))
    return buffer.getvalue()


def pdf_with_a_wrong_index() -> bytes:
    """A PDF whose "startxref" points a few bytes off, as some scanner apps write it: every
    viewer rebuilds the index and opens it."""
    data = pdf(pages=2)
    head, _sep, tail = data.rpartition(b"startxref\n")
    offset, rest = tail.split(b"\n", 1)
    return head + b"startxref\n" + str(int(offset) + 13).encode() + b"\n" + rest


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes, padded with an incompressible stream."""
    padding = max(0, size - len(pdf()) - 100)
    for _attempt in range(20):
        noise = random.Random(size).randbytes(padding)

        def pad(document, noise=noise):
            document.Root.Padding = document.make_stream(noise)
            return {"compress_streams": False}

        data = pdf(change=pad)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise AssertionError(f"could not build a PDF of {size} bytes")


def _javascript(document):
    document.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hello')")
    )


def _javascript_in_names(document):
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print()"))
    document.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script]))
    )


def _launch(document):
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[72, 700, 300, 740],
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("C:\\Windows\\calc.exe")),
    )
    document.pages[0].obj.Annots = document.make_indirect(pikepdf.Array([link]))


def _open_action_uri(document):
    document.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.URI, URI=pikepdf.String("https://attacker.example/")
    )


def _open_on_first_page(document):
    # What LaTeX's hyperref and many office suites write: open on page 1, fit to window.
    document.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.GoTo, D=pikepdf.Array([document.pages[0].obj, pikepdf.Name.Fit])
    )


def _uri_javascript(document):
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[72, 700, 300, 740],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("javascript:alert(1)")),
    )
    document.pages[0].obj.Annots = document.make_indirect(pikepdf.Array([link]))


def pdf_bomb() -> bytes:
    """A 1 kB PDF whose page unpacks to 200 MB: compressed twice, which no producer does."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    twice = zlib.compress(zlib.compress(b" " * (200 * 1024 * 1024), 9), 9)
    stream = pikepdf.Stream(document, twice)
    stream.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
    document.pages[0].obj.Contents = document.make_indirect(stream)
    buffer = io.BytesIO()
    document.save(
        buffer,
        static_id=True,
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
    )
    return buffer.getvalue()


def png_16_bit_scan() -> bytes:
    """A grey scan in 16 bits per pixel, as some scanners save it."""
    image = Image.linear_gradient("L").resize((600, 800)).convert("I").point(lambda v: v * 257)
    buffer = io.BytesIO()
    image.convert("I;16").save(buffer, "PNG")
    return buffer.getvalue()


def _embedded_file(document):
    document.attachments["facture.exe"] = pikepdf.AttachedFileSpec(
        document, b"MZ\x90\x00" + b"\x00" * 64, filename="facture.exe"
    )


# A Windows program: what a hostile attachment would carry.
PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode.\r\n"
    + b"\x00" * 200
)


def _annotate(document, annotation: pikepdf.Dictionary) -> None:
    annotation.Type = pikepdf.Name.Annot
    annotation.Rect = pikepdf.Array([72, 600, 96, 624])
    document.pages[0].obj.Annots = document.make_indirect(pikepdf.Array([annotation]))


def _file_attachment(document):
    """A file attachment annotation (a paper clip on the page) holding a program in its file
    specification's /EF, not listed in the document's /EmbeddedFiles."""
    program = document.make_stream(PROGRAM)
    _annotate(
        document,
        pikepdf.Dictionary(
            Subtype=pikepdf.Name.FileAttachment,
            Contents=pikepdf.String("Facture"),
            FS=pikepdf.Dictionary(
                F=pikepdf.String("facture.exe"), EF=pikepdf.Dictionary(F=program)
            ),
        ),
    )


def _associated_file(document):
    """A page's associated file (PDF 2.0's /AF): a file specification whose /EF holds a
    program; nothing else in the file names an attachment."""
    program = document.make_stream(PROGRAM)
    document.pages[0].obj.AF = pikepdf.Array(
        [pikepdf.Dictionary(F=pikepdf.String("notice.exe"), EF=pikepdf.Dictionary(F=program))]
    )


def _embedded_file_stream(document):
    """A stream typed /EmbeddedFile holding a program, reached from no attachment at all."""
    program = document.make_stream(PROGRAM)
    program.Type = pikepdf.Name.EmbeddedFile
    document.Root.Extra = program


def _3d_javascript(document):
    """A 3D annotation whose model (/3DD) runs a script when it is loaded (/OnInstantiate)."""
    script = document.make_stream(b"host.app.alert('3D');")
    model = document.make_stream(b"U3D\x00" + b"\x00" * 60)
    model.Type = pikepdf.Name("/3D")
    model.Subtype = pikepdf.Name.U3D
    model.OnInstantiate = script
    _annotate(document, pikepdf.Dictionary(Subtype=pikepdf.Name("/3D"), **{"3DD": model}))


def _rich_media(document):
    """A rich media annotation (Flash, video), with no script nor file named in it."""
    _annotate(
        document,
        pikepdf.Dictionary(
            Subtype=pikepdf.Name.RichMedia,
            RichMediaContent=pikepdf.Dictionary(Configurations=pikepdf.Array()),
        ),
    )


def _page_opens_https(document):
    """A page that opens an https address by itself when it is shown (/AA /O), no click."""
    document.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://attacker.example/"))
    )


def _link_https(document):
    """A link the reader clicks to open an https address, as office suites write them."""
    _annotate(
        document,
        pikepdf.Dictionary(
            Subtype=pikepdf.Name.Link,
            A=pikepdf.Dictionary(
                S=pikepdf.Name.URI, URI=pikepdf.String("https://www.service-public.fr/")
            ),
        ),
    )


def _xfa_form(document):
    """An XML form (XFA), which some viewers run with scripts of its own."""
    xfa = document.make_stream(
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>'
    )
    document.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)


def _encrypted_without_password(document):
    return {"encryption": pikepdf.Encryption(owner="secretariat", user="", R=6)}


def _encrypted_with_password(document):
    return {"encryption": pikepdf.Encryption(owner="secretariat", user="1234", R=6)}


def jpeg(width: int = 800, height: int = 600, *, mode: str = "RGB", quality: int = 90) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def phone_photo() -> bytes:
    """A 12-megapixel photo as a phone takes it: 4000 × 3000, several megabytes, EXIF with the
    camera, an orientation (held sideways) and the GPS position where it was taken."""
    size = (4000, 3000)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB", (Image.effect_noise(size, 18), gradient, Image.effect_noise(size, 10))
    )
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    exif.get_ifd(0x8825).update(PARIS_GPS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def large_phone_photo(width: int, height: int, grain: int = 14) -> bytes:
    """A photo of ``width`` × ``height`` held sideways, of several megabytes: its grain is a
    tile of noise repeated (as costly to encode, much quicker to make)."""
    tile = Image.merge(
        "RGB",
        (
            Image.effect_noise((512, 512), grain),
            Image.linear_gradient("L").resize((512, 512)),
            Image.effect_noise((512, 512), grain // 2),
        ),
    )
    image = Image.new("RGB", (width, height))
    for left in range(0, width, 512):
        for top in range(0, height, 512):
            image.paste(tile, (left, top))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def png_scan() -> bytes:
    """An A4 page scanned at 150 dpi in grey levels, with lines of text."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for line in range(40):
        draw.text((120, 150 + line * 36), f"Ligne {line + 1} : avis d'imposition 2026", fill=20)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_400_megapixels() -> bytes:
    """A valid 20000 × 20000 black-and-white PNG: 50 kB that would need gigabytes decoded."""
    width = height = 20_000
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width // 8)
    data = b"".join(compressor.compress(row) for _row in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def png_16_bit_of_49_megapixels() -> bytes:
    """A valid 7000 × 7000 grey PNG in 16 bits per pixel: 100 kB, within the pixel limit, but
    its decoding to 8 bits needs more memory than the check is given."""
    width = height = 7_000
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width * 2)
    data = b"".join(compressor.compress(row) for _row in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def zip_bomb() -> bytes:
    """A zip of 40 kB holding 40 MB of zeros (and another level inside)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("zeros.bin", b"\x00" * (40 * 1024 * 1024))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(4):
            archive.writestr(f"part{number}.zip", inner.getvalue())
    return outer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


def webp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, "WEBP")
    return buffer.getvalue()


# The committed corpus: file name -> bytes.
BUILDERS = {
    "empty.pdf": lambda: b"",
    "text.pdf": lambda: b"Ceci n'est pas un PDF, juste du texte.\n" * 20,
    "page.png": lambda: (
        b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"
    ),
    "dessin.svg": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>\n"
    ),
    "vecteur.png": lambda: (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        b'width="10" height="10"><script>alert(1)</script></svg>\n'
    ),
    "scan-png.pdf": lambda: png_scan(),
    "scan.png": lambda: png_scan(),
    "400-megapixels.png": png_of_400_megapixels,
    "truncated.jpg": lambda: jpeg()[:3000],
    "truncated.pdf": lambda: pdf(pages=3)[:-400],
    "javascript.pdf": lambda: pdf(change=_javascript),
    "javascript-names.pdf": lambda: pdf(change=_javascript_in_names),
    "launch.pdf": lambda: pdf(change=_launch),
    "openaction-uri.pdf": lambda: pdf(change=_open_action_uri),
    "uri-javascript.pdf": lambda: pdf(change=_uri_javascript),
    "decompression-bomb.pdf": pdf_bomb,
    "scan-16-bit.png": png_16_bit_scan,
    "opens-on-page-1.pdf": lambda: pdf(change=_open_on_first_page),
    "embedded-file.pdf": lambda: pdf(change=_embedded_file),
    "file-attachment.pdf": lambda: pdf(change=_file_attachment),
    "associated-file.pdf": lambda: pdf(change=_associated_file),
    "embedded-file-stream.pdf": lambda: pdf(change=_embedded_file_stream),
    "3d-javascript.pdf": lambda: pdf(change=_3d_javascript),
    "rich-media.pdf": lambda: pdf(change=_rich_media),
    "page-opens-https.pdf": lambda: pdf(change=_page_opens_https),
    "xfa-form.pdf": lambda: pdf(change=_xfa_form),
    "encrypted.pdf": lambda: pdf(change=_encrypted_without_password),
    "password.pdf": lambda: pdf(change=_encrypted_with_password),
    "releve.pdf": zip_bomb,
    "programme.pdf": lambda: PROGRAM,
    "animation.jpg": gif,
    "photo.jpg": lambda: webp(),
    "cmyk.jpg": lambda: jpeg(mode="CMYK"),
    "polyglot.jpg": lambda: jpeg() + b"<html><script>alert('polyglot')</script></html>",
    "document.pdf": lambda: pdf(pages=2),
    "index-off.pdf": pdf_with_a_wrong_index,
    "link-https.pdf": lambda: pdf(change=_link_https),
}


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def write_corpus() -> None:
    CORPUS.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        (CORPUS / name).write_bytes(build())


if __name__ == "__main__":
    write_corpus()
    sys.stdout.write(f"{len(BUILDERS)} files written to {CORPUS}\n")
