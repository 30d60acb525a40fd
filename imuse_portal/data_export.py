"""Everything the portal holds about one family, as the family downloads it from Famille → My
data (the GDPR's rights of access and portability): a JSON file and a readable page, both made
from the same rows.

It lives in ``imuse_portal`` because it reads every app (accounts, family, students,
re-enrolment, billing), and only ``imuse_portal`` may import them all (STYLE.md); a
composer in ``family`` would have to reach the others through the app registry, hiding the
dependency instead of stating it. Every query is scoped to the family by the tenancy's
``for_family`` (and to its establishment), and each runs once whatever the amount of data.

Not in it: the files of the documents (each is downloaded from its page; the export says
which were sent), passwords (stored as hashes nobody can read back), the staff's logins.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.audit import action_label, details_shown
from accounts.models import AuditEntry
from billing.models import Invoice, Payment, PaymentAttempt, Settlement
from billing.templatetags.billing import money
from family.models import (
    ChangeRequest,
    ChoiceItem,
    Document,
    Family,
    Guardian,
    GuardianInvitation,
    requested_field,
)
from reenrolment.models import Choice, ReenrolmentRequest, WaitingEntry
from students.models import Absence, Enrolment, Evaluation, Performance, SchoolLevel, Student
from students.selectors import with_contact
from students.templatetags.school import hhmm

FORMAT = "imuse-portal-family-data"
VERSION = 1


@dataclass(frozen=True)
class Value:
    """One field: its JSON key and value, and its label and text on the readable page."""

    name: str
    label: str
    data: object
    text: str


@dataclass
class Table:
    """Rows of the same fields (a student's absences, the family's invoices)."""

    name: str
    caption: str
    rows: list[list[Value]]

    @property
    def headers(self) -> list[str]:
        return [value.label for value in self.rows[0]] if self.rows else []

    def as_json(self) -> list[dict]:
        return [{value.name: value.data for value in row} for row in self.rows]


@dataclass
class Record:
    """One person or thing as a list of fields (a guardian's identity), with its tables."""

    key: str
    title: str
    values: list[Value]
    tables: list[Table] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            **{value.name: value.data for value in self.values},
            **{table.name: table.as_json() for table in self.tables},
        }


@dataclass
class Section:
    title: str
    tables: list[Table]


@dataclass
class FamilyData:
    generated_at: datetime.datetime
    establishment: str
    family: Record
    guardians: list[Record]
    students: list[Record]
    sections: list[Section]

    @property
    def file_name(self) -> str:
        return f"imuse-data-{timezone.localtime(self.generated_at):%Y-%m-%d}.json"

    def as_json(self) -> dict:
        tables = {table.name: table.as_json() for s in self.sections for table in s.tables}
        return {
            "format": FORMAT,
            "version": VERSION,
            "generated_at": timezone.localtime(self.generated_at).isoformat(),
            "establishment": self.establishment,
            "family": self.family.as_json(),
            "guardians": [guardian.as_json() for guardian in self.guardians],
            "students": [student.as_json() for student in self.students],
            **tables,
        }

    def as_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2).encode()


