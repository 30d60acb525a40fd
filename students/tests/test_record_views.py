"""Élèves → Cours, Historique, Répertoire: what a family reads, and what it never reaches."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from students.models import SchoolYear
from tests.factories import (
    AbsenceFactory,
    CourseFactory,
    DepartmentFactory,
    EnrolmentFactory,
    EvaluationFactory,
    PerformanceFactory,
    SchoolYearFactory,
)
from tests.html import page


def irina(world):
    return world.family_a.students[0]


def urls(world) -> dict[str, str]:
    student = irina(world).pk
    enrolment, past = world.enrolment_a.pk, world.past_enrolment_a.pk
    return {
        "courses": reverse("students:courses", args=[student]),
        "course": reverse("students:course", args=[student, enrolment]),
        "evaluation": reverse(
            "students:evaluation", args=[student, enrolment, world.evaluation_a.pk]
        ),
        "absence": reverse("students:absence", args=[student, enrolment, world.absence_a.pk]),
        "history": reverse("students:history", args=[student]),
        "history_record": reverse("students:history_record", args=[student, past]),
        "repertoire": reverse("students:repertoire", args=[student]),
        "performance": reverse("students:performance", args=[student, world.performance_a.pk]),
    }


def test_the_courses_tab_lists_the_years_courses_each_a_link(world):
    response = client_for(world.family_a.user).get(urls(world)["courses"])
    text = page(response).text
    assert "FM 2C4 A non ASTAREL Carmen Fauré (Conservatoire) Vendredi 17:30 01:30" in text
    assert "FM 2C3" not in text  # a previous year's course is history
    assert f'href="{urls(world)["course"]}"' in response.content.decode()
    assert "<caption" in response.content.decode() and 'scope="col"' in response.content.decode()


def test_the_follow_up_sheet_shows_results_course_line_evaluations_and_absences(world):
    text = page(client_for(world.family_a.user).get(urls(world)["course"])).text
    assert "ABARRE Irina – Classe FM 2C4" in text
    assert "Situation d'activité ACTIF" in text
    # The course line: room and location apart, the end time worked out.
    assert (
        "FM 2C4 A ASTAREL Carmen Fauré (Conservatoire) Conservatoire Vendredi 19:00 17:30 01:30"
        in text
    )
    assert "Contrôle Continu – 01/12/2026 01/12/2026 15,75 / 20,00" in text
    assert "20/11/2026" in text  # the absence


def test_each_evaluation_and_absence_opens_its_detail(world):
    client = client_for(world.family_a.user)
    evaluation = page(client.get(urls(world)["evaluation"])).text
    assert "Évaluation : Contrôle Continu, 01/12/2026" in evaluation
    assert "Note 15,75 / 20,00 Coef. 1,00" in evaluation
    absence = page(client.get(urls(world)["absence"])).text
    assert "Absence du 20/11/2026" in absence and "Justifiée non" in absence


def test_empty_tables_say_so_in_words(world):
    student = irina(world)
    bare = EnrolmentFactory(
        student=student, course=CourseFactory(school_year=world.enrolment_a.course.school_year)
    )
    url = reverse("students:course", args=[student.pk, bare.pk])
    text = page(client_for(world.family_a.user).get(url)).text
    assert "Aucune évaluation n'est enregistrée pour ce cours." in text
    assert "Aucune absence n'est enregistrée pour ce cours." in text
    paul = world.family_a.students[1]
    client = client_for(world.family_a.user)
    assert (
        "Aucun cours n'est enregistré"
        in page(client.get(reverse("students:courses", args=[paul.pk]))).text
    )
    assert (
        "Aucune fiche des années précédentes"
        in page(client.get(reverse("students:history", args=[paul.pk]))).text
    )
    assert (
        "Aucun événement musical"
        in page(client.get(reverse("students:repertoire", args=[paul.pk]))).text
    )


def test_a_history_record_shows_its_year_fields_totals_and_evaluations(world):
    AbsenceFactory(enrolment=world.past_enrolment_a, start_date=datetime.date(2012, 1, 9))
    AbsenceFactory(
        enrolment=world.past_enrolment_a, start_date=datetime.date(2012, 2, 6), justified=True
    )
    text = page(client_for(world.family_a.user).get(urls(world)["history_record"])).text
    assert "Année 2011/2012, du 12/09/2011 au 05/07/2012" in text
    assert "Absences 2 Absences non justifiées 1" in text  # worked out, not stored
    assert "Moyenne 15,75 / 20,00" in text and "Admission classe FM 2C4" in text
    assert "Contrôle Continu – 06/06/2012 06/06/2012 15,75 20,00 1,00" in text
    assert "Fiche 1 / 1" in text


def test_history_search_filters_on_any_column_without_javascript(world):
    student = irina(world)
    older = SchoolYearFactory(
        establishment=world.establishment_1,
        label="2010/2011",
        start_date=datetime.date(2010, 9, 13),
        end_date=datetime.date(2011, 7, 2),
        is_current=False,
    )
    EnrolmentFactory(
        student=student,
        course=CourseFactory(
            school_year=older,
            label="Piano 2C3",
            class_name="Piano",
            cycle="2C3",
            department=DepartmentFactory(establishment=world.establishment_1, name="Polyphoniques"),
        ),
    )
    client = client_for(world.family_a.user)
    url = urls(world)["history"]
    every = page(client.get(url)).text
    assert every.index("2011/2012") < every.index("2010/2011")  # newest first
    found = page(client.get(url, {"q": "PIANO 2c3"})).text
    assert "1 ligne sur 2 correspond à « PIANO 2c3 »." in found
    assert "2010/2011" in found and "FM 2C3" not in found
    accents = page(client.get(url, {"q": "formation musicale"})).text
    assert "FM 2C3" in accents and "Piano" not in accents.split("Recherche")[-1]
    nothing = page(client.get(url, {"q": "violoncelle"})).text
    assert "Aucune fiche ne correspond à cette recherche." in nothing
    assert 'value="violoncelle"' in client.get(url, {"q": "violoncelle"}).content.decode()


def test_the_evaluations_of_a_record_have_their_own_search(world):
    EvaluationFactory(
        enrolment=world.past_enrolment_a,
        evaluation_type="Examen",
        date=datetime.date(2012, 5, 30),
        mark=Decimal("12"),
        appreciation="Des progrès en lecture",
    )
    client = client_for(world.family_a.user)
    url = urls(world)["history_record"]
    text = page(client.get(url, {"qe": "30/05/2012"})).text
    assert "Examen – 30/05/2012 30/05/2012" in text and "Contrôle Continu" not in text
    text = page(client.get(url, {"qe": "progres"})).text  # accents aside
    assert "Examen" in text


def test_records_lead_to_each_other_first_previous_next_last(world):
    student = irina(world)
    records = [world.past_enrolment_a]
    for start_year in (2010, 2009):
        year = SchoolYearFactory(
            establishment=world.establishment_1,
            label=f"{start_year}/{start_year + 1}",
            start_date=datetime.date(start_year, 9, 12),
            end_date=datetime.date(start_year + 1, 7, 5),
            is_current=False,
        )
        records.append(EnrolmentFactory(student=student, course=CourseFactory(school_year=year)))
    client = client_for(world.family_a.user)

    def record_url(record):
        return reverse("students:history_record", args=[student.pk, record.pk])

    middle = client.get(record_url(records[1])).content.decode()
    assert "Fiche</span>2 / 3" in middle.replace(" </span>", "</span>")
    assert f'<a href="{record_url(records[0])}">Première</a>' in middle
    assert f'<a href="{record_url(records[0])}" rel="prev">Précédente</a>' in middle
    assert f'<a href="{record_url(records[2])}" rel="next">Suivante</a>' in middle
    assert f'<a href="{record_url(records[2])}">Dernière</a>' in middle
    first = client.get(record_url(records[0])).content.decode()
    assert "<span>Première</span>" in first and "<span>Précédente</span>" in first


def test_a_current_course_is_not_a_history_record(world):
    url = reverse("students:history_record", args=[irina(world).pk, world.enrolment_a.pk])
    assert client_for(world.family_a.user).get(url).status_code == 404


def test_the_repertoire_lists_events_newest_first_each_with_its_detail(world):
    client = client_for(world.family_a.user)
    text = page(client.get(urls(world)["repertoire"])).text
    assert (
        "Fin de cycle - Piano – Sabre dance de Gayanh 13/06/2012 Sabre dance de Gayanh 00:10"
        in (text)
    )
    detail = page(client.get(urls(world)["performance"])).text
    assert "Morceau Sabre dance de Gayanh Durée 00:10" in detail


@pytest.mark.parametrize("persona", ["family_b", "family_c"])
def test_another_family_gets_404_on_every_record_page(world, persona):
    client = client_for(getattr(world, persona).user)
    for name, url in urls(world).items():
        assert client.get(url).status_code == 404, name


def test_another_students_objects_are_404_under_this_student(world):
    """Paul's URL with Irina's enrolment, evaluation or piece: not found."""
    paul = world.family_a.students[1].pk
    client = client_for(world.family_a.user)
    for url in (
        reverse("students:course", args=[paul, world.enrolment_a.pk]),
        reverse("students:evaluation", args=[paul, world.enrolment_a.pk, world.evaluation_a.pk]),
        reverse("students:performance", args=[paul, world.performance_a.pk]),
        reverse(
            "students:evaluation",
            args=[irina(world).pk, world.past_enrolment_a.pk, world.evaluation_a.pk],
        ),
    ):
        assert client.get(url).status_code == 404, url


def test_marks_and_dates_read_the_english_way_in_english(world):
    client = client_for(world.family_a.user)
    client.post(reverse("accounts:set_language"), {"language": "en"})
    text = page(client.get(urls(world)["history_record"])).text
    assert "Year 2011/2012, from 12/09/2011 to 05/07/2012" in text
    assert "Average 15.75 / 20.00" in text


def grow(world, *, years: int, evaluations: int) -> None:
    """Irina's record with many past years, current courses and pieces played, and many
    evaluations and absences everywhere."""
    student = irina(world)
    current_year = world.enrolment_a.course.school_year
    for offset in range(years):
        start = 2010 - offset
        year = SchoolYear.objects.create(
            establishment=world.establishment_1,
            label=f"{start}/{start + 1}",
            start_date=datetime.date(start, 9, 12),
            end_date=datetime.date(start + 1, 7, 5),
        )
        EnrolmentFactory(student=student, course=CourseFactory(school_year=year))
        EnrolmentFactory(student=student, course=CourseFactory(school_year=current_year))
        PerformanceFactory(student=student, piece=f"Étude n° {offset}")
    for enrolment in (world.enrolment_a, world.past_enrolment_a):
        for number in range(evaluations):
            EvaluationFactory(enrolment=enrolment, date=datetime.date(2012, 1, 1 + number % 28))
            AbsenceFactory(enrolment=enrolment)


@pytest.mark.parametrize(
    "name",
    [
        "courses",
        "course",
        "evaluation",
        "absence",
        "history",
        "history_record",
        "repertoire",
        "performance",
    ],
)
def test_record_pages_query_count_does_not_grow_with_the_data(world, name):
    client = client_for(world.family_a.user)

    def count() -> int:
        client.get(urls(world)[name])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(urls(world)[name]).status_code == 200
        return len(queries)

    small = count()  # 1 past year, 1 course, 1 piece, 2 evaluations
    grow(world, years=29, evaluations=40)
    assert count() == small <= 12


def test_next_years_courses_are_neither_this_years_nor_history(world):
    """A year set up ahead (for re-enrolment) shows in no tab yet."""
    student = irina(world)
    # The world's re-enrolment campaign already set up 2027/2028.
    next_year = SchoolYear.objects.get(establishment=world.establishment_1, label="2027/2028")
    ahead = EnrolmentFactory(
        student=student, course=CourseFactory(school_year=next_year, label="FM 2C5 A")
    )
    client = client_for(world.family_a.user)
    assert "2027/2028" not in page(client.get(urls(world)["history"])).text
    assert "FM 2C5 A" not in page(client.get(urls(world)["courses"])).text
    url = reverse("students:history_record", args=[student.pk, ahead.pk])
    assert client.get(url).status_code == 404


def test_an_evaluation_or_absence_of_next_year_is_not_opened_yet(world):
    """A re-enrolment sets up next year's courses; their evaluations and absences wait too."""
    student = irina(world)
    next_year = SchoolYear.objects.get(establishment=world.establishment_1, label="2027/2028")
    ahead = EnrolmentFactory(
        student=student, course=CourseFactory(school_year=next_year, label="FM 2C5 A")
    )
    evaluation = EvaluationFactory(enrolment=ahead, date=datetime.date(2027, 10, 1))
    absence = AbsenceFactory(enrolment=ahead, start_date=datetime.date(2027, 10, 8))
    client = client_for(world.family_a.user)
    for url in (
        reverse("students:evaluation", args=[student.pk, ahead.pk, evaluation.pk]),
        reverse("students:absence", args=[student.pk, ahead.pk, absence.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # This year's and a past year's still open.
    past_evaluation = world.past_enrolment_a.evaluations.get()
    past_absence = AbsenceFactory(
        enrolment=world.past_enrolment_a, start_date=datetime.date(2012, 1, 9)
    )
    for url in (
        urls(world)["evaluation"],
        urls(world)["absence"],
        reverse(
            "students:evaluation",
            args=[student.pk, world.past_enrolment_a.pk, past_evaluation.pk],
        ),
        reverse("students:absence", args=[student.pk, world.past_enrolment_a.pk, past_absence.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_without_a_current_year_only_the_years_over_open_their_evaluations(world):
    student = irina(world)
    SchoolYear.objects.filter(establishment=world.establishment_1).update(is_current=False)
    far = SchoolYearFactory(
        establishment=world.establishment_1,
        label="2090/2091",
        start_date=datetime.date(2090, 9, 1),
        end_date=datetime.date(2091, 7, 4),
        is_current=False,
    )
    ahead = EnrolmentFactory(student=student, course=CourseFactory(school_year=far))
    evaluation = EvaluationFactory(enrolment=ahead, date=datetime.date(2090, 10, 1))
    past = world.past_enrolment_a
    client = client_for(world.family_a.user)
    url = reverse("students:evaluation", args=[student.pk, ahead.pk, evaluation.pk])
    assert client.get(url).status_code == 404
    url = reverse("students:evaluation", args=[student.pk, past.pk, past.evaluations.get().pk])
    assert client.get(url).status_code == 200


def test_a_past_record_is_not_opened_as_a_course_of_the_year(world):
    url = reverse("students:course", args=[irina(world).pk, world.past_enrolment_a.pk])
    assert client_for(world.family_a.user).get(url).status_code == 404


def test_a_negative_duration_is_refused_in_the_admin(world):
    course = world.enrolment_a.course
    staff = client_for(world.staff_1)
    url = reverse("admin:students_course_change", args=[course.pk])
    response = staff.post(
        url,
        {
            "establishment": world.establishment_1.pk,
            "school_year": course.school_year_id,
            "label": course.label,
            "class_name": course.class_name,
            "department": course.department_id,
            "weekday": 5,
            "start_time": "00:10",
            "duration": "-0:30:00",
        },
    )
    assert response.status_code == 200
    assert "Une durée ne peut pas être négative." in page(response).text
    course.refresh_from_db()
    assert course.duration == datetime.timedelta(hours=1, minutes=30)


def test_evaluations_added_under_an_enrolment_take_its_establishment(world):
    enrolment = world.enrolment_a
    staff = client_for(world.staff_1)
    url = reverse("admin:students_enrolment_change", args=[enrolment.pk])
    html = staff.get(url).content.decode()
    assert 'name="evaluations-0-establishment"' not in html
    data = {
        "establishment": world.establishment_1.pk,
        "student": enrolment.student_id,
        "course": enrolment.course_id,
        "activity_status": "ACTIF",
        "average_denominator": "20.00",
        "evaluations-TOTAL_FORMS": "2",
        "evaluations-INITIAL_FORMS": "1",
        "evaluations-0-id": world.evaluation_a.pk,
        "evaluations-0-enrolment": enrolment.pk,
        "evaluations-0-evaluation_type": "Contrôle Continu",
        "evaluations-0-date": "01/12/2026",
        "evaluations-0-mark": "15.75",
        "evaluations-0-denominator": "20.00",
        "evaluations-0-coefficient": "1.00",
        "evaluations-1-enrolment": enrolment.pk,
        "evaluations-1-evaluation_type": "Examen",
        "evaluations-1-date": "15/12/2026",
        "evaluations-1-mark": "12",
        "evaluations-1-denominator": "20.00",
        "evaluations-1-coefficient": "2.00",
        "absences-TOTAL_FORMS": "1",
        "absences-INITIAL_FORMS": "1",
        "absences-0-id": world.absence_a.pk,
        "absences-0-enrolment": enrolment.pk,
        "absences-0-start_date": "20/11/2026",
    }
    response = staff.post(url, data)
    assert response.status_code == 302, page(response).text[-600:]
    exam = enrolment.evaluations.get(evaluation_type="Examen")
    assert exam.establishment_id == world.establishment_1.pk
    assert exam.coefficient == Decimal("2.00")


def test_a_record_opened_from_a_search_browses_the_records_found(world):
    student = irina(world)
    for start_year, label in ((2010, "Piano 2C3"), (2009, "FM 2C1"), (2008, "Piano 2C1")):
        year = SchoolYearFactory(
            establishment=world.establishment_1,
            label=f"{start_year}/{start_year + 1}",
            start_date=datetime.date(start_year, 9, 12),
            end_date=datetime.date(start_year + 1, 7, 5),
            is_current=False,
        )
        EnrolmentFactory(
            student=student,
            course=CourseFactory(school_year=year, label=label, class_name=label),
        )
    client = client_for(world.family_a.user)
    listing = client.get(urls(world)["history"], {"q": "piano"}).content.decode()
    first = student.enrolments.get(course__label="Piano 2C3")
    second = student.enrolments.get(course__label="Piano 2C1")
    EvaluationFactory(enrolment=first, date=datetime.date(2011, 6, 1))
    record_url = reverse("students:history_record", args=[student.pk, first.pk])
    assert f'href="{record_url}?q=piano"' in listing
    record = client.get(record_url, {"q": "piano"})
    text = page(record).text
    assert "Fiche 1 / 2" in text
    next_url = reverse("students:history_record", args=[student.pk, second.pk]) + "?q=piano"
    assert f'href="{next_url}" rel="next"' in record.content.decode()
    assert "Retour aux années précédentes correspondant à « piano »" in text
    # The record's own evaluation search keeps the history search.
    assert '<input type="hidden" name="q" value="piano">' in record.content.decode()
