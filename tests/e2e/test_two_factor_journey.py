"""A staff member enrols an authentication app and logs in with its code, in a real browser:
under the real Content-Security-Policy (nothing refused), then axe on each page of the journey,
blank and with an error, and the error summary taking the focus."""

import re

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import enrol_app, totp_code
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import log_in_as, set_language


def test_enrol_then_log_in_with_the_code(world, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    set_language(context, live_server, "en")
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
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("secretariat1")
    page.get_by_label("Password").fill("Musique2024")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100  # the SVG was drawn
    device = TOTPDevice.objects.get(user=world.staff_1)
    page.get_by_label("Code").fill("000000" if totp_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#error-summary")).to_be_focused()  # admin.js moved the focus
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Two-factor authentication is on")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("secretariat1")
    page.get_by_label("Password").fill("Musique2024")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verification code")
    device.refresh_from_db()
    page.get_by_label("Code").fill(totp_code(device, steps_ahead=1))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    context.close()
    assert refused == []


def test_the_two_factor_pages_pass_axe(world, context, live_server, page):
    device = enrol_app(world.staff_1)
    checked = {}
    # The code step of the login, blank and with an error.
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill("secretariat1")
    page.locator("#id_password").fill("Musique2024")
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/login/code/$"))
    checked["code"] = axe_violations(page)
    page.locator("#id_code").fill("12")
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    checked["code, with an error"] = axe_violations(page)
    page.locator("#id_code").fill(totp_code(device))
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    checked["enrolled"] = (page.goto(reverse("admin:two_factor_enrol")), axe_violations(page))[1]
    # A staff member without an app: the enrolment page, blank and with an error.
    other = context.browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr")
    log_in_as(other, live_server, world.staff_2)
    tab = other.new_page()
    tab.goto(reverse("admin:two_factor_enrol"))
    checked["enrol"] = axe_violations(tab)
    tab.locator("#id_code").fill("abc")
    tab.locator("form [type=submit].default").click()
    expect(tab.locator("#error-summary")).to_be_focused()
    checked["enrol, with an error"] = axe_violations(tab)
    # The superuser's reset: the user's page with its button, and the confirmation page.
    log_in_as(other, live_server, world.superuser)
    tab.goto(reverse("admin:accounts_user_change", args=[world.staff_1.pk]))
    checked["user page"] = [
        # Django's two-box widget of the groups and permissions (SelectFilter2), a fault
        # listed in the admin sweep's KNOWN for the group page: not of this page's making.
        violation
        for violation in axe_violations(tab)
        if not (
            violation["id"] == "aria-prohibited-attr"
            and all(".search-label-icon" in str(node["target"]) for node in violation["nodes"])
        )
    ]
    tab.goto(reverse("admin:accounts_user_two_factor_reset", args=[world.staff_1.pk]))
    checked["reset"] = axe_violations(tab)
    other.close()
    failures = {what: describe(found) for what, found in checked.items() if found}
    assert failures == {}
