"""Screenshots of the accessible mode, kept as test artefacts (``screenshots/accessible-mode/``
at the project's root, or under ``SCREENSHOTS_DIR``): the home page, a course sheet and a step
of the re-enrolment wizard, in French, at a desktop width and at a phone's."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reenrolment.tests.test_services import open_campaign
from tests.e2e.conftest import log_in_as

ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "screenshots")) / "accessible-mode"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_accessible_mode(world, context, live_server, page, width):
    open_campaign(world.establishment_1, seats=10)
    world.family_a.user.accessible_mode = True
    world.family_a.user.save()
    irina = world.family_a.students[0]
    log_in_as(context, live_server, world.family_a.user)
    page.set_viewport_size({"width": width, "height": 900})
    FOLDER.mkdir(parents=True, exist_ok=True)
    shots = {
        "home": ("/", "Bonjour Monsieur ABARRE Jérémie"),
        "course-sheet": (f"/eleves/{irina.pk}/cours/{world.enrolment_a.pk}/", None),
        "wizard-step": (f"/reinscription/{irina.pk}/", None),
    }
    for name, (url, heading) in shots.items():
        page.goto(url)
        if name == "wizard-step":
            page.get_by_role("button", name="Je souhaite réinscrire l'élève").click()
            expect(page.get_by_role("heading", level=3)).to_contain_text("Étape 1 : Cours")
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.evaluate("document.documentElement.classList.contains('accessible-mode')")
        path = FOLDER / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.read_bytes().startswith(PNG) and path.stat().st_size > 10_000, path
