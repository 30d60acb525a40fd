"""A family that lost its password gets a new one by e-mail and chooses its own, in the browser."""

import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect


def test_new_password_by_mail_then_own_password(world, page):
    page.goto("/connexion/")
    page.get_by_role("link", name="Générer un nouveau mot de passe").click()
    page.get_by_label("Site").select_option(label="Conservatoire 1")
    page.get_by_label("Identifiant").fill("abarre1")
    page.get_by_label("E-mail").fill(world.family_a.user.email)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Le mot de passe a été envoyé par e-mail"
    )

    mail.outbox = []
    call_command("mail_worker", once=True)
    password = re.search(r"Mot de passe provisoire : (\S+)", mail.outbox[0].body).group(1)

    page.get_by_role("link", name="Retour à la page de connexion").click()
    page.get_by_label("Site").select_option(label="Conservatoire 1")
    page.get_by_label("Identifiant").fill("abarre1")
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe")
    expect(
        page.get_by_text("Bienvenue. Choisissez maintenant votre propre mot de passe.")
    ).to_be_visible()

    page.get_by_role("link", name="Accueil").click()  # not before choosing a password
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe")

    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Violon2026")
    page.locator("#id_new_password2").fill("Violon2026")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Monsieur ABARRE Jérémie")
    expect(page.get_by_text("Votre mot de passe a été modifié.")).to_be_visible()
