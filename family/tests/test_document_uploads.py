"""Uploads judged by their content: a hostile corpus refused with a message next to the field
and nothing stored; real documents accepted, photos reduced and stripped of their metadata.

Files are posted as a browser does, their names untouched by the test client, so that names
like ``../x.pdf`` go through Django's own upload parser.
"""

import io
import signal
from pathlib import Path

import pikepdf
import pytest
from django.core.files.storage import storages
from django.urls import reverse
from PIL import Image

from conftest import client_for
from family.models import Document
from family.tests import upload_files
from family.tests.upload_files import corpus
from family.uploads import MAX_STORED_BYTES
from tests.html import page

NOT_ACCEPTED = "Seuls les documents PDF et les images JPEG ou PNG sont acceptés"
NOT_ALLOWED_TYPE = "n'est ni un document PDF, ni une image JPEG ou PNG"
DAMAGED_PDF = "Ce PDF est endommagé ou incomplet"
ACTIVE_PDF = "Ce PDF contient des scripts, des actions automatiques ou des fichiers joints"
ENCRYPTED_PDF = "Ce PDF est protégé par un mot de passe ou chiffré"
TOO_MANY_PIXELS = "Cette image est trop grande"
TOO_HEAVY_IMAGE = "Cette image est trop grande pour être vérifiée"
DAMAGED_IMAGE = "Cette image est endommagée ou incomplète"
HEAVY_PDF = "Ce PDF demanderait trop de mémoire ou de temps pour être vérifié"

# (file of the corpus, name it is uploaded under, what the family is told)
HOSTILE = [
    ("empty.pdf", "empty.pdf", "Ce fichier est vide"),
    ("text.pdf", "text.pdf", NOT_ALLOWED_TYPE),
    ("page.png", "page.png", NOT_ALLOWED_TYPE),
    ("dessin.svg", "dessin.svg", NOT_ACCEPTED),
    ("vecteur.png", "vecteur.png", NOT_ALLOWED_TYPE),
    ("400-megapixels.png", "400-megapixels.png", "(20000 × 20000 pixels)"),
    ("truncated.jpg", "truncated.jpg", DAMAGED_IMAGE),
    ("truncated.pdf", "truncated.pdf", DAMAGED_PDF),
    ("javascript.pdf", "javascript.pdf", ACTIVE_PDF),
    ("javascript-names.pdf", "javascript-names.pdf", ACTIVE_PDF),
    ("launch.pdf", "launch.pdf", ACTIVE_PDF),
    ("openaction-uri.pdf", "openaction-uri.pdf", ACTIVE_PDF),
    ("uri-javascript.pdf", "uri-javascript.pdf", ACTIVE_PDF),
    ("decompression-bomb.pdf", "decompression-bomb.pdf", HEAVY_PDF),
    ("embedded-file.pdf", "embedded-file.pdf", ACTIVE_PDF),
    # A program in a file attachment annotation (a paper clip on the page), in a page's
    # associated file, in a stream typed /EmbeddedFile that nothing lists as an attachment.
    ("file-attachment.pdf", "file-attachment.pdf", ACTIVE_PDF),
    ("associated-file.pdf", "associated-file.pdf", ACTIVE_PDF),
    ("embedded-file-stream.pdf", "embedded-file-stream.pdf", ACTIVE_PDF),
    ("3d-javascript.pdf", "3d-javascript.pdf", ACTIVE_PDF),  # a 3D model's script
    ("rich-media.pdf", "rich-media.pdf", ACTIVE_PDF),
    ("xfa-form.pdf", "xfa-form.pdf", ACTIVE_PDF),
    ("page-opens-https.pdf", "page-opens-https.pdf", ACTIVE_PDF),
    ("encrypted.pdf", "encrypted.pdf", ENCRYPTED_PDF),
    ("password.pdf", "password.pdf", ENCRYPTED_PDF),
    ("releve.pdf", "releve.pdf", NOT_ALLOWED_TYPE),  # a nested zip bomb
    ("programme.pdf", "programme.pdf", NOT_ALLOWED_TYPE),  # a Windows program
    ("animation.jpg", "animation.jpg", NOT_ALLOWED_TYPE),  # a GIF
    ("photo.jpg", "photo.jpg", NOT_ALLOWED_TYPE),  # a WebP
    ("document.pdf", "a.pdf.exe", NOT_ACCEPTED),
    # U+202E shows "facture\u202efdp.exe" as "factureexe.pdf"; the parser drops it, the
    # name still ends in .exe.
    ("document.pdf", "facture\u202efdp.exe", NOT_ACCEPTED),
    ("document.pdf", "sans-extension", NOT_ACCEPTED),
]


