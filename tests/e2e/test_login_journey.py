"""A family logs in and out with the keyboard only, as the guide shows."""

from playwright.sync_api import expect


def test_keyboard_login_with_password_toggle_then_logout(world, page):
    page.goto("/eleves/")
    assert page.url.endswith("/connexion/?next=/eleves/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    site = page.get_by_label("Site")
    expect(site).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(site.locator("option:checked")).to_have_text("Conservatoire 1")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Identifiant")).to_be_focused()
    page.keyboard.type("abarre1")
    page.keyboard.press("Tab")
    password = page.get_by_label("Mot de passe", exact=False).first
    expect(password).to_be_focused()
    page.keyboard.type("Musique2024")

    toggle = page.locator("[data-password-toggle]")
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_accessible_name("Afficher le mot de passe")
    page.keyboard.press("Space")
    expect(toggle).to_have_accessible_name("Masquer le mot de passe")
    expect(page.locator("#id_password")).to_have_attribute("type", "text")
    status = page.locator("[data-password-toggle-status]")
    expect(status).to_have_text("Votre mot de passe est affiché.")
    expect(status).to_have_attribute("aria-live", "polite")
    page.keyboard.press("Enter")
    expect(toggle).to_have_accessible_name("Afficher le mot de passe")
    expect(page.locator("#id_password")).to_have_attribute("type", "password")
    expect(status).to_have_text("Votre mot de passe est masqué.")

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Se connecter")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/eleves/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves")

    page.get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Monsieur ABARRE Jérémie")
    expect(page.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="ABARRE Irina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ABARRE Irina")

    page.get_by_role("link", name="Déconnexion").click()
    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_url("**/connexion/")
    expect(page.get_by_text("Déconnexion effectuée.")).to_be_visible()


def test_wrong_credentials_focus_the_error_summary_and_keep_the_identifier(world, page):
    page.goto("/connexion/")
    page.get_by_label("Site").select_option(label="École de musique de Saint-Jean")
    page.get_by_label("Identifiant").fill("abarre1")
    page.locator("#id_password").fill("Musique2024")
    page.get_by_role("button", name="Se connecter").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Les informations de connexion sont incorrectes")
    expect(page.get_by_label("Identifiant")).to_have_value("abarre1")
    expect(page.locator("#id_password")).to_have_value("")
    assert page.title().startswith("Erreur :")


def test_empty_form_links_each_error_to_its_field(world, page):
    page.goto("/connexion/")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Identifiant : Saisissez votre identifiant.").click()
    expect(page.get_by_label("Identifiant")).to_be_focused()


def test_without_javascript_the_toggle_is_absent_and_login_works(world, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/connexion/")
    expect(page.locator("[data-password-toggle]")).to_be_hidden()
    page.get_by_label("Site").select_option(label="Conservatoire 1")
    page.get_by_label("Identifiant").fill("abarre1")
    page.locator("#id_password").fill("Musique2024")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Monsieur ABARRE Jérémie")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Mr ABARRE Jérémie")
    context.close()
