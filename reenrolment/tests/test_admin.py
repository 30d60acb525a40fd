"""The staff's side of re-enrolment: the queue, deciding one request, exporting them."""

import re

from django.urls import reverse
from mailer.models import Message

from conftest import client_for
from reenrolment import services
from reenrolment.models import ReenrolmentRequest
from reenrolment.tests.test_services import courses, open_campaign
from tests.html import Page, page


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


def test_deciding_from_a_filtered_list_comes_back_to_it(world):
    request = sent_request(world)
    staff = client_for(world.staff_1)
    listing = reverse("admin:reenrolment_reenrolmentrequest_changelist")
    filters = "_changelist_filters=status__exact%3Dsubmitted%26q%3DIrina"
    url = reverse("admin:reenrolment_reenrolmentrequest_change", args=[request.pk])
    missing = staff.post(f"{url}?{filters}", {"_refuse": "1", "reason": ""})
    assert missing["Location"] == f"{url}?{filters}&motif=obligatoire"
    done = staff.post(f"{url}?{filters}", {"_validate": "1", "reason": ""})
    assert done["Location"] == f"{listing}?status__exact=submitted&q=Irina"


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


def three_requests(world):
    """In one campaign: Irina sent with the choir (Tuesday), Paul sent with piano, Lucas
    (family B) declined."""
    campaign, choir, piano, slot = open_campaign(world.establishment_1)
    irina, paul = world.family_a.students
    lucas = world.family_b.students[0]
    requests = {}
    for student, answer in ((irina, courses(choir, slot)), (paul, {"offers": [piano.pk]})):
        request = services.request_start(campaign=campaign, student=student)
        services.request_save_step(request=request, step=services.COURSES, answer=answer)
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
        requests[student.first_name] = request
    requests["Lucas"] = services.request_start(campaign=campaign, student=lucas)
    services.request_decline(request=requests["Lucas"])
    Message.objects.all().delete()
    return campaign, choir, piano, slot, requests


def listed(client, query: str = "") -> set[str]:
    """The students of the requests' list, as filtered by ``query``."""
    url = reverse("admin:reenrolment_reenrolmentrequest_changelist") + query
    response = client.get(url)
    assert response.status_code == 200, url
    table = re.search(r'<table id="result_list".*?</table>', response.content.decode(), re.S)
    shown = Page(table.group(0)).text if table else ""
    return {name for name in ("ABARRE Irina", "ABARRE Paul", "MARTIN Lucas") if name in shown}


def test_the_list_filters_by_state_course_and_time_slot(world):
    campaign, choir, piano, slot, _requests = three_requests(world)
    staff = client_for(world.staff_1)
    in_campaign = f"?campaign__id__exact={campaign.pk}"
    sidebar = staff.get(reverse("admin:reenrolment_reenrolmentrequest_changelist")).content
    for parameter in ("status__exact=", "choices__offer__id__exact=", "choices__slot__id__exact="):
        assert parameter in sidebar.decode(), parameter  # offered in the filters
    assert listed(staff, in_campaign) == {"ABARRE Irina", "ABARRE Paul", "MARTIN Lucas"}
    assert listed(staff, f"{in_campaign}&status__exact=submitted") == {
        "ABARRE Irina",
        "ABARRE Paul",
    }
    assert listed(staff, f"{in_campaign}&status__exact=declined") == {"MARTIN Lucas"}
    assert listed(staff, f"?choices__offer__id__exact={choir.pk}") == {"ABARRE Irina"}
    assert listed(staff, f"?choices__offer__id__exact={piano.pk}") == {"ABARRE Paul"}
    assert listed(staff, f"?choices__slot__id__exact={slot.pk}") == {"ABARRE Irina"}
    # Another establishment's staff never see them, whatever the filter.
    assert listed(client_for(world.staff_2), f"?choices__offer__id__exact={choir.pk}") == set()


