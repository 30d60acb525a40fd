"""The staff's queue of change requests in the admin."""

from django.urls import reverse

from conftest import client_for
from family.models import ChangeRequest
from family.services import change_request_submit
from tests.html import page


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
            "_selected_action": list(ChangeRequest.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {"approved"}


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
