"""Signaler une absence: a family reports ahead a lesson the student will miss."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from accounts.models import AuditEntry
from conftest import client_for
from students.models import Absence, Course, SchoolYear
from students.selectors import next_lesson
from students.services import absence_report
from tests.html import page


@pytest.fixture
def lesson(world):
    """Irina's course of the current year (on Fridays), the year set around today; its next
    lesson."""
    enrolment = world.enrolment_a
    today = localdate()
    SchoolYear.objects.filter(pk=enrolment.course.school_year_id).update(
        start_date=today - datetime.timedelta(days=90),
        end_date=today + datetime.timedelta(days=200),
    )
    Course.objects.filter(pk=enrolment.course_id).update(end_date=None)
    enrolment.course.refresh_from_db()
    enrolment.course.school_year.refresh_from_db()
    return enrolment, next_lesson(enrolment.course)


def field_value(response, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode())
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return html.unescape(value.group(1)) if value else None


def error_for(response, name: str) -> str:
    block = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return (
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", block.group(1)))) if block else ""
    )


def report_url(world, enrolment=None) -> str:
    enrolment = enrolment or world.enrolment_a
    return reverse("students:report_absence", args=[enrolment.student_id, enrolment.pk])


def test_the_next_lesson_is_the_courses_next_weekday_today_included(world, lesson):
    enrolment, upcoming = lesson
    assert upcoming.isoweekday() == enrolment.course.weekday == 5
    assert localdate() <= upcoming <= localdate() + datetime.timedelta(days=7)  # today begun: next


def test_a_family_reports_an_absence_from_its_course_line(world, lesson):
    enrolment, upcoming = lesson
    client = client_for(world.family_a.user)
    courses = client.get(reverse("students:courses", args=[enrolment.student_id]))
    assert f'href="{report_url(world)}"' in courses.content.decode()
    assert "Signaler une absence" in page(courses).text
    sheet_page = client.get(reverse("students:course", args=[enrolment.student_id, enrolment.pk]))
    assert f'href="{report_url(world)}"' in sheet_page.content.decode()
    form = client.get(report_url(world))
    assert field_value(form, "date") == upcoming.isoformat()  # the next lesson, offered
    assert f"Prochain cours : vendredi {upcoming.day}" in page(form).text
    response = client.post(report_url(world), {"date": upcoming.isoformat(), "reason": "Malade"})
    sheet = reverse("students:course", args=[enrolment.student_id, enrolment.pk])
    assert response["Location"] == f"{sheet}#absences-title"
    shown = page(client.get(sheet)).text
    assert f"L'absence du {upcoming:%d/%m/%Y} est signalée" in shown
    assert "Signalée par la famille" in shown
    absence = Absence.objects.get(enrolment=enrolment, start_date=upcoming)
    assert absence.reported_by == world.family_a.user
    assert absence.family_reason == "Malade"
    assert (absence.start_time, absence.end_time) == (
        enrolment.course.start_time,
        enrolment.course.end_time,
    )
    assert not absence.justified
    detail = reverse("students:absence", args=[enrolment.student_id, enrolment.pk, absence.pk])
    assert "Malade" in page(client.get(detail)).text
    assert AuditEntry.objects.filter(action="students.absence.reported").count() == 1


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (-14, "Le cours doit avoir lieu aujourd'hui ou plus tard"),
        (1, "Le cours a lieu le vendredi : choisissez la date d'un cours."),
        (7 * 40, "Le cours a lieu du"),
    ],
)
def test_a_day_that_is_not_a_lesson_to_come_is_refused_next_to_the_field(
    world, lesson, shift, message
):
    enrolment, upcoming = lesson
    client = client_for(world.family_a.user)
    day = upcoming + datetime.timedelta(days=shift)
    response = client.post(report_url(world), {"date": day.isoformat(), "reason": "Concert"})
    assert response.status_code == 200
    assert message in error_for(response, "date")
    assert field_value(response, "reason") == "Concert"  # nothing typed is lost
    assert not Absence.objects.filter(enrolment=enrolment, reported_at__isnull=False).exists()


def test_a_lesson_already_reported_or_recorded_is_refused_with_its_date(world, lesson):
    enrolment, upcoming = lesson
    client = client_for(world.family_a.user)
    client.post(report_url(world), {"date": upcoming.isoformat()})
    again = client.post(report_url(world), {"date": upcoming.isoformat()})
    said = f"Une absence est déjà enregistrée pour ce cours le {upcoming:%d/%m/%Y}."
    assert said in error_for(again, "date")
    # An absence the staff recorded over several days counts too.
    later = upcoming + datetime.timedelta(days=7)
    Absence.objects.create(
        establishment_id=enrolment.establishment_id,
        enrolment=enrolment,
        start_date=later - datetime.timedelta(days=2),
        end_date=later + datetime.timedelta(days=2),
    )
    refused = client.post(report_url(world), {"date": later.isoformat()})
    assert "déjà enregistrée" in error_for(refused, "date")
    assert Absence.objects.filter(enrolment=enrolment, reported_at__isnull=False).count() == 1


def test_reporting_twice_at_the_same_instant_keeps_one(world, lesson, monkeypatch):
    """Two guardians at once: the second report, past the check as if both had read before
    either wrote, meets the database's constraint and gets the same message, not an error."""
    from django.db.models.query import QuerySet

    from family.exceptions import FamilyError

    enrolment, upcoming = lesson
    absence_report(enrolment=enrolment, day=upcoming, reason="", reported_by=world.family_a.user)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with pytest.raises(FamilyError, match="déjà enregistrée"):
        absence_report(
            enrolment=enrolment, day=upcoming, reason="", reported_by=world.family_a.user
        )
    monkeypatch.undo()
    assert Absence.objects.filter(enrolment=enrolment, start_date=upcoming).count() == 1


