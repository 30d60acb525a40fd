"""Beyond axe, on every page a family or a visitor reaches, in both modes, at 320 CSS px (a
phone, or a 400 % zoom): the page's language, a unique title, one h1, a skip link that moves the
focus, every field labelled, and nothing to scroll sideways but data tables inside a labelled
scrolling region. Forms with errors: each field says its error through aria-describedby."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_rule_violations, axe_violations, describe
from tests.e2e.conftest import log_in_as, set_accessible_mode
from tests.urlwalk import readable_pages

NARROW = {"width": 320, "height": 720}

PAGE_FACTS = """() => {
  const visible = el => el.offsetParent !== null || el.getClientRects().length > 0;
  const fields = [...document.querySelectorAll('input, select, textarea')].filter(el =>
    visible(el) && !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type));
  const unlabelled = fields.filter(el => !(el.labels && el.labels.length)
    && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'));
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    if (!visible(el)) return false;
    const box = el.getBoundingClientRect();
    if (box.right <= window.innerWidth + 1) return false;
    return !el.closest('[data-scroll-box][role=region][aria-labelledby], ' +
                       '[data-scroll-box][role=region][aria-label]');
  });
  // The smallest text shown (the accessible mode promises 20 px and more).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let smallest = 1000, where = '';
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !parent || !visible(parent)) continue;
    const style = getComputedStyle(parent);
    if (style.position === 'absolute' && style.clip !== 'auto') continue;  // screen readers only
    const size = parseFloat(style.fontSize);
    if (size < smallest) { smallest = size; where = parent.tagName + '.' + parent.className; }
  }
  return {
    smallest: smallest,
    smallestWhere: where,
    lang: document.documentElement.lang,
    title: document.title,
    h1: document.querySelectorAll('h1').length,
    scrollsSideways: document.documentElement.scrollWidth > window.innerWidth + 1,
    unlabelled: unlabelled.map(el => el.name || el.id),
    wide: wide.slice(0, 3).map(el => el.tagName + '.' + el.className),
  };
}"""


@pytest.mark.parametrize("mode", ["standard", "accessible"])
def test_every_page_holds_at_320_px_with_title_h1_skip_link_and_labels(
    world, context, live_server, page, mode
):
    accessible = mode == "accessible"
    world.family_a.user.accessible_mode = accessible
    world.family_a.user.save(update_fields=["accessible_mode"])
    log_in_as(context, live_server, world.family_a.user)
    anonymous = context.browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="fr-FR", viewport=NARROW
    )
    set_accessible_mode(anonymous, live_server, accessible)
    visitor = anonymous.new_page()
    page.set_viewport_size(NARROW)
    failures, titles = [], {}
    try:
        for url, user in readable_pages(world):
            tab = page if user is not None else visitor
            tab.goto(url)
            facts = tab.evaluate(PAGE_FACTS)
            problems = []
            if facts["lang"] != "fr":
                problems.append(f"lang {facts['lang']!r}")
            if facts["h1"] != 1:
                problems.append(f"{facts['h1']} h1")
            if facts["scrollsSideways"] or facts["wide"]:
                problems.append(f"scrolls sideways at 320 px: {facts['wide']}")
            if facts["unlabelled"]:
                problems.append(f"fields without a label: {facts['unlabelled']}")
            if accessible and facts["smallest"] < 19.5:
                problems.append(f"text of {facts['smallest']} px: {facts['smallestWhere']}")
            if accessible:
                violations = axe_violations(tab) + axe_rule_violations(
                    tab, ["color-contrast-enhanced"]
                )
                if violations:
                    problems.append(f"axe at 320 px:\n{describe(violations)}")
            if facts["title"] in titles:
                problems.append(f"same title as {titles[facts['title']]}")
            titles[facts["title"]] = url
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.getAttribute('href')") != "#main":
                problems.append("the first Tab does not reach the skip link")
            tab.keyboard.press("Enter")
            if tab.evaluate("document.activeElement.id") != "main":
                problems.append("the skip link does not move the focus to the content")
            if problems:
                failures.append(f"{url} ({mode}): {'; '.join(problems)}")
    finally:
        anonymous.close()
    assert failures == []


def test_fields_in_error_say_their_error_through_aria_describedby(
    world, context, live_server, page
):
    log_in_as(context, live_server, world.family_a.user)
    checks = []
    page.goto("/famille/")
    page.get_by_label("Code postal").fill("ABC")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#error-summary")).to_be_visible()
    checks.append(("identity", page.evaluate(ERRORS_LINKED)))
    page.goto(f"/facturation/paiement-test/{world.attempt_a.reference}/")
    page.locator("main button[value=pay]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    checks.append(("card", page.evaluate(ERRORS_LINKED)))
    page.goto("/mot-de-passe/")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    checks.append(("password", page.evaluate(ERRORS_LINKED)))
    for name, (invalid, unlinked) in checks:
        assert invalid > 0, name
        assert unlinked == [], name


ERRORS_LINKED = """() => {
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')];
  const unlinked = invalid.filter(el => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    return !ids.some(id => {
      const target = document.getElementById(id);
      return target && target.classList.contains('invalid-feedback') && target.textContent.trim();
    });
  }).map(el => el.name);
  return [invalid.length, unlinked];
}"""
