import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from tests.factories import FamilyUserFactory


def test_identifier_is_unique_per_establishment_only(world):
    FamilyUserFactory(establishment=world.establishment_2, identifier="abarre1")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            username="other:abarre1", establishment=world.establishment_1, identifier="abarre1"
        )


def test_superuser_has_no_establishment_and_others_have_one(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="boss", is_superuser=True, establishment=world.establishment_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="clerk", is_staff=True, establishment=None)


def test_family_account_needs_an_identifier(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="c1:", establishment=world.establishment_1, identifier="")


def test_family_username_is_establishment_code_and_identifier(world):
    assert User.family_username(world.establishment_1, "abarre1") == "c1:abarre1"
    assert world.family_a.user.is_family
    assert not world.staff_1.is_family
    assert not world.superuser.is_family
