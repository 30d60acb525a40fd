"""A family sends a document with the keyboard, as the guide shows: click the document,
Parcourir, Importer, Valider; a refused file is said next to the field; axe checks each state."""

from playwright.sync_api import expect

from family.models import Document
from family.tests.upload_files import corpus
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import log_in_as, set_language


def test_keyboard_upload_of_a_students_document(world, context, live_server, page, tmp_path):
    log_in_as(context, live_server, world.family_a.user)
    irina = world.family_a.students[0]
    wrong = tmp_path / "attestation.pdf"
    wrong.write_bytes(b"Ceci est un texte, pas un PDF.\n" * 10)
    right = tmp_path / "attestation-2026.pdf"
    right.write_bytes(corpus("attestation-libreoffice.pdf"))
    failures = []

    def check(what):
        if violations := axe_violations(page):
            failures.append(f"{what}:\n{describe(violations)}")

    page.goto(f"/eleves/{irina.pk}/")
    page.get_by_role("link", name="Documents fournis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ABARRE Irina")
    row = page.get_by_role("row", name="Attestation d'assurance")
    expect(row).to_contain_text("Manquant")
    check("student documents")
    row.get_by_role("link", name="Attestation d'assurance").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Attestation d'assurance – ABARRE Irina"
    )
    check("document, nothing sent")

    # Parcourir: the file input is reached with Tab; a text file named .pdf is refused.
    file_input = page.get_by_label("Fichier à importer")
    file_input.focus()
    expect(file_input).to_be_focused()
    file_input.set_input_files(str(wrong))
    page.keyboard.press("Tab")
    importer = page.get_by_role("button", name="Importer", exact=True)
    expect(importer).to_be_focused()
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("n'est ni un document PDF, ni une image JPEG ou PNG")
    expect(page.locator("#id_file_error")).to_be_visible()
    assert page.title().startswith("Erreur :")
    check("document with an error")

    # The summary's link leads to the field; a real file is imported, then sent.
    summary.get_by_role("link").click()
    expect(page.get_by_label("Fichier à importer")).to_be_focused()
    page.get_by_label("Fichier à importer").set_input_files(str(right))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Fichier importé, pas encore envoyé")).to_be_visible()
    expect(page.get_by_text("attestation-2026.pdf (PDF, 24 Ko)")).to_be_visible()
    check("document imported, not sent")
    assert not Document.objects.filter(student=irina, status="received").exists()
    page.get_by_role("button", name="Valider").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".portal-messages")).to_contain_text("Le document est envoyé")
    expect(page.locator(".portal-messages")).to_be_focused()  # read first by screen readers
    expect(page.locator(".document-summary")).to_contain_text("Reçu, en attente de vérification")
    check("document sent")
    sent = Document.objects.get(student=irina, status="received")
    assert sent.original_name == "attestation-2026.pdf"
    assert failures == [], "\n\n".join(failures)


def test_the_document_pages_read_in_english(world, context, live_server, page):
    set_language(context, live_server, "en")
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/famille/documents/")
    expect(page.get_by_role("heading", level=2)).to_have_text("Documents provided")
    row = page.get_by_role("row", name="Justificatif de domicile")
    expect(row).to_contain_text("Received, awaiting check")
    row.get_by_role("link").click()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Choose a file first (button Browse or Choose File)."
    )
    assert axe_violations(page) == []


def test_a_table_box_is_a_tab_stop_only_when_it_scrolls(world, context, live_server, page):
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/famille/documents/")
    box = page.locator("[data-scroll-box]")
    expect(box).not_to_have_attribute("tabindex", "0")
    page.set_viewport_size({"width": 320, "height": 700})
    expect(box).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no page-wide scroll
    assert axe_violations(page) == []
