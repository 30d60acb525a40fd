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


def test_student_file_shows_the_identity_form(world):
    irina = world.family_a.students[0]
    response = client_for(world.family_a.user).get(reverse("students:detail", args=[irina.pk]))
    detail = page(response)
    assert detail.h1 == ["ABARRE Irina"]
    assert "Date de naissance (obligatoire)" in detail.text
    assert 'type="date"' in response.content.decode()
    assert 'value="2012-05-04"' in response.content.decode()
    assert "Conservatoire 1 : ABARRE Irina" in detail.text


def test_a_students_change_waits_for_validation(world):
    from family.models import ChangeRequest

    irina = world.family_a.students[0]
    url = reverse("students:detail", args=[irina.pk])
    client = client_for(world.family_a.user)
    response = client.post(
        url,
        {
            "last_name": "ABARRE",
            "first_name": "Irina",
            "birth_date": "2012-05-04",
            "birth_place": "Orléans (45)",
            "emergency_phone": "0238672503",
            "image_rights": "on",
        },
    )
    assert response["Location"] == url
    text = page(client.get(url)).text
    assert "Éléments modifiés — en attente de validation par le personnel administratif" in text
    request = ChangeRequest.objects.get(family=world.family_a.family)
    assert request.changes["emergency_phone"]["new"] == "02 38 67 25 03"
    assert request.changes["image_rights"] == {"old": "False", "new": "True"}
    irina.refresh_from_db()
    assert irina.birth_place == ""


def test_a_bad_date_gets_a_message_and_keeps_the_typed_values(world):
    irina = world.family_a.students[0]
    url = reverse("students:detail", args=[irina.pk])
    response = client_for(world.family_a.user).post(
        url,
        {"last_name": "ABARRE", "first_name": "Irina", "birth_date": "31/02/2012", "city": "TOURS"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_birth_date_error"' in html and 'value="TOURS"' in html


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
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    StudentFactory.create_batch(15, family=world.family_a.family)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_school_level_is_asked_for_like_any_field_then_applied_for_the_year(world):
    from family.models import ChangeRequest, ChoiceItem, ChoiceKind
    from family.services import change_request_approve
    from students.models import SchoolLevel

    irina = world.family_a.students[0]
    url = reverse("students:detail", args=[irina.pk])
    level = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.SCHOOL_LEVEL, label="2nde"
    )
    ChoiceItem.objects.create(  # another establishment's entry is never offered
        establishment=world.establishment_2, kind=ChoiceKind.SCHOOL_LEVEL, label="Seconde SJ"
    )
    client = client_for(world.family_a.user)
    form = page(client.get(url)).text
    assert "Niveau scolaire (2026/2027)" in form
    assert "2nde" in form and "Seconde SJ" not in form
    data = {"last_name": "ABARRE", "first_name": "Irina", "birth_date": "2012-05-04"}
    client.post(url, {**data, "school_level": level.pk})
    request = ChangeRequest.objects.get(family=world.family_a.family)
    assert request.changes == {"school_level": {"old": "", "new": str(level.pk)}}
    text = page(client.get(url)).text
    assert "Modifié : en attente de validation. Valeur enregistrée : (vide)" in text
    assert not SchoolLevel.objects.filter(student=irina).exists()

    admin_url = reverse("admin:family_changerequest_change", args=[request.pk])
    admin_page = page(client_for(world.staff_1).get(admin_url))
    assert "Niveau scolaire — 2nde —" in admin_page.text

    change_request_approve(change_request=request, decided_by=world.staff_1)
    stored = SchoolLevel.objects.get(student=irina)
    assert (stored.level, stored.school_year.label) == (level, "2026/2027")
    assert "selected>2nde</option>" in client.get(url).content.decode()


def test_the_school_level_set_by_staff_meanwhile_is_a_conflict(world):
    from family.models import ChangeRequest, ChoiceItem, ChoiceKind
    from family.services import change_request_approve
    from students.models import SchoolLevel, SchoolYear

    irina = world.family_a.students[0]
    first, second = (
        ChoiceItem.objects.create(
            establishment=world.establishment_1, kind=ChoiceKind.SCHOOL_LEVEL, label=label
        )
        for label in ("3e", "2nde")
    )
    url = reverse("students:detail", args=[irina.pk])
    data = {"last_name": "ABARRE", "first_name": "Irina", "birth_date": "2012-05-04"}
    client_for(world.family_a.user).post(url, {**data, "school_level": second.pk})
    SchoolLevel.objects.create(
        establishment=world.establishment_1,
        student=irina,
        school_year=SchoolYear.objects.get(establishment=world.establishment_1, is_current=True),
        level=first,
    )
    request = ChangeRequest.objects.get(family=world.family_a.family)
    skipped = change_request_approve(change_request=request, decided_by=world.staff_1)
    assert skipped == ["school_level"]
    assert SchoolLevel.objects.get(student=irina).level == first


def test_without_a_current_year_the_school_level_is_not_offered(world):
    from students.models import SchoolYear

    SchoolYear.objects.filter(establishment=world.establishment_1).update(is_current=False)
    irina = world.family_a.students[0]
    text = page(client_for(world.family_a.user).get(reverse("students:detail", args=[irina.pk])))
    assert "Niveau scolaire" not in text.text
