"""A family reads a student's courses, past years and répertoire with the keyboard."""

from playwright.sync_api import expect

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import log_in_as
from tests.factories import CourseFactory, EnrolmentFactory, SchoolYearFactory


def test_courses_history_and_repertoire_with_the_keyboard(world, context, live_server, page):
    import datetime

    irina = world.family_a.students[0]
    older = SchoolYearFactory(
        establishment=world.establishment_1,
        label="2010/2011",
        start_date=datetime.date(2010, 9, 13),
        end_date=datetime.date(2011, 7, 2),
        is_current=False,
    )
    EnrolmentFactory(
        student=irina,
        course=CourseFactory(school_year=older, label="Piano 2C3", class_name="Piano"),
    )
    log_in_as(context, live_server, world.family_a.user)
    page.goto(f"/eleves/{irina.pk}/")

    page.get_by_role("link", name="Cours", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table")).to_contain_text("FM 2C4 A")
    page.get_by_role("link", name="FM 2C4 A", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text("ABARRE Irina – Classe FM 2C4")
    page.get_by_role("link", name="Contrôle Continu").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Évaluation : Contrôle Continu, 01/12/2026"
    )
    assert axe_violations(page) == []

    page.get_by_role("link", name="Historique").click()
    search = page.get_by_role("searchbox", name="Mots à chercher")
    search.fill("piano")
    search.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 ligne sur 2 correspond à « piano ».")
    page.get_by_role("link", name="Tout afficher").click()
    page.get_by_role("link", name="2011/2012 – FM 2C3").click()
    navigation = page.get_by_role("navigation", name="Fiches des années précédentes")
    expect(navigation).to_contain_text("Fiche 1 / 2")
    navigation.get_by_role("link", name="Suivante").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Année 2010/2011")
    expect(navigation).to_contain_text("Fiche 2 / 2")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Répertoire").click()
    page.get_by_role("link", name="Fin de cycle - Piano – Sabre dance de Gayanh").click()
    expect(page.locator(".record-fields")).to_contain_text("00:10")
