import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from family.fields import normalise_phone, normalise_postal_code
from family.models import ChoiceItem, ChoiceKind


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0238550238", "02 38 55 02 38"),
        ("02.38.55.02.38", "02 38 55 02 38"),
        ("+33 6 01 02 03 04", "06 01 02 03 04"),
        ("0033601020304", "06 01 02 03 04"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "02 38 55", "abcdefghij", "06 01 02 03 04 05 06"])
def test_bad_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError, match="numéro de téléphone valide"):
        normalise_phone(typed)


@pytest.mark.parametrize(("typed", "stored"), [("45000", "45000"), (" 45 000 ", "45000")])
def test_postal_codes_are_normalised(typed, stored):
    assert normalise_postal_code(typed) == stored


@pytest.mark.parametrize("typed", ["4500", "450000", "ABCDE", "00100"])
def test_bad_postal_codes_are_refused(typed):
    with pytest.raises(ValidationError, match="cinq chiffres"):
        normalise_postal_code(typed)


def test_staff_edit_a_guardian_with_normalised_phones(world):
    guardian = world.family_a.guardian
    response = client_for(world.staff_1).post(
        reverse("admin:family_guardian_change", args=[guardian.pk]),
        {
            "family": guardian.family_id,
            "establishment": world.establishment_1.pk,
            "civility": guardian.civility_id,
            "last_name": "ABARRE",
            "first_name": "Jérémie",
            "postal_code": "45 000",
            "home_phone": "0238550238",
            "mobile_phone": "06-01-02-03-04",
            "email": "jeremie@example.org",
            "user": guardian.user_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    guardian.refresh_from_db()
    assert (guardian.home_phone, guardian.mobile_phone, guardian.postal_code) == (
        "02 38 55 02 38",
        "06 01 02 03 04",
        "45000",
    )


def test_choice_lists_belong_to_their_establishment(world):
    foreign = ChoiceItem.objects.create(
        establishment=world.establishment_2, kind=ChoiceKind.MARITAL_STATUS, label="Marié(e)"
    )
    guardian = world.family_a.guardian
    html = (
        client_for(world.staff_1)
        .get(reverse("admin:family_guardian_change", args=[guardian.pk]))
        .content.decode()
    )
    assert f'<option value="{foreign.pk}"' not in html
    listing = client_for(world.staff_1).get(reverse("admin:family_choiceitem_changelist"))
    assert "Marié(e)" not in listing.content.decode()


def test_a_new_establishment_starts_with_the_default_lists(world):
    response = client_for(world.superuser).post(
        reverse("admin:accounts_establishment_add"),
        {"name": "École de Fleury", "code": "fleury", "is_active": "on"},
    )
    assert response.status_code == 302
    labels = set(
        ChoiceItem.objects.filter(establishment__code="fleury").values_list("label", flat=True)
    )
    assert {"Monsieur", "Marié(e)", "Employé", "CM2"} <= labels
