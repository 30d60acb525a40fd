"""Staff see and edit only their establishment's rows, through every door of the admin."""

import json

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.tenancy import ScopedRelatedFieldListFilter
from conftest import client_for
from students.admin import CourseThisYearFilter
from students.models import Student


def test_changelist_shows_only_the_staff_members_establishment(world):
    text = client_for(world.staff_1).get(reverse("admin:students_student_changelist"))
    html = text.content.decode()
    assert "Irina" in html and "Lucas" in html
    assert "Chloé" not in html


def test_superuser_sees_every_establishment(world):
    html = client_for(world.superuser).get(reverse("admin:students_student_changelist"))
    assert "Chloé" in html.content.decode() and "Irina" in html.content.decode()


def test_add_form_offers_only_the_own_establishment(world):
    html = client_for(world.staff_1).get(reverse("admin:students_student_add")).content.decode()
    assert "Conservatoire 1" in html
    assert "Saint-Jean" not in html


def test_a_forged_foreign_key_is_refused_by_the_form(world):
    client = client_for(world.staff_1)
    response = client.post(
        reverse("admin:students_student_add"),
        {
            "establishment": world.establishment_2.pk,
            "family": world.family_c.family.pk,
            "last_name": "INTRUS",
            "first_name": "Eve",
            "school_levels-TOTAL_FORMS": "0",
            "school_levels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Student.objects.filter(last_name="INTRUS").exists()


def test_staff_create_a_student_in_their_establishment(world):
    client = client_for(world.staff_1)
    response = client.post(
        reverse("admin:students_student_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_b.family.pk,
            "last_name": "MARTIN",
            "first_name": "Zoé",
            "school_levels-TOTAL_FORMS": "0",
            "school_levels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Student.objects.get(first_name="Zoé").establishment == world.establishment_1


def test_autocomplete_answers_only_the_own_establishment(world):
    response = client_for(world.staff_1).get(
        reverse("admin:autocomplete"),
        {"app_label": "students", "model_name": "student", "field_name": "family", "term": ""},
    )
    labels = {result["text"] for result in json.loads(response.content)["results"]}
    assert labels == {"ABARRE", "MARTIN"}


def test_related_list_filters_offer_only_the_own_establishment(world):
    request = RequestFactory().get("/")
    request.user = world.staff_2
    model_admin = admin.site._registry[Student]
    field = Student._meta.get_field("family")
    list_filter = ScopedRelatedFieldListFilter(field, request, {}, Student, model_admin, "family")
    assert [label for _pk, label in list_filter.lookup_choices] == ["DURAND"]


def test_staff_do_not_get_an_establishment_filter(world):
    request = RequestFactory().get("/")
    request.user = world.staff_1
    assert admin.site._registry[Student].get_list_filter(request) == [CourseThisYearFilter]
    request.user = world.superuser
    assert admin.site._registry[Student].get_list_filter(request) == [
        CourseThisYearFilter,
        ("establishment", ScopedRelatedFieldListFilter),
    ]


def test_actions_cannot_reach_another_establishment(world):
    chloe = world.family_c.students[0]
    response = client_for(world.staff_1).post(
        reverse("admin:students_student_changelist"),
        {"action": "delete_selected", "_selected_action": [chloe.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert Student.objects.filter(pk=chloe.pk).exists()


def test_staff_cannot_raise_rights(world):
    client = client_for(world.staff_1)
    url = reverse("admin:accounts_user_change", args=[world.staff_1.pk])
    html = client.get(url).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html


def test_staff_see_only_their_establishment_record(world):
    html = client_for(world.staff_1).get(reverse("admin:accounts_establishment_changelist"))
    assert "Conservatoire 1" in html.content.decode()
    assert "Saint-Jean" not in html.content.decode()


def test_changelist_filters_through_relations_offer_only_the_own_establishment(world, rf):
    from accounts.tenancy import TenantAdminMixin

    class StudentByFamilyAdmin(TenantAdminMixin, admin.ModelAdmin):
        list_filter = ["family", "family__establishment"]

    request = rf.get("/admin/students/student/")
    request.user = world.staff_1
    changelist = StudentByFamilyAdmin(Student, admin.site).get_changelist_instance(request)
    choices = [[label for _pk, label in spec.lookup_choices] for spec in changelist.filter_specs]
    # The establishment filter has a single choice left, so the admin does not show it.
    assert choices == [["ABARRE", "MARTIN"]]


def test_raw_id_widgets_are_refused_by_the_system_checks():
    from accounts.tenancy import TenantAdminMixin

    class RawIdStudentAdmin(TenantAdminMixin, admin.ModelAdmin):
        raw_id_fields = ["family"]

    errors = RawIdStudentAdmin(Student, admin.site).check()
    assert [error.id for error in errors] == ["accounts.E001"]


def test_a_typed_user_id_never_shows_another_establishments_login(world):
    response = client_for(world.staff_1).post(
        reverse("admin:family_family_change", args=[world.family_a.family.pk]),
        {
            "establishment": world.establishment_1.pk,
            "name": "ABARRE",
            "guardians-TOTAL_FORMS": "1",
            "guardians-INITIAL_FORMS": "1",
            "guardians-0-id": world.family_a.guardian.pk,
            "guardians-0-family": world.family_a.family.pk,
            "guardians-0-establishment": world.establishment_1.pk,
            "guardians-0-last_name": "ABARRE",
            "guardians-0-first_name": "Jérémie",
            "guardians-0-user": world.family_c.user.pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdurand2" not in html and "Sélectionnez un choix valide" in html
