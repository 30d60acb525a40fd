from django.urls import reverse

from conftest import client_for
from tests.factories import StudentFactory
from tests.html import page


def test_home_greets_the_guardian_and_lists_the_familys_students(world):
    response = client_for(world.family_a.user).get(reverse("home"))
    home = page(response)
    assert home.h1 == ["Bonjour Monsieur ABARRE Jérémie"]
    assert "Conservatoire 1 : Accueil" in home.text
    html = response.content.decode()
    for student in world.family_a.students:
        assert f'href="{reverse("students:detail", args=[student.pk])}"' in html
        assert student.full_name in home.text
    assert "MARTIN Lucas" not in home.text
    assert 'id="home-reenrolments"' not in html


def test_home_shows_the_establishments_welcome_text(world):
    world.establishment_1.welcome_text = (
        "Bienvenue <b>aux familles</b>\ndu conservatoire, il vous permet :\n"
        "- de consulter\n- de modifier\n\nBonne année musicale."
    )
    world.establishment_1.save()
    response = client_for(world.family_a.user).get(reverse("home"))
    html = response.content.decode()
    assert (
        '<div lang="fr">'
        "<p>Bienvenue &lt;b&gt;aux familles&lt;/b&gt;<br>du conservatoire, il vous permet :</p>"
        "<ul><li>de consulter</li><li>de modifier</li></ul>"
        "<p>Bonne année musicale.</p></div>"
    ) in html


def test_greeting_without_civility_has_no_gap(world):
    world.family_a.guardian.civility = None
    world.family_a.guardian.save()
    home = page(client_for(world.family_a.user).get(reverse("home")))
    assert home.h1 == ["Bonjour ABARRE Jérémie"]


def test_menu_marks_the_current_page_and_section(world):
    client = client_for(world.family_a.user)
    assert 'href="/" aria-current="page"' in client.get("/").content.decode()
    irina = world.family_a.students[0]
    html = client.get(reverse("students:detail", args=[irina.pk])).content.decode()
    assert 'href="/eleves/" aria-current="true"' in html


def test_home_menu_has_the_entries_of_the_guide(world):
    home = page(client_for(world.family_a.user).get(reverse("home")))
    menu = "Accueil Famille Élèves Facturation Accessibilité Mot de passe Déconnexion"
    assert menu in home.text


def test_home_for_a_login_without_guardian_still_answers(world):
    world.family_a.guardian.user = None
    world.family_a.guardian.save()
    response = client_for(world.family_a.user).get(reverse("home"))
    assert response.status_code == 200
    assert page(response).h1 == ["Bonjour"]
    assert "Aucun élève n'est inscrit dans votre famille." in page(response).text


def test_home_query_count_does_not_grow_with_students(world, django_assert_max_num_queries):
    client = client_for(world.family_a.user)
    client.get(reverse("home"))
    with django_assert_max_num_queries(6) as small:
        client.get(reverse("home"))
    StudentFactory.create_batch(15, family=world.family_a.family)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    assert response.content.decode().count("/eleves/") >= 17