def test_refusing_several_at_once_asks_the_reason_once(world):
    _campaign, _choir, _piano, slot, requests = three_requests(world)
    staff = client_for(world.staff_1)
    url = reverse("admin:reenrolment_reenrolmentrequest_changelist")
    selected = [request.pk for request in requests.values()]
    asked = staff.post(url, {"action": "refuse_selected", "_selected_action": selected})
    assert asked.status_code == 200
    text = page(asked).text
    assert "ABARRE Irina" in text and "ABARRE Paul" in text
    assert "1 des éléments sélectionnés n'attend pas de décision" in text  # the declined one
    awaiting = [requests["Irina"].pk, requests["Paul"].pk]
    data = {"action": "refuse_selected", "apply": "1", "_selected_action": awaiting}
    missing = staff.post(url, {**data, "reason": "  "})
    assert 'id="reason-error"' in missing.content.decode()
    assert set(
        ReenrolmentRequest.objects.filter(pk__in=awaiting).values_list("status", flat=True)
    ) == {"submitted"}
    done = staff.post(url, {**data, "reason": "Plus de place cette année."}, follow=True)
    assert "Réinscriptions refusées." in page(done).text
    for request in ReenrolmentRequest.objects.filter(pk__in=awaiting):
        assert (request.status, request.reason) == ("refused", "Plus de place cette année.")
        assert request.decided_by == world.staff_1
    assert ReenrolmentRequest.objects.get(pk=requests["Lucas"].pk).status == "declined"
    slot.refresh_from_db()
    assert slot.taken == 0  # Irina's seat given back
    # Irina's refusal to her guardian, Paul's to both of his (each told of their children).
    assert sorted(address for m in Message.objects.all() for address in m.email.to) == sorted(
        [world.family_a.user.email, world.family_a.user.email, world.family_a2.user.email]
    )
    assert all("Plus de place cette année." in m.email.body for m in Message.objects.all())


def test_the_staff_take_note_of_declines_from_the_list_and_from_the_request_page(world):
    from accounts.models import AuditEntry

    _campaign, _choir, _piano, _slot, requests = three_requests(world)
    staff = client_for(world.staff_1)
    lucas = requests["Lucas"]
    page_url = reverse("admin:reenrolment_reenrolmentrequest_change", args=[lucas.pk])
    assert 'name="_acknowledge"' in staff.get(page_url).content.decode()
    # Another establishment's staff cannot.
    client_for(world.staff_2).post(page_url, {"_acknowledge": "1"})
    assert ReenrolmentRequest.objects.get(pk=lucas.pk).decided_at is None
    response = staff.post(page_url, {"_acknowledge": "1"})
    assert response["Location"] == reverse("admin:reenrolment_reenrolmentrequest_changelist")
    lucas.refresh_from_db()
    assert lucas.decided_by == world.staff_1 and lucas.decided_at is not None
    assert 'name="_acknowledge"' not in staff.get(page_url).content.decode()
    # A second click from a page shown before: an error, nothing saved.
    again = staff.post(page_url, {"_acknowledge": "1", "status": "validated"}, follow=True)
    assert "plus de non-réinscription dont prendre acte" in page(again).text
    assert ReenrolmentRequest.objects.get(pk=lucas.pk).status == "declined"
    assert AuditEntry.objects.filter(
        action="reenrolment.request.decline_acknowledged", object_id=str(lucas.pk)
    ).exists()

    # From the list: a second decline noted, a request awaiting validation left as it is.
    campaign = lucas.campaign
    paul = world.family_a.students[1]
    ReenrolmentRequest.objects.filter(pk=requests["Paul"].pk).update(status="declined")
    response = staff.post(
        reverse("admin:reenrolment_reenrolmentrequest_changelist"),
        {
            "action": "acknowledge_declined",
            "_selected_action": [requests["Paul"].pk, requests["Irina"].pk, lucas.pk],
        },
        follow=True,
    )
    text = page(response).text
    assert "Pris acte de 1 non-réinscription(s)." in text
    assert "2 laissée(s) telle(s) quelle(s)" in text
    declined = ReenrolmentRequest.objects.get(student=paul, campaign=campaign)
    assert declined.decided_by == world.staff_1
    assert ReenrolmentRequest.objects.get(pk=requests["Irina"].pk).decided_at is None
