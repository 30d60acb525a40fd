"""factory_boy factories for the tests of every app."""

import datetime

import factory

from accounts.models import Establishment, User
from family.models import ChoiceItem, ChoiceKind, Family, Guardian
from students.models import SchoolYear, Student


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Établissement {n}")
    code = factory.Sequence(lambda n: f"e{n}")
    city = "ORLEANS"
    mail_sender = factory.LazyAttribute(lambda o: f"imuse@{o.code}.example.org")


class FamilyUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    establishment = factory.SubFactory(EstablishmentFactory)
    identifier = factory.Sequence(lambda n: f"famille{n}")
    username = factory.LazyAttribute(lambda o: f"{o.establishment.code}:{o.identifier}")
    email = factory.LazyAttribute(lambda o: f"{o.identifier}@example.org")
    password = factory.django.Password("Musique2024")


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    establishment = factory.SubFactory(EstablishmentFactory)
    username = factory.Sequence(lambda n: f"secretariat{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    is_staff = True
    password = factory.django.Password("Musique2024")


class SuperUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    establishment = None
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True
    password = factory.django.Password("Musique2024")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    establishment = factory.SubFactory(EstablishmentFactory)
    name = factory.Sequence(lambda n: f"FAMILLE{n}")


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    family = factory.SubFactory(FamilyFactory)
    establishment = factory.SelfAttribute("family.establishment")
    civility = factory.LazyAttribute(
        lambda o: ChoiceItem.objects.get_or_create(
            establishment=o.establishment,
            kind=ChoiceKind.CIVILITY,
            label="Monsieur",
            defaults={"label_en": "Mr"},
        )[0]
    )
    last_name = factory.SelfAttribute("family.name")
    first_name = "Jean"
    email = factory.Sequence(lambda n: f"responsable{n}@example.org")
    address = "19 rue de Paris"
    postal_code = "45000"
    city = "ORLEANS"


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    family = factory.SubFactory(FamilyFactory)
    establishment = factory.SelfAttribute("family.establishment")
    last_name = factory.SelfAttribute("family.name")
    first_name = factory.Sequence(lambda n: f"Élève{n}")
    birth_date = datetime.date(2012, 5, 4)


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    establishment = factory.SubFactory(EstablishmentFactory)
    label = "2026/2027"
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 7, 4)
    is_current = True
