"""The harness itself can fail: a page with known violations is reported."""

from tests.e2e.axe import axe_violations, describe

BAD_PAGE = """<!doctype html><html><head><title>Bad</title></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#aaa;background:#fff">pale text</p>
<input type="text">
</body></html>"""


def test_axe_reports_known_violations(page):
    page.set_content(BAD_PAGE)
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"html-has-lang", "image-alt", "color-contrast", "label"} <= found, describe(
        axe_violations(page)
    )
