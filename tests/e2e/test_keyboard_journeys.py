"""Journeys made with the keyboard alone: after the first page is loaded, nothing but key
presses (Tab, Shift+Tab, Enter, Space, arrows, typing); each step says where the focus is."""

import re

from playwright.sync_api import expect

from reenrolment.models import ReenrolmentRequest
from reenrolment.tests.test_services import open_campaign
from tests.e2e.conftest import log_in_as
from tests.e2e.keyboard import focused, tab_to


def test_log_in_change_a_guardian_field_and_log_out(world, page):
    page.goto("/connexion/")
    tab_to(page, page.get_by_label("Site"))
    page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_label("Identifiant"))
    page.keyboard.type("abarre1")
    tab_to(page, page.locator("#id_password"))
    page.keyboard.type("Musique2024")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Monsieur ABARRE Jérémie")

    tab_to(page, page.get_by_role("link", name="Famille", exact=True))
    page.keyboard.press("Enter")
    city = page.get_by_label("Ville")
    tab_to(page, city)
    page.keyboard.press("Control+a")
    page.keyboard.type("TOURS")
    tab_to(page, page.get_by_role("button", name="Enregistrer"))
    page.keyboard.press("Enter")
    messages = page.locator(".portal-messages")
    expect(messages).to_contain_text("accusé de réception")
    expect(messages).to_be_focused()  # what the portal says is read first
    expect(page.get_by_label("Ville")).to_have_value("TOURS")

    # A wrong value: the focus goes to the summary, whose link leads to the field.
    postal = page.get_by_label("Code postal")
    tab_to(page, postal)
    page.keyboard.press("Control+a")
    page.keyboard.type("ABC")
    tab_to(page, page.get_by_role("button", name="Enregistrer"))
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    tab_to(page, page.locator("#error-summary a").first)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Code postal")).to_be_focused()

    tab_to(page, page.get_by_role("link", name="Déconnexion"), backwards=True)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Déconnexion"))
    page.keyboard.press("Enter")
    expect(page.locator(".portal-messages")).to_contain_text("Déconnexion effectuée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")


def test_a_course_sheet_and_the_history_with_the_keyboard(world, context, live_server, page):
    irina = world.family_a.students[0]
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="Élèves", exact=True))
    page.keyboard.press("Enter")
    picker = page.get_by_label("Élève")
    tab_to(page, picker)
    page.keyboard.press("ArrowDown")  # "Choisir un élève", then ABARRE Irina
    expect(picker).to_have_value(str(irina.pk))
    tab_to(page, page.locator(".student-picker button"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Cours", exact=True))
    page.keyboard.press("Enter")
    course = page.locator("main table a").first
    tab_to(page, course)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/eleves/{irina.pk}/cours/\d+/$"))
    tab_to(page, page.locator("main table a").first)  # an evaluation
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Évaluation")
    tab_to(page, page.get_by_role("link", name="Historique"), backwards=True)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="2011/2012 – FM 2C3"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text("FM 2C3")


def test_the_re_enrolment_wizard_with_the_keyboard(world, context, live_server, page):
    campaign, _choir, _piano, _slot = open_campaign(world.establishment_1, seats=10, all_steps=True)
    irina = world.family_a.students[0]
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/")
    tab_to(page, page.locator(".home-box a, main a").filter(has_text="ABARRE Irina").last)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Je souhaite réinscrire l'élève"))
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=3)
    expect(heading).to_have_text("Étape 1 : Modification des coordonnées")
    tab_to(page, page.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Étape 2 : Autorisations")
    rules = page.get_by_label("J'ai lu et j'accepte le règlement de l'établissement")
    tab_to(page, rules)
    page.keyboard.press("Space")
    expect(rules).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Étape 3 : Documents")
    tab_to(page, page.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Étape 4 : Cours")
    choir = page.get_by_label("Chorale")
    tab_to(page, choir)
    page.keyboard.press("Space")
    slot = page.get_by_label(re.compile("Mardi 17:30-19:00"))
    tab_to(page, slot)
    page.keyboard.press("Space")
    expect(slot).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")
    expect(heading).to_contain_text("Récapitulatif")
    tab_to(page, page.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")
    expect(heading).to_contain_text("Finalisation")
    tab_to(page, page.get_by_label("Demandes complémentaires"))
    page.keyboard.type("Le mardi, merci.")
    tab_to(page, page.get_by_role("button", name="Valider"))
    page.keyboard.press("Enter")
    expect(page.locator(".portal-messages")).to_be_focused()
    expect(page.locator(".portal-messages")).to_contain_text("La réinscription est envoyée")
    request = ReenrolmentRequest.objects.get(student=irina, campaign=campaign)
    assert request.status == "submitted" and request.demands == "Le mardi, merci."


def test_a_duplicate_opens_from_its_link_with_the_keyboard(world, context, live_server, page):
    log_in_as(context, live_server, world.family_a.user)
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="Facturation", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Facturation locations"))
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="12FC01785 – facture, duplicata (PDF)")
    tab_to(page, link)
    assert focused(page, link)
    with page.expect_response(re.compile(r"duplicata\.pdf$")) as answer:
        page.keyboard.press("Enter")
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"


def test_inviting_another_guardian_with_the_keyboard(world, context, live_server, page):
    from family.models import GuardianInvitation

    log_in_as(context, live_server, world.family_a.user)
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="Famille", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Responsables"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=3)).to_have_text("Inviter un autre responsable")
    tab_to(page, page.locator("#id_last_name"))
    page.keyboard.type("ABARRE")
    tab_to(page, page.locator("#id_first_name"))
    page.keyboard.type("Nina")
    tab_to(page, page.locator("#id_email"))
    page.keyboard.type("pas-une-adresse")
    tab_to(page, page.get_by_role("button", name="Envoyer l'invitation"))
    page.keyboard.press("Enter")
    # Two mistakes: the summary has the focus and leads to each field; nothing typed is lost.
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_first_name")).to_have_value("Nina")
    tab_to(page, page.locator("#error-summary a").first)
    page.keyboard.press("Enter")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("nina@example.org")
    paul = page.get_by_label(re.compile("Paul"))
    tab_to(page, paul)
    page.keyboard.press("Space")
    expect(paul).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Envoyer l'invitation"))
    page.keyboard.press("Enter")
    expect(page.locator(".portal-messages")).to_be_focused()
    expect(page.locator(".portal-messages")).to_contain_text("Invitation envoyée")
    expect(page.get_by_role("table")).to_contain_text("nina@example.org")
    invitation = GuardianInvitation.objects.get(email="nina@example.org")
    assert [student.first_name for student in invitation.students.all()] == ["Paul"]
