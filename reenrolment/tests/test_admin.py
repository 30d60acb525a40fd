"""The staff's side of re-enrolment: the queue, deciding one request, exporting them."""

from django.urls import reverse
from mailer.models import Message

from conftest import client_for
from reenrolment import services
from reenrolment.models import ReenrolmentRequest
from reenrolment.tests.test_services import courses, open_campaign
from tests.html import page


def sent_request(world, *, demands="Le mercredi si possible"):
    campaign, choir, piano, slot = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(
        request=request, step=services.COURSES, answer=courses(choir, slot, piano)
    )
    services.request_submit(request=request, submitted_by=world.family_a.user, demands=demands)
    Message.objects.all().delete()
    return request


def test_the_admin_home_counts_the_requests_to_validate(world):
    sent_request(world)
    home = page(client_for(world.staff_1).get(reverse("admin:index"))).text
    assert "Réinscriptions à valider 2" in home  # with the world's own
    assert (
        "Réinscriptions à valider 1"
        in page(client_for(world.staff_2).get(reverse("admin:index"))).text
    )


def test_a_request_is_validated_from_its_page_and_the_family_mailed(world):
    request = sent_request(world)
    staff = client_for(world.staff_1)
    url = reverse("admin:reenrolment_reenrolmentrequest_change", args=[request.pk])
    shown = page(staff.get(url)).text
    assert "Chorale – Mardi 17:30-19:00" in shown and "Le mercredi si possible" in shown
    staff.post(url, {"_validate": "1", "reason": ""})
    request.refresh_from_db()
    assert request.status == "validated" and request.decided_by == world.staff_1
    assert Message.objects.get().email.subject == (
        "Conservatoire 1 : réinscription de ABARRE Irina validée"
    )


def test_refusing_needs_a_reason_said_next_to_its_field(world):
    request = sent_request(world)
    staff = client_for(world.staff_1)
    url = reverse("admin:reenrolment_reenrolmentrequest_change", args=[request.pk])
    response = staff.post(url, {"_refuse": "1", "reason": ""}, follow=True)
    assert 'id="reason-error"' in response.content.decode()
    staff.post(url, {"_refuse": "1", "reason": "Plus de place en piano."})
    request.refresh_from_db()
    assert (request.status, request.reason) == ("refused", "Plus de place en piano.")


def test_the_csv_export_opens_in_spreadsheet_software(world):
    request = sent_request(world)
    staff = client_for(world.staff_1)
    response = staff.post(
        reverse("admin:reenrolment_reenrolmentrequest_changelist"),
        {"action": "export_csv", "_selected_action": [request.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffÉlève;Responsable;E-mail;État;")
    line = content.splitlines()[1]
    assert line.startswith("ABARRE Irina;ABARRE Jérémie;")
    assert "Chorale | Piano" in line and "Chorale: Mardi 17:30-19:00" in line
    assert "Le mercredi si possible" in line


def test_staff_of_another_establishment_never_see_the_request(world):
    request = sent_request(world)
    url = reverse("admin:reenrolment_reenrolmentrequest_change", args=[request.pk])
    assert client_for(world.staff_2).get(url).status_code == 302
    listing = page(
        client_for(world.staff_2).get(reverse("admin:reenrolment_reenrolmentrequest_changelist"))
    ).text
    assert "ABARRE" not in listing
    assert ReenrolmentRequest.objects.filter(pk=request.pk, status="submitted").exists()


def test_csv_cells_never_run_as_formulas(world):
    request = sent_request(world, demands='=HYPERLINK("http://evil.example","x")')
    response = client_for(world.staff_1).post(
        reverse("admin:reenrolment_reenrolmentrequest_changelist"),
        {"action": "export_csv", "_selected_action": [request.pk]},
    )
    assert "'=HYPERLINK" in response.content.decode("utf-8")


def test_seats_below_those_taken_are_refused_next_to_the_field(world):
    from reenrolment.models import Offer, Slot

    offer = Offer.objects.get(establishment=world.establishment_1, label="Chorale")
    slot = offer.slots.order_by("pk").first()
    Slot.objects.filter(pk=slot.pk).update(taken=5)
    url = reverse("admin:reenrolment_offer_change", args=[offer.pk])
    data = {
        "campaign": offer.campaign_id,
        "establishment": world.establishment_1.pk,
        "label": "Chorale",
        "kind": "collective",
        "position": "0",
        "slots-TOTAL_FORMS": "2",
        "slots-INITIAL_FORMS": "2",
    }
    for number, each in enumerate(offer.slots.order_by("pk")):
        data.update(
            {
                f"slots-{number}-id": each.pk,
                f"slots-{number}-offer": offer.pk,
                f"slots-{number}-establishment": world.establishment_1.pk,
                f"slots-{number}-label": each.label,
                f"slots-{number}-capacity": "2" if each.pk == slot.pk else "10",
            }
        )
    response = client_for(world.staff_1).post(url, data)
    assert response.status_code == 200
    assert "5 places sont déjà prises" in page(response).text
    slot.refresh_from_db()
    assert slot.capacity == 10
