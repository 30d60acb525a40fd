"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page a family or an anonymous user can reach,
in French and in English, in the standard and the accessible modes, including the states with
errors; in the accessible mode, the AAA contrast rule (7:1) too."""

import pytest
from playwright.sync_api import expect

from reenrolment.tests.test_services import open_campaign
from tests.e2e.axe import axe_rule_violations, axe_violations, describe
from tests.e2e.conftest import log_in_as, set_accessible_mode, set_language
from tests.urlwalk import readable_pages

STEPS = ["coordonnees", "autorisations", "documents", "cours", "recapitulatif", "finalisation"]


@pytest.mark.parametrize("mode", ["standard", "accessible"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_portal_page_passes_axe(world, context, live_server, page, language, mode):
    accessible = mode == "accessible"
    set_language(context, live_server, language)
    anonymous = context.browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="fr-FR"
    )
    set_language(anonymous, live_server, language)
    set_accessible_mode(anonymous, live_server, accessible)
    world.family_a.user.accessible_mode = accessible
    world.family_a.user.save(update_fields=["accessible_mode"])
    log_in_as(context, live_server, world.family_a.user)
    anonymous_page = anonymous.new_page()
    failures = []
    visited = 0

    def check(tab, what: str) -> None:
        in_mode = tab.evaluate("document.documentElement.classList.contains('accessible-mode')")
        if in_mode != accessible:
            failures.append(f"{what} ({language}, {mode}): shown in the other mode")
        violations = axe_violations(tab)
        if accessible:
            violations += axe_rule_violations(tab, ["color-contrast-enhanced"])
        if violations:
            failures.append(f"{what} ({language}, {mode}):\n{describe(violations)}")

    try:
        for url, user in readable_pages(world):
            tab = page if user is not None else anonymous_page
            assert tab.goto(url).status == 200, url
            visited += 1
            print(f"axe ({language}, {mode}): {url} as {'family A' if user else 'a visitor'}")
            check(tab, url)
        # States a family also meets: the login form with errors, a missing page.
        anonymous_page.goto("/connexion/")
        anonymous_page.get_by_role(
            "button", name="Se connecter" if language == "fr" else "Log in"
        ).click()
        anonymous_page.wait_for_selector("#error-summary")
        check(anonymous_page, "login with errors")
        page.goto("/nulle-part/")
        check(page, "404")
        anonymous_page.goto("/mot-de-passe/nouveau/")
        anonymous_page.locator("main button[type=submit]").click()
        anonymous_page.wait_for_selector("#error-summary")
        check(anonymous_page, "new password with errors")
        anonymous_page.locator("#id_establishment").select_option(index=1)
        anonymous_page.fill("#id_identifier", "abarre1")
        anonymous_page.fill("#id_email", "someone@example.org")
        anonymous_page.locator("main button[type=submit]").click()
        anonymous_page.wait_for_selector(".alert-success")
        check(anonymous_page, "new password sent")
        page.goto("/mot-de-passe/")
        page.locator("main button[type=submit]").click()
        page.wait_for_selector("#error-summary")
        check(page, "password change with errors")
        # Every step of a re-enrolment while a campaign is open.
        open_campaign(world.establishment_1, seats=10, all_steps=True)
        irina = world.family_a.students[0]
        page.goto(f"/reinscription/{irina.pk}/")
        check(page, "re-enrolment start")
        page.locator("main form button[name=action][value=start]").click()
        for step in STEPS:
            page.goto(f"/reinscription/{irina.pk}/{step}/")
            check(page, f"re-enrolment step {step}")
        # A document sent from the wizard, with its way back to it.
        back = f"/reinscription/{irina.pk}/documents/"
        page.goto(f"/famille/documents/{world.family_document_type.pk}/?retour={back}")
        back_link = "Retour à la réinscription" if language == "fr" else "Back to the re-enrolment"
        expect(page.get_by_role("link", name=back_link)).to_be_visible()
        check(page, "a document page from the wizard")
        # A staff member on a family page: the 403 page.
        staff = context.browser.new_context(
            base_url=live_server.url, bypass_csp=True, locale="fr-FR"
        )
        set_language(staff, live_server, language)
        world.staff_1.accessible_mode = accessible
        world.staff_1.save(update_fields=["accessible_mode"])
        log_in_as(staff, live_server, world.staff_1)
        staff_page = staff.new_page()
        assert staff_page.goto("/").status == 403
        check(staff_page, "403")
        staff.close()
    finally:
        anonymous.close()
    assert visited == len(list(readable_pages(world)))
    assert failures == [], "\n\n".join(failures)
