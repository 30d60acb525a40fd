"""The demo portal of the user guides (SPEC §10), built idempotently by ``manage.py load_demo``.

Records are found by natural keys (establishment code, login, names) and updated in place, so a
second run changes nothing and creates no duplicate.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pikepdf
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from mailer.models import Message, MessageLog
from PIL import Image, ImageDraw

from accounts.models import Establishment, Mail, User
from accounts.services import staff_group_sync, temporary_password_send
from billing import services as billing
from billing.models import Invoice, InvoiceLine, Ledger, PaymentMode
from family.models import ChangeRequest, ChoiceKind, Document, DocumentType, Family, Guardian
from family.services import (
    change_request_submit,
    choice,
    choice_lists_seed,
    document_accept,
    document_import,
    document_refuse,
    document_submit,
    family_login_send_identifier,
)
from family.uploads import check_upload
from students.models import (
    Absence,
    Course,
    Department,
    Enrolment,
    Evaluation,
    Performance,
    Room,
    SchoolLevel,
    SchoolYear,
    Student,
    Teacher,
    Weekday,
)
from students.selectors import next_lesson

DEMO_PASSWORD = "Musique2024"
# Where `manage.py runserver` serves without an address, when PORTAL_URL says nothing.
DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class DemoLogin:
    where: str
    establishment: str
    login: str
    who: str


def _establishment(code: str, **fields) -> Establishment:
    establishment, _created = Establishment.objects.update_or_create(code=code, defaults=fields)
    return establishment


def _current_year(establishment: Establishment, today: datetime.date) -> SchoolYear:
    start_year = today.year if today.month >= 8 else today.year - 1
    label = f"{start_year}/{start_year + 1}"
    SchoolYear.objects.filter(establishment=establishment, is_current=True).exclude(
        label=label
    ).update(is_current=False)
    year, _created = SchoolYear.objects.update_or_create(
        establishment=establishment,
        label=label,
        defaults={
            "start_date": datetime.date(start_year, 9, 1),
            "end_date": datetime.date(start_year + 1, 7, 4),
            "is_current": True,
        },
    )
    return year


def _family_login(establishment: Establishment, identifier: str, email: str) -> User:
    user, _created = User.objects.update_or_create(
        username=User.family_username(establishment, identifier),
        defaults={
            "establishment": establishment,
            "identifier": identifier,
            "email": email,
            "is_staff": False,
            "is_superuser": False,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _family(
    establishment: Establishment,
    *,
    identifier: str,
    civility: str,
    last_name: str,
    first_name: str,
    email: str,
    address: str,
    postal_code: str,
    city: str,
    students: list[tuple[str, datetime.date]],
) -> Family:
    user = _family_login(establishment, identifier, email)
    family, _created = Family.objects.get_or_create(
        establishment=establishment, name=last_name.upper(), guardians__user=user
    )
    Guardian.objects.update_or_create(
        user=user,
        defaults={
            "establishment": establishment,
            "family": family,
            "civility": choice(establishment, ChoiceKind.CIVILITY, civility),
            "last_name": last_name,
            "first_name": first_name,
            "email": email,
            "address": address,
            "postal_code": postal_code,
            "city": city,
        },
    )
    for first, birth_date in students:
        Student.objects.update_or_create(
            establishment=establishment,
            family=family,
            last_name=last_name,
            first_name=first,
            defaults={"birth_date": birth_date},
        )
    return family


def _staff(username: str, establishment: Establishment, first_name: str, last_name: str) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "establishment": establishment,
            "identifier": "",
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.org",
            "is_staff": True,
            "is_superuser": False,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.groups.add(staff_group_sync())
    return user


def _superuser(username: str) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "establishment": None,
            "identifier": "",
            "email": f"{username}@example.org",
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _abarre_identity(establishment: Establishment) -> None:
    """The ABARRE records exactly as on the guide's Identité screens."""
    guardian = Guardian.objects.get(user__username=User.family_username(establishment, "abarre1"))
    for field, value in {
        "home_phone": "02 38 55 02 38",
        "mobile_phone": "06 01 02 03 04",
        "work_phone": "06 01 02 03 04",
        "marital_status": choice(establishment, ChoiceKind.MARITAL_STATUS, "Marié(e)"),
        "socio_professional": choice(
            establishment, ChoiceKind.SOCIO_PROFESSIONAL, "Agriculteur exploitant"
        ),
        "profession": "Apiculteur",
    }.items():
        setattr(guardian, field, value)
    guardian.save()
    irina = Student.objects.get(family=guardian.family, first_name="Irina")
    for field, value in {
        "civility": choice(establishment, ChoiceKind.CIVILITY, "Mademoiselle"),
        "birth_place": "Orléans (45)",
        "address": guardian.address,
        "postal_code": guardian.postal_code,
        "city": guardian.city,
        "home_phone": "02 38 55 02 38",
        "mobile_phone": "06 01 02 03 04",
        "work_phone": "06 01 02 03 04",
        "emergency_contact": "Docteur Macheprot",
        "emergency_phone": "02 38 67 25 03",
    }.items():
        setattr(irina, field, value)
    irina.save()
    SchoolLevel.objects.update_or_create(
        student=irina,
        school_year=SchoolYear.objects.get(establishment=establishment, is_current=True),
        defaults={
            "establishment": establishment,
            "level": choice(establishment, ChoiceKind.SCHOOL_LEVEL, "2nde"),
        },
    )


