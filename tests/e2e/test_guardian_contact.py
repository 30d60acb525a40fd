"""A student's Identité with a script: ticking "Utiliser les coordonnées du responsable légal"
hides the student's own address and phones at once, unticking shows them again, ready to type
in; what is sent is only what the family changed."""

from playwright.sync_api import expect

from family.models import ChangeRequest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import log_in_as


def test_the_box_hides_and_shows_the_own_address_with_the_keyboard(
    world, context, live_server, page
):
    irina = world.family_a.students[0]
    log_in_as(context, live_server, world.family_a.user)
    page.goto(f"/eleves/{irina.pk}/")
    box = page.get_by_role("checkbox", name="Utiliser les coordonnées du responsable légal")
    city = page.get_by_role("textbox", name="Ville")
    expect(city).to_be_visible()

    box.focus()
    page.keyboard.press("Space")
    expect(city).to_be_hidden()
    assert axe_violations(page) == []
    page.keyboard.press("Space")
    expect(city).to_be_visible()
    expect(city).to_be_enabled()

    page.keyboard.press("Space")  # ticked again, the city typed before is not sent
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_be_visible()
    request = ChangeRequest.objects.get(object_id=irina.pk, content_type__model="student")
    assert request.changes == {"use_guardian_contact": {"old": "False", "new": "True"}}

    page.goto(f"/eleves/{irina.pk}/")  # drawn ticked: hidden, until unticked
    expect(city).to_be_hidden()
    page.get_by_role("checkbox", name="Utiliser les coordonnées du responsable légal").uncheck()
    expect(city).to_be_enabled()
    city.fill("TOURS")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_be_visible()
    request.refresh_from_db()
    assert request.changes == {"city": {"old": "", "new": "TOURS"}}
