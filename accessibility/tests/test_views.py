"""Accessibilité: the accessible mode and its shortcuts remembered, Aide, Plan, the statement."""

import lxml.html
import pytest
from django.urls import reverse

from conftest import client_for, log_in_with_the_form
from tests.html import page

pytestmark = pytest.mark.django_db
MODE = reverse("accessibility:mode")


def html_classes(response) -> str:
    return lxml.html.fromstring(response.content).get("class") or ""


def shortcut_targets(response) -> dict[str, str]:
    body = lxml.html.fromstring(response.content).find("body")
    return {k.removeprefix("data-shortcut-"): v for k, v in body.attrib.items() if "shortcut" in k}


def test_the_login_page_switches_to_the_accessible_mode_and_this_browser_remembers(world):
    client = client_for(None)
    login = client.get(reverse("accounts:login"))
    assert "accessible-mode" not in html_classes(login)
    assert "Passer en mode accessible" in page(login).text  # the login page has the switch
    response = client.post(MODE, {"accessible": "1", "next": "/connexion/"})
    assert response["Location"] == "/connexion/"
    assert client.cookies["imuse_accessible"].value == "1"
    again = client.get(reverse("accounts:login"))
    assert "accessible-mode" in html_classes(again)
    assert "Revenir au mode standard" in page(again).text
    assert "Le mode accessible est activé." in page(again).text


def test_logging_in_keeps_the_choice_made_on_the_login_page(world):
    client = client_for(None)
    client.post(MODE, {"accessible": "1", "next": "/connexion/"})
    log_in_with_the_form(client, world.family_a)
    assert world.family_a.user.accessible_mode is True
    assert "accessible-mode" in html_classes(client.get(reverse("home")))


def test_on_a_shared_computer_one_familys_choice_never_reaches_the_next_account(world):
    client = client_for(None)
    login = reverse("accounts:login")
    log_in_with_the_form(client, world.family_a)
    client.post(MODE, {"accessible": "1", "next": "/"})
    client.post(reverse("accessibility:shortcuts"), {"shortcuts": "0", "next": "/"})
    client.post(reverse("accounts:logout"))
    # The login page still looks as family A left it…
    assert "accessible-mode" in html_classes(client.get(login))
    # …but family B's account keeps its own choices.
    log_in_with_the_form(client, world.family_b)
    assert world.family_b.user.accessible_mode is False
    assert world.family_b.user.shortcuts_enabled is True
    assert "accessible-mode" not in html_classes(client.get(reverse("home")))


def test_a_family_switches_from_any_page_and_its_account_remembers(world):
    client = client_for(world.family_a.user)
    response = client.post(MODE, {"accessible": "1", "next": "/facturation/"})
    assert response["Location"] == "/facturation/"
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.accessible_mode is True
    # Another browser, without the cookie: the account says it.
    other = client_for(world.family_a.user)
    assert "accessible-mode" in html_classes(other.get(reverse("billing:ledger")))
    menu = page(other.get(reverse("accessibility:menu"))).text
    assert "Le mode accessible est activé." in menu
    other.post(MODE, {"accessible": "0", "next": "/"})
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.accessible_mode is False