def _pending_change(establishment: Establishment) -> None:
    """A change the ABARRE family asked for, waiting in the staff's queue (once)."""
    guardian = Guardian.objects.get(user__username=User.family_username(establishment, "abarre1"))
    if ChangeRequest.objects.filter(family=guardian.family).exists():
        return
    change_request_submit(
        record=guardian,
        values={"mobile_phone": "06 12 34 56 78", "profession": "Apiculteur et maraîcher"},
        requested_by=guardian.user,
    )


# The documents each demo establishment asks for: French name, English name, of whom, required,
# explanation for the families in French and in English.
DOCUMENT_TYPES = [
    (
        "Justificatif de domicile",
        "Proof of address",
        DocumentType.Holder.FAMILY,
        True,
        "De moins de trois mois : facture d'électricité, de gaz, d'eau ou de téléphone, "
        "quittance de loyer.",
        "Less than three months old: an electricity, gas, water or telephone bill, or a rent "
        "receipt.",
    ),
    (
        "Avis d'imposition",
        "Tax notice",
        DocumentType.Holder.FAMILY,
        False,
        "Le dernier avis reçu, pour le calcul du quotient familial ; sans lui, le tarif le plus "
        "élevé s'applique.",
        "The latest notice received, to work out the family quotient; without it, the highest "
        "fee applies.",
    ),
    (
        "Attestation d'assurance",
        "Insurance certificate",
        DocumentType.Holder.STUDENT,
        True,
        "Responsabilité civile de l'élève pour l'année scolaire.",
        "The student's third-party liability insurance for the school year.",
    ),
    (
        "Certificat médical",
        "Medical certificate",
        DocumentType.Holder.STUDENT,
        False,
        "Pour les pratiques corporelles (danse, théâtre).",
        "For physical practices (dance, drama).",
    ),
]


def _document_types(establishment: Establishment) -> dict[str, DocumentType]:
    types = {}
    for position, entry in enumerate(DOCUMENT_TYPES):
        name, name_en, holder, required, description, description_en = entry
        types[name], _created = DocumentType.objects.update_or_create(
            establishment=establishment,
            holder=holder,
            name=name,
            defaults={
                "name_en": name_en,
                "is_required": required,
                "description": description,
                "description_en": description_en,
                "position": position,
            },
        )
    return types