def document_url(world) -> str:
    return reverse("family:document", args=[world.family_document_type.pk])


def post_file(client, url: str, name: str, content: bytes):
    """A multipart POST built by hand, the file name sent exactly as given."""
    boundary = "----portal-test-boundary-7f3a"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="action"\r\n\r\nimport\r\n'
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored_files() -> set[Path]:
    location = Path(storages["documents"].location)
    return {path for path in location.rglob("*") if path.is_file()}


def draft_of(world) -> Document:
    return Document.objects.get(
        family=world.family_a.family,
        document_type=world.family_document_type,
        status=Document.Status.DRAFT,
    )


def assert_refused(response, message: str, files_before: set, documents_before: int):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html  # the message sits next to the field
    assert 'href="#id_file"' in html  # and the summary at the top links to it
    assert message in page(response).text
    assert Document.objects.count() == documents_before
    assert stored_files() == files_before


@pytest.mark.parametrize(("corpus_file", "name", "message"), HOSTILE)
def test_hostile_file_is_refused_with_a_message_and_nothing_stored(
    world, corpus_file, name, message
):
    files, documents = stored_files(), Document.objects.count()
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), name, corpus(corpus_file))
    assert_refused(response, message, files, documents)


def test_a_truncated_photo_is_refused_even_after_a_duplicate_was_rendered(world, monkeypatch):
    """WeasyPrint, once imported to render an invoice's duplicate, tells Pillow to accept
    truncated images in the whole process; the upload check still refuses them."""
    from PIL import ImageFile

    from billing import pdf

    pdf.render_duplicate(world.invoice_a)
    # As a later import of WeasyPrint would leave it (restored after the test).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    files, documents = stored_files(), Document.objects.count()
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "photo.jpg", corpus("truncated.jpg"))
    assert_refused(response, "Cette image est endommagée ou incomplète", files, documents)


def test_the_corpus_holds_every_file_it_names_and_at_least_20_hostile_ones():
    names = {path.name for path in upload_files.CORPUS.iterdir()}
    assert set(upload_files.BUILDERS) | {"attestation-libreoffice.pdf"} == names
    hostile_files = {corpus_file for corpus_file, _name, _message in HOSTILE}
    assert len(hostile_files) >= 20 and hostile_files <= names


def test_a_link_to_an_https_address_is_accepted_but_not_a_page_opening_it_by_itself(world):
    """A link the reader clicks may lead to an https address. A page that opens one by itself
    when it is shown (its /AA) may not: it tells a stranger when, and from where, the staff
    opened the family's document."""
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "lien.pdf", corpus("link-https.pdf"))
    assert response.status_code == 302
    files, documents = stored_files(), Document.objects.count()
    response = post_file(client, document_url(world), "page.pdf", corpus("page-opens-https.pdf"))
    assert_refused(response, ACTIVE_PDF, files, documents)
    with pikepdf.open(io.BytesIO(corpus("page-opens-https.pdf"))) as pdf:
        opening = pdf.pages[0].obj.AA.O
        assert (opening.S, str(opening.URI)) == ("/URI", "https://attacker.example/")


def test_a_pdf_of_exactly_2_mb_is_accepted_and_one_byte_more_is_refused(world):
    client = client_for(world.family_a.user)
    files, documents = stored_files(), Document.objects.count()
    over = upload_files.pdf_of_size(MAX_STORED_BYTES + 1)
    assert len(over) == 2_097_153
    response = post_file(client, document_url(world), "scan-trop-lourd.pdf", over)
    assert_refused(response, "Ce PDF est trop lourd (2,1 Mo)", files, documents)

    exact = upload_files.pdf_of_size(MAX_STORED_BYTES)
    assert len(exact) == 2_097_152
    response = post_file(client, document_url(world), "scan-2mo.pdf", exact)
    assert response.status_code == 302
    assert draft_of(world).size == 2_097_152


def test_a_file_over_10_mb_is_not_even_kept_in_a_temporary_file(world):
    files, documents = stored_files(), Document.objects.count()
    content = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024)
    response = post_file(client_for(world.family_a.user), document_url(world), "x.jpg", content)
    assert_refused(response, "Ce fichier est trop lourd (plus de 10 Mo)", files, documents)
    assert response.wsgi_request.oversized_uploads == {"file"}


