"""A student's Identité: saved as it is shown, it asks the staff for nothing."""

from django.urls import reverse
from mailer.models import Message

from conftest import client_for
from family.models import ChangeRequest, ChoiceItem, ChoiceKind
from students.models import SchoolLevel, SchoolYear, Student
from tests.html import form_as_sent, page


def url_of(student) -> str:
    return reverse("students:detail", args=[student.pk])


def requests_of(student):
    return ChangeRequest.objects.filter(object_id=student.pk, content_type__model="student")


def level(world, student, label: str) -> ChoiceItem:
    """``student``'s school level this year: ``label``."""
    entry = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.SCHOOL_LEVEL, label=label
    )
    SchoolLevel.objects.create(
        establishment=world.establishment_1,
        student=student,
        school_year=SchoolYear.objects.get(establishment=world.establishment_1, is_current=True),
        level=entry,
    )
    return entry


def test_the_students_form_saved_as_shown_asks_for_nothing_and_mails_nothing(world):
    irina = world.family_a.students[0]
    level(world, irina, "2nde")
    mademoiselle = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.CIVILITY, label="Mademoiselle"
    )
    Student.objects.filter(pk=irina.pk).update(
        civility=mademoiselle, home_phone="0238550238", birth_place="Orléans (45)"
    )
    mademoiselle.is_active = False  # switched off by the staff since
    mademoiselle.save()
    client = client_for(world.family_a.user)
    shown = client.get(url_of(irina))

    response = client.post(url_of(irina), form_as_sent(shown, action=url_of(irina)))

    assert response.status_code == 302
    assert not requests_of(irina).exists()
    assert not Message.objects.exists()
    assert "Aucune modification" in page(client.get(url_of(irina))).text


def test_a_school_level_switched_off_since_is_kept_when_saved_as_shown(world):
    irina = world.family_a.students[0]
    level(world, irina, "Seconde").__class__.objects.filter(label="Seconde").update(is_active=False)
    client = client_for(world.family_a.user)
    shown = client.get(url_of(irina))
    assert "Seconde (n'est plus proposé)" in page(shown).text

    client.post(url_of(irina), form_as_sent(shown, action=url_of(irina)))

    assert not requests_of(irina).exists()
    assert SchoolLevel.objects.get(student=irina).level.label == "Seconde"
