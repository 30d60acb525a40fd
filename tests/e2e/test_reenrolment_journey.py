"""A family re-enrols Irina through the whole wizard, stops halfway and comes back from another
browser, sends it; the staff validate it in the admin; the family sees the outcome. axe checks
every step."""

from playwright.sync_api import expect

from reenrolment.models import ReenrolmentRequest
from reenrolment.tests.test_services import open_campaign
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import log_in_as


def test_the_whole_wizard_with_a_pause_then_the_staffs_validation(
    world, browser, context, live_server, page
):
    campaign, choir, piano, slot = open_campaign(world.establishment_1, seats=10, all_steps=True)
    campaign.rules = "Toute absence doit être justifiée."
    campaign.save()
    irina = world.family_a.students[0]
    log_in_as(context, live_server, world.family_a.user)
    failures = []

    def check(tab, what):
        if violations := axe_violations(tab):
            failures.append(f"{what}:\n{describe(violations)}")

    page.goto("/")
    page.get_by_role("link", name="ABARRE Irina").last.click()  # the Réinscriptions box
    expect(page.get_by_role("heading", level=2)).to_contain_text("Réinscription pour 2028/2029")
    check(page, "start")
    page.get_by_role("button", name="Je souhaite réinscrire l'élève").click()
    expect(page.get_by_role("heading", level=3)).to_have_text(
        "Étape 1 : Modification des coordonnées"
    )
    expect(page.get_by_role("link", name="Modification des coordonnées")).to_have_attribute(
        "aria-current", "step"
    )
    check(page, "step 1")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("Étape 2 : Autorisations")
    page.get_by_role("button", name="Suivant").click()  # the rules not accepted yet
    expect(page.locator("#error-summary")).to_contain_text("Acceptez le règlement")
    check(page, "step 2 with an error")
    page.get_by_label("Droit à l'image").check()
    page.get_by_label("J'ai lu et j'accepte le règlement de l'établissement").check()
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("Étape 3 : Documents")
    check(page, "step 3")

    # Halfway: the family leaves; later, from another browser, everything is there.
    page.get_by_role("link", name="Déconnexion").click()
    other = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    log_in_as(other, live_server, world.family_a.user)
    page = other.new_page()
    page.goto(f"/reinscription/{irina.pk}/")
    expect(page.get_by_text("Vos réponses sont conservées")).to_be_visible()
    page.get_by_role("button", name="Reprendre la réinscription").click()
    page.get_by_role("link", name="Autorisations").click()
    expect(page.get_by_label("Droit à l'image")).to_be_checked()
    page.get_by_role("link", name="Cours").last.click()
    expect(page.get_by_role("heading", level=3)).to_have_text("Étape 4 : Cours")
    page.get_by_label("Piano").check()
    page.get_by_label("Chorale").check()
    page.get_by_label("Mardi 17:30-19:00 – 10 places restantes").check()
    check(page, "step 4")
    page.get_by_role("button", name="Suivant").click()
    summary = page.locator(".record-fields")
    expect(summary).to_contain_text("Droit à l'image : oui")
    expect(summary).to_contain_text("Chorale (Mardi 17:30-19:00) · Piano")
    check(page, "step 5")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Demandes complémentaires").fill("Cours de piano le mercredi si possible.")
    check(page, "step 6")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".portal-messages")).to_contain_text("La réinscription est envoyée")
    expect(page.get_by_text("Réinscription en attente de validation")).to_be_visible()
    check(page, "sent")
    request = ReenrolmentRequest.objects.get(student=irina, campaign=campaign)
    assert request.status == "submitted"

    # The staff validate it in the admin.
    staff = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    log_in_as(staff, live_server, world.staff_1)
    admin = staff.new_page()
    admin.goto("/admin/reenrolment/reenrolmentrequest/?status__exact=submitted")
    admin.locator(f"input[name=_selected_action][value='{request.pk}']").check()
    admin.locator("select[name=action]").select_option("validate_selected")
    admin.get_by_role("button", name="Envoyer").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 réinscription(s) validée(s).")

    page.reload()
    expect(page.get_by_text("Réinscription validée")).to_be_visible()
    other.close()
    staff.close()
    assert failures == [], "\n\n".join(failures)
