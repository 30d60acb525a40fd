"""An establishment's school structure (through the ORM: a few hundred rows each): its choice
lists, eleven school years (ten past and the current one) and the next one, departments,
teachers, rooms, each year's courses, the document types and an open re-enrolment campaign
with collective courses and time slots. The same for every establishment, so that a family
of the same rank has the same data whatever the size of the install."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Establishment
from family.models import ChoiceItem, ChoiceKind, DocumentType
from family.services import choice_lists_seed
from imuse_portal.synthetic import french
from students.models import Course, Department, Room, SchoolYear, Teacher

PAST_YEARS = 10


@dataclass
class YearCourses:
    year: SchoolYear
    theory: list[Course]  # Formation Musicale, one per cycle
    instruments: dict[str, Course]
    collectives: list[Course]


@dataclass
class School:
    establishment: Establishment
    years: list[YearCourses]  # oldest first; the last one is the current year
    civility: dict[str, int]
    marital_status: list[int]
    socio_professional: list[int]
    school_levels: list[int]  # Maternelle … Terminale, Études supérieures, Adulte
    issuer_address: str
    invoice_numbers: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def current(self) -> YearCourses:
        return self.years[-1]


def _year(establishment, start: int, *, current: bool) -> SchoolYear:
    return SchoolYear.objects.create(
        establishment=establishment,
        label=f"{start}/{start + 1}",
        start_date=datetime.date(start, 9, 1),
        end_date=datetime.date(start + 1, 7, 4),
        is_current=current,
    )


def _choices(establishment, kind) -> list[ChoiceItem]:
    return list(
        ChoiceItem.objects.filter(establishment=establishment, kind=kind).order_by("position")
    )


def build_school(number: int, today: datetime.date) -> School:
    town_postal_code, town = french.TOWNS[number % len(french.TOWNS)]
    establishment = Establishment.objects.create(
        name=f"Conservatoire synthétique {number} – {town}",
        code=f"gen{number}",
        address=f"{number} rue des Musiciens",
        postal_code=town_postal_code,
        city=town,
        phone="02 38 00 00 00",
        email=f"contact@gen{number}.example.org",
        mail_sender=f"imuse@gen{number}.example.org",
    )
    choice_lists_seed(establishment=establishment)
    from imuse_portal.demo import DOCUMENT_TYPES

    document_types = DocumentType.objects.bulk_create(
        DocumentType(
            establishment=establishment,
            name=name,
            name_en=name_en,
            holder=holder,
            is_required=required,
            description=description,
            description_en=description_en,
            position=position,
        )
        for position, (name, name_en, holder, required, description, description_en) in enumerate(
            DOCUMENT_TYPES
        )
    )

    departments = {
        name: Department.objects.create(establishment=establishment, name=name)
        for name in ["Formation Musicale", "Pratiques collectives"]
        + sorted({department for _instrument, department in french.INSTRUMENTS})
    }
    teachers = Teacher.objects.bulk_create(
        Teacher(
            establishment=establishment,
            last_name=french.LAST_NAMES[(number * 7 + rank * 13) % len(french.LAST_NAMES)],
            first_name=french.FIRST_NAMES_F[rank % len(french.FIRST_NAMES_F)]
            if rank % 2
            else french.FIRST_NAMES_M[rank % len(french.FIRST_NAMES_M)],
        )
        for rank in range(25)
    )
    rooms = Room.objects.bulk_create(
        Room(establishment=establishment, name=name, location=location)
        for location in ["Conservatoire", "Annexe"]
        for name in ["Fauré", "Berlioz", "Ravel", "Debussy", "Satie", "Lully"]
    )

    start = today.year if today.month >= 8 else today.year - 1
    years = []
    for year_start in range(start - PAST_YEARS, start + 1):
        year = _year(establishment, year_start, current=year_start == start)
        years.append(_courses(establishment, year, departments, teachers, rooms))
    _campaign(establishment, start + 1, document_types)

    civility = {item.label: item.pk for item in _choices(establishment, ChoiceKind.CIVILITY)}
    return School(
        establishment=establishment,
        years=years,
        civility=civility,
        marital_status=[item.pk for item in _choices(establishment, ChoiceKind.MARITAL_STATUS)],
        socio_professional=[
            item.pk for item in _choices(establishment, ChoiceKind.SOCIO_PROFESSIONAL)
        ],
        school_levels=[item.pk for item in _choices(establishment, ChoiceKind.SCHOOL_LEVEL)],
        issuer_address="\n".join(
            [
                establishment.address,
                f"{establishment.postal_code} {establishment.city}",
                establishment.phone,
                establishment.email,
            ]
        ),
    )


def _courses(establishment, year, departments, teachers, rooms) -> YearCourses:
    end = year.end_date
    hour = datetime.timedelta(hours=1)

    def course(label, class_name, department, rank, weekday, start, duration, cycle=""):
        return Course(
            establishment=establishment,
            school_year=year,
            label=label,
            class_name=class_name,
            department=departments[department],
            teacher=teachers[rank % len(teachers)],
            room=rooms[rank % len(rooms)],
            weekday=weekday,
            start_time=datetime.time(start),
            duration=duration,
            end_date=end,
            cycle=cycle,
        )

    theory = [
        course(f"FM {cycle} A", f"FM {cycle}", "Formation Musicale", rank, 1 + rank % 6,
               14 + rank % 6, 1.5 * hour if rank > 3 else hour, cycle)
        for rank, cycle in enumerate(french.CYCLES)
    ]  # fmt: skip
    instruments = {}
    for rank, (instrument, department) in enumerate(french.INSTRUMENTS):
        teacher = teachers[(rank + 10) % len(teachers)]
        initials = f"{teacher.last_name[0]}{teacher.first_name[0]}".upper()
        instruments[instrument] = course(
            f"{instrument} {initials}", instrument, department, rank + 10, 1 + rank % 6,
            13 + rank % 8, hour / 2 if rank % 3 else hour,
        )  # fmt: skip
    collectives = [
        course(label, label, "Pratiques collectives", rank + 3, 3 + rank % 4, 17 + rank % 3,
               2 * hour)
        for rank, label in enumerate(french.COLLECTIVES)
    ]  # fmt: skip
    Course.objects.bulk_create([*theory, *instruments.values(), *collectives])
    return YearCourses(year, theory, instruments, collectives)


def _campaign(establishment, start: int, document_types) -> None:
    """Next year's re-enrolment, open from yesterday for four weeks, with two collective
    courses of two time slots each."""
    from reenrolment.models import Campaign, Offer, Slot

    next_year = _year(establishment, start, current=False)
    today = timezone.localdate()
    midnight = datetime.time(0, 0)
    campaign = Campaign.objects.create(
        establishment=establishment,
        name=f"Réinscriptions {next_year.label}",
        school_year=next_year,
        opens_at=timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=1), midnight)
        ),
        closes_at=timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=28), midnight)
        ),
        rules="Les élèves sont tenus d'assister à tous les cours de leur cursus.",
    )
    campaign.required_documents.set([document_types[0]])
    offers = [
        ("Formation Musicale", Offer.Kind.CURSUS, []),
        ("Instrument", Offer.Kind.DISCIPLINE, []),
        ("Chorale", Offer.Kind.COLLECTIVE, ["Mardi 17:30-19:00", "Samedi 10:00-11:30"]),
        ("Orchestre", Offer.Kind.COLLECTIVE, ["Mercredi 14:00-16:00", "Vendredi 18:00-20:00"]),
    ]
    for position, (label, kind, slots) in enumerate(offers):
        offer = Offer.objects.create(
            establishment=establishment, campaign=campaign, label=label, kind=kind,
            position=position,
        )  # fmt: skip
        Slot.objects.bulk_create(
            Slot(establishment=establishment, offer=offer, label=slot, capacity=40)
            for slot in slots
        )
