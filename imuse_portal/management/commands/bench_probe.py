"""The benchmark's eyes inside one database (``make bench`` runs it, once per database size).

``pages``: the measured family's pages and documents, as URLs (the first generated family of
the first generated establishment, the same in every size). ``queries``: each page's SQL query
count, and on PostgreSQL every query ``EXPLAIN``-ed for sequential scans of large tables.
``seats``: a separate establishment whose 50 students each hold a draft re-enrolment for the
same ten-seat time slot, reset for each run; ``seats-held``: what the sendings left. The answer
is one line of JSON."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Establishment, User
from billing.models import Invoice, Payment
from family.models import Family, Guardian
from imuse_portal.synthetic import PASSWORD, identifier
from reenrolment import services as reenrolment_services
from reenrolment.models import Campaign, Choice, Offer, ReenrolmentRequest, Slot
from students.models import Enrolment, Performance, SchoolYear, Student

SEAT_SENDINGS = 50
SEATS = 10
SEATS_CODE = "banc"
LARGE_TABLE = 10_000  # rows: a sequential scan of a table this size is a missing index


def measured_family() -> Guardian:
    return Guardian.objects.select_related("user", "family").get(
        user__username=f"gen1:{identifier(1)}"
    )


def pages(guardian: Guardian) -> dict:
    family = guardian.family
    students = list(Student.objects.filter(family=family).order_by("pk"))
    # The student with the longest history: the pages' heaviest case in this family.
    student = max(students, key=lambda s: (s.enrolments.count(), -s.pk))
    current = SchoolYear.objects.get(establishment=family.establishment_id, is_current=True)
    course = Enrolment.objects.filter(student=student, course__school_year=current).first()
    past = (
        Enrolment.objects.filter(
            student=student, course__school_year__start_date__lt=current.start_date
        )
        .order_by("course__school_year__start_date")
        .first()
    )
    campaign = Campaign.objects.filter(establishment=family.establishment_id).first()
    reenrolment_services.request_start(campaign=campaign, student=student)
    invoices = list(Invoice.objects.filter(family=family).order_by("date", "pk"))
    receipts = list(Payment.objects.filter(family=family).order_by("date", "pk"))
    documents = [reverse("billing:invoice_pdf", args=[invoice.pk]) for invoice in invoices] + [
        reverse("billing:payment_pdf", args=[payment.pk]) for payment in receipts
    ]
    listed = {
        "Accueil": reverse("home"),
        "Identité": reverse("family:identity"),
        "Cours": reverse("students:courses", args=[student.pk]),
        "Fiche de cours": reverse("students:course", args=[student.pk, course.pk]),
        "Historique": reverse("students:history", args=[student.pk]),
        "Fiche d'historique": reverse("students:history_record", args=[student.pk, past.pk]),
        "Répertoire": reverse("students:repertoire", args=[student.pk]),
        "Facturation": reverse("billing:ledger"),
        "Réinscription (cours)": reverse("reenrolment:step", args=[student.pk, "cours"]),
    }
    if Performance.objects.filter(student=student).exists():
        performance = Performance.objects.filter(student=student).first()
        listed["Pièce jouée"] = reverse("students:performance", args=[student.pk, performance.pk])
    return {
        "establishment": family.establishment_id,
        "identifier": guardian.user.identifier,
        "password": PASSWORD,
        "families": Family.objects.count(),
        "pages": listed,
        "documents": documents,
    }


def _client(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    return client


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= %s", [LARGE_TABLE]
        )
        return {name for (name,) in cursor.fetchall()}


def _sequential_scans(sql: str, large: set[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    found = []

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in large:
            found.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def queries(guardian: Guardian, urls: dict, explain: bool) -> dict:
    client = _client(guardian.user)
    large = _large_tables() if explain else set()
    counts, scans = {}, {}
    for name, url in urls.items():
        client.get(url, secure=True)  # the first request of a session reads more
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{name}: {url} answered {response.status_code}")
        counts[name] = len(captured.captured_queries)
        if explain:
            found = set()
            for query in captured.captured_queries:
                sql = query["sql"]
                if sql.lstrip().upper().startswith("SELECT"):
                    found.update(_sequential_scans(sql, large))
            scans[name] = sorted(found)
    return {"queries": counts, "scans": scans, "large_tables": sorted(large)}


@transaction.atomic
def seats() -> dict:
    """The 50 drafts, ready to send, for a ten-seat slot (made once, reset each time)."""
    establishment, created = Establishment.objects.get_or_create(
        code=SEATS_CODE, defaults={"name": "Banc d'essai des places"}
    )
    user = User.objects.filter(username=User.family_username(establishment, "choristes")).first()
    if user is None:
        user = User.objects.create_user(
            username=User.family_username(establishment, "choristes"),
            password=PASSWORD,
            establishment=establishment,
            identifier="choristes",
        )
        family = Family.objects.create(establishment=establishment, name="CHORISTES")
        Guardian.objects.create(
            establishment=establishment, family=family, user=user, last_name="CHORISTES",
            first_name="Famille",
        )  # fmt: skip
        Student.objects.bulk_create(
            Student(establishment=establishment, family=family, last_name="CHORISTES",
                    first_name=f"Élève {number}")
            for number in range(1, SEAT_SENDINGS + 1)
        )  # fmt: skip
        year = SchoolYear.objects.create(
            establishment=establishment, label="2100/2101", start_date=datetime.date(2100, 9, 1),
            end_date=datetime.date(2101, 7, 4),
        )  # fmt: skip
        now = timezone.now()
        campaign = Campaign.objects.create(
            establishment=establishment, name="Places", school_year=year,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=3650),
            step_contact_details=False, step_authorisations=False, step_documents=False,
        )  # fmt: skip
        choir = Offer.objects.create(
            establishment=establishment, campaign=campaign, label="Chorale", kind="collective"
        )
        Slot.objects.create(establishment=establishment, offer=choir, label="Mardi", capacity=SEATS)
    campaign = Campaign.objects.get(establishment=establishment)
    slot = Slot.objects.get(offer__campaign=campaign)
    ReenrolmentRequest.objects.filter(campaign=campaign).delete()  # choices go with them
    Slot.objects.filter(pk=slot.pk).update(taken=0)
    students = list(Student.objects.filter(establishment=establishment).order_by("pk"))
    for student in students:
        request = reenrolment_services.request_start(campaign=campaign, student=student)
        reenrolment_services.request_save_step(
            request=request,
            step=reenrolment_services.COURSES,
            answer={"offers": [slot.offer_id], "slots": {str(slot.offer_id): slot.pk}},
        )
    return {
        "establishment": establishment.pk,
        "identifier": "choristes",
        "password": PASSWORD,
        "seats": SEATS,
        "send": [
            reverse("reenrolment:step", args=[student.pk, "finalisation"]) for student in students
        ],
        "sent": reverse("reenrolment:start", args=[students[0].pk]).replace(
            str(students[0].pk), "{id}"
        ),
    }


def seats_held() -> dict:
    slot = Slot.objects.get(establishment__code=SEATS_CODE)
    return {
        "taken": slot.taken,
        "choices": Choice.objects.filter(slot=slot).count(),
        "sent": ReenrolmentRequest.objects.filter(
            campaign__establishment__code=SEATS_CODE, status="submitted"
        ).count(),
    }


class Command(BaseCommand):
    help = "The benchmark's probe inside one database (make bench runs it); prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["status", "pages", "queries", "seats", "seats-held"])
        parser.add_argument("--explain", action="store_true")

    def handle(self, *args, what, explain, **options):
        if what == "status":
            answer = {
                "families": Family.objects.exclude(establishment__code=SEATS_CODE).count(),
                "vendor": connection.vendor,
            }
        elif what == "pages":
            answer = pages(measured_family())
        elif what == "queries":
            guardian = measured_family()
            answer = queries(guardian, pages(guardian)["pages"], explain)
        elif what == "seats":
            answer = seats()
        else:
            answer = seats_held()
        self.stdout.write(json.dumps(answer))
