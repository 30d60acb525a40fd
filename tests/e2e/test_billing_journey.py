"""A family reads its rental ledger, opens a duplicate and pays what is due online, with the
keyboard, through the test provider."""

from playwright.sync_api import expect

from billing.models import Payment
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import log_in_as


def test_ledger_duplicate_and_online_payment_with_the_keyboard(world, context, live_server, page):
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/")
    page.get_by_role("link", name="Facturation", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Facturation locations").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".ledger-totals")).to_contain_text("Solde-50,00 €")
    assert axe_violations(page) == []

    duplicate = page.get_by_role("link", name="12FC01785 – facture, duplicata (PDF)")
    response = page.request.get(duplicate.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"

    page.get_by_role("button", name="Payer en ligne").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prestataire de paiement de test")
    page.get_by_role("button", name="Payer 50,00 €").focus()
    page.keyboard.press("Enter")  # nothing typed: every field says what it needs
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []
    page.get_by_label("Nom du titulaire de la carte").fill("Jérémie ABARRE")
    page.get_by_label("Numéro de carte").fill("4242 4242 4242 4242")
    page.get_by_label("Date d'expiration (MM/AA)").fill("12/39")
    page.get_by_label("Cryptogramme").fill("123")
    page.get_by_label("Cryptogramme").press("Enter")
    expect(page.get_by_role("button", name="Retour au portail")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Retour au portail").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".portal-messages")).to_contain_text("votre paiement de 50,00 €")
    payment = Payment.objects.get(family=world.family_a.family, mode="en_ligne")
    expect(page.locator(".portal-messages")).to_contain_text(f"reçu {payment.number}")
    expect(page.locator(".ledger-totals")).to_contain_text("Solde0,00 €")
    expect(page.get_by_role("table")).to_contain_text(payment.number)
    expect(page.get_by_role("button", name="Payer en ligne")).to_have_count(0)
