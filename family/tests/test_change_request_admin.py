"""The staff's queue of change requests in the admin."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from family.models import ChangeRequest, ChoiceItem, ChoiceKind
from family.services import change_request_submit
from students.models import Student
from tests.factories import GuardianFactory, StudentFactory
from tests.html import page

CHANGELIST = reverse("admin:family_changerequest_changelist")


def family_b_request(world):
    return ChangeRequest.objects.get(family=world.family_b.family)


def change_url(change_request):
    return reverse("admin:family_changerequest_change", args=[change_request.pk])


def test_the_queue_shows_the_diff_to_its_establishment_only(world):
    request = family_b_request(world)
    listing = client_for(world.staff_1).get(reverse("admin:family_changerequest_changelist"))
    assert "MARTIN Jérémie" in page(listing).text
    text = page(client_for(world.staff_1).get(change_url(request))).text
    assert "Ville ORLEANS TOURS ORLEANS" in text
    assert client_for(world.staff_2).get(change_url(request)).status_code == 302
    other = client_for(world.staff_2).get(reverse("admin:family_changerequest_changelist"))
    assert "MARTIN" not in page(other).text


def test_the_admin_home_counts_the_requests_to_validate(world):
    html = client_for(world.staff_1).get(reverse("admin:index")).content.decode()
    assert "Demandes de modification à valider</a></th><td>1</td>" in html
    # The count links to the requests it counts: those awaiting a decision.
    assert f'<a href="{CHANGELIST}?status__exact=pending">Demandes de modification' in html
    html = client_for(world.staff_2).get(reverse("admin:index")).content.decode()
    assert "Demandes de modification à valider</a></th><td>0</td>" in html


def test_staff_approve_a_request(world):
    request = family_b_request(world)
    response = client_for(world.staff_1).post(change_url(request), {"_approve": "1"})
    assert response.status_code == 302
    world.family_b.guardian.refresh_from_db()
    assert world.family_b.guardian.city == "TOURS"


def test_reject_needs_a_reason_and_keeps_what_was_typed_otherwise(world):
    request = family_b_request(world)
    client = client_for(world.staff_1)
    response = client.post(change_url(request), {"_reject": "1", "reason": ""}, follow=True)
    assert "Indiquez le motif du refus" in page(response).text
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING
    client.post(change_url(request), {"_reject": "1", "reason": "Adresse non justifiée."})
    request.refresh_from_db()
    assert (request.status, request.reason) == ("rejected", "Adresse non justifiée.")


def test_a_conflict_is_shown_and_applied_only_when_ticked(world):
    request = family_b_request(world)
    guardian = world.family_b.guardian
    guardian.city = "BLOIS"
    guardian.save()
    client = client_for(world.staff_1)
    html = client.get(change_url(request)).content.decode()
    assert 'name="confirm" value="city"' in html
    client.post(change_url(request), {"_approve": "1", "confirm": ["city"]})
    guardian.refresh_from_db()
    assert guardian.city == "TOURS"


def test_bulk_approval(world):
    change_request_submit(
        record=world.family_a.guardian, values={"city": "VIERZON"}, requested_by=None
    )
    response = client_for(world.staff_1).post(
        reverse("admin:family_changerequest_changelist"),
        {
            "action": "approve_selected",
            "apply": "1",
            "_selected_action": list(ChangeRequest.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {"approved"}


def test_bulk_approval_shows_each_requests_changes_before_applying_them(world):
    change_request_submit(
        record=world.family_a.guardian,
        values={"city": "VIERZON", "mobile_phone": "0611223344"},
        requested_by=None,
    )
    client = client_for(world.staff_1)
    listing = page(client.get(CHANGELIST)).text
    assert "Ville, Mobile" in listing  # the fields, not a count
    selected = list(ChangeRequest.objects.values_list("pk", flat=True))
    url = f"{CHANGELIST}?status__exact=pending"
    asked = client.post(url, {"action": "approve_selected", "_selected_action": selected})
    assert asked.status_code == 200
    text = page(asked).text
    assert "Ces 2 demandes seront validées" in text
    assert "Ville ORLEANS TOURS ORLEANS" in text and "Ville MONTARGIS VIERZON" not in text
    assert "VIERZON" in text and "0611223344" in text
    assert f'href="{url}"' in asked.content.decode()  # Retour: the list as it was
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {"pending"}
    done = client.post(
        url, {"action": "approve_selected", "apply": "1", "_selected_action": selected}
    )
    assert done["Location"] == url
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {"approved"}


def test_deciding_one_request_comes_back_to_the_filtered_list(world):
    request = family_b_request(world)
    client = client_for(world.staff_1)
    filters = "_changelist_filters=status__exact%3Dpending%26q%3DMARTIN"
    listed = client.get(f"{CHANGELIST}?status__exact=pending&q=MARTIN").content.decode()
    assert f"{change_url(request)}?{filters}" in listed  # Django carries the filters
    missing = client.post(f"{change_url(request)}?{filters}", {"_reject": "1", "reason": ""})
    assert missing["Location"] == f"{change_url(request)}?{filters}&motif=obligatoire"
    done = client.post(f"{change_url(request)}?{filters}", {"_approve": "1"})
    assert done["Location"] == f"{CHANGELIST}?status__exact=pending&q=MARTIN"


def test_staff_of_another_establishment_cannot_decide(world):
    request = family_b_request(world)
    client_for(world.staff_2).post(change_url(request), {"_approve": "1"})
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING


def test_bulk_rejection_asks_for_the_reason_first(world):
    change_request_submit(
        record=world.family_a.guardian, values={"city": "VIERZON"}, requested_by=None
    )
    selected = list(ChangeRequest.objects.values_list("pk", flat=True))
    client = client_for(world.staff_1)
    url = reverse("admin:family_changerequest_changelist")
    asked = client.post(url, {"action": "reject_selected", "_selected_action": selected})
    assert asked.status_code == 200
    assert "Motif (obligatoire pour refuser" in page(asked).text
    empty = client.post(
        url, {"action": "reject_selected", "_selected_action": selected, "apply": "1", "reason": ""}
    )
    assert "Indiquez le motif du refus" in page(empty).text
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {"pending"}
    client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Justificatif manquant.",
        },
    )
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {"rejected"}
    assert set(ChangeRequest.objects.values_list("reason", flat=True)) == {"Justificatif manquant."}


def switch_off(establishment, label: str) -> ChoiceItem:
    item, _created = ChoiceItem.objects.get_or_create(
        establishment=establishment, kind=ChoiceKind.CIVILITY, label=label
    )
    item.is_active = False
    item.save()
    return item


def approve(client, change_request):
    return client.post(change_url(change_request), {"_approve": "1"}, follow=True)


def test_a_stored_entry_switched_off_since_does_not_stop_the_approval(world):
    request = family_b_request(world)
    guardian = world.family_b.guardian
    switch_off(world.establishment_1, "Monsieur")  # the civility family B's guardian holds
    response = approve(client_for(world.staff_1), request)
    assert response.status_code == 200
    assert "Demande validée." in page(response).text
    guardian.refresh_from_db()
    assert (guardian.city, guardian.civility.label) == ("TOURS", "Monsieur")


def test_an_entry_asked_for_then_switched_off_is_left_with_a_message(world):
    guardian = world.family_a.guardian
    madame = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.CIVILITY, label="Madame"
    )
    request = change_request_submit(
        record=guardian, values={"civility": madame, "city": "TOURS"}, requested_by=None
    )
    switch_off(world.establishment_1, "Madame")
    response = approve(client_for(world.staff_1), request)
    text = page(response).text
    assert "Demande validée." in text
    assert (
        "Civilité : valeur laissée en l'état, « Madame » n'est plus proposé dans sa liste." in text
    )
    guardian.refresh_from_db()
    assert (guardian.city, guardian.civility.label) == ("TOURS", "Monsieur")
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED


def test_an_entry_switched_off_is_said_by_the_bulk_approval_too(world):
    guardian = world.family_a.guardian
    madame = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind=ChoiceKind.CIVILITY, label="Madame"
    )
    change_request_submit(record=guardian, values={"civility": madame}, requested_by=None)
    switch_off(world.establishment_1, "Madame")
    response = client_for(world.staff_1).post(
        CHANGELIST,
        {
            "action": "approve_selected",
            "apply": "1",
            "_selected_action": list(ChangeRequest.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    text = page(response).text
    assert "2 demande(s) validée(s)" in text
    assert "Demande concernant ABARRE Jérémie : Civilité : valeur laissée en l'état" in text
    guardian.refresh_from_db()
    assert guardian.civility.label == "Monsieur"


def test_a_value_the_record_refuses_is_a_message_never_an_error_page(world):
    request = family_b_request(world)
    # A value no form would send (a request stored before a rule changed, say).
    request.changes = {
        "city": {"old": "ORLEANS", "new": "TOURS"},
        "email": {"old": world.family_b.guardian.email, "new": "pas une adresse"},
    }
    request.save()
    client = client_for(world.staff_1)
    text = page(approve(client, request)).text
    assert "Cette demande ne peut pas être validée en l'état (E-mail : " in text
    assert "rien n'a été modifié" in text
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING
    world.family_b.guardian.refresh_from_db()
    assert world.family_b.guardian.city == "ORLEANS"

    change_request_submit(
        record=world.family_a.guardian, values={"city": "VIERZON"}, requested_by=None
    )
    response = client.post(
        CHANGELIST,
        {
            "action": "approve_selected",
            "apply": "1",
            "_selected_action": list(ChangeRequest.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    text = page(response).text
    assert "La demande concernant MARTIN Jérémie n'a pas été validée : Cette demande" in text
    assert "1 demande(s) validée(s)" in text
    world.family_a.guardian.refresh_from_db()
    assert world.family_a.guardian.city == "VIERZON"


def test_an_e_mail_of_another_family_login_is_left_and_the_rest_applied(world):
    guardian = world.family_a.guardian
    taken = world.family_b.user.email.upper()  # compared without case, as the user admin does
    request = change_request_submit(
        record=guardian, values={"email": taken, "city": "TOURS"}, requested_by=None
    )
    text = page(approve(client_for(world.staff_1), request)).text
    assert "Demande validée." in text
    assert (
        f"E-mail : valeur laissée en l'état, {taken} est déjà l'adresse e-mail d'un autre "
        "compte famille de cet établissement" in text
    )
    guardian.refresh_from_db()
    world.family_a.user.refresh_from_db()
    assert guardian.city == "TOURS"
    assert guardian.email != taken
    assert world.family_a.user.email == "abarre1@example.org"


def test_an_e_mail_of_a_login_of_another_establishment_is_applied(world):
    guardian = world.family_a.guardian
    elsewhere = world.family_c.user.email
    request = change_request_submit(record=guardian, values={"email": elsewhere}, requested_by=None)
    approve(client_for(world.staff_1), request)
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.email == elsewhere


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_reads_the_records_once_per_record_type(world):
    family = world.family_a.family
    student = ContentType.objects.get_for_model(Student)
    ChangeRequest.objects.create(
        establishment=world.establishment_1,
        family=family,
        content_type=student,
        object_id=world.family_a.students[0].pk,
        changes={"birth_place": {"old": "", "new": "Orléans"}},
    )
    client = client_for(world.staff_1)
    client.get(CHANGELIST)  # the session and the content types, read once and kept
    small = changelist_queries(client)
    guardian = ContentType.objects.get_for_model(world.family_a.guardian)
    for _number in range(9):
        ChangeRequest.objects.create(
            establishment=world.establishment_1,
            family=family,
            content_type=guardian,
            object_id=GuardianFactory(family=family).pk,
            changes={"city": {"old": "ORLEANS", "new": "TOURS"}},
        )
        ChangeRequest.objects.create(
            establishment=world.establishment_1,
            family=family,
            content_type=student,
            object_id=StudentFactory(family=family).pk,
            changes={"birth_place": {"old": "", "new": "Orléans"}},
        )
    assert ChangeRequest.objects.count() == 20
    response = client.get(CHANGELIST)
    assert page(response).text.count("ABARRE") >= 19
    assert changelist_queries(client) == small


def test_a_stored_value_no_longer_read_is_a_message_not_a_server_error(world):
    """A request whose stored date cannot be read any more (an older format): approving it
    says why, and changes nothing."""
    from family.exceptions import FamilyError
    from family.services import change_request_approve

    irina = world.family_a.students[0]
    request = ChangeRequest.objects.create(
        establishment=world.establishment_1,
        family=world.family_a.family,
        content_type=ContentType.objects.get_for_model(irina),
        object_id=irina.pk,
        changes={
            "birth_date": {
                "old": irina.birth_date.isoformat() if irina.birth_date else "",
                "new": "pas une date",
            }
        },
    )
    with pytest.raises(FamilyError, match="Date de naissance"):
        change_request_approve(change_request=request, decided_by=world.staff_1)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING
