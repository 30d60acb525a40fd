"""axe-core on the Django admin pages the staff use: the home with its queues, and every list,
add form and change form, in French. What comes from Django's own admin templates and cannot be
fixed from the project is listed in ``KNOWN`` (and in the accessibility statement); anything
else fails, and so does a listed violation that no longer occurs."""

from collections import defaultdict

from django.urls import reverse

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import log_in_as
from tests.test_url_guard import admin_samples

KNOWN: dict[str, str] = {}


def test_the_admin_pages_pass_axe_but_for_djangos_known_faults(world, context, live_server, page):
    log_in_as(context, live_server, world.staff_1)
    urls = [reverse("admin:index")]
    urls += [url for _model, _admin, url, _kind in admin_samples(world)]
    found = defaultdict(list)
    swept = 0
    for url in urls:
        response = page.goto(url)
        if response.status == 403:
            continue  # not the secretariat's (groups, the establishments' own settings…)
        assert response.status == 200, url
        swept += 1
        for violation in axe_violations(page):
            found[violation["id"]].append(
                f"{url}: {', '.join(str(n['target']) for n in violation['nodes'][:3])}"
            )
    print(f"axe (admin): {swept} pages of {len(urls)}")
    assert swept > 60
    unexpected = {rule: places for rule, places in found.items() if rule not in KNOWN}
    assert unexpected == {}, "\n".join(f"{r}: {p[:5]}" for r, p in unexpected.items())
    assert set(found) == set(KNOWN), "a known fault no longer occurs: update KNOWN"
