"""Shared fixtures: the personas of every access test, and the CI rule that nothing is skipped.

Personas (STYLE.md): anonymous, family A (two students), family B (same establishment),
family C (another establishment), staff of each establishment, a superuser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.test import Client
from mailer.models import Message

from accounts.services import staff_group_sync
from family.services import change_request_submit
from tests.factories import (
    EstablishmentFactory,
    FamilyFactory,
    FamilyUserFactory,
    GuardianFactory,
    SchoolYearFactory,
    StaffUserFactory,
    StudentFactory,
    SuperUserFactory,
)

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing locally; in CI (CI=true) the same absence fails it."""
    if condition:
        return
    if CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)", pytrace=False)
    pytest.skip(reason)


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if CI and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if CI and _skipped:
        terminalreporter.section("skipped tests are failures in CI", red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(nodeid)


@dataclass
class FamilyPersona:
    user: object
    family: object
    guardian: object
    students: list


@dataclass
class World:
    establishment_1: object
    establishment_2: object
    family_a: FamilyPersona
    family_b: FamilyPersona
    family_c: FamilyPersona
    staff_1: object
    staff_2: object
    superuser: object

    def users(self) -> dict[str, object | None]:
        """Every persona by name; anonymous is None."""
        return {
            "anonymous": None,
            "family_a": self.family_a.user,
            "family_b": self.family_b.user,
            "family_c": self.family_c.user,
            "staff_1": self.staff_1,
            "staff_2": self.staff_2,
            "superuser": self.superuser,
        }


def make_family(establishment, identifier: str, last_name: str, first_names: list[str]):
    user = FamilyUserFactory(establishment=establishment, identifier=identifier)
    family = FamilyFactory(establishment=establishment, name=last_name)
    guardian = GuardianFactory(family=family, user=user, first_name="Jérémie")
    students = [StudentFactory(family=family, first_name=name) for name in first_names]
    return FamilyPersona(user=user, family=family, guardian=guardian, students=students)


def make_staff(establishment, username: str):
    user = StaffUserFactory(establishment=establishment, username=username)
    user.groups.add(staff_group_sync())
    return user


@pytest.fixture
def world(db) -> World:
    establishment_1 = EstablishmentFactory(code="c1", name="Conservatoire 1")
    establishment_2 = EstablishmentFactory(code="sj", name="École de musique de Saint-Jean")
    SchoolYearFactory(establishment=establishment_1)
    SchoolYearFactory(establishment=establishment_2)
    # A failed login of establishment 1, so that the lockout admin is tried across sites too.
    AccessAttempt.objects.create(
        username="c1:ancien1", ip_address="10.0.0.1", user_agent="test", failures_since_start=1
    )
    family_b = make_family(establishment_1, "bmartin1", "MARTIN", ["Lucas"])
    # A pending change of family B, so that the change-request pages are tried by everyone.
    change_request_submit(
        record=family_b.guardian,
        values={"city": "TOURS"},
        requested_by=family_b.user,
    )
    Message.objects.all().delete()  # the world starts with an empty outbox
    return World(
        establishment_1=establishment_1,
        establishment_2=establishment_2,
        family_a=make_family(establishment_1, "abarre1", "ABARRE", ["Irina", "Paul"]),
        family_b=family_b,
        family_c=make_family(establishment_2, "cdurand2", "DURAND", ["Chloé"]),
        staff_1=make_staff(establishment_1, "secretariat1"),
        staff_2=make_staff(establishment_2, "secretariat2"),
        superuser=SuperUserFactory(username="admin"),
    )


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
