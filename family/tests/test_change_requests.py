"""Pending changes (services): saving never changes the record; staff decide."""

import pytest
from django.core import mail
from django.core.management import call_command

from family.exceptions import FamilyError
from family.models import ChangeRequest, ChoiceItem, ChoiceKind
from family.services import (
    change_request_approve,
    change_request_reject,
    change_request_submit,
)


def sent() -> list:
    mail.outbox = []
    call_command("mail_worker", once=True)
    return mail.outbox


def identity(guardian, **changes):
    values = {
        "last_name": guardian.last_name,
        "first_name": guardian.first_name,
        "city": guardian.city,
        "mobile_phone": guardian.mobile_phone,
        "email": guardian.email,
        "civility": guardian.civility,
    }
    return {**values, **changes}


def test_a_request_round_trip(world):
    guardian = world.family_a.guardian
    request = change_request_submit(
        record=guardian,
        values=identity(guardian, city="TOURS", mobile_phone="06 11 22 33 44"),
        requested_by=world.family_a.user,
    )
    guardian.refresh_from_db()
    assert guardian.city == "ORLEANS"  # nothing applied yet
    assert request.changes == {
        "city": {"old": "ORLEANS", "new": "TOURS"},
        "mobile_phone": {"old": "", "new": "06 11 22 33 44"},
    }
    (ack,) = sent()
    assert ack.subject == "Conservatoire 1 : votre demande de modification a bien été reçue"

    assert change_request_approve(change_request=request, decided_by=world.staff_1) == []
    guardian.refresh_from_db()
    assert (guardian.city, guardian.mobile_phone) == ("TOURS", "06 11 22 33 44")
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED
    (outcome,) = sent()
    assert "ont été vérifiées et appliquées" in outcome.body


def test_two_edits_make_one_request_and_unchanged_values_none(world):
    guardian = world.family_a.guardian
    assert (
        change_request_submit(
            record=guardian, values=identity(guardian), requested_by=world.family_a.user
        )
        is None
    )
    first = change_request_submit(
        record=guardian, values=identity(guardian, city="TOURS"), requested_by=None
    )
    second = change_request_submit(
        record=guardian, values=identity(guardian, city="BLOIS"), requested_by=None
    )
    assert first.pk == second.pk
    assert ChangeRequest.objects.filter(family=world.family_a.family).count() == 1
    assert second.changes == {"city": {"old": "ORLEANS", "new": "BLOIS"}}
    # Setting everything back withdraws the request.
    change_request_submit(record=guardian, values=identity(guardian), requested_by=None)
    assert ChangeRequest.objects.filter(family=world.family_a.family).count() == 0


def test_reject_needs_a_reason_and_tells_the_family(world):
    guardian = world.family_a.guardian
    request = change_request_submit(
        record=guardian, values=identity(guardian, last_name="ABBARE"), requested_by=None
    )
    with pytest.raises(FamilyError):
        change_request_reject(change_request=request, decided_by=world.staff_1, reason="  ")
    sent()
    change_request_reject(
        change_request=request, decided_by=world.staff_1, reason="Nom d'état civil inchangé."
    )
    guardian.refresh_from_db()
    assert guardian.last_name == "ABARRE"
    (outcome,) = sent()
    assert "Nom d'état civil inchangé." in outcome.body


def test_a_stale_value_is_a_conflict_applied_only_when_confirmed(world):
    guardian = world.family_a.guardian
    request = change_request_submit(
        record=guardian,
        values=identity(guardian, city="TOURS", first_name="Jérôme"),
        requested_by=None,
    )
    guardian.city = "BLOIS"  # the staff changed it meanwhile
    guardian.save()
    assert change_request_approve(change_request=request, decided_by=world.staff_1) == ["city"]
    guardian.refresh_from_db()
    assert (guardian.city, guardian.first_name) == ("BLOIS", "Jérôme")

    request = change_request_submit(
        record=guardian, values=identity(guardian, city="TOURS"), requested_by=None
    )
    guardian.city = "ORLEANS"
    guardian.save()
    change_request_approve(
        change_request=request, decided_by=world.staff_1, confirmed=frozenset({"city"})
    )
    guardian.refresh_from_db()
    assert guardian.city == "TOURS"


def test_an_approved_e_mail_becomes_the_logins_e_mail(world):
    guardian = world.family_a.guardian
    request = change_request_submit(
        record=guardian, values=identity(guardian, email="nouvelle@example.org"), requested_by=None
    )
    change_request_approve(change_request=request, decided_by=world.staff_1)
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.email == "nouvelle@example.org"


def test_a_decided_request_cannot_be_decided_again(world):
    guardian = world.family_a.guardian
    request = change_request_submit(
        record=guardian, values=identity(guardian, city="TOURS"), requested_by=None
    )
    change_request_approve(change_request=request, decided_by=world.staff_1)
    with pytest.raises(FamilyError):
        change_request_reject(change_request=request, decided_by=world.staff_1, reason="Non")


def test_students_records_use_the_same_flow(world):
    irina = world.family_a.students[0]
    request = change_request_submit(
        record=irina,
        values={"birth_place": "Orléans (45)", "image_rights": True},
        requested_by=None,
    )
    change_request_approve(change_request=request, decided_by=world.staff_1)
    irina.refresh_from_db()
    assert (irina.birth_place, irina.image_rights) == ("Orléans (45)", True)


def test_a_students_stored_entry_switched_off_and_a_level_switched_off_since(world):
    from students.models import SchoolLevel

    irina = world.family_a.students[0]
    civility = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.CIVILITY, label="Mademoiselle"
    )
    irina.civility = civility
    irina.save()
    level = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.SCHOOL_LEVEL, label="2nde"
    )
    request = change_request_submit(
        record=irina,
        values={"birth_place": "Orléans (45)", "school_level": level},
        requested_by=None,
    )
    ChoiceItem.objects.filter(pk__in=[civility.pk, level.pk]).update(is_active=False)
    sent()  # the acknowledgement
    left = change_request_approve(change_request=request, decided_by=world.staff_1)
    assert left == ["school_level"]
    assert left.conflicts == []
    assert "« 2nde » n'est plus proposé dans sa liste" in str(left.refused["school_level"])
    irina.refresh_from_db()
    assert (irina.birth_place, irina.civility) == ("Orléans (45)", civility)
    assert not SchoolLevel.objects.filter(student=irina).exists()
    (outcome,) = sent()
    assert "Certaines n'ont pas pu être appliquées" in outcome.body  # the family is told


def test_an_empty_list_entry_is_stored_empty_and_every_page_shows_the_request(world):
    """A guardian without a civility asks for one: the value before is "", not "None", and
    the family's page and the staff's request page both open."""
    from conftest import client_for, log_in_to_the_admin

    guardian = world.family_a.guardian
    guardian.civility = None
    guardian.save()
    madame = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.CIVILITY, label="Madame"
    )
    request = change_request_submit(
        record=guardian, values=identity(guardian, civility=madame), requested_by=None
    )
    assert request.changes == {"civility": {"old": "", "new": str(madame.pk)}}
    assert client_for(world.family_a.user).get("/famille/").status_code == 200
    staff = client_for(None)
    log_in_to_the_admin(staff, world.staff_1)
    page = staff.get(f"/admin/family/changerequest/{request.pk}/change/")
    assert page.status_code == 200 and "Madame" in page.content.decode()
    assert change_request_approve(change_request=request, decided_by=world.staff_1) == []
    guardian.refresh_from_db()
    assert guardian.civility == madame
