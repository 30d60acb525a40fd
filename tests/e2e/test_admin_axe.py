"""axe-core on the Django admin pages the staff use: the home with its queues, and every list,
add form and change form, in French (those only a superuser opens, as a superuser). What
comes from the admin pages of Django or of a library, on superuser-only pages, is listed in
``KNOWN`` (rule, pages) with its reason, and in docs/features.md; anything else fails, and so does
a listed violation that no longer occurs."""

from collections import defaultdict

from django.urls import reverse

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import log_in_as
from tests.test_url_guard import admin_samples

KNOWN: dict[tuple[str, str], str] = {
    ("aria-prohibited-attr", "/admin/auth/group/"): (
        "Django's two-box widget of a group's permissions (SelectFilter2) puts an aria-label "
        "on its help icon, a plain span."
    ),
}


# The pages an admin action shows before acting: the reason asked once for all the items
# selected (as first shown, then again when it was left empty).
BULK_REFUSALS = [
    ("admin:family_changerequest_changelist", "", "reject_selected"),
    ("admin:family_document_changelist", "?status=received", "refuse_selected"),
]


def sweep_bulk_refusals(page, sweep) -> int:
    swept = 0
    for url_name, query, action in BULK_REFUSALS:
        url = reverse(url_name) + query
        page.goto(url)
        page.locator("input[name=_selected_action]").first.check()
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")
        page.wait_for_selector("#id_bulk_reason")
        sweep(page, f"{url} ({action})")
        page.click(".submit-row input[type=submit]")  # no reason typed: asked again
        page.wait_for_selector("#reason-error")
        sweep(page, f"{url} ({action}, reason missing)")
        swept += 2
    return swept


def test_the_admin_pages_pass_axe_but_for_djangos_known_faults(world, context, live_server, page):
    log_in_as(context, live_server, world.staff_1)
    urls = [reverse("admin:index")]
    urls += [url for _model, _admin, url, _kind in admin_samples(world)]
    found = defaultdict(list)
    superuser_only = []

    def sweep(tab, url):
        for violation in axe_violations(tab):
            known = [key for key in KNOWN if key[0] == violation["id"] and url.startswith(key[1])]
            found[known[0] if known else violation["id"]].append(
                f"{url}: {', '.join(str(n['target']) for n in violation['nodes'][:3])}"
            )

    for url in urls:
        response = page.goto(url)
        if response.status == 403:
            superuser_only.append(url)  # not the secretariat's: groups, establishments…
            continue
        assert response.status == 200, url
        sweep(page, url)
    bulk_refusals = sweep_bulk_refusals(page, sweep)
    # What only a superuser opens, opened by one.
    admin_context = context.browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="fr-FR"
    )
    log_in_as(admin_context, live_server, world.superuser)
    admin_page = admin_context.new_page()
    for url in superuser_only:
        status = admin_page.goto(url).status
        assert status in {200, 403}, url  # 403: a page nobody opens (adding a login failure)
        if status == 200:
            sweep(admin_page, url)
    admin_context.close()
    print(
        f"axe (admin): {len(urls) - len(superuser_only)} pages as staff "
        f"(and {bulk_refusals} bulk-refusal pages), {len(superuser_only)} as superuser"
    )
    assert len(urls) - len(superuser_only) > 60
    unexpected = {rule: places for rule, places in found.items() if rule not in KNOWN}
    assert unexpected == {}, "\n".join(f"{r}: {p[:5]}" for r, p in unexpected.items())
    assert set(found) == set(KNOWN), "a known fault no longer occurs: update KNOWN"
