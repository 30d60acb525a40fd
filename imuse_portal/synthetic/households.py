"""The families of an establishment, written in bulk: logins, guardians, students, each
student's years (courses, evaluations, absences, pieces played, school level) and the family's
invoices and payments. Each family draws from its own random generator (seeded by the run's
seed, the establishment's rank and its own), so that the family of a given rank has the same
records in a small install as in a large one."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from accounts.models import User
from billing.models import Invoice, InvoiceLine, Payment, Settlement
from billing.numbering import format_number
from family.models import Family, Guardian
from imuse_portal.synthetic import french
from imuse_portal.synthetic.rows import Writer
from imuse_portal.synthetic.school import School
from students.models import Absence, Enrolment, Evaluation, Performance, SchoolLevel, Student

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
FEE = Decimal("84.00")
INSTRUMENT_FEE = Decimal("126.50")
MARKS = [Decimal(quarter) / 4 for quarter in range(24, 80)]  # 6.00 … 19.75


def identifier(rank: int) -> str:
    """The login of the family of that rank in its establishment (``famille1``…)."""
    return f"famille{rank}"


class Households:
    """The bulk tables, opened once per run and shared by every establishment."""

    def __init__(self, writer: Writer, password_hash: str, seed: int):
        self.password_hash = password_hash
        self.seed = seed
        self.now = datetime.datetime.now(datetime.UTC)
        self.today = datetime.date.today()
        self.users = writer.table(
            User,
            ["username", "password", "establishment_id", "identifier", "email", "language",
             "is_staff", "is_superuser", "is_active", "date_joined", "first_name", "last_name"],
        )  # fmt: skip
        self.families = writer.table(Family, ["establishment_id", "name", "created_at"])
        self.guardians = writer.table(
            Guardian,
            ["establishment_id", "family_id", "civility_id", "last_name", "first_name",
             "address", "postal_code", "city", "home_phone", "mobile_phone", "email",
             "marital_status_id", "socio_professional_id", "profession", "user_id"],
        )  # fmt: skip
        self.students = writer.table(
            Student,
            ["establishment_id", "family_id", "civility_id", "last_name", "first_name",
             "birth_date", "birth_place", "address", "postal_code", "city",
             "emergency_contact", "emergency_phone", "use_guardian_contact", "image_rights",
             "outing_allowed"],
        )  # fmt: skip
        self.levels = writer.table(
            SchoolLevel, ["establishment_id", "student_id", "school_year_id", "level_id"]
        )
        self.enrolments = writer.table(
            Enrolment,
            ["establishment_id", "student_id", "course_id", "cycle", "first_instrument",
             "hours", "effective_hours", "average", "letter_average", "mention",
             "class_result", "class_admission", "comment"],
        )  # fmt: skip
        self.evaluations = writer.table(
            Evaluation,
            ["establishment_id", "enrolment_id", "evaluation_type", "date", "criterion_type",
             "mark", "mention", "appreciation"],
        )  # fmt: skip
        self.absences = writer.table(
            Absence,
            ["establishment_id", "enrolment_id", "start_date", "end_date", "start_time",
             "end_time", "characteristic", "justified"],
        )  # fmt: skip
        self.performances = writer.table(
            Performance,
            ["establishment_id", "student_id", "event", "date", "piece", "duration", "comment"],
        )
        self.invoices = writer.table(
            Invoice,
            ["establishment_id", "family_id", "ledger", "number", "year", "sequence", "date",
             "label", "issuer_name", "issuer_address", "family_name", "family_address",
             "issued_at", "kind", "total"],
        )  # fmt: skip
        self.lines = writer.table(
            InvoiceLine, ["invoice_id", "position", "description", "quantity", "unit_price"]
        )
        self.payments = writer.table(
            Payment,
            ["establishment_id", "family_id", "ledger", "number", "year", "sequence", "date",
             "label", "issuer_name", "issuer_address", "family_name", "family_address",
             "issued_at", "mode", "amount", "deposited"],
        )  # fmt: skip
        self.settlements = writer.table(Settlement, ["payment_id", "invoice_id", "amount"])

    # One family -----------------------------------------------------------------------------

    def family(self, school: School, establishment_rank: int, rank: int) -> None:
        rng = random.Random(f"{self.seed}:{establishment_rank}:{rank}")
        establishment = school.establishment
        e_id = establishment.pk
        last_name = rng.choice(french.LAST_NAMES)
        street = f"{rng.randint(1, 120)} {rng.choice(french.STREET_KINDS)} "
        street += rng.choice(french.STREET_NAMES)
        postal_code, city = rng.choice(french.TOWNS)
        login = identifier(rank)
        email = f"{login}@{establishment.code}.example.org"
        family_id = self.families.add(e_id, last_name, self.now)
        user_id = self.users.add(
            User.family_username(establishment, login), self.password_hash, e_id, login, email,
            "fr", False, False, True, self.now, "", "",
        )  # fmt: skip
        holder = self._guardian(school, rng, family_id, last_name, street, postal_code, city,
                                email, user_id, mother=rng.random() < 0.6)  # fmt: skip
        if rng.random() < 0.5:
            self._guardian(school, rng, family_id, last_name, street, postal_code, city,
                           "", None, mother=not holder[1])  # fmt: skip
        for _child in range(rng.choices((1, 2, 3), weights=(50, 35, 15))[0]):
            self._student(school, rng, family_id, last_name, street, postal_code, city, holder)
        self._ledger(school, rng, family_id, holder[0], f"{street}\n{postal_code} {city}")

    def _guardian(self, school, rng, family_id, last_name, street, postal_code, city, email,
                  user_id, *, mother: bool):  # fmt: skip
        first_name = rng.choice(french.FIRST_NAMES_F if mother else french.FIRST_NAMES_M)
        civility = "Madame" if mother else "Monsieur"
        mobile = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        mobile += f"{rng.randint(10, 99)}"
        self.guardians.add(
            school.establishment.pk, family_id, school.civility[civility], last_name,
            first_name, street, postal_code, city, "", mobile, email,
            rng.choice(school.marital_status), rng.choice(school.socio_professional),
            rng.choice(french.PROFESSIONS), user_id,
        )  # fmt: skip
        return f"{civility} {last_name} {first_name}", mother

    def _student(self, school, rng, family_id, last_name, street, postal_code, city, holder):
        e_id = school.establishment.pk
        current = school.current.year
        age = rng.randint(6, 18)
        girl = rng.random() < 0.55
        birth_date = datetime.date(current.start_date.year - age, rng.randint(1, 12),
                                   rng.randint(1, 28))  # fmt: skip
        student_id = self.students.add(
            e_id, family_id, school.civility["Mademoiselle" if girl else "Monsieur"],
            last_name, rng.choice(french.FIRST_NAMES_F if girl else french.FIRST_NAMES_M),
            birth_date, rng.choice(french.TOWNS)[1], street, postal_code, city, holder[0],
            "", True, rng.random() < 0.8, rng.random() < 0.5,
        )  # fmt: skip
        level = min(age - 3, len(school.school_levels) - 2)  # 6 years old: CP
        self.levels.add(e_id, student_id, current.pk, school.school_levels[level])
        instrument = rng.choice(list(school.current.instruments))
        longest = min(len(school.years), age - 4)  # from the age of 5 at the earliest
        years_played = rng.randint(max(1, longest - 3), longest)
        first_year = len(school.years) - years_played
        for step, courses in enumerate(school.years[first_year:]):
            is_current = courses is school.current
            cycle = min(step, len(courses.theory) - 1)
            taken = [courses.theory[cycle], courses.instruments[instrument]]
            if rng.random() < 0.3:
                taken.append(rng.choice(courses.collectives))
            for course in taken:
                self._enrolment(rng, e_id, student_id, course, courses.year,
                                is_current=is_current, first=course is taken[1])  # fmt: skip
            if rng.random() < 0.6:
                date = courses.year.start_date + rng.randint(60, 290) * DAY
                if date <= self.today:
                    self.performances.add(
                        e_id, student_id, rng.choice(french.EVENTS), date,
                        rng.choice(french.COMPOSERS_PIECES), rng.randint(2, 9) * MINUTE,
                        "",
                    )  # fmt: skip

    def _enrolment(self, rng, e_id, student_id, course, year, *, is_current, first):
        hours = course.duration * 32
        average = None if is_current else rng.choice(MARKS)
        mention = "" if average is None else rng.choice(french.MENTIONS)
        result = "" if is_current else ("Admis" if average >= 10 else "Maintenu")
        enrolment_id = self.enrolments.add(
            e_id, student_id, course.pk, course.cycle, first, hours,
            None if is_current else hours - rng.randint(0, 3) * course.duration,
            average, "", mention, result, "", "",
        )  # fmt: skip
        start = year.start_date
        for _evaluation in range(1 if is_current else 2):
            date = min(start + rng.randint(40, 290) * DAY, self.today)
            self.evaluations.add(
                e_id, enrolment_id, rng.choice(french.EVALUATION_TYPES), date,
                rng.choice(french.CRITERIA), rng.choice(MARKS), rng.choice(french.MENTIONS),
                rng.choice(french.APPRECIATIONS),
            )  # fmt: skip
        if rng.random() < 0.35:
            date = min(start + rng.randint(20, 290) * DAY, self.today)
            begins = course.start_time
            ends = (datetime.datetime.combine(date, begins) + course.duration).time()
            self.absences.add(
                e_id, enrolment_id, date, date, begins, ends, rng.choice(french.ABSENCE_KINDS),
                rng.random() < 0.7,
            )  # fmt: skip

    def _ledger(self, school, rng, family_id, name, address):
        """Last year's and this year's fees: an invoice in September, paid in October (this
        year's is left unpaid by about a third of the families)."""
        e_id = school.establishment.pk
        issuer = school.establishment.name
        for courses in school.years[-2:]:
            start = courses.year.start_date
            invoiced_on = start + 14 * DAY
            lines = [("Cotisation annuelle", FEE)]
            if rng.random() < 0.7:
                lines.append(("Cours d'instrument", INSTRUMENT_FEE))
            total = sum(price for _label, price in lines)
            number, sequence = self._number(school, "FC", invoiced_on)
            invoice_id = self.invoices.add(
                e_id, family_id, "cotisations", number, invoiced_on.year, sequence, invoiced_on,
                f"Cotisations {courses.year.label}", issuer, school.issuer_address, name,
                address, self._moment(invoiced_on), "FC", total,
            )  # fmt: skip
            for position, (label, price) in enumerate(lines):
                self.lines.add(invoice_id, position, label, Decimal("1"), price)
            if courses is school.current and rng.random() < 0.35:
                continue
            paid_on = start + 30 * DAY
            number, sequence = self._number(school, "RC", paid_on)
            payment_id = self.payments.add(
                e_id, family_id, "cotisations", number, paid_on.year, sequence, paid_on,
                "Règlement", issuer, school.issuer_address, name, address,
                self._moment(paid_on), rng.choice(["cheque", "carte", "virement"]), total,
                True,
            )  # fmt: skip
            self.settlements.add(payment_id, invoice_id, total)

    @staticmethod
    def _number(school: School, kind: str, on: datetime.date) -> tuple[str, int]:
        key = (kind, on.year)
        sequence = school.invoice_numbers.get(key, 0) + 1
        school.invoice_numbers[key] = sequence
        return format_number(year=on.year, kind=kind, sequence=sequence), sequence

    @staticmethod
    def _moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