def test_a_typed_address_or_a_strange_value_changes_nothing(world):
    client = client_for(world.family_a.user)
    assert client.get(MODE).status_code == 302
    client.post(MODE, {"accessible": "oui", "next": "https://ailleurs.example/"})
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.accessible_mode is False
    response = client.post(MODE, {"accessible": "1", "next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("home")  # never to another site


def test_the_shortcuts_are_given_to_the_page_only_in_the_accessible_mode_and_when_on(world):
    client = client_for(world.family_a.user)
    assert shortcut_targets(client.get(reverse("home"))) == {}
    client.post(MODE, {"accessible": "1"})
    assert shortcut_targets(client.get(reverse("home"))) == {
        "f": reverse("family:identity"),
        "h": reverse("home"),
        "a": reverse("accessibility:menu"),
        "q": reverse("accounts:logout"),
    }
    client.post(reverse("accessibility:shortcuts"), {"shortcuts": "0", "next": "/"})
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.shortcuts_enabled is False
    assert shortcut_targets(client.get(reverse("home"))) == {}
    text = page(client.get(reverse("accessibility:help"))).text
    assert "Les raccourcis clavier sont désactivés." in text


def test_the_help_lists_the_shortcuts_and_downloads_as_a_text_file(world):
    text = page(client_for(None).get(reverse("accessibility:help"))).text
    for expected in ("Ctrl + f Fiche famille", "Ctrl + q Déconnexion", "w Sortir d'un tableau"):
        assert expected in text
    response = client_for(None).get(reverse("accessibility:help_download"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="aide-portail.txt"'
    body = response.content.decode()
    assert "Ctrl + f : Fiche famille" in body and "w : Sortir d'un tableau actif" in body
    assert "&" not in body and "<" not in body  # plain text, not HTML


def test_retour_goes_back_to_the_page_the_user_came_from_on_this_site_only(world):
    client = client_for(world.family_a.user)
    tree = lxml.html.fromstring(client.get("/accessibilite/aide/?next=/facturation/").content)
    assert tree.xpath("//main//a[normalize-space()='Retour']/@href") == ["/facturation/"]
    tree = lxml.html.fromstring(client.get("/accessibilite/aide/?next=//evil.example/").content)
    assert tree.xpath("//main//a[normalize-space()='Retour']/@href") == ["/"]
    anonymous = lxml.html.fromstring(client_for(None).get("/accessibilite/aide/").content)
    assert anonymous.xpath("//main//a[normalize-space()='Retour']/@href") == ["/connexion/"]


def test_the_site_map_is_the_guides_as_nested_lists_of_links(world):
    response = client_for(world.family_a.user).get(reverse("accessibility:plan"))
    tree = lxml.html.fromstring(response.content)
    top = [a.text_content().strip() for a in tree.xpath("//ul[@class='site-map']/li/a")]
    assert top == [
        "Accueil",
        "Famille",
        "Élèves",
        "Facturation",
        "Accessibilité",
        "Mot de passe",
        "Déconnexion",
    ]
    text = page(response).text
    for expected in ("Présentation", "Fiche d'un élève", "Cours", "Historique", "Répertoire"):
        assert expected in text
    assert tree.xpath("//ul[@class='site-map']//ul//a[normalize-space()='Aide']")


def test_the_statement_says_the_level_the_tests_and_whom_to_write_to(world):
    world.establishment_1.email = "accueil@conservatoire1.example.org"
    world.establishment_1.save()
    response = client_for(world.family_a.user).get(reverse("accessibility:statement"))
    text = page(response).text
    assert "Non conforme : aucun audit RGAA" in text and "axe-core" in text
    assert "Déclaration établie le 2 décembre 2026." in text
    assert "Défenseur des droits" in text
    assert b'href="mailto:accueil@conservatoire1.example.org"' in response.content


def test_pages_link_to_help_site_map_and_statement(world):
    for user, url in ((None, "accessibility:plan"), (world.family_a.user, "home")):
        tree = lxml.html.fromstring(client_for(user).get(reverse(url)).content)
        links = [a.text_content().strip() for a in tree.xpath("//footer//a")]
        assert links == [
            "Aide - Accessibilité",
            "Plan",
            "Déclaration d'accessibilité",
            "Code source",
        ]


def test_the_site_maps_tab_links_lead_to_that_tab_of_the_chosen_student(world):
    client = client_for(world.family_a.user)  # two students: the picker keeps the tab
    response = client.get(reverse("students:list") + "?onglet=history")
    tree = lxml.html.fromstring(response.content)
    assert tree.xpath("//form[@class='student-picker']//input[@name='onglet']/@value") == [
        "history"
    ]
    irina = world.family_a.students[0]
    chosen = client.get(reverse("students:list") + f"?onglet=history&eleve={irina.pk}")
    assert chosen["Location"] == reverse("students:history", args=[irina.pk])
    single = client_for(world.family_c.user)  # one student: straight to the tab
    lone = world.family_c.students[0]
    response = single.get(reverse("students:list") + "?onglet=courses")
    assert response["Location"] == reverse("students:courses", args=[lone.pk])
    odd = single.get(reverse("students:list") + "?onglet=<script>")
    assert odd["Location"] == reverse("students:detail", args=[lone.pk])
