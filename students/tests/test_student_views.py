import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import StudentFactory
from tests.html import page


def test_student_list_offers_a_picker_that_works_without_javascript(world):
    client = client_for(world.family_a.user)
    response = client.get(reverse("students:list"))
    html = response.content.decode()
    assert '<select id="student-picker" name="eleve"' in html
    assert 'method="get"' in html
    paul = world.family_a.students[1]
    chosen = client.get(reverse("students:list"), {"eleve": paul.pk})
    assert chosen["Location"] == reverse("students:detail", args=[paul.pk])


def test_student_list_goes_straight_to_an_only_child(world):
    lucas = world.family_b.students[0]
    response = client_for(world.family_b.user).get(reverse("students:list"))
    assert response["Location"] == reverse("students:detail", args=[lucas.pk])


def test_student_file_shows_the_identity(world):
    irina = world.family_a.students[0]
    response = client_for(world.family_a.user).get(reverse("students:detail", args=[irina.pk]))
    detail = page(response)
    assert detail.h1 == ["ABARRE Irina"]
    assert "Date de naissance 04/05/2012" in detail.text
    assert "Conservatoire 1 : ABARRE Irina" in detail.text


def test_student_file_in_english_uses_english_dates(world):
    irina = world.family_a.students[0]
    client = client_for(world.family_a.user)
    client.post(reverse("accounts:set_language"), {"language": "en"})
    detail = page(client.get(reverse("students:detail", args=[irina.pk])))
    assert "Date of birth 04/05/2012" in detail.text


def test_another_familys_student_is_not_found(world):
    irina = world.family_a.students[0]
    for user in (world.family_b.user, world.family_c.user):
        client = client_for(user)
        assert client.get(reverse("students:detail", args=[irina.pk])).status_code == 404
        assert client.get(reverse("students:list"), {"eleve": irina.pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "²", "①", "-1", "1.5", "\x00"])
def test_garbage_choice_shows_the_list_with_a_message(world, value):
    response = client_for(world.family_a.user).get(reverse("students:list"), {"eleve": value})
    assert response.status_code == 200
    assert "Choisissez un élève dans la liste." in page(response).text


def test_picker_on_the_list_starts_with_no_student_chosen(world):
    html = client_for(world.family_a.user).get(reverse("students:list")).content.decode()
    assert '<option value="">Choisissez un élève</option>' in html


def test_student_file_query_count_is_flat(world, django_assert_max_num_queries):
    client = client_for(world.family_a.user)
    url = reverse("students:detail", args=[world.family_a.students[0].pk])
    client.get(url)
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    StudentFactory.create_batch(15, family=world.family_a.family)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
