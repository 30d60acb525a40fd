"""The students' admin lists, searched and filtered by a staff member: only their
establishment's rows, and filters that offer only their establishment's records."""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.urls import reverse

from conftest import client_for
from students.models import (
    Absence,
    Course,
    Department,
    Enrolment,
    Evaluation,
    Performance,
    Room,
    SchoolYear,
    Student,
    Teacher,
)
from tests.factories import (
    AbsenceFactory,
    DepartmentFactory,
    EnrolmentFactory,
    EvaluationFactory,
    PerformanceFactory,
    StudentFactory,
    TeacherFactory,
)

# Each list of the students' admin, and a search word that finds rows in both establishments.
SEARCHES = {
    SchoolYear: "2011/2012",
    Student: "ABARRE",
    Department: "Formation",
    Teacher: "ASTAREL",
    Room: "Fauré",
    Course: "FM 2C4",
    Enrolment: "ABARRE",
    Evaluation: "ABARRE",
    Absence: "ABARRE",
    Performance: "ABARRE",
}
# The filters that are not a relation's: the model their choices are rows of.
CUSTOM_FILTERS = {"school_year": SchoolYear, "course": Course}


@pytest.fixture
def twin(world):
    """An ABARRE Irina in the other establishment too, with the course, evaluation, absence and
    piece played of her namesake: same names, another establishment."""
    twin = StudentFactory(family=world.family_c.family, last_name="ABARRE", first_name="Irina")
    chloe = world.family_c.students[0]
    course = Enrolment.objects.get(student=chloe, course__school_year__is_current=True).course
    enrolment = EnrolmentFactory(student=twin, course=course)
    EvaluationFactory(enrolment=enrolment)
    AbsenceFactory(enrolment=enrolment)
    PerformanceFactory(student=twin)
    return twin


def shown_ids(html: str, model) -> set[int]:
    """The rows a list shows, by the ids in their change links."""
    name = model._meta.model_name
    return {int(pk) for pk in re.findall(rf"/admin/students/{name}/(\d+)/change/", html)}


def filter_panel(html: str) -> str:
    """The list's filters (empty when it has none)."""
    if 'id="changelist-filter"' not in html:
        return ""
    return html.split('id="changelist-filter"', 1)[1].split("</nav>", 1)[0]


def filter_links(html: str) -> list[str]:
    """The query strings of every choice of the list's filters."""
    return [unescape(link) for link in re.findall(r'href="(\?[^"]*)"', filter_panel(html))]


def chosen_rows(model, query: str):
    """The records a filter link chooses, as (model, id) pairs."""
    for key, value in parse_qsl(query.lstrip("?")):
        if key in CUSTOM_FILTERS:
            yield CUSTOM_FILTERS[key], int(value)
        elif key.endswith("__id__exact"):
            field = get_fields_from_path(model, key.removesuffix("__id__exact"))[-1]
            yield field.related_model, int(value)


def test_every_students_list_is_covered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "students"}
    assert registered == set(SEARCHES)


@pytest.mark.parametrize("model", list(SEARCHES), ids=lambda model: model.__name__)
def test_each_list_searched_and_filtered_shows_only_the_own_establishment(world, twin, model):
    own = set(
        model.objects.filter(establishment=world.establishment_1).values_list("pk", flat=True)
    )
    others = set(
        model.objects.filter(establishment=world.establishment_2).values_list("pk", flat=True)
    )
    assert own and others
    client = client_for(world.staff_1)
    url = reverse(f"admin:students_{model._meta.model_name}_changelist")

    searched = client.get(url, {"q": SEARCHES[model]})
    assert searched.status_code == 200
    found = shown_ids(searched.content.decode(), model)
    assert found and found <= own

    listed = client.get(url)
    html = listed.content.decode()
    assert listed.status_code == 200 and shown_ids(html, model) == own
    for query in filter_links(html):
        response = client.get(url + query)
        assert response.status_code == 200, query
        assert shown_ids(response.content.decode(), model) <= own, query
        for related, pk in chosen_rows(model, query):
            assert related.objects.get(pk=pk).establishment_id == world.establishment_1.pk, query
    assert "DURAND" not in filter_panel(html)


@pytest.mark.parametrize(
    ("model", "parameters"),
    [
        (
            Enrolment,
            [
                "course__school_year__id__exact",
                "course__department__id__exact",
                "course__teacher__id__exact",
                "student__id__exact",
            ],
        ),
        (
            Evaluation,
            ["enrolment__student__id__exact", "enrolment__course__school_year__id__exact"],
        ),
        (Absence, ["enrolment__student__id__exact", "enrolment__course__school_year__id__exact"]),
        (Performance, ["student__id__exact", "school_year"]),
    ],
    ids=lambda value: getattr(value, "__name__", "filters"),
)
def test_the_follow_up_lists_filter_by_student_and_year(world, model, parameters):
    # A filter with a single choice is not shown: a second department, a second teacher.
    DepartmentFactory(establishment=world.establishment_1, name="Polyphoniques")
    TeacherFactory(establishment=world.establishment_1, last_name="MARGEVAL", first_name="Brice")
    url = reverse(f"admin:students_{model._meta.model_name}_changelist")
    links = filter_links(client_for(world.staff_1).get(url).content.decode())
    offered = {key for query in links for key, _value in parse_qsl(query.lstrip("?"))}
    assert set(parameters) <= offered


def test_evaluations_and_absences_filtered_by_a_student_are_that_students(world):
    irina, lucas = world.family_a.students[0], world.family_b.students[0]
    lucas_course = EnrolmentFactory(student=lucas)
    lucas_ids = {
        Evaluation: EvaluationFactory(enrolment=lucas_course).pk,
        Absence: AbsenceFactory(enrolment=lucas_course).pk,
    }
    client = client_for(world.staff_1)
    for model, key in ((Evaluation, "evaluation"), (Absence, "absence")):
        url = reverse(f"admin:students_{key}_changelist")
        html = client.get(url, {"enrolment__student__id__exact": irina.pk}).content.decode()
        irinas = set(model.objects.filter(enrolment__student=irina).values_list("pk", flat=True))
        assert shown_ids(html, model) == irinas and lucas_ids[model] not in irinas


def test_pieces_filtered_by_school_year_are_those_played_in_it(world):
    current = SchoolYear.objects.get(establishment=world.establishment_1, is_current=True)
    past = SchoolYear.objects.get(establishment=world.establishment_1, label="2011/2012")
    other = SchoolYear.objects.get(establishment=world.establishment_2, label="2011/2012")
    url = reverse("admin:students_performance_changelist")
    client = client_for(world.staff_1)

    def shown(year_id) -> set[int]:
        response = client.get(url, {"school_year": year_id})
        assert response.status_code == 200
        return shown_ids(response.content.decode(), Performance)

    assert shown(past.pk) == {world.performance_a.pk}  # played on 13/06/2012
    assert shown(current.pk) == set()
    assert shown(other.pk) == set()  # another establishment's year finds nothing
    assert shown("2011") == set()


@pytest.mark.parametrize(
    "url_name, parameter",
    [("students_student_changelist", "course"), ("students_performance_changelist", "school_year")],
)
def test_a_list_filter_given_a_digit_that_is_no_number_shows_nothing_not_an_error(
    world, url_name, parameter
):
    url = reverse(f"admin:{url_name}")
    for typed in ("%C2%B2", "abc", "99999999999999999999999"):  # "²" is a digit to str
        response = client_for(world.staff_1).get(f"{url}?{parameter}={typed}")
        assert response.status_code == 200, typed
