"""The families' side of re-enrolment: the tab and the home box while a campaign is open,
the choice, the wizard's steps, sending, and what stays out of reach."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from reenrolment.models import ReenrolmentRequest, Slot
from reenrolment.tests.test_services import open_campaign
from tests.html import Page, page


@pytest.fixture
def campaign(world):
    return open_campaign(world.establishment_1, seats=10, all_steps=True)


def through_first_steps(client, world):
    """Steps 1 to 3 gone through: contact details, the rules accepted, no document asked."""
    start(client, world)
    request = ReenrolmentRequest.objects.get(student=irina(world))
    from reenrolment import services

    services.request_save_step(request=request, step="coordonnees", answer={"checked": True})
    client.post(step_url(world, "autorisations"), {"go": "next", "rules_accepted": "on"})


def irina(world):
    return world.family_a.students[0]


def step_url(world, slug):
    return reverse("reenrolment:step", args=[irina(world).pk, slug])


def start(client, world):
    return client.post(reverse("reenrolment:start", args=[irina(world).pk]), {"action": "start"})


def no_home_box(client) -> bool:
    response = client.get("/")
    return 'id="home-reenrolments"' not in response.content.decode() and (
        "Réinscriptions" not in page(response).text
    )


def test_outside_the_dates_no_tab_no_box_and_a_clear_message(world):
    client = client_for(world.family_a.user)
    student_page = page(client.get(reverse("students:detail", args=[irina(world).pk]))).text
    assert "Réinscription" not in student_page
    assert no_home_box(client)  # the world's campaign is over
    response = start(client, world)
    assert response.status_code == 200
    assert "La réinscription n'est pas ouverte en ce moment" in page(response).text
    assert not ReenrolmentRequest.objects.filter(student=irina(world)).exists()


def test_before_the_opening_and_after_the_closing_no_box(world, campaign):
    import datetime

    from django.utils import timezone

    the_campaign = campaign[0]
    client = client_for(world.family_a.user)
    assert not no_home_box(client)
    now = timezone.now()
    for opens, closes in ((1, 10), (-10, -1)):
        the_campaign.opens_at = now + datetime.timedelta(days=opens)
        the_campaign.closes_at = now + datetime.timedelta(days=closes)
        the_campaign.save()
        assert no_home_box(client), (opens, closes)


def test_while_open_the_tab_and_the_home_box_lead_to_it(world, campaign):
    client = client_for(world.family_a.user)
    home = page(client.get("/")).text
    assert "ABARRE Irina – Jusqu'au" in home and "ABARRE Paul – Jusqu'au" in home
    detail = client.get(reverse("students:detail", args=[irina(world).pk])).content.decode()
    assert f'href="{reverse("reenrolment:start", args=[irina(world).pk])}"' in detail


def test_choosing_to_re_enrol_opens_the_first_step_with_a_saved_draft(world, campaign):
    client = client_for(world.family_a.user)
    response = start(client, world)
    assert response["Location"] == step_url(world, "coordonnees")
    assert ReenrolmentRequest.objects.get(student=irina(world)).status == "draft"
    text = page(client.get(step_url(world, "coordonnees"))).text
    assert "Étape 1 : Modification des coordonnées" in text


def test_going_on_opens_the_step_where_the_family_stopped_with_the_done_ones_ticked(
    world, campaign
):
    _campaign, choir, _piano, slot = campaign
    client = client_for(world.family_a.user)
    through_first_steps(client, world)  # contact details, then the rules accepted
    client.post(step_url(world, "documents"), {"go": "next"})  # none asked
    # Cours left with Précédent, half answered (no time slot): not complete.
    client.post(step_url(world, "cours"), {"go": "previous", "offers": [choir.pk]})
    assert start(client, world)["Location"] == step_url(world, "cours")
    html = client.get(step_url(world, "cours")).content.decode()
    bubbles = page(client.get(step_url(world, "cours"))).text
    assert "Étape 1, terminée : Modification des coordonnées ✓" in bubbles
    assert "Étape 3, terminée : Documents ✓" in bubbles
    assert "Étape 4 : Cours" in bubbles and "Étape 4, terminée" not in bubbles
    assert html.count("wizard-step-done") == 3
    client.post(
        step_url(world, "cours"),
        {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk},
    )
    assert start(client, world)["Location"] == step_url(world, "recapitulatif")
    client.post(step_url(world, "recapitulatif"), {"go": "next"})
    assert start(client, world)["Location"] == step_url(world, "finalisation")


def test_the_rules_must_be_accepted_said_next_to_the_field(world, campaign):
    client = client_for(world.family_a.user)
    start(client, world)
    response = client.post(step_url(world, "autorisations"), {"go": "next", "image_rights": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_rules_accepted_error"' in html
    assert "Acceptez le règlement de l'établissement pour continuer." in page(response).text
    image_rights = re.search(r'<input[^>]*name="image_rights"[^>]*>', html).group(0)
    assert "checked" in image_rights  # what was ticked is kept
    response = client.post(step_url(world, "autorisations"), {"go": "next", "rules_accepted": "on"})
    assert response["Location"] == step_url(world, "documents")
    answers = ReenrolmentRequest.objects.get(student=irina(world)).answers
    assert answers["autorisations"]["rules_accepted"] is True


def test_without_waiting_lists_a_full_slot_is_shown_full_and_refused(world, campaign):
    the_campaign, choir, _piano, slot = campaign
    the_campaign.waiting_lists = False
    the_campaign.save()
    Slot.objects.filter(pk=slot.pk).update(taken=10)
    client = client_for(world.family_a.user)
    start(client, world)
    shown = page(client.get(step_url(world, "cours"))).text
    assert "Mardi 17:30-19:00 – complet" in shown
    response = client.post(
        step_url(world, "cours"),
        {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk},
    )
    assert "Ce créneau est complet : choisissez-en un autre." in page(response).text
    assert f'id="id_slot_{choir.pk}_error"' in response.content.decode()


def test_nothing_chosen_is_said_at_the_top(world, campaign):
    client = client_for(world.family_a.user)
    start(client, world)
    response = client.post(step_url(world, "cours"), {"go": "next"})
    assert "Cochez la réinscription administrative" in page(response).text
    assert 'id="error-summary"' in response.content.decode()


def test_a_step_switched_off_is_404_and_the_others_are_numbered_again(world, campaign):
    the_campaign = campaign[0]
    the_campaign.step_documents = False
    the_campaign.save()
    client = client_for(world.family_a.user)
    start(client, world)
    assert client.get(step_url(world, "documents")).status_code == 404
    assert "Étape 3 : Cours" in page(client.get(step_url(world, "cours"))).text
    assert client.get(step_url(world, "nimporte")).status_code == 404


def test_sending_then_sending_again_sends_once(world, campaign):
    _campaign, choir, _piano, slot = campaign
    client = client_for(world.family_a.user)
    through_first_steps(client, world)
    client.post(
        step_url(world, "cours"),
        {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk},
    )
    for _click in range(2):
        client.post(step_url(world, "finalisation"), {"go": "send", "demands": "Merci"})
    request = ReenrolmentRequest.objects.get(student=irina(world))
    assert request.status == "submitted" and request.demands == "Merci"
    slot.refresh_from_db()
    assert slot.taken == 1
    text = page(client.get(reverse("reenrolment:start", args=[irina(world).pk]))).text
    assert "Réinscription en attente de validation" in text
    assert "Chorale – Mardi 17:30-19:00" in text


def test_a_click_read_as_a_draft_but_sent_meanwhile_lands_on_the_tab(world, campaign, monkeypatch):
    """The second of two clicks reads the draft before the first one sends it: it sends nothing
    and says nothing wrong; it lands on the tab, which says the re-enrolment is sent."""
    _campaign, choir, _piano, slot = campaign
    client = client_for(world.family_a.user)
    through_first_steps(client, world)
    client.post(
        step_url(world, "cours"),
        {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk},
    )
    from reenrolment import views

    stale = ReenrolmentRequest.objects.get(student=irina(world))
    client.post(step_url(world, "finalisation"), {"go": "send"})
    monkeypatch.setattr(views, "_draft_of", lambda request, campaign, student_id: stale)
    response = client.post(step_url(world, "finalisation"), {"go": "send", "demands": "Merci"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reenrolment:start", args=[irina(world).pk])
    slot.refresh_from_db()
    assert slot.taken == 1
    text = page(client.get(response["Location"])).text
    assert "déjà été envoyée" not in text and "en attente de validation" in text


def test_a_slot_filled_meanwhile_sends_the_family_back_to_the_courses(world, campaign):
    _campaign, choir, _piano, slot = campaign
    client = client_for(world.family_a.user)
    through_first_steps(client, world)
    client.post(
        step_url(world, "cours"),
        {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk},
    )
    Slot.objects.filter(pk=slot.pk).update(taken=10)
    response = client.post(step_url(world, "finalisation"), {"go": "send"})
    assert response["Location"] == step_url(world, "cours")
    text = page(client.get(step_url(world, "cours"))).text
    assert "vient d'être complet" in text
    assert ReenrolmentRequest.objects.get(student=irina(world)).status == "draft"


def test_declining_asks_first_and_can_be_undone(world, campaign):
    client = client_for(world.family_a.user)
    decline = reverse("reenrolment:decline", args=[irina(world).pk])
    assert "Confirmez-vous ne pas réinscrire ABARRE Irina" in page(client.get(decline)).text
    assert not ReenrolmentRequest.objects.filter(student=irina(world)).exists()
    client.post(decline)
    assert ReenrolmentRequest.objects.get(student=irina(world)).status == "declined"
    start_url = reverse("reenrolment:start", args=[irina(world).pk])
    assert (
        "Vous nous avez indiqué ne pas réinscrire ABARRE Irina" in page(client.get(start_url)).text
    )
    client.post(start_url, {"action": "undo"})
    assert ReenrolmentRequest.objects.get(student=irina(world)).status == "draft"


@pytest.mark.parametrize("persona", ["family_b", "family_c"])
def test_another_familys_student_is_404_everywhere(world, campaign, persona):
    client = client_for(getattr(world, persona).user)
    student = irina(world).pk
    for url in (
        reverse("reenrolment:start", args=[student]),
        reverse("reenrolment:decline", args=[student]),
        reverse("reenrolment:step", args=[student, "cours"]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "start"}).status_code == 404, url
    assert not ReenrolmentRequest.objects.filter(student=irina(world)).exists()


def test_a_document_sent_from_the_wizard_leads_back_to_it(world, campaign):
    from family.tests.upload_files import pdf

    the_campaign = campaign[0]
    the_campaign.required_documents.set([world.student_document_type])
    client = client_for(world.family_a.user)
    start(client, world)
    wizard = step_url(world, "documents")
    shown = client.get(wizard).content.decode()
    document_url = reverse(
        "students:document", args=[irina(world).pk, world.student_document_type.pk]
    )
    assert f'href="{document_url}?retour=/reinscription/' in shown
    blocked = client.post(wizard, {"go": "next"})
    assert (
        "Envoyez chaque document demandé avant de continuer" in page(client.get(wizard)).text
        or blocked.status_code == 200
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    imported = client.post(
        f"{document_url}?retour={wizard}",
        {"action": "import", "retour": wizard, "file": SimpleUploadedFile("a.pdf", pdf())},
    )
    assert imported["Location"] == f"{document_url}?retour={wizard.replace('/', '%2F')}"
    page_with_draft = client.get(imported["Location"]).content.decode()
    assert f'href="{wizard}"' in page_with_draft  # "Retour à la réinscription"
    # An address elsewhere is never offered as the way back.
    elsewhere = client.get(f"{document_url}?retour=https://evil.example/").content.decode()
    assert 'href="https://evil.example/"' not in elsewhere
    assert "Retour à la réinscription" not in elsewhere


def test_going_back_keeps_what_was_typed_and_is_never_blocked(world, campaign):
    _campaign, choir, _piano, slot = campaign
    client = client_for(world.family_a.user)
    start(client, world)
    response = client.post(
        step_url(world, "autorisations"), {"go": "previous", "image_rights": "on"}
    )
    assert response["Location"] == step_url(world, "coordonnees")  # rules not ticked: fine
    response = client.post(
        step_url(world, "cours"),
        {"go": "previous", "offers": [choir.pk]},  # no slot chosen yet: fine too
    )
    assert response["Location"] == step_url(world, "documents")
    client.post(step_url(world, "finalisation"), {"go": "previous", "demands": "Le mardi"})
    request = ReenrolmentRequest.objects.get(student=irina(world))
    assert request.answers["autorisations"]["image_rights"] is True
    assert request.answers["cours"]["offers"] == [choir.pk]
    assert "Le mardi" in client.get(step_url(world, "finalisation")).content.decode()


def test_going_back_keeps_only_the_campaigns_offers_and_slots(world, campaign):
    """Précédent saves what was ticked without checking it: what is not an offer or a time
    slot of the campaign (a huge number, another offer's slot, a foreign digit) is dropped,
    and the summary still shows what was kept."""
    _campaign, choir, piano, slot = campaign
    client = client_for(world.family_a.user)
    through_first_steps(client, world)
    response = client.post(
        step_url(world, "cours"),
        {
            "go": "previous",
            "offers": [str(choir.pk), "99999999999999999999999999", "²", str(piano.pk)],
            f"slot_{choir.pk}": str(slot.pk),
            f"slot_{piano.pk}": str(slot.pk),  # the choir's slot, not the piano's
        },
    )
    assert response.status_code == 302
    request = ReenrolmentRequest.objects.get(student=irina(world))
    assert request.answers["cours"]["offers"] == [choir.pk, piano.pk]
    assert request.answers["cours"]["slots"] == {str(choir.pk): slot.pk}
    summary = page(client.get(step_url(world, "recapitulatif"))).text
    assert choir.label in summary and piano.label in summary


def test_the_home_box_says_where_each_re_enrolment_stands(world, campaign):
    client = client_for(world.family_a.user)
    client.post(reverse("reenrolment:decline", args=[irina(world).pk]))
    home = page(client.get("/")).text
    assert re.search(r"ABARRE Irina – Jusqu'au \S+ à \d\d:\d\d – Pas de réinscription", home)
    assert re.search(r"ABARRE Paul – Jusqu'au \S+ à \d\d:\d\d(?! –)", home)  # not started


@pytest.mark.parametrize(
    "slug", ["", "coordonnees", "autorisations", "documents", "cours", "recapitulatif"]
)
def test_wizard_pages_query_count_does_not_grow_with_the_offers(world, campaign, slug):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reenrolment.models import Offer

    the_campaign, choir, _piano, _slot = campaign
    the_campaign.required_documents.set([world.family_document_type])
    client = client_for(world.family_a.user)
    start(client, world)
    url = step_url(world, slug) if slug else reverse("reenrolment:start", args=[irina(world).pk])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    answer = {"offers": [choir.pk], "slots": {str(choir.pk): _slot.pk}}
    ReenrolmentRequest.objects.filter(student=irina(world)).update(answers={"cours": answer})
    few = count()
    for number in range(10):
        offer = Offer.objects.create(
            establishment=world.establishment_1,
            campaign=the_campaign,
            label=f"Ensemble {number}",
            kind="collective",
        )
        for day in ("Lundi", "Jeudi"):
            Slot.objects.create(
                establishment=world.establishment_1, offer=offer, label=day, capacity=8
            )
    assert count() == few <= 10


def test_the_summary_shows_the_contact_changes_awaiting_validation(world, campaign):
    """Step 5 shows what the family typed at step 1 (awaiting the staff), for the guardian and
    the student, not the stored details."""
    import datetime

    from family.models import ChoiceItem

    client = client_for(world.family_a.user)
    start(client, world)
    summary = step_url(world, "recapitulatif")
    text = page(client.get(summary)).text
    assert "en attente de validation" not in text
    assert "ABARRE Irina – aucune modification demandée" in text
    guardian = world.family_a.guardian
    madame = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind="civility", label="Madame"
    )
    from family.services import change_request_submit

    change_request_submit(
        record=guardian,
        values={
            "civility": madame,
            "address": "12 rue des Lilas",
            "postal_code": "37000",
            "city": "TOURS",
        },
        requested_by=world.family_a.user,
    )
    change_request_submit(
        record=irina(world),
        values={
            "mobile_phone": "06 12 34 56 78",
            "birth_date": datetime.date(2012, 3, 4),
            "outing_allowed": True,
        },
        requested_by=world.family_a.user,
    )
    response = client.get(summary)
    text = page(response).text
    assert f"{guardian.full_name}, 12 rue des Lilas, 37000 TOURS" in text
    assert "Modifié : en attente de validation. Civilité : Madame" in text
    assert "Adresse : 12 rue des Lilas" in text
    assert "Ville : TOURS" in text
    assert "Mobile : 06 12 34 56 78" in text
    assert "Date de naissance : 04/03/2012" in text
    assert "Autorisation de sortie : oui" in text
    assert response.content.decode().count('class="change-marker"') == 2


def test_a_decline_the_staff_took_note_of_cannot_be_undone(world, campaign):
    from reenrolment import services

    client = client_for(world.family_a.user)
    client.post(reverse("reenrolment:decline", args=[irina(world).pk]))
    request = ReenrolmentRequest.objects.get(student=irina(world))
    services.request_acknowledge_decline(request=request, decided_by=world.staff_1)
    start_url = reverse("reenrolment:start", args=[irina(world).pk])
    shown = client.get(start_url)
    assert 'value="undo"' not in shown.content.decode()
    assert "a déjà pris acte de la non-réinscription" in page(shown).text
    response = client.post(start_url, {"action": "undo"}, follow=True)
    assert "a déjà pris acte de la non-réinscription" in page(response).text
    assert ReenrolmentRequest.objects.get(pk=request.pk).status == "declined"


def test_a_seat_constraint_firing_sends_back_to_the_courses_not_a_500(world, campaign, monkeypatch):
    """Should the lock ever let two families through (removed here, within this test), the
    database refuses the seat and the family gets the "just filled" answer."""
    from reenrolment import waiting

    _campaign, choir, _piano, slot = campaign
    client = client_for(world.family_a.user)
    through_first_steps(client, world)
    client.post(
        step_url(world, "cours"),
        {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk},
    )
    stale = waiting.lock_slots([slot.pk])  # read before another family took the last seat
    Slot.objects.filter(pk=slot.pk).update(taken=slot.capacity)
    monkeypatch.setattr(waiting, "lock_slots", lambda slot_ids: stale)
    response = client.post(step_url(world, "finalisation"), {"go": "send"})
    assert response.status_code == 302
    assert response["Location"] == step_url(world, "cours")
    assert "vient d'être complet" in page(client.get(response["Location"])).text
    request = ReenrolmentRequest.objects.get(student=irina(world))
    assert request.status == "draft" and not request.choices.exists()
    slot.refresh_from_db()
    assert slot.taken == slot.capacity


def test_a_document_sent_at_the_documents_step_is_there_when_the_family_comes_back(world, campaign):
    """The family sends a document from step 3, stops, and comes back from another browser:
    the document is listed as sent, and step 3 lets it go on."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from family.tests.upload_files import pdf

    campaign[0].required_documents.set([world.student_document_type])
    first = client_for(world.family_a.user)
    start(first, world)
    wizard = step_url(world, "documents")
    document_url = reverse(
        "students:document", args=[irina(world).pk, world.student_document_type.pk]
    )
    first.post(
        f"{document_url}?retour={wizard}",
        {"action": "import", "file": SimpleUploadedFile("assurance.pdf", pdf())},
    )
    draft = irina(world).documents.get(document_type=world.student_document_type)
    first.post(f"{document_url}?retour={wizard}", {"action": "send", "document": draft.pk})

    other = client_for(world.family_a.user)  # another browser: nothing but the server's draft
    resumed = page(other.get(reverse("reenrolment:start", args=[irina(world).pk]))).text
    assert "Vos réponses sont conservées" in resumed
    shown = page(other.get(wizard)).text
    assert "Attestation d'assurance" in shown and "Reçu, en attente de vérification" in shown
    assert other.post(wizard, {"go": "next"})["Location"] == step_url(world, "cours")
    summary = page(other.get(step_url(world, "recapitulatif"))).text
    assert "Attestation d'assurance : reçu, en attente de vérification" in summary


def test_the_tab_lists_the_current_courses_and_leads_back_to_the_file(world, campaign):
    client = client_for(world.family_a.user)
    response = client.get(reverse("reenrolment:start", args=[irina(world).pk]))
    html = response.content.decode()
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert "<caption" in table and "Cours de ABARRE Irina" in Page(table).text
    assert world.enrolment_a.course.label in Page(table).text
    assert f'href="{reverse("students:detail", args=[irina(world).pk])}"' in html
    assert "Retour au dossier de l'élève" in page(response).text
    paul = world.family_a.students[1]  # no course this year
    text = page(client.get(reverse("reenrolment:start", args=[paul.pk]))).text
    assert "Aucun cours n'est enregistré pour cet élève cette année." in text


def test_the_summary_lists_a_discipline_chosen_without_any_time_slot(world, campaign):
    """Piano only (no collective course, so no time slot): the summary names it."""
    _campaign, _choir, piano, _slot = campaign
    client = client_for(world.family_a.user)
    start(client, world)
    from reenrolment import services

    request = ReenrolmentRequest.objects.get(student=irina(world))
    services.request_save_step(
        request=request, step=services.COURSES, answer={"offers": [piano.pk], "slots": {}}
    )
    text = page(client.get(step_url(world, "recapitulatif"))).text
    assert "Piano" in text
    assert "rien de choisi pour l'instant" not in text


def test_a_campaign_closing_at_midnight_names_its_last_day(world, campaign):
    the_campaign = campaign[0]
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    the_campaign.closes_at = datetime.datetime(2027, 1, 4, 0, 0, tzinfo=paris)
    assert the_campaign.deadline() == "03/01/2027 inclus"
    the_campaign.closes_at = datetime.datetime(2027, 1, 4, 17, 30, tzinfo=paris)
    assert the_campaign.deadline() == "04/01/2027 à 17:30"
    with translation.override("en"):
        assert the_campaign.deadline() == "04/01/2027 at 17:30"
