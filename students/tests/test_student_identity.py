"""A student's Identité: saved as it is shown, it asks the staff for nothing; with "Utiliser les
coordonnées du responsable légal" ticked, the student's own address and phones are not asked
for."""

import re

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


def contact_inputs(html: str) -> dict[str, str]:
    """The student's own address and phone inputs, by name: their whole tags."""
    return {
        name: re.search(rf'<input[^>]*name="{name}"[^>]*>', html)[0]
        for name in Student.CONTACT_FIELDS
        if re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    }


def with_the_box(student, **values):
    Student.objects.filter(pk=student.pk).update(use_guardian_contact=True, **values)


def test_with_the_box_ticked_the_own_address_is_not_asked_for(world):
    irina = world.family_a.students[0]
    with_the_box(irina, city="BLOIS")
    guardian = world.family_a.guardian
    guardian.address, guardian.city = "3 place du Martroi", "ORLEANS"
    guardian.mobile_phone = "06 01 02 03 04"
    guardian.save()
    response = client_for(world.family_a.user).get(url_of(irina))
    html = response.content.decode()

    group = re.search(r'<div id="own-contact" class="own-contact"( hidden)?>', html)
    assert group and group[1] == " hidden"  # hidden without any script
    inputs = contact_inputs(html)
    assert set(inputs) == set(Student.CONTACT_FIELDS)
    assert all(" disabled" in tag for tag in inputs.values())  # not sent
    assert 'aria-controls="own-contact"' in html
    text = page(response).text
    assert (
        "Cochée : l'adresse et les téléphones de ABARRE Jérémie sont utilisés (3 place du "
        "Martroi, 45000 ORLEANS · 06 01 02 03 04)"
    ) in text


def test_an_address_sent_with_the_box_ticked_is_ignored(world):
    """The box ticked at once with a script hiding the fields, or a hostile post."""
    irina = world.family_a.students[0]
    client = client_for(world.family_a.user)
    sent = form_as_sent(client.get(url_of(irina)), action=url_of(irina))
    assert "use_guardian_contact" not in sent

    client.post(
        url_of(irina),
        {**sent, "use_guardian_contact": "on", "city": "BLOIS", "mobile_phone": "12"},
    )

    assert requests_of(irina).get().changes == {
        "use_guardian_contact": {"old": "False", "new": "True"}
    }


def test_unticking_the_box_without_a_script_then_giving_the_own_address(world):
    irina = world.family_a.students[0]
    with_the_box(irina, city="BLOIS")
    client = client_for(world.family_a.user)
    sent = form_as_sent(client.get(url_of(irina)), action=url_of(irina))
    assert not set(sent) & set(Student.CONTACT_FIELDS)  # switched off: not sent
    del sent["use_guardian_contact"]

    client.post(url_of(irina), sent)

    request = requests_of(irina).get()
    assert request.changes == {"use_guardian_contact": {"old": "True", "new": "False"}}
    html = client.get(url_of(irina)).content.decode()
    assert '<div id="own-contact" class="own-contact">' in html  # shown now
    inputs = contact_inputs(html)
    assert " disabled" not in inputs["city"] and 'value="BLOIS"' in inputs["city"]

    shown = client.get(url_of(irina))
    client.post(url_of(irina), {**form_as_sent(shown, action=url_of(irina)), "city": "TOURS"})
    request.refresh_from_db()
    assert request.changes == {
        "use_guardian_contact": {"old": "True", "new": "False"},
        "city": {"old": "BLOIS", "new": "TOURS"},
    }


def test_what_the_box_says_of_the_guardians_details_is_escaped(world):
    irina = world.family_a.students[0]
    guardian = world.family_a.guardian
    guardian.address = "<img src=x onerror=alert(1)>"
    guardian.save(update_fields=["address"])
    html = client_for(world.family_a.user).get(url_of(irina)).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
