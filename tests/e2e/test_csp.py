"""The Content-Security-Policy holds in a real browser (the other browser tests bypass it to
inject axe): no page breaks it, and the portal's scripts still run under it."""

from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as


def refusals(context, visits) -> list[str]:
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    for visit in visits:
        visit(page)
    return refused


def test_no_page_breaks_the_policy_and_the_scripts_still_run(world, browser, live_server):
    family = browser.new_context(base_url=live_server.url, locale="fr-FR")
    log_in_as(family, live_server, world.family_a.user)
    staff = browser.new_context(base_url=live_server.url, locale="fr-FR")
    log_in_as(staff, live_server, world.staff_1)
    visitor = browser.new_context(base_url=live_server.url, locale="fr-FR")

    def login_page(page):
        page.goto("/connexion/")
        toggle = page.locator("[data-password-toggle]")
        expect(toggle).to_be_visible()  # shown by portal.js, hidden without it
        toggle.click()
        expect(page.locator("#id_password")).to_have_attribute("type", "text")

    def family_pages(page):
        for url in ("/", "/famille/", "/facturation/locations/", "/accessibilite/aide/"):
            assert page.goto(url).status == 200, url
        page.goto("/famille/")
        page.get_by_label("Code postal").fill("ABC")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("#error-summary")).to_be_focused()  # portal.js moved the focus

    def admin_pages(page):
        page.goto("/admin/")
        page.goto("/admin/family/guardian/add/")
        # Django's autocomplete (select2) is built by its script, under the policy.
        expect(page.locator(".select2-selection").first).to_be_visible()
        page.goto("/admin/billing/invoice/")

    found = refusals(visitor, [login_page])
    found += refusals(family, [family_pages])
    found += refusals(staff, [admin_pages])
    for context in (family, staff, visitor):
        context.close()
    assert found == []