def test_the_size_checks_agree_with_the_upload_handler_at_the_limit(world):
    """Exactly 10 MB passes the handler and reaches the content checks."""
    content = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024 - 4)
    response = post_file(client_for(world.family_a.user), document_url(world), "x.jpg", content)
    assert "Cette image est endommagée ou incomplète" in page(response).text


def test_no_file_chosen_says_so(world):
    files, documents = stored_files(), Document.objects.count()
    response = client_for(world.family_a.user).post(document_url(world), {"action": "import"})
    assert_refused(
        response,
        "Choisissez d'abord un fichier (bouton Parcourir ou Choisir un fichier).",
        files,
        documents,
    )


def test_a_phone_photo_is_reduced_below_2_mb_without_its_gps_position(world):
    photo = upload_files.phone_photo()
    assert 3_000_000 < len(photo) < 10 * 1024 * 1024
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # it has a position
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "IMG_2041.JPG", photo)
    assert response.status_code == 302
    text = page(client.get(document_url(world))).text
    assert "Votre photo pesait 3,9 Mo : elle a été réduite pour tenir dans 2 Mo." in text
    assert "IMG_2041.JPG (JPEG," in text
    draft = draft_of(world)
    with draft.file.open("rb") as handle:
        stored = handle.read()
    assert len(stored) <= MAX_STORED_BYTES and draft.reduced
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}  # no camera, no orientation, no GPS
    assert image.size == (3000, 4000)  # turned upright, as the phone showed it
    assert b"PhoneMaker" not in stored


def test_an_office_suite_pdf_is_kept_as_sent(world):
    original = corpus("attestation-libreoffice.pdf")
    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert str(pdf.docinfo["/Producer"]) == "LibreOffice 7.4"
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "attestation.pdf", original)
    assert response.status_code == 302
    with draft_of(world).file.open("rb") as handle:
        assert handle.read() == original


@pytest.mark.parametrize(
    "name", ["scan.png", "opens-on-page-1.pdf", "cmyk.jpg", "index-off.pdf", "link-https.pdf"]
)
def test_ordinary_files_are_accepted(world, name):
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), name, corpus(name))
    assert response.status_code == 302
    assert draft_of(world).original_name == name


def test_a_png_named_pdf_is_accepted_as_the_png_it_is(world):
    """The content decides: the family's scan is genuine, only its name is wrong. It is
    checked as an image, stored as a PNG, downloaded as .png, and the family is told."""
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "scan-png.pdf", corpus("scan-png.pdf"))
    assert response.status_code == 302
    draft = draft_of(world)
    assert draft.mime_type == "image/png" and draft.file.name.endswith(".png")
    text = page(client.get(document_url(world))).text
    assert "Ce fichier est un PNG bien que son nom annonce un PDF" in text


def test_a_jpeg_with_a_script_appended_is_stored_without_it(world):
    polyglot = corpus("polyglot.jpg")
    assert b"<script>" in polyglot
    client = client_for(world.family_a.user)
    assert post_file(client, document_url(world), "photo.jpg", polyglot).status_code == 302
    with draft_of(world).file.open("rb") as handle:
        assert b"<script>" not in handle.read()


def test_a_name_with_folders_never_reaches_the_file_system(world):
    """Django's upload parser keeps only the last part of a name: "../x.pdf" arrives as
    "x.pdf". A valid PDF under that name is accepted, and stored under a generated name
    inside the documents folder, like every file."""
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "../x.pdf", corpus("document.pdf"))
    assert response.status_code == 302
    draft = draft_of(world)
    assert draft.original_name == "x.pdf"
    location = Path(storages["documents"].location).resolve()
    stored = Path(draft.file.path).resolve()
    assert stored.is_relative_to(location)
    assert stored.name != "x.pdf" and len(stored.stem) == 32


def test_a_16_bit_grey_scan_keeps_its_shades(world):
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "scan.png", corpus("scan-16-bit.png"))
    assert response.status_code == 302
    with draft_of(world).file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert image.mode == "L"
    low, high = image.getextrema()
    assert low < 10 and high > 245  # the gradient, not a white page


def test_sizes_read_in_the_unit_of_the_limit():
    from django.utils import translation

    from family.uploads import human_size

    with translation.override("fr"):
        assert [human_size(n) for n in (1, 719, 24_410, 2_097_152, 2_097_153)] == [
            "1 octet",
            "719 octets",
            "24 Ko",
            "2,0 Mo",
            "2,1 Mo",
        ]
    with translation.override("en"):
        assert human_size(1_610_000) == "1.6 MB"


