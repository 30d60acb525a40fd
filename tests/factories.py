"""factory_boy factories for the tests of every app."""

import datetime
from decimal import Decimal

import factory

from accounts.models import Establishment, User
from family.models import ChoiceItem, ChoiceKind, Family, Guardian
from students.models import (
    Absence,
    Course,
    Department,
    Enrolment,
    Evaluation,
    Performance,
    Room,
    SchoolYear,
    Student,
    Teacher,
)


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


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("establishment", "name")

    establishment = factory.SubFactory(EstablishmentFactory)
    name = "Formation Musicale"


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    establishment = factory.SubFactory(EstablishmentFactory)
    last_name = "ASTAREL"
    first_name = "Carmen"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    establishment = factory.SubFactory(EstablishmentFactory)
    name = "Fauré"
    location = "Conservatoire"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    school_year = factory.SubFactory(SchoolYearFactory)
    establishment = factory.SelfAttribute("school_year.establishment")
    label = "FM 2C4 A"
    class_name = "FM 2C4"
    department = factory.SubFactory(
        DepartmentFactory, establishment=factory.SelfAttribute("..establishment")
    )
    teacher = factory.SubFactory(
        TeacherFactory, establishment=factory.SelfAttribute("..establishment")
    )
    room = factory.SubFactory(RoomFactory, establishment=factory.SelfAttribute("..establishment"))
    weekday = 5
    start_time = datetime.time(17, 30)
    duration = datetime.timedelta(hours=1, minutes=30)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    student = factory.SubFactory(StudentFactory)
    establishment = factory.SelfAttribute("student.establishment")
    course = factory.SubFactory(
        CourseFactory,
        school_year=factory.LazyAttribute(
            lambda o: SchoolYear.objects.get(
                establishment=o.factory_parent.establishment, is_current=True
            )
        ),
    )


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    enrolment = factory.SubFactory(EnrolmentFactory)
    establishment = factory.SelfAttribute("enrolment.establishment")
    evaluation_type = "Contrôle Continu"
    date = datetime.date(2026, 12, 1)
    mark = Decimal("15.75")


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    enrolment = factory.SubFactory(EnrolmentFactory)
    establishment = factory.SelfAttribute("enrolment.establishment")
    start_date = datetime.date(2026, 11, 20)


class PerformanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Performance

    student = factory.SubFactory(StudentFactory)
    establishment = factory.SelfAttribute("student.establishment")
    event = "Fin de cycle - Piano"
    date = datetime.date(2012, 6, 13)
    piece = "Sabre dance de Gayanh"
    duration = datetime.timedelta(minutes=10)
