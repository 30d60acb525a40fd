"""Famille → Identité: the family asks for changes; the staff validate them."""

from django.urls import reverse

from conftest import client_for
from family.models import ChangeRequest
from family.services import change_request_approve
from tests.html import page

URL = reverse("family:identity")


def form_data(world, **changes):
    guardian = world.family_a.guardian
    data = {
        "civility": guardian.civility_id,
        "last_name": guardian.last_name,
        "first_name": guardian.first_name,
        "address": guardian.address,
        "postal_code": guardian.postal_code,
        "city": guardian.city,
        "email": guardian.email,
    }
    return {**data, **changes}


def test_the_page_shows_the_guardians_record_with_required_fields_said(world):
    response = client_for(world.family_a.user).get(URL)
    html = response.content.decode()
    assert 'value="19 rue de Paris"' in html
    assert "Nom (obligatoire)" in page(response).text
    assert "MARTIN" not in html


def test_a_change_waits_for_validation_with_markers_then_applies(world):
    client = client_for(world.family_a.user)
    response = client.post(URL, form_data(world, city="TOURS", mobile_phone="0611223344"))
    assert response["Location"] == URL
    shown = client.get(URL)
    text = page(shown).text
    assert "Vos modifications sont enregistrées et un accusé de réception vous a été envoyé" in text
    assert "Modifié : en attente de validation. Valeur enregistrée : ORLEANS" in text
    assert "Éléments modifiés — en attente de validation par le personnel administratif" in text
    assert 'value="TOURS"' in shown.content.decode()  # the value asked for, not the stored one
    world.family_a.guardian.refresh_from_db()
    assert world.family_a.guardian.city == "ORLEANS"

    change_request_approve(
        change_request=ChangeRequest.objects.get(family=world.family_a.family),
        decided_by=world.staff_1,
    )
    text = page(client.get(URL)).text
    assert "en attente de validation" not in text
    world.family_a.guardian.refresh_from_db()
    assert world.family_a.guardian.mobile_phone == "06 11 22 33 44"


def test_saving_unchanged_values_asks_for_nothing(world):
    client = client_for(world.family_a.user)
    client.post(URL, form_data(world))
    assert ChangeRequest.objects.filter(family=world.family_a.family).count() == 0
    assert "Aucune modification" in page(client.get(URL)).text


def test_saving_the_same_pending_changes_again_says_so_and_mails_nothing_new(world):
    from mailer.models import Message

    client = client_for(world.family_a.user)
    client.post(URL, form_data(world, city="TOURS"))
    client.get(URL)  # the acknowledgement is read
    mails = Message.objects.count()
    client.post(URL, form_data(world, city="TOURS"))  # the form as it is shown, saved again
    text = page(client.get(URL)).text
    assert "déjà en attente de validation" in text and "accusé de réception" not in text
    assert Message.objects.count() == mails


def test_bad_input_gets_messages_next_to_fields_and_keeps_what_was_typed(world):
    response = client_for(world.family_a.user).post(
        URL,
        form_data(
            world,
            last_name="",
            postal_code="4500",
            home_phone="123",
            email="pas-un-mail",
            profession="x" * 500,
            city="BLOIS",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("last_name", "postal_code", "home_phone", "email", "profession"):
        assert f'id="id_{field}_error"' in html, field
    assert 'value="4500"' in html and 'value="123"' in html and 'value="BLOIS"' in html
    assert ChangeRequest.objects.filter(family=world.family_a.family).count() == 0


def test_choices_of_another_establishment_are_refused(world):
    from family.models import ChoiceItem, ChoiceKind

    foreign = ChoiceItem.objects.create(
        establishment=world.establishment_2, kind=ChoiceKind.CIVILITY, label="Docteur"
    )
    response = client_for(world.family_a.user).post(URL, form_data(world, civility=foreign.pk))
    assert response.status_code == 200
    assert ChangeRequest.objects.filter(family=world.family_a.family).count() == 0


def test_identity_page_query_count_is_flat(world, django_assert_max_num_queries):
    client = client_for(world.family_a.user)
    client.post(URL, form_data(world, city="TOURS", first_name="Jérôme"))
    client.get(URL)
    with django_assert_max_num_queries(14):
        client.get(URL)
