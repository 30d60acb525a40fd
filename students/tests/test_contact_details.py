"""A student with "Utiliser les coordonnées du responsable légal" ticked is shown, exported and
reached at the responsible guardian's validated address and phones (``Student.contact``), and
follows their changes."""

import csv
import io
import json
import re

from django.urls import reverse

from conftest import client_for
from family.models import ChangeRequest
from family.services import change_request_approve, change_request_submit
from students.models import Student
from tests.factories import GuardianFactory
from tests.html import Page, page


def ticked(student) -> Student:
    Student.objects.filter(pk=student.pk).update(
        use_guardian_contact=True, address="8 rue Bannier", city="BLOIS", mobile_phone=""
    )
    return Student.objects.get(pk=student.pk)


def moved(guardian, **values) -> None:
    for name, value in values.items():
        setattr(guardian, name, value)
    guardian.save()


def test_the_student_uses_the_guardians_validated_details_and_follows_their_move(world):
    jeremie = world.family_a.guardian
    moved(jeremie, mobile_phone="06 01 02 03 04")
    irina = ticked(world.family_a.students[0])
    assert (irina.contact.postal_address, irina.contact.phones) == (
        "19 rue de Paris, 45000 ORLEANS",
        ["06 01 02 03 04"],
    )
    assert irina.contact.guardian == jeremie

    change_request_submit(
        record=jeremie,
        values={"address": "3 place du Martroi", "city": "TOURS", "postal_code": "37000"},
        requested_by=world.family_a.user,
    )
    irina = Student.objects.get(pk=irina.pk)
    assert irina.contact.city == "ORLEANS"  # awaiting validation: not yet theirs
    change_request_approve(
        change_request=ChangeRequest.objects.get(object_id=jeremie.pk, status="pending"),
        decided_by=world.staff_1,
    )
    irina = Student.objects.get(pk=irina.pk)
    assert irina.contact.postal_address == "3 place du Martroi, 37000 TOURS"

    Student.objects.filter(pk=irina.pk).update(use_guardian_contact=False)
    own = Student.objects.get(pk=irina.pk).contact
    assert (own.city, own.guardian) == ("BLOIS", None)


def test_the_responsible_guardian_is_the_first_recorded_of_those_responsible(world):
    jeremie, marie = world.family_a.guardian, world.family_a2.guardian
    irina, paul = world.family_a.students
    assert ticked(paul).contact.guardian == jeremie  # Jérémie and Marie: the first recorded
    paul.responsible_guardians.set([marie])
    assert ticked(paul).contact.guardian == marie
    # Naming none: every guardian of the family, so the family's main guardian.
    assert not irina.responsible_guardians.exclude(pk=jeremie.pk).exists()
    irina.responsible_guardians.clear()
    assert ticked(irina).contact.guardian == jeremie
    # A guardian of another family (the student's former one) counts for nothing.
    stranger = GuardianFactory(family=world.family_b.family)
    paul.responsible_guardians.set([stranger])
    assert ticked(paul).contact.guardian == jeremie


def test_the_data_download_holds_the_details_used_and_whose_they_are(world):
    moved(world.family_a.guardian, address="3 place du Martroi", mobile_phone="06 01 02 03 04")
    ticked(world.family_a.students[0])
    response = client_for(world.family_a.user).get(reverse("my_data_json"))
    irina = next(s for s in json.loads(response.content)["students"] if s["first_name"] == "Irina")
    assert (irina["address"], irina["city"], irina["mobile_phone"]) == (
        "3 place du Martroi",
        "ORLEANS",
        "06 01 02 03 04",
    )
    assert irina["contact_details_of"] == "ABARRE Jérémie"
    # What the portal still holds of her own, unused while the box is ticked.
    assert irina["own_contact_details"] == [
        {
            "address": "8 rue Bannier",
            "postal_code": "",
            "city": "BLOIS",
            "home_phone": "",
            "mobile_phone": "",
            "work_phone": "",
        }
    ]


def test_another_guardians_address_is_not_shown_to_a_separated_parent(world):
    """Paul uses Jérémie's details; Marie, his other guardian, reads whose they are only."""
    moved(world.family_a.guardian, address="3 place du Martroi", mobile_phone="06 99 88 77 66")
    paul = ticked(world.family_a.students[1])
    marie = client_for(world.family_a2.user)

    html = marie.get(reverse("students:detail", args=[paul.pk])).content.decode()
    text = Page(html).text
    assert "ABARRE Jérémie" in text
    assert "Martroi" not in html and "06 99 88 77 66" not in text

    data = json.loads(marie.get(reverse("my_data_json")).content)
    (paul_data,) = data["students"]
    assert paul_data["contact_details_of"] == "ABARRE Jérémie"
    assert paul_data["address"] == "" and paul_data["mobile_phone"] == ""
    assert "Martroi" not in json.dumps(data) and "06 99 88 77 66" not in json.dumps(data)


def test_the_admin_says_which_details_are_used_and_exports_them(world):
    moved(world.family_a.guardian, address="3 place du Martroi", mobile_phone="06 01 02 03 04")
    irina = ticked(world.family_a.students[0])
    staff = client_for(world.staff_1)
    change = staff.get(reverse("admin:students_student_change", args=[irina.pk]))
    assert (
        "Ceux de ABARRE Jérémie, responsable : 3 place du Martroi, 45000 ORLEANS · 06 01 02 03 04"
    ) in page(change).text

    # The class list of Irina's course this year, exported with the details used.
    url = reverse("admin:students_student_changelist")
    course = world.enrolment_a.course
    listed = staff.get(url, {"course": course.pk}).content.decode()
    assert f"/admin/students/student/{irina.pk}/change/" in listed
    assert f"/admin/students/student/{world.family_a.students[1].pk}/change/" not in listed
    response = staff.post(
        f"{url}?course={course.pk}",
        {
            "action": "export_contacts",
            "_selected_action": [irina.pk, world.family_b.students[0].pk],
        },
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *lines = rows
    assert header[:7] == ["Nom", "Prénom", "Date de naissance", "Famille", "Adresse",
                          "Code postal", "Ville"]  # fmt: skip
    by_name = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    assert by_name["Irina"]["Adresse"] == "3 place du Martroi"
    assert by_name["Irina"]["Mobile"] == "06 01 02 03 04"
    assert by_name["Irina"]["Adresse et téléphones de"] == "ABARRE Jérémie"


def test_a_course_of_another_establishment_lists_nobody(world):
    chloe = world.family_c.students[0]
    chloe_course = chloe.enrolments.get(course__school_year__is_current=True).course
    url = reverse("admin:students_student_changelist")
    html = client_for(world.staff_1).get(url, {"course": chloe_course.pk}).content.decode()
    assert not re.findall(r"/admin/students/student/\d+/change/", html)
