"""The accessible mode with the keyboard: switched on from the login page, kept after logging
in, its shortcuts, which never act while typing, and w, which leaves a table."""

import re

from playwright.sync_api import expect

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import log_in_as


def accessible(page) -> bool:
    return page.evaluate("document.documentElement.classList.contains('accessible-mode')")


def test_switched_on_from_the_login_page_with_the_keyboard_and_kept_after_login(world, page):
    page.goto("/connexion/")
    assert not accessible(page)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Passer en mode accessible")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Revenir au mode standard")).to_be_visible()
    expect(page.locator(".portal-messages")).to_be_focused()  # "Le mode accessible est activé."
    assert accessible(page)
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Aller au contenu
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # Conservatoire 1
    page.keyboard.press("Tab")
    page.keyboard.type("abarre1")
    page.keyboard.press("Tab")
    page.keyboard.type("Musique2024")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Monsieur ABARRE Jérémie")
    assert accessible(page)
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.accessible_mode is True


def test_the_shortcuts_lead_where_the_help_says_and_never_while_typing(
    world, context, live_server, page
):
    world.family_a.user.accessible_mode = True
    world.family_a.user.save()
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/")
    page.keyboard.press("Control+f")
    expect(page).to_have_url(re.compile(r"/famille/$"))
    page.keyboard.press("Control+a")
    expect(page).to_have_url(re.compile(r"/accessibilite/$"))
    page.keyboard.press("Control+h")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Monsieur ABARRE Jérémie")
    page.keyboard.press("Control+q")
    expect(page).to_have_url(re.compile(r"/deconnexion/$"))
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()  # asked, not done

    page.keyboard.press("Control+f")
    expect(page).to_have_url(re.compile(r"/famille/$"))
    city = page.get_by_label("Ville")
    city.focus()
    page.keyboard.press("End")
    page.keyboard.type(" w")
    page.keyboard.press("Control+h")  # in a field: the browser's own, never the portal's
    expect(page).to_have_url(re.compile(r"/famille/$"))
    expect(city).to_have_value(re.compile(r" w$"))


def test_w_leaves_the_table_for_what_follows_it(world, context, live_server, page):
    world.family_a.user.accessible_mode = True
    world.family_a.user.save()
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/facturation/locations/")
    page.get_by_role("link", name=re.compile("^12RC01724")).focus()
    page.keyboard.press("w")
    expect(page.get_by_role("button", name="Payer en ligne")).to_be_focused()


def test_shortcuts_turned_off_do_nothing(world, context, live_server, page):
    world.family_a.user.accessible_mode = True
    world.family_a.user.shortcuts_enabled = False
    world.family_a.user.save()
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/facturation/")
    assert page.evaluate("Object.keys(document.body.dataset)") == []  # no targets given
    page.keyboard.press("Control+h")
    expect(page.get_by_role("heading", level=1)).to_have_text("Facturation")
    expect(page).to_have_url(re.compile(r"/facturation/$"))


def test_wide_tables_are_set_out_line_by_line_on_a_wide_screen_too(
    world, context, live_server, page
):
    """With the accessible mode's large text, a course's evaluations table no longer fits a
    desktop width: it is set out line by line rather than cut or scrolled."""
    world.family_a.user.accessible_mode = True
    world.family_a.user.save()
    log_in_as(context, live_server, world.family_a.user)
    page.set_viewport_size({"width": 1280, "height": 900})
    irina = world.family_a.students[0]
    for url in (f"/eleves/{irina.pk}/cours/{world.enrolment_a.pk}/", "/facturation/locations/"):
        page.goto(url)
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('[data-scroll-box]')]
                .filter(box => box.scrollWidth > box.clientWidth + 1).length"""
        )
        assert overflowing == 0, url
    page.goto(f"/eleves/{irina.pk}/cours/{world.enrolment_a.pk}/")
    assert page.locator("table[data-linear]").count() >= 1
