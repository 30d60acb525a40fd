"""Every page of the portal, in both languages: the layout promises of the foundation."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.html import page
from tests.urlwalk import readable_pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_has_one_h1_a_unique_title_and_the_layout(world, language):
    titles = {}
    for url, user in readable_pages(world):
        client = client_for(user)
        client.post(reverse("accounts:set_language"), {"language": language})
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        seen = page(response)
        assert seen.lang == language, url
        assert len(seen.h1) == 1 and seen.h1[0], (url, seen.h1)
        assert seen.title not in titles, f"{url} has the title of {titles.get(seen.title)}"
        titles[seen.title] = url
        assert 'href="#main"' in html and 'id="main"' in html, url
        assert 'action="/langue/"' in html, url
        if user is not None:
            assert 'aria-label="Menu principal"' in html or 'aria-label="Main menu"' in html
    assert len(titles) == len(list(readable_pages(world)))


def test_staff_on_a_family_page_are_pointed_to_the_admin(world):
    response = client_for(world.staff_1).get(reverse("home"))
    assert response.status_code == 403
    assert "Aller à l'administration" in page(response).text


def test_staff_refused_in_the_admin_stay_in_the_admin(world):
    response = client_for(world.staff_1).get("/admin/auth/group/")
    assert response.status_code == 403
    text = page(response).text
    assert "Retour à l'administration" in text
    assert "réservée aux familles" not in text


def test_unknown_url_gets_the_portal_404_page(world):
    response = client_for(world.family_a.user).get("/nulle-part/")
    assert response.status_code == 404
    assert page(response).h1 == ["Page introuvable"]
