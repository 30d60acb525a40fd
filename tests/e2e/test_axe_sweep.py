"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page a family or an anonymous user can reach,
in French and in English, in the standard and the accessible modes, including the states with
errors; in the accessible mode, the AAA contrast rule (7:1) too."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from family.services import change_request_submit
from reenrolment.tests.wizard_data import open_with_a_draft, step_urls
from reenrolment.wizard import STEPS
from tests.e2e.axe import axe_rule_violations, axe_violations, describe
from tests.e2e.conftest import log_in_as, set_accessible_mode, set_language
from tests.urlwalk import readable_pages


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

    def visit(tab, url: str, status: int = 200) -> None:
        response = tab.goto(url)
        if response.status != status:
            failures.append(f"{url} ({language}, {mode}): {response.status}, expected {status}")

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
        visit(page, "/nulle-part/", 404)
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
        irina = world.family_a.students[0]
        # The family's identity with changes awaiting validation, then with an error.
        change_request_submit(
            record=world.family_a.guardian,
            values={"city": "TOURS"},
            requested_by=world.family_a.user,
        )
        visit(page, reverse("family:identity"))
        expect(page.locator("main .change-marker").first).to_be_visible()
        check(page, "identity with changes awaiting validation")
        page.fill("#id_home_phone", "pas un numéro")
        page.locator("main form.identity-form button[type=submit]").click()
        page.wait_for_selector("#error-summary")
        check(page, "identity with errors")
        # The history searched, with results and without; a record's evaluations searched.
        history = reverse("students:history", args=[irina.pk])
        visit(page, f"{history}?{urlencode({'q': '2011 FM'})}")
        expect(page.locator("main table tbody tr")).to_have_count(1)
        check(page, "history searched")
        visit(page, f"{history}?{urlencode({'q': 'introuvable'})}")
        nothing = "Aucune fiche ne correspond" if language == "fr" else "No record matches"
        expect(page.get_by_text(nothing)).to_be_visible()
        check(page, "history searched, nothing found")
        record = reverse("students:history_record", args=[irina.pk, world.past_enrolment_a.pk])
        visit(page, f"{record}?{urlencode({'qe': 'contrôle'})}")
        check(page, "history record, evaluations searched")
        # Every step of a re-enrolment while a campaign is open (every step on), a draft
        # started with courses chosen, the contact changes above awaiting validation.
        campaign = open_with_a_draft(world)
        visit(page, reverse("reenrolment:start", args=[irina.pk]))
        check(page, "re-enrolment start")
        urls = step_urls(irina, campaign)
        assert list(urls) == [step.slug for step in STEPS]  # the six of them
        for slug, url in urls.items():
            visit(page, url)
            expect(page.locator("main [aria-current=step]")).to_have_count(1)
            check(page, f"re-enrolment step {slug}")
        # A document sent from the wizard, with its way back to it.
        back = urls["documents"]
        document = reverse("family:document", args=[world.family_document_type.pk])
        visit(page, f"{document}?{urlencode({'retour': back})}")
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
