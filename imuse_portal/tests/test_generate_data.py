"""manage.py generate_data: the synthetic install the benchmark measures."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from accounts.models import Establishment, User
from billing import services
from billing.models import Invoice, InvoiceLine, Ledger, NumberSequence, Payment
from family.models import Family, Guardian
from reenrolment.models import Campaign, Slot
from students.models import Enrolment, Evaluation, Performance, SchoolYear, Student
from tests.html import page


def generate(families, establishments, **options):
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command(
            "generate_data",
            families=families,
            establishments=establishments,
            stdout=out,
            **options,
        )
    return out.getvalue()


def log_in(code, identifier):
    client = Client()
    response = client.post(
        "/connexion/",
        {
            "establishment": Establishment.objects.get(code=code).pk,
            "identifier": identifier,
            "password": "Musique2024",
        },
    )
    assert response.status_code == 302, "the generated login works"
    return client


def snapshot(code, identifier):
    """What a generated family is made of, names and records, without ids."""
    guardian = Guardian.objects.get(user__username=f"{code}:{identifier}")
    students = Student.objects.filter(family=guardian.family_id).order_by("pk")
    return (
        guardian.family.name,
        guardian.first_name,
        guardian.address,
        [
            (
                student.first_name,
                student.birth_date,
                sorted(
                    (e.course.label, e.course.school_year.label, e.average)
                    for e in student.enrolments.select_related("course__school_year")
                ),
                sorted(student.performances.values_list("date", "piece")),
            )
            for student in students
        ],
        sorted(Invoice.objects.filter(family=guardian.family_id).values_list("date", "total")),
    )


def test_families_with_ten_years_of_records_and_ledgers_spread_over_establishments(db):
    out = generate(20, 3)
    assert "Musique2024" in out and "famille1" in out
    establishments = Establishment.objects.filter(code__startswith="gen").order_by("code")
    assert [e.code for e in establishments] == ["gen1", "gen2", "gen3"]
    assert [Family.objects.filter(establishment=e).count() for e in establishments] == [7, 7, 6]
    assert User.objects.filter(is_staff=False).count() == 20
    for establishment in establishments:
        years = SchoolYear.objects.filter(establishment=establishment)
        assert years.count() == 12  # ten past years, the current one, the next one
        assert years.filter(is_current=True).count() == 1
        campaign = Campaign.objects.get(establishment=establishment)
        assert campaign.is_open()
        assert Slot.objects.filter(establishment=establishment).count() == 4
    assert Student.objects.count() >= 20
    oldest = SchoolYear.objects.filter(establishment=establishments[0]).order_by("start_date")[0]
    assert Enrolment.objects.filter(course__school_year__start_date__lte=oldest.start_date).exists()
    assert Evaluation.objects.count() > Enrolment.objects.count()
    assert Performance.objects.exists()
    # Every record stays in its establishment.
    for model in (Guardian, Student, Enrolment, Evaluation, Invoice, Payment):
        for row in model.objects.select_related("establishment")[:200]:
            owner = row.family if hasattr(row, "family") else None
            if owner is not None:
                assert owner.establishment_id == row.establishment_id


def test_invoices_are_numbered_in_order_and_the_next_one_follows(db):
    generate(12, 2)
    for establishment in Establishment.objects.filter(code__startswith="gen"):
        invoices = Invoice.objects.filter(establishment=establishment).order_by("date", "pk")
        for year in {invoice.year for invoice in invoices}:
            numbers = [i.sequence for i in invoices if i.year == year]
            assert numbers == list(range(1, len(numbers) + 1))
            sequence = NumberSequence.objects.get(establishment=establishment, kind="FC", year=year)
            assert sequence.last == len(numbers)
        for invoice in invoices:
            lines = InvoiceLine.objects.filter(invoice=invoice)
            assert invoice.total == sum(line.amount for line in lines)
        # An invoice issued now takes the number after the generated ones.
        family = Family.objects.filter(establishment=establishment).first()
        last = invoices.order_by("-date", "-sequence").first()
        draft = Invoice.objects.create(
            establishment=establishment, family=family, ledger=Ledger.FEES, date=last.date
        )
        InvoiceLine.objects.create(invoice=draft, description="Stage", unit_price=10)
        issued = services.invoice_issue(invoice=draft, on=last.date)
        assert issued.sequence == last.sequence + 1


def test_a_generated_family_logs_in_and_reads_its_pages(db):
    generate(4, 1)
    client = log_in("gen1", "famille1")
    student = Student.objects.filter(family__guardians__user__username="gen1:famille1").first()
    for url in [
        "/",
        "/famille/",
        f"/eleves/{student.pk}/cours/",
        f"/eleves/{student.pk}/historique/",
        f"/eleves/{student.pk}/repertoire/",
        "/facturation/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    home = page(client.get("/"))
    assert "Réinscriptions" in home.text


class RolledBack(Exception):
    pass


def test_a_family_has_the_same_records_whatever_the_size_of_the_install(db):
    with pytest.raises(RolledBack), transaction.atomic():
        generate(2, 1)
        small = [snapshot("gen1", "famille1"), snapshot("gen1", "famille2")]
        raise RolledBack
    assert not Establishment.objects.exists()
    generate(9, 1)
    assert [snapshot("gen1", "famille1"), snapshot("gen1", "famille2")] == small
    assert snapshot("gen1", "famille3") != small[0]


def test_refusals_leave_the_database_as_it_was(db):
    Establishment.objects.create(name="Existing", code="existing")
    with pytest.raises(CommandError, match="--append"):
        generate(3, 1)
    with pytest.raises(CommandError, match="at least 1"):
        generate(0, 1, append=True)
    with pytest.raises(CommandError, match="fewer establishments"):
        generate(2, 3, append=True)
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG is off"):
        call_command("generate_data", families=3, append=True, stdout=io.StringIO())
    assert Establishment.objects.count() == 1 and Family.objects.count() == 0


def test_references_are_checked_and_ids_continue_after_the_run(db):
    generate(5, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = 'students_evaluation'::regclass"
            )
            assert cursor.fetchone()[0] >= 2  # the foreign keys set aside are back
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []
    # The ORM's next rows get fresh ids.
    establishment = Establishment.objects.get(code="gen1")
    family = Family.objects.create(establishment=establishment, name="NOUVELLE")
    assert family.pk == Family.objects.order_by("-pk").values_list("pk", flat=True)[1] + 1
    assert Student.objects.filter(birth_date__gt=datetime.date.today()).count() == 0