def test_the_pdf_is_parsed_by_a_process_that_holds_no_secret(monkeypatch):
    """The child that parses a stranger's PDF gets no database URL and no secret key."""
    import subprocess

    from family import uploads

    seen = {}
    real_run = subprocess.run

    def spy(*args, **kwargs):
        seen.update(kwargs["env"])
        return real_run(*args, **kwargs)

    monkeypatch.setenv("DATABASE_URL", "postgres://portal:secret@db/portal")
    monkeypatch.setattr(uploads.subprocess, "run", spy)
    uploads.check_pdf(corpus("document.pdf"))
    assert "DATABASE_URL" not in seen and "SECRET_KEY" not in seen
    assert set(seen) == {"PATH", "LC_ALL"}


@pytest.mark.parametrize(
    ("width", "height", "grain", "halved"),
    [
        (6528, 4896, 14, False),  # 32 megapixels: the largest decoded in full, about 9 MB
        (8160, 6120, 8, True),  # 50 megapixels (a phone's high-resolution mode)
    ],
)
def test_a_large_phone_photo_is_reduced_within_the_limits_of_the_check(
    world, width, height, grain, halved
):
    """Decoded in full and turned upright, a photo takes 8 bytes per pixel: up to 32
    megapixels it fits the check's memory; beyond, it is decoded at half its size."""
    photo = upload_files.large_phone_photo(width, height, grain)
    assert 2 * 1024 * 1024 < len(photo) < 10 * 1024 * 1024
    client = client_for(world.family_a.user)
    response = post_file(client, document_url(world), "IMG_0001.JPG", photo)
    assert response.status_code == 302
    assert "elle a été réduite pour tenir dans 2 Mo" in page(client.get(document_url(world))).text
    with draft_of(world).file.open("rb") as handle:
        stored = handle.read()
    assert len(stored) <= MAX_STORED_BYTES
    stored_width, stored_height = Image.open(io.BytesIO(stored)).size
    assert stored_height > stored_width  # turned upright
    if halved:
        assert (stored_width, stored_height) == (height // 2, width // 2)


def test_an_image_too_heavy_to_decode_within_the_limits_is_refused_as_too_large(world):
    """A 16-bit grey scan of 49 megapixels is within the pixel limit, but its decoding to 8
    bits needs more than the check's memory: the family is told it is too large, not damaged,
    and the web server's worker never decoded it."""
    files, documents = stored_files(), Document.objects.count()
    client = client_for(world.family_a.user)
    scan = upload_files.png_16_bit_of_49_megapixels()
    response = post_file(client, document_url(world), "scan.png", scan)
    assert_refused(response, TOO_HEAVY_IMAGE, files, documents)
    assert DAMAGED_IMAGE not in page(response).text


@pytest.mark.parametrize(
    ("returncode", "message"),
    [
        (-signal.SIGXCPU, TOO_HEAVY_IMAGE),  # stopped past its processor time
        (-signal.SIGKILL, TOO_HEAVY_IMAGE),  # or its wall clock
        (-signal.SIGSEGV, DAMAGED_IMAGE),  # a decoder that crashed on the file
        (1, DAMAGED_IMAGE),
    ],
)
def test_an_image_check_that_ends_badly_says_whether_the_image_is_too_large_or_damaged(
    monkeypatch, returncode, message
):
    from django.utils import translation

    from family import uploads

    monkeypatch.setattr(uploads, "_inspect_in_child", lambda *args: (returncode, b""))
    with translation.override("fr"), pytest.raises(uploads.UploadRefused) as refusal:
        uploads.reencode_image(corpus("cmyk.jpg"), uploads.JPEG)
    assert refusal.value.message.startswith(message)


def test_an_image_is_decoded_by_a_process_that_holds_no_secret(monkeypatch):
    """The web server's worker only hands the image over: the child that decodes it gets no
    database URL and no secret key, and gives back the image to store."""
    import subprocess

    from family import uploads

    seen = {}
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        seen.update(command=command, env=kwargs["env"])
        return real_run(command, *args, **kwargs)

    monkeypatch.setenv("DATABASE_URL", "postgres://portal:secret@db/portal")
    monkeypatch.setattr(uploads.subprocess, "run", spy)
    stored, reduced = uploads.reencode_image(corpus("polyglot.jpg"), uploads.JPEG)
    assert seen["command"][-3:] == ["-m", "family.image_inspection", "JPEG"]
    assert set(seen["env"]) == {"PATH", "LC_ALL"}
    assert Image.open(io.BytesIO(stored)).size == (800, 600) and not reduced
    assert b"<script>" not in stored