def sample_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines, standing for a family's scan."""
    document = pikepdf.new()
    font = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    page = document.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    text = [f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET"]
    for number, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 72 {720 - 18 * number} Td ({line}) Tj ET")
    page.obj.Contents = document.make_stream("\n".join(text).encode("cp1252"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _sample_photo(title: str) -> bytes:
    """A photo of a paper document, as a phone would take it (small, for the demo)."""
    image = Image.new("RGB", (900, 1200), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.text((80, 90), title, fill=(20, 20, 20))
    for line in range(30):
        draw.line((80, 160 + line * 32, 820, 160 + line * 32), fill=(150, 150, 150), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _send(family, student, document_type, name: str, content: bytes, user) -> Document:
    checked = check_upload(SimpleUploadedFile(name, content))
    draft = document_import(
        family=family,
        student=student,
        document_type=document_type,
        checked=checked,
        uploaded_by=user,
    )
    return document_submit(document=draft, submitted_by=user)


def _documents(establishment: Establishment, staff: User) -> None:
    """The ABARRE documents in every state (once): proof of address refused then accepted,
    tax notice refused, Irina's insurance awaiting check, her medical certificate missing."""
    types = _document_types(establishment)
    guardian = Guardian.objects.get(user__username=User.family_username(establishment, "abarre1"))
    family, user = guardian.family, guardian.user
    if Document.objects.filter(family=family).exists():
        return
    irina = Student.objects.get(family=family, first_name="Irina")
    address = types["Justificatif de domicile"]
    old_bill = _send(
        family,
        None,
        address,
        "facture-edf-2025.pdf",
        sample_pdf("Facture EDF", ["Mars 2025", "M. ABARRE Jeremie, 19 rue de Paris, ORLEANS"]),
        user,
    )
    document_refuse(
        document=old_bill,
        decided_by=staff,
        reason="Cette facture a plus de trois mois : merci d'en envoyer une récente.",
    )
    bill = _send(
        family,
        None,
        address,
        "facture-eau.pdf",
        sample_pdf("Facture d'eau", ["Octobre 2026", "M. ABARRE Jeremie, 19 rue de Paris"]),
        user,
    )
    document_accept(document=bill, decided_by=staff)
    tax = _send(
        family,
        None,
        types["Avis d'imposition"],
        "avis-2023.jpg",
        _sample_photo("Avis d'impot 2023"),
        user,
    )
    document_refuse(
        document=tax,
        decided_by=staff,
        reason="Il s'agit de l'avis 2023 : merci d'envoyer le dernier avis reçu (2026).",
    )
    _send(
        family,
        irina,
        types["Attestation d'assurance"],
        "attestation-assurance.pdf",
        sample_pdf("Attestation d'assurance", ["Responsabilite civile 2026/2027", "ABARRE Irina"]),
        user,
    )


def _past_year(establishment: Establishment, start_year: int) -> SchoolYear:
    year, _created = SchoolYear.objects.update_or_create(
        establishment=establishment,
        label=f"{start_year}/{start_year + 1}",
        defaults={
            "start_date": datetime.date(start_year, 9, 12),
            "end_date": datetime.date(start_year + 1, 7, 5),
            "is_current": False,
        },
    )
    return year


def _course(establishment, year, label, class_name, department, teacher, **fields) -> Course:
    course, _created = Course.objects.update_or_create(
        establishment=establishment,
        school_year=year,
        label=label,
        defaults={
            "class_name": class_name,
            "department": department,
            "teacher": teacher,
            **fields,
        },
    )
    return course


def _enrol(student, course, **fields) -> Enrolment:
    enrolment, _created = Enrolment.objects.update_or_create(
        student=student,
        course=course,
        defaults={"establishment": student.establishment, **fields},
    )
    return enrolment


# Irina's records of previous years, as the guide's Historique tab lists them (the last two
# of 2006/2007 are under the guide's "1 / 16", off its screen): year, department, class,
# cycle, teacher.
IRINA_HISTORY = [
    (2011, "Formation Musicale", "FM 2C3", "", "ASTAREL Carmen"),
    (2011, "Polyphoniques", "Piano", "2C4", "MARGEVAL Brice"),
    (2010, "Formation Musicale", "FM 2C2", "", "BARDONWALT Anthony"),
    (2010, "Polyphoniques", "Piano", "2C3", "MARGEVAL Brice"),
    (2009, "Formation Musicale", "FM 2C1", "", "ASTAREL Carmen"),
    (2009, "Polyphoniques", "Piano", "2C2", "IPOUSTEGUI Xavier"),
    (2009, "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"),
    (2008, "Formation Musicale", "FM 2C1", "", "ASTAREL Carmen"),
    (2008, "Polyphoniques", "Piano", "2C1", "IPOUSTEGUI Xavier"),
    (2008, "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"),
    (2007, "Formation Musicale", "FM 1C4", "", "ASTAREL Carmen"),
    (2007, "Polyphoniques", "Piano", "1C4", "IPOUSTEGUI Xavier"),
    (2007, "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"),
    (2006, "Formation Musicale", "FM 1C3", "", "ASTAREL Carmen"),
    (2006, "Polyphoniques", "Piano", "1C3", "IPOUSTEGUI Xavier"),
    (2006, "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"),
]
# The guide's Répertoire tab: event, date, piece, minutes, comment.
IRINA_REPERTOIRE = [
    (
        "Fin de cycle - Piano",
        datetime.date(2012, 6, 13),
        "Sabre dance de Gayanh",
        10,
        "Editions Boosey & Hawkes",
    ),
    (
        "Fin de cycle - Piano",
        datetime.date(2012, 6, 13),
        "Romance du Lieutenant Kijé",
        10,
        "Editions Boosey & Hawkes",
    ),
    (
        "2011-06 Fête de la Musique",
        datetime.date(2011, 6, 21),
        "Symphonie n° 9 en ré mineur, op. 125",
        60,
        "",
    ),
    (
        "2010-04 Audition de la classe de piano",
        datetime.date(2010, 4, 9),
        "Sonate K 282 N° 4 en mi b M",
        15,
        "Editions Henle Verlag",
    ),
    (
        "Fête de la Musique 2008",
        datetime.date(2008, 6, 21),
        "Hymne à la joie 9ème Symphonie",
        15,
        "Joué en plein air sur le Parvis de la Cathédrale",
    ),
    (
        "Fin de cycle - Piano",
        datetime.date(2008, 5, 15),
        "Suite facile N°2 extrait de l'oeuvre pour piano Vol 1",
        5,
        "Editions Leduc",
    ),
]


def _school_records(establishment: Establishment) -> None:
    """Irina's courses, history and répertoire exactly as in the guide; Lucas's violin course
    with an evaluation and an absence, so that those tables are seen filled in too."""
    departments = {
        name: Department.objects.get_or_create(establishment=establishment, name=name)[0]
        for name in ("Formation Musicale", "Polyphoniques", "Pratiques collectives", "Cordes")
    }
    teachers = {}
    for full_name in (
        "ASTAREL Carmen",
        "MARGEVAL Brice",
        "BARDONWALT Anthony",
        "IPOUSTEGUI Xavier",
        "PERRIGON Isabelle",
        "LAMBERT Hélène",
    ):
        last_name, first_name = full_name.split(" ", 1)
        teachers[full_name] = Teacher.objects.get_or_create(
            establishment=establishment, last_name=last_name, first_name=first_name
        )[0]
    rooms = {
        name: Room.objects.get_or_create(
            establishment=establishment, name=name, location="Conservatoire"
        )[0]
        for name in ("Fauré", "Berlioz", "Ravel")
    }
    current = SchoolYear.objects.get(establishment=establishment, is_current=True)
    irina = Student.objects.get(establishment=establishment, last_name="ABARRE", first_name="Irina")
    _enrol(
        irina,
        _course(
            establishment,
            current,
            "FM 2C4 A",
            "FM 2C4",
            departments["Formation Musicale"],
            teachers["ASTAREL Carmen"],
            room=rooms["Fauré"],
            weekday=Weekday.FRIDAY,
            start_time=datetime.time(17, 30),
            duration=datetime.timedelta(hours=1, minutes=30),
            end_date=current.end_date,
        ),
    )
    _enrol(
        irina,
        _course(
            establishment,
            current,
            "Piano BM H",
            "Piano",
            departments["Polyphoniques"],
            teachers["MARGEVAL Brice"],
            room=rooms["Berlioz"],
            weekday=Weekday.TUESDAY,
            start_time=datetime.time(18, 30),
            duration=datetime.timedelta(hours=1),
            end_date=current.end_date,
            cycle="3C1",
        ),
        cycle="3C1",
    )
    for start_year, department, class_name, cycle, teacher in IRINA_HISTORY:
        year = _past_year(establishment, start_year)
        course = _course(
            establishment,
            year,
            class_name if not cycle else f"{class_name} {cycle}",
            class_name,
            departments[department],
            teachers[teacher],
            cycle=cycle,
        )
        _enrol(irina, course, cycle=cycle)
    fm_2c3 = Enrolment.objects.get(
        student=irina, course__school_year__label="2011/2012", course__class_name="FM 2C3"
    )
    for field, value in {
        "hours": datetime.timedelta(hours=54),
        "effective_hours": datetime.timedelta(hours=54),
        "average": Decimal("15.75"),
        "mention": "",  # the old program wrote -1 for "none"
        "class_admission": "FM 2C4",
    }.items():
        setattr(fm_2c3, field, value)
    fm_2c3.save()
    Evaluation.objects.update_or_create(
        enrolment=fm_2c3,
        evaluation_type="Contrôle Continu",
        date=datetime.date(2012, 6, 6),
        defaults={"establishment": establishment, "mark": Decimal("15.75")},
    )
    for event, date, piece, minutes, comment in IRINA_REPERTOIRE:
        Performance.objects.update_or_create(
            student=irina,
            event=event,
            date=date,
            piece=piece,
            defaults={
                "establishment": establishment,
                "duration": datetime.timedelta(minutes=minutes),
                "comment": comment,
            },
        )
    lucas = Student.objects.get(establishment=establishment, last_name="MARTIN", first_name="Lucas")
    violin = _enrol(
        lucas,
        _course(
            establishment,
            current,
            "Violon 1C2 B",
            "Violon",
            departments["Cordes"],
            teachers["LAMBERT Hélène"],
            room=rooms["Ravel"],
            weekday=Weekday.WEDNESDAY,
            start_time=datetime.time(14, 0),
            duration=datetime.timedelta(minutes=30),
            end_date=current.end_date,
            cycle="1C2",
        ),
        cycle="1C2",
    )
    Evaluation.objects.update_or_create(
        enrolment=violin,
        evaluation_type="Contrôle Continu",
        date=current.start_date + datetime.timedelta(days=60),
        defaults={
            "establishment": establishment,
            "mark": Decimal("14.50"),
            "appreciation": "Bon travail, le son s'améliore. Travailler les gammes.",
        },
    )
    Absence.objects.update_or_create(
        enrolment=violin,
        start_date=current.start_date + datetime.timedelta(days=50),
        defaults={
            "establishment": establishment,
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(14, 30),
            "characteristic": "Maladie",
            "justified": True,
        },
    )
    # Reported ahead by the family from the portal (Signaler une absence), to be justified.
    upcoming = next_lesson(violin.course)
    if upcoming is not None:
        guardian = lucas.family.guardians.filter(user__isnull=False).first()
        Absence.objects.update_or_create(
            enrolment=violin,
            start_date=upcoming,
            defaults={
                "establishment": establishment,
                "end_date": upcoming,
                "start_time": datetime.time(14, 0),
                "end_time": datetime.time(14, 30),
                "reported_by": guardian.user if guardian else None,
                "reported_at": timezone.now(),
                "family_reason": "Audition au conservatoire régional",
            },
        )


def _calendar(establishment: Establishment) -> None:
    """The ABARRE family's private calendar address (Famille → Agenda), made once."""
    from family.calendar import feed_token
    from family.models import CalendarFeed

    guardian = Guardian.objects.get(user__username=User.family_username(establishment, "abarre1"))
    CalendarFeed.objects.get_or_create(
        guardian=guardian, defaults={"establishment": establishment, "token": feed_token()}
    )


def _campaign(establishment: Establishment, today: datetime.date) -> None:
    """A re-enrolment campaign for next year, open from the day before the demo is loaded to
    four weeks after it at 00:00 (so that it is open whenever ``make run`` starts), with the
    guide's offers and collective courses, one time slot nearly full and one full, whose
    waiting list has offered Lucas MARTIN a freed seat."""

    from reenrolment.models import Campaign, Offer, Slot

    current = SchoolYear.objects.get(establishment=establishment, is_current=True)
    start = current.start_date.year + 1
    next_year, _created = SchoolYear.objects.update_or_create(
        establishment=establishment,
        label=f"{start}/{start + 1}",
        defaults={
            "start_date": datetime.date(start, 9, 1),
            "end_date": datetime.date(start + 1, 7, 4),
            "is_current": False,
        },
    )
    midnight = datetime.time(0, 0)
    campaign, _created = Campaign.objects.update_or_create(
        establishment=establishment,
        school_year=next_year,
        defaults={
            "name": f"Réinscriptions {next_year.label}",
            "opens_at": timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=1), midnight)
            ),
            "closes_at": timezone.make_aware(
                datetime.datetime.combine(today + datetime.timedelta(days=28), midnight)
            ),
            "rules": (
                "Les élèves sont tenus d'assister à tous les cours de leur cursus.\n"
                "Toute absence doit être justifiée par écrit auprès du secrétariat.\n"
                "Les instruments prêtés restent sous la responsabilité de la famille."
            ),
        },
    )
    campaign.required_documents.set(
        DocumentType.objects.filter(
            establishment=establishment,
            name__in=["Justificatif de domicile", "Attestation d'assurance"],
        )
    )
    offers = [
        ("Formation Musicale 2C", Offer.Kind.CURSUS, []),
        ("Piano 3C2", Offer.Kind.DISCIPLINE, []),
        (
            "Chorale",
            Offer.Kind.COLLECTIVE,
            [("Mardi 17:30-19:00", 20, 19), ("Samedi 10:00-11:30", 20, 4)],
        ),
        (
            "Orchestre 2e cycle",
            Offer.Kind.COLLECTIVE,
            [("Vendredi 18:00-20:00", 30, 12), ("Mercredi 16:00-18:00", 12, 11)],
        ),
    ]
    for position, (label, kind, slots) in enumerate(offers):
        offer, _created = Offer.objects.update_or_create(
            campaign=campaign,
            label=label,
            defaults={"establishment": establishment, "kind": kind, "position": position},
        )
        for slot_label, capacity, taken in slots:
            slot, created = Slot.objects.get_or_create(
                offer=offer,
                label=slot_label,
                defaults={"establishment": establishment, "capacity": capacity},
            )
            if created:
                # Seats taken by families of the demo's imagination.
                Slot.objects.filter(pk=slot.pk).update(taken=taken)
    _waiting_list(establishment, campaign)


def _waiting_list(establishment: Establishment, campaign) -> None:
    """Lucas MARTIN's re-enrolment, sent with the orchestra's full Wednesday slot: a seat
    freed, it is offered to him (the last seat of the slot) for the campaign's delay."""
    from reenrolment.models import ReenrolmentRequest, Slot, WaitingEntry

    lucas = Student.objects.get(establishment=establishment, first_name="Lucas")
    request, created = ReenrolmentRequest.objects.get_or_create(
        campaign=campaign,
        student=lucas,
        defaults={
            "establishment": establishment,
            "family": lucas.family,
            "status": ReenrolmentRequest.Status.SUBMITTED,
            "administrative_only": True,
            "submitted_at": campaign.opens_at,
        },
    )
    if not created:
        return
    slot = Slot.objects.get(offer__campaign=campaign, label="Mercredi 16:00-18:00")
    offered_at = timezone.now()
    WaitingEntry.objects.create(
        establishment=establishment,
        request=request,
        slot=slot,
        joined_at=campaign.opens_at,
        status=WaitingEntry.Status.OFFERED,
        offered_at=offered_at,
        expires_at=offered_at + datetime.timedelta(hours=campaign.offer_hours),
    )
    Slot.objects.filter(pk=slot.pk).update(taken=slot.capacity)  # the seat kept for him


def _sample_mails(establishment: Establishment, portal_url: str) -> None:
    """One mail of each kind in the outbox, the first time only (the worker then sends them),
    their links to the portal at ``portal_url``."""
    if Message.objects.exists() or MessageLog.objects.exists() or Mail.objects.exists():
        return
    login_url = f"{portal_url}{reverse('accounts:login')}"
    temporary_password_send(
        establishment=establishment,
        identifier="abarre1",
        email="jeremie.abarre@example.org",
        login_url=login_url,
    )
    martin = Guardian.objects.get(user__username=User.family_username(establishment, "bmartin1"))
    family_login_send_identifier(guardian=martin, portal_url=login_url)


def _sample_logo() -> bytes:
    """A plain logo: a blue square with a treble-clef-like "C1" and the name beside it."""
    image = Image.new("RGB", (480, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 119, 119), fill="#1f4e79")
    draw.text((38, 44), "C1", fill="white", font_size=36)
    draw.text((140, 40), "Conservatoire 1", fill="#1f4e79", font_size=34)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _billing(conservatoire: Establishment, saint_jean: Establishment, today) -> None:
    """The guide's two ledgers for the ABARRE family (imported with their numbers), a fee to
    pay at Saint-Jean, and a draft for the secretariat to issue."""
    if not conservatoire.logo:
        conservatoire.logo.save("conservatoire1.png", ContentFile(_sample_logo()), save=True)
    abarre = Family.objects.get(establishment=conservatoire, name="ABARRE")
    if not Invoice.objects.filter(establishment=conservatoire, number="12FC01618").exists():
        fees = billing.invoice_import(
            family=abarre,
            ledger=Ledger.FEES,
            number="12FC01618",
            on=datetime.date(2012, 10, 11),
            label="AVIS DES SOMMES A PAYER",
            lines=[
                ("Formation musicale – cycle 2", Decimal("1"), Decimal("54.00")),
                ("Adhésion à l'association des parents", Decimal("1"), Decimal("30.00")),
            ],
        )
        billing.payment_import(
            family=abarre,
            ledger=Ledger.FEES,
            number="12RC01632",
            on=datetime.date(2012, 11, 19),
            mode=PaymentMode.CHEQUE,
            amount=Decimal("84.00"),
            label="98135",
            deposited=True,
            invoices=[fees],
        )
        rental = billing.invoice_import(
            family=abarre,
            ledger=Ledger.RENTALS,
            number="12FC01785",
            on=datetime.date(2012, 12, 4),
            label="facture",
            lines=[("Location violon 3/4 – année 2012/2013", Decimal("1"), Decimal("200.00"))],
        )
        billing.payment_import(
            family=abarre,
            ledger=Ledger.RENTALS,
            number="12RC01724",
            on=datetime.date(2012, 12, 4),
            mode=PaymentMode.CHEQUE,
            amount=Decimal("150.00"),
            invoices=[rental],
        )
    durand = Family.objects.get(establishment=saint_jean, name="DURAND")
    if not Invoice.objects.filter(family=durand).exists():
        invoice = Invoice.objects.create(
            establishment=saint_jean, family=durand, ledger=Ledger.FEES, label="Cotisation annuelle"
        )
        InvoiceLine.objects.create(
            invoice=invoice, description="Éveil musical", unit_price=Decimal("120.00")
        )
        billing.invoice_issue(invoice=invoice, on=today)
    martin = Family.objects.get(establishment=conservatoire, name="MARTIN")
    if not Invoice.objects.filter(family=martin).exists():
        draft = Invoice.objects.create(
            establishment=conservatoire, family=martin, ledger=Ledger.FEES, label="Cotisation"
        )
        InvoiceLine.objects.create(
            invoice=draft,
            description="Piano – cycle 1",
            quantity=Decimal("3"),
            unit_price=Decimal("95.50"),
        )


def _separated_parents(conservatoire: Establishment, today: datetime.date) -> None:
    """The MARTIN parents live apart: Béatrice (``bmartin1``) is responsible for Lucas and
    Léa, Marc (``mmartin1``, a login of his own) for Lucas only, and pays the violin rental
    invoiced to him. Jérémie ABARRE has invited Irina's mother, awaiting the staff."""
    from family.services import invitation_send

    martin = Family.objects.get(establishment=conservatoire, name="MARTIN")
    beatrice = Guardian.objects.get(user__username=User.family_username(conservatoire, "bmartin1"))
    lucas = Student.objects.get(family=martin, first_name="Lucas")
    lea, _created = Student.objects.update_or_create(
        establishment=conservatoire,
        family=martin,
        last_name="MARTIN",
        first_name="Léa",
        defaults={"birth_date": datetime.date(2017, 6, 9)},
    )
    user = _family_login(conservatoire, "mmartin1", "marc.martin@example.org")
    marc, _created = Guardian.objects.update_or_create(
        user=user,
        defaults={
            "establishment": conservatoire,
            "family": martin,
            "civility": choice(conservatoire, ChoiceKind.CIVILITY, "Monsieur"),
            "last_name": "MARTIN",
            "first_name": "Marc",
            "email": "marc.martin@example.org",
            "address": "27 boulevard Alexandre Martin",
            "postal_code": "45000",
            "city": "ORLEANS",
        },
    )
    lucas.responsible_guardians.set([beatrice, marc])
    lea.responsible_guardians.set([beatrice])
    if not Invoice.objects.filter(family=martin, payer=marc).exists():
        billing.invoice_import(
            family=martin,
            ledger=Ledger.RENTALS,
            number=f"{today:%y}FC00900",
            on=today,
            label="Location violon 1/2",
            lines=[("Location violon 1/2", Decimal("1"), Decimal("60.00"))],
            payer=marc,  # made out to him, at his address
        )
    if not Invoice.objects.filter(family=martin, number=f"{today:%y}FC00901").exists():
        billing.invoice_import(
            family=martin,
            ledger=Ledger.RENTALS,
            number=f"{today:%y}FC00901",
            on=today,
            label="Location pupitre",
            lines=[("Location pupitre", Decimal("1"), Decimal("25.00"))],
            # The family's (no payer): both parents see it; made out to "MARTIN", no address.
        )
    abarre = Guardian.objects.get(user__username=User.family_username(conservatoire, "abarre1"))
    if not abarre.invitations_sent.exists():
        invitation_send(
            guardian=abarre,
            last_name="ABARRE",
            first_name="Nadia",
            email="nadia.abarre@example.org",
            students=list(Student.objects.filter(family=abarre.family_id)),
        )


@transaction.atomic
def load_demo(today: datetime.date | None = None, *, portal_url: str = "") -> list[DemoLogin]:
    """Create or refresh the demo portal, its mails linking to ``portal_url`` (by default
    ``PORTAL_URL``: where ``make run`` serves it); return the logins to print."""
    today = today or datetime.date.today()
    portal_url = (portal_url or settings.PORTAL_URL or DEFAULT_URL).rstrip("/")
    conservatoire = _establishment(
        "c1",
        name="Conservatoire 1",
        address="1 place du Martroi",
        postal_code="45000",
        city="ORLEANS",
        phone="02 38 00 00 01",
        email="conservatoire1@example.org",
        mail_sender="imuse@conservatoire1.example.org",
        online_payment=True,
        is_active=True,
    )
    saint_jean = _establishment(
        "saint-jean",
        name="École de musique de Saint-Jean",
        address="3 rue des Écoles",
        postal_code="45140",
        city="SAINT-JEAN-DE-LA-RUELLE",
        phone="02 38 00 00 02",
        email="ecole@saint-jean.example.org",
        mail_sender="imuse@saint-jean.example.org",
        welcome_text=(
            "Bienvenue sur le portail des familles de l'École de musique de Saint-Jean.\n"
            "Vous y retrouvez vos coordonnées et le suivi de vos enfants."
        ),
        online_payment=False,
        is_active=True,
    )
    for establishment in (conservatoire, saint_jean):
        _current_year(establishment, today)
        choice_lists_seed(establishment=establishment)

    _family(
        conservatoire,
        identifier="abarre1",
        civility="Monsieur",
        last_name="ABARRE",
        first_name="Jérémie",
        email="jeremie.abarre@example.org",
        address="19 rue de Paris",
        postal_code="45000",
        city="ORLEANS",
        students=[("Irina", datetime.date(1997, 8, 15))],
    )
    _family(
        conservatoire,
        identifier="bmartin1",
        civility="Madame",
        last_name="MARTIN",
        first_name="Béatrice",
        email="beatrice.martin@example.org",
        address="8 rue Jeanne d'Arc",
        postal_code="45000",
        city="ORLEANS",
        students=[("Lucas", datetime.date(2014, 3, 2))],
    )
    _family(
        saint_jean,
        identifier="cdurand2",
        civility="Monsieur",
        last_name="DURAND",
        first_name="Claude",
        email="claude.durand@example.org",
        address="12 avenue de la Gare",
        postal_code="45140",
        city="SAINT-JEAN-DE-LA-RUELLE",
        students=[("Chloé", datetime.date(2012, 11, 20))],
    )
    _abarre_identity(conservatoire)
    _sample_mails(conservatoire, portal_url)
    _pending_change(conservatoire)
    secretariat1 = _staff("secretariat1", conservatoire, "Sophie", "LEROY")
    _staff("secretariat2", saint_jean, "Marc", "PETIT")
    _superuser("admin")
    _document_types(saint_jean)
    _documents(conservatoire, secretariat1)
    _school_records(conservatoire)
    _calendar(conservatoire)
    _campaign(conservatoire, today)
    _billing(conservatoire, saint_jean, today)
    _separated_parents(conservatoire, today)

    return [
        DemoLogin("portal", conservatoire.name, "abarre1", "Monsieur ABARRE Jérémie"),
        DemoLogin("portal", conservatoire.name, "bmartin1", "Madame MARTIN Béatrice"),
        DemoLogin("portal", conservatoire.name, "mmartin1", "Monsieur MARTIN Marc"),
        DemoLogin("portal", saint_jean.name, "cdurand2", "Monsieur DURAND Claude"),
        DemoLogin("admin", conservatoire.name, "secretariat1", "secretariat"),
        DemoLogin("admin", saint_jean.name, "secretariat2", "secretariat"),
        DemoLogin("admin", "all establishments", "admin", "superuser"),
    ]
