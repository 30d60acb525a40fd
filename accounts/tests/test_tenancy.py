import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.test import RequestFactory

from accounts.tenancy import get_object_for, scoped
from family.models import Family
from students.models import SchoolYear, Student
from tests.factories import FamilyUserFactory, StudentFactory


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def names(queryset):
    return sorted(student.first_name for student in queryset)


def test_each_persona_reaches_exactly_its_students(world):
    from django.contrib.auth.models import AnonymousUser

    assert names(scoped(request_for(world.family_a.user), Student)) == ["Irina", "Paul"]
    assert names(scoped(request_for(world.family_b.user), Student)) == ["Lucas"]
    assert names(scoped(request_for(world.family_c.user), Student)) == ["Chloé"]
    assert names(scoped(request_for(world.staff_1), Student)) == ["Irina", "Lucas", "Paul"]
    assert names(scoped(request_for(world.staff_2), Student)) == ["Chloé"]
    assert len(scoped(request_for(world.superuser), Student)) == 4
    assert list(scoped(request_for(AnonymousUser()), Student)) == []


def test_another_familys_object_is_a_404(world):
    irina = world.family_a.students[0]
    assert get_object_for(request_for(world.family_a.user), Student, pk=irina.pk) == irina
    for user in (world.family_b.user, world.family_c.user, world.staff_2):
        with pytest.raises(Http404):
            get_object_for(request_for(user), Student, pk=irina.pk)


def test_establishment_wide_records_are_shared_within_the_establishment_only(world):
    years = scoped(request_for(world.family_a.user), SchoolYear)
    assert {year.establishment_id for year in years} == {world.establishment_1.pk}


def test_a_login_without_guardian_reaches_nothing(world):
    orphan = FamilyUserFactory(establishment=world.establishment_1, identifier="orphan")
    assert list(scoped(request_for(orphan), Student)) == []
    assert list(scoped(request_for(orphan), Family)) == []


def test_inactive_user_reaches_nothing(world):
    world.family_a.user.is_active = False
    assert list(scoped(request_for(world.family_a.user), Student)) == []


def test_for_family_refuses_models_without_family(world):
    with pytest.raises(ImproperlyConfigured):
        SchoolYear.objects.for_family(world.family_a.family)
    assert names(Student.objects.for_family(world.family_a.family)) == ["Irina", "Paul"]


def test_records_cannot_point_across_establishments(world):
    student = StudentFactory.build(
        family=world.family_c.family, establishment=world.establishment_1
    )
    with pytest.raises(ValidationError, match="appartient à un autre établissement"):
        student.full_clean()