def test_no_lesson_left_says_so_and_offers_no_form(world, lesson):
    enrolment, _upcoming = lesson
    Course.objects.filter(pk=enrolment.course_id).update(
        end_date=localdate() - datetime.timedelta(days=1)
    )
    response = client_for(world.family_a.user).get(report_url(world))
    assert "n'a plus de séance cette année" in page(response).text
    assert field_value(response, "date") is None


def test_another_familys_course_or_a_past_years_is_404(world, lesson):
    client = client_for(world.family_a.user)
    assert client.get(report_url(world, world.past_enrolment_a)).status_code == 404
    other = Absence.objects.filter(establishment=world.establishment_2).first().enrolment
    assert client.get(report_url(world, other)).status_code == 404
    mixed = reverse("students:report_absence", args=[world.enrolment_a.student_id, other.pk])
    assert client.post(mixed, {"date": localdate().isoformat()}).status_code == 404


def test_the_staff_see_it_in_the_admin_and_justify_it(world, lesson):
    enrolment, upcoming = lesson
    absence = absence_report(
        enrolment=enrolment, day=upcoming, reason="Malade", reported_by=world.family_a.user
    )
    staff = client_for(world.staff_1)
    changelist = reverse("admin:students_absence_changelist")
    change = reverse("admin:students_absence_change", args=[absence.pk])
    assert change in staff.get(f"{changelist}?reported=yes").content.decode()
    assert change not in staff.get(f"{changelist}?reported=no").content.decode()
    form = staff.get(change).content.decode()
    assert "Malade" in form
    data = {
        "establishment": enrolment.establishment_id,
        "enrolment": enrolment.pk,
        "start_date": upcoming.isoformat(),
        "end_date": upcoming.isoformat(),
        "characteristic": "",
        "justified": "on",
    }
    saved = staff.post(change, data)
    assert saved.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", saved.content.decode(), re.S
    )
    absence.refresh_from_db()
    assert absence.justified and absence.reported_by_family and absence.family_reason == "Malade"
    # The other establishment's staff do not see it.
    other = client_for(world.staff_2)
    assert other.get(change).status_code in (302, 404)
    assert change not in other.get(changelist).content.decode()


def test_anonymising_the_family_clears_the_reason_it_gave(world, lesson):
    from family.anonymisation import Scrubber
    from students.services import family_students_anonymise

    enrolment, upcoming = lesson
    absence = absence_report(
        enrolment=enrolment, day=upcoming, reason="Malade", reported_by=world.family_a.user
    )
    family = world.family_a.family
    family_students_anonymise(family=family, label="X", scrub=Scrubber([], "X"))
    absence.refresh_from_db()
    assert absence.family_reason == ""


def test_the_admin_refuses_moving_a_report_onto_another_reported_lesson(world, lesson):
    enrolment, upcoming = lesson
    first = absence_report(enrolment=enrolment, day=upcoming, reason="", reported_by=None)
    later = upcoming + datetime.timedelta(days=7)
    second = absence_report(enrolment=enrolment, day=later, reason="", reported_by=None)
    staff = client_for(world.staff_1)
    response = staff.post(
        reverse("admin:students_absence_change", args=[second.pk]),
        {
            "establishment": enrolment.establishment_id,
            "enrolment": enrolment.pk,
            "start_date": first.start_date.isoformat(),
            "end_date": first.start_date.isoformat(),
        },
    )
    assert response.status_code == 200  # the form again, not a server error
    assert "La famille a déjà signalé une absence ce jour-là." in response.content.decode()
    second.refresh_from_db()
    assert second.start_date == later
