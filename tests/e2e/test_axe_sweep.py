"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page a family or an anonymous user can reach,
in French and in English, including the states with errors."""

import pytest

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import log_in_as, set_language
from tests.urlwalk import readable_pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_portal_page_passes_axe(world, context, live_server, page, language):
    set_language(context, live_server, language)
    anonymous = context.browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="fr-FR"
    )
    set_language(anonymous, live_server, language)
    log_in_as(context, live_server, world.family_a.user)
    anonymous_page = anonymous.new_page()
    failures = []
    visited = 0

    def check(tab, what: str) -> None:
        if violations := axe_violations(tab):
            failures.append(f"{what} ({language}):\n{describe(violations)}")

    try:
        for url, user in readable_pages(world):
            tab = page if user is not None else anonymous_page
            assert tab.goto(url).status == 200, url
            visited += 1
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
    finally:
        anonymous.close()
    assert visited == len(list(readable_pages(world)))
    assert failures == [], "\n\n".join(failures)