def shown(value) -> tuple[object, str]:
    """(JSON value, text as read) of a stored value: dates in ISO 8601 and "13/06/2012",
    decimals as exact strings ("15.75") and "15,75", durations "01:30", yes/no."""
    if isinstance(value, Promise):  # a translatable label
        value = str(value)
    if value is None or value == "":
        return value, ""
    if isinstance(value, bool):
        return value, _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value)
        return local.isoformat(), date_format(local, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat(), date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M"), value.strftime("%H:%M")
    if isinstance(value, datetime.timedelta):
        return hhmm(value), hhmm(value)
    if isinstance(value, Decimal):
        return str(value), number_format(value, 2)
    if isinstance(value, models.Model):
        return str(value), str(value)
    if isinstance(value, (dict, list)):
        return value, json.dumps(value, ensure_ascii=False) if value else ""
    return value, str(value)


def plain(name: str, label, value) -> Value:
    data, text = shown(value)
    return Value(name, str(label), data, text)


def amount(name: str, label, value: Decimal | None) -> Value:
    """An amount: an exact string in the JSON ("84.00"), "84,00 €" on the page."""
    if value is None:
        return Value(name, str(label), None, "")
    return Value(name, str(label), str(value), money(value))


def of(obj, name: str, label=None) -> Value:
    """A model field of ``obj``, labelled with its verbose name; a choice gives its code in
    the JSON and its label on the page."""
    model_field = obj._meta.get_field(name)
    label = label or capfirst(model_field.verbose_name)
    if model_field.choices and not model_field.is_relation:
        code = getattr(obj, name)
        return Value(name, str(label), code, str(getattr(obj, f"get_{name}_display")()))
    return plain(name, label, getattr(obj, name))


def fields(obj, names: list[str]) -> list[Value]:
    return [of(obj, name) for name in names]


ENROLMENT_FIELDS = [
    "cycle",
    "adapted_schedule",
    "activity_status",
    "activity_reason",
    "first_instrument",
    "hours",
    "effective_hours",
    "average",
    "average_denominator",
    "letter_average",
    "mention",
    "class_result",
    "cycle_result",
    "class_admission",
    "cycle_admission",
    "comment",
]
LOGIN_FIELDS = [
    "identifier",
    "email",
    "is_active",
    "last_login",
    "date_joined",
    "language",
    "accessible_mode",
    "shortcuts_enabled",
]


def _course(enrolment: Enrolment) -> Value:
    return plain("course", _("Course"), str(enrolment.course))


def _enrolment_row(enrolment: Enrolment) -> list[Value]:
    course = enrolment.course
    return [
        plain("school_year", _("School year"), course.school_year.label),
        plain("course", _("Course"), course.label),
        plain("class", _("Class"), course.class_name),
        plain("department", _("Department"), course.department),
        plain("teacher", _("Teacher"), course.teacher),
        plain("room", _("Room"), course.room),
        of(course, "weekday", _("Day")),
        plain("start_time", _("Start time"), course.start_time),
        plain("duration", _("Duration"), course.duration),
        *fields(enrolment, ENROLMENT_FIELDS),
    ]


def _student_values(student: Student, reader) -> list[Value]:
    """The student's Identité, with the address and phones the establishment uses
    (``Student.contact``: a guardian's while the box says so, whose they are said)."""
    contact = student.contact.seen_by(getattr(reader, "pk", None))
    values = []
    for name in Student.IDENTITY_FIELDS:
        if name in Student.CONTACT_FIELDS:
            label = capfirst(Student._meta.get_field(name).verbose_name)
            values.append(plain(name, label, getattr(contact, name)))
        else:
            values.append(of(student, name))
        if name == "use_guardian_contact":
            values.append(
                plain(
                    "contact_details_of",
                    _("Address and phones of"),
                    contact.guardian.full_name if contact.guardian else "",
                )
            )
    return values


def _own_contact_rows(student: Student) -> list[list[Value]]:
    """The student's own address and phones, kept while a guardian's are used."""
    if not student.use_guardian_contact:
        return []
    own = fields(student, list(Student.CONTACT_FIELDS))
    return [own] if any(value.data for value in own) else []


def _student_record(
    student: Student, enrolments, evaluations, absences, performances, reader=None
) -> Record:
    name = student.full_name
    return Record(
        key=f"student-{student.pk}",
        title=name,
        values=_student_values(student, reader),
        tables=[
            Table(
                "own_contact_details",
                _("Own address and phones of %(name)s, not used while a guardian's are")
                % {"name": name},
                _own_contact_rows(student),
            ),
            Table(
                "school_levels",
                _("School levels of %(name)s") % {"name": name},
                [
                    [
                        plain("school_year", _("School year"), level.school_year.label),
                        plain("level", _("School level"), level.level),
                    ]
                    for level in student.school_levels.all()
                ],
            ),
            Table(
                "enrolments",
                _("Courses and results of %(name)s, every school year") % {"name": name},
                [_enrolment_row(enrolment) for enrolment in enrolments],
            ),
            Table(
                "evaluations",
                _("Evaluations of %(name)s") % {"name": name},
                [
                    [_course(evaluation.enrolment), *fields(evaluation, Evaluation.RECORD_FIELDS)]
                    for evaluation in evaluations
                ],
            ),
            Table(
                "absences",
                _("Absences of %(name)s") % {"name": name},
                [
                    [
                        _course(absence.enrolment),
                        *fields(absence, [*Absence.RECORD_FIELDS, "reported_at", "family_reason"]),
                    ]
                    for absence in absences
                ],
            ),
            Table(
                "performances",
                _("Repertoire of %(name)s") % {"name": name},
                [
                    fields(performance, ["event", "date", "piece", "duration", "comment"])
                    for performance in performances
                ],
            ),
        ],
    )


def _by_student(rows, student_of) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(student_of(row), []).append(row)
    return grouped


def _change_rows(change_requests, records, choice_labels) -> list[list[Value]]:
    """One row per field asked for, with the values as the family typed or chose them."""

    def text_of(model_field, text: str) -> str:
        if text == "":
            return ""
        if model_field.is_relation:
            return choice_labels.get(int(text), text) if text.isascii() and text.isdigit() else text
        if model_field.get_internal_type() == "BooleanField":
            return _("yes") if text == "True" else _("no")
        return text

    rows = []
    for request in change_requests:
        model = request.content_type.model_class()
        record = records.get((model, request.object_id))
        for name, change in request.changes.items():
            model_field = requested_field(model, name)
            rows.append(
                [
                    of(request, "created_at"),
                    plain("record", _("Record"), record),
                    plain("field", _("Field"), capfirst(model_field.verbose_name)),
                    plain("old", _("Value when asked"), text_of(model_field, change["old"])),
                    plain("new", _("Value asked for"), text_of(model_field, change["new"])),
                    of(request, "status"),
                    of(request, "decided_at"),
                    of(request, "reason"),
                ]
            )
    return rows


def _document_rows(documents, students) -> list[list[Value]]:
    return [
        [
            plain("document", _("Document"), document.document_type),
            plain(
                "for", _("For"), students.get(document.student_id) if document.student_id else ""
            ),
            of(document, "status"),
            of(document, "original_name"),
            of(document, "mime_type"),
            of(document, "size"),
            of(document, "uploaded_at"),
            of(document, "submitted_at"),
            of(document, "decided_at"),
            of(document, "reason"),
        ]
        for document in documents
    ]


def _reenrolment_rows(requests) -> list[list[Value]]:
    return [
        [
            plain("campaign", _("Campaign"), request.campaign),
            plain("student", _("Student"), request.student),
            of(request, "status"),
            of(request, "administrative_only"),
            plain(
                "choices", _("Choices"), "; ".join(str(choice) for choice in request.choices.all())
            ),
            plain(
                "waiting_lists",
                _("Waiting lists"),
                "; ".join(
                    f"{entry.slot} ({entry.get_status_display()})"
                    for entry in request.waiting_entries.all()
                ),
            ),
            of(request, "demands"),
            of(request, "created_at"),
            of(request, "submitted_at"),
            of(request, "decided_at"),
            of(request, "reason"),
            of(request, "answers"),
        ]
        for request in requests
    ]


def _invitation_rows(invitations) -> list[list[Value]]:
    return [
        [
            of(invitation, "created_at"),
            of(invitation, "last_name"),
            of(invitation, "first_name"),
            of(invitation, "email"),
            plain(
                "students",
                _("Students"),
                ", ".join(student.full_name for student in invitation.students.all()),
            ),
            of(invitation, "status"),
            of(invitation, "decided_at"),
            of(invitation, "reason"),
        ]
        for invitation in invitations
    ]


def _invoice_rows(invoices) -> list[list[Value]]:
    return [
        [
            of(invoice, "number"),
            of(invoice, "kind"),
            of(invoice, "ledger"),
            of(invoice, "date"),
            of(invoice, "label"),
            amount("total", _("Total"), invoice.total),
            plain("corrects", _("Corrects the invoice"), invoice.corrects),
            of(invoice, "family_name"),
            of(invoice, "family_address"),
        ]
        for invoice in invoices
    ]


def _line_rows(invoices) -> list[list[Value]]:
    return [
        [
            plain("invoice", _("Invoice"), invoice.number),
            of(line, "description"),
            plain("quantity", _("Quantity"), line.quantity),
            amount("unit_price", _("Unit price"), line.unit_price),
            amount("amount", _("Amount"), line.amount),
        ]
        for invoice in invoices
        for line in invoice.lines.all()
    ]


def _payment_rows(payments) -> list[list[Value]]:
    return [
        [
            of(payment, "number"),
            of(payment, "ledger"),
            of(payment, "date"),
            of(payment, "mode"),
            amount("amount", _("Amount"), payment.amount),
            of(payment, "label"),
            of(payment, "deposited"),
            Value(
                "settles",
                _("Invoices settled"),
                [
                    {"invoice": s.invoice.number, "amount": str(s.amount)}
                    for s in payment.settlements.all()
                ],
                ", ".join(
                    f"{s.invoice.number} ({money(s.amount)})" for s in payment.settlements.all()
                ),
            ),
        ]
        for payment in payments
    ]


def _attempt_rows(attempts) -> list[list[Value]]:
    return [
        [
            of(attempt, "created_at"),
            of(attempt, "reference"),
            of(attempt, "ledger"),
            amount("amount", _("Amount"), attempt.amount),
            of(attempt, "currency"),
            of(attempt, "status"),
            plain("payment", _("Payment recorded"), attempt.payment),
        ]
        for attempt in attempts
    ]


def _audit_rows(entries, login_ids: set[int]) -> list[list[Value]]:
    def by(entry) -> str:
        if entry.actor_id in login_ids:
            return _("your family")
        if entry.actor_label:
            return _("the establishment's staff")
        return _("the portal")

    return [
        [
            of(entry, "created_at"),
            # The code in the JSON, in words on the page ("Modification demandée").
            Value(
                "action",
                str(capfirst(AuditEntry._meta.get_field("action").verbose_name)),
                entry.action,
                action_label(entry.action, entry.object_type),
            ),
            plain("by", _("By"), by(entry)),
            of(entry, "object_repr"),
            Value(
                "details",
                str(capfirst(AuditEntry._meta.get_field("details").verbose_name)),
                entry.details,
                " – ".join(
                    _("%(label)s: %(text)s") % {"label": label, "text": text}
                    for label, text in details_shown(entry)
                ),
            ),
        ]
        for entry in entries
    ]


def _audit_entries(
    family: Family,
    refs: dict[str, list],
    login_ids: set[int],
    *,
    whole_family: bool,
    others: dict[str, list],
):
    """The audit log's entries about the family: its own requests (made with its logins) and
    what was done to its records (the staff's decisions, its documents read by the staff),
    those about records deleted since or not listed here (an evaluation, an absence)
    included: the entries tied to the family."""
    query = Q(actor__in=login_ids)
    if whole_family:
        # Not what was done to another guardian's record or login (``others``).
        tied = Q(family_id=family.pk)
        for label, pks in others.items():
            tied &= ~Q(object_type=label, object_id__in=[str(pk) for pk in pks])
        query |= tied
    for label, pks in refs.items():
        if pks:
            query |= Q(object_type=label, object_id__in=[str(pk) for pk in pks])
    return (
        AuditEntry.objects.for_establishment(family.establishment_id)
        .filter(query)
        .order_by("created_at", "pk")
    )


def family_data(family: Family, guardian=None) -> FamilyData:
    """Everything the portal holds about ``family`` (a family reached through the tenancy
    helpers: ``get_object_for(request, Family, …)``), in about twenty queries whatever its
    size; with ``guardian``, what that guardian reaches of it (their own record, the students
    they are responsible for, the invoices they pay: a separated parent reads nothing of the
    other's)."""
    establishment = family.establishment
    guardians = list(
        Guardian.objects.for_establishment(establishment)
        .for_family(family, guardian=guardian)
        .select_related("civility", "marital_status", "socio_professional", "user")
        .order_by("pk")
    )
    logins = [guardian.user for guardian in guardians if guardian.user_id]
    login_ids = {user.pk for user in logins}
    students = with_contact(
        Student.objects.for_establishment(establishment)
        .for_family(family, guardian=guardian)
        .select_related("civility", "marital_status", "family")
        .prefetch_related(
            Prefetch(
                "school_levels",
                SchoolLevel.objects.select_related("school_year", "level").order_by(
                    "school_year__start_date", "pk"
                ),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    course = ("course__school_year", "course__department", "course__teacher", "course__room")
    enrolments = list(
        Enrolment.objects.for_family(family, guardian=guardian)
        .select_related(*course)
        .order_by("-course__school_year__start_date", "course__label", "pk")
    )
    evaluations = list(
        Evaluation.objects.for_family(family, guardian=guardian)
        .select_related("enrolment__course__school_year")
        .order_by("-date", "-pk")
    )
    absences = list(
        Absence.objects.for_family(family, guardian=guardian)
        .select_related("enrolment__course__school_year")
        .order_by("-start_date", "-pk")
    )
    performances = list(
        Performance.objects.for_family(family, guardian=guardian).order_by("-date", "pk")
    )
    documents = list(
        Document.objects.for_family(family, guardian=guardian)
        .select_related("document_type")
        .order_by("-uploaded_at", "-pk")
    )
    change_requests = list(
        ChangeRequest.objects.for_family(family, guardian=guardian)
        .select_related("content_type")
        .order_by("created_at", "pk")
    )
    invitations = list(
        GuardianInvitation.objects.for_family(family, guardian=guardian)
        .prefetch_related("students")
        .order_by("created_at", "pk")
    )
    choice_labels = {
        item.pk: str(item) for item in ChoiceItem.objects.for_establishment(establishment)
    }
    reenrolments = list(
        ReenrolmentRequest.objects.for_family(family, guardian=guardian)
        .select_related("campaign", "student")
        .prefetch_related(
            Prefetch("choices", Choice.objects.select_related("offer", "slot")),
            Prefetch("waiting_entries", WaitingEntry.objects.select_related("slot__offer")),
        )
        .order_by("created_at", "pk")
    )
    invoices = list(
        Invoice.objects.for_family(family, guardian=guardian)
        .issued()
        .select_related("corrects")
        .prefetch_related("lines")
        .order_by("date", "pk")
    )
    payments = list(
        Payment.objects.for_family(family, guardian=guardian)
        .issued()
        .prefetch_related(
            Prefetch("settlements", Settlement.objects.select_related("invoice").order_by("pk"))
        )
        .order_by("date", "pk")
    )
    attempts = list(
        PaymentAttempt.objects.for_family(family, guardian=guardian)
        .select_related("payment")
        .order_by("created_at", "pk")
    )
    refs = {
        "family.Family": [family.pk],
        "family.Guardian": [guardian.pk for guardian in guardians],
        "accounts.User": list(login_ids),
        "students.Student": [student.pk for student in students],
        "students.Enrolment": [enrolment.pk for enrolment in enrolments],
        "family.Document": [document.pk for document in documents],
        "family.GuardianInvitation": [invitation.pk for invitation in invitations],
        "reenrolment.ReenrolmentRequest": [request.pk for request in reenrolments],
        "billing.Invoice": [invoice.pk for invoice in invoices],
        "billing.Payment": [payment.pk for payment in payments],
    }
    refs.update(
        {
            "students.Evaluation": [evaluation.pk for evaluation in evaluations],
            "students.Absence": [absence.pk for absence in absences],
            "students.Performance": [performance.pk for performance in performances],
        }
    )
    # A family's entries about records deleted since are the family's when one login reads
    # everything (but what was done to another guardian's record); with a login per
    # guardian, each reads the entries about what they reach.
    other_guardians = (
        list(Guardian.objects.for_family(family).exclude(pk=guardian.pk).values("pk", "user"))
        if guardian is not None
        else []
    )
    whole_family = not any(other["user"] for other in other_guardians)
    others = {
        "family.Guardian": [other["pk"] for other in other_guardians],
        "accounts.User": [other["user"] for other in other_guardians if other["user"]],
    }
    audit_entries = list(
        _audit_entries(family, refs, login_ids, whole_family=whole_family, others=others)
    )

    by_enrolment_student = _by_student(enrolments, lambda e: e.student_id)
    by_evaluation_student = _by_student(evaluations, lambda e: e.enrolment.student_id)
    by_absence_student = _by_student(absences, lambda a: a.enrolment.student_id)
    by_performance_student = _by_student(performances, lambda p: p.student_id)
    student_records = [
        _student_record(
            student,
            by_enrolment_student.get(student.pk, []),
            by_evaluation_student.get(student.pk, []),
            by_absence_student.get(student.pk, []),
            by_performance_student.get(student.pk, []),
            reader=guardian,
        )
        for student in students
    ]
    records = {(Guardian, guardian.pk): guardian for guardian in guardians}
    records.update({(Student, student.pk): student for student in students})
    return FamilyData(
        generated_at=timezone.now(),
        establishment=establishment.name,
        family=Record(
            key="family",
            title=family.name,
            values=[of(family, "name"), of(family, "created_at")],
            tables=[
                Table(
                    "logins",
                    _("Your family's logins"),
                    [fields(user, LOGIN_FIELDS) for user in logins],
                )
            ],
        ),
        guardians=[
            Record(f"guardian-{g.pk}", g.full_name, fields(g, Guardian.IDENTITY_FIELDS))
            for g in guardians
        ],
        students=student_records,
        sections=[
            Section(
                _("Documents and requests"),
                [
                    Table(
                        "documents",
                        _("Documents sent (the files themselves are not included)"),
                        _document_rows(documents, {s.pk: s.full_name for s in students}),
                    ),
                    Table(
                        "change_requests",
                        _("Changes asked for on the records"),
                        _change_rows(change_requests, records, choice_labels),
                    ),
                    Table(
                        "reenrolment_requests",
                        _("Re-enrolment requests"),
                        _reenrolment_rows(reenrolments),
                    ),
                    Table(
                        "invitations",
                        _("Guardians you invited"),
                        _invitation_rows(invitations),
                    ),
                ],
            ),
            Section(
                _("Billing"),
                [
                    Table("invoices", _("Invoices and credit notes"), _invoice_rows(invoices)),
                    Table("invoice_lines", _("Lines of the invoices"), _line_rows(invoices)),
                    Table("payments", _("Payments"), _payment_rows(payments)),
                    Table("online_payments", _("Online payments"), _attempt_rows(attempts)),
                ],
            ),
            Section(
                _("Audit log"),
                [
                    Table(
                        "audit_entries",
                        _("What was done on your family's records, and by whom"),
                        _audit_rows(audit_entries, login_ids),
                    )
                ],
            ),
        ],
    )
