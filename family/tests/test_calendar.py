"""Famille → Agenda: a guardian's private calendar address, read back with a real parser."""

import datetime
import re

from django.urls import reverse
from icalendar import Calendar

from conftest import client_for
from family.models import CalendarFeed
from students.models import Performance


def make_address(world, persona=None) -> str:
    persona = persona or world.family_a
    client = client_for(persona.user)
    client.post(reverse("family:calendar"), {"action": "renew"})
    page = client.get(reverse("family:calendar")).content.decode()
    return re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)


def read(client, url) -> Calendar:
    response = client.get(url.replace("http://testserver", ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_holds_the_years_lessons_each_week_and_the_repertoire(world, client):
    enrolment = world.enrolment_a
    course, year = enrolment.course, enrolment.course.school_year
    Performance.objects.create(
        establishment=world.establishment_1,
        student=enrolment.student,
        event="Audition de Noël",
        date=year.start_date + datetime.timedelta(days=100),
        piece="Gymnopédie n° 1",
    )
    address = make_address(world)
    assert re.fullmatch(r"http://testserver/agenda/[A-Za-z0-9_-]{43}\.ics", address)
    calendar = read(client, address)  # no login: the address is the key
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    irina = enrolment.student.first_name
    lesson = events[f"{irina} – {course.label}"]
    start = lesson.decoded("dtstart")
    assert start.date() >= year.start_date and start.isoweekday() == course.weekday
    assert (start.hour, start.minute) == (course.start_time.hour, course.start_time.minute)
    assert lesson.decoded("dtend") - start == course.duration
    rule = lesson.decoded("rrule")
    assert rule["FREQ"] == ["WEEKLY"]
    last_day = min(course.end_date or year.end_date, year.end_date)
    assert rule["UNTIL"][0].astimezone(start.tzinfo).date() == last_day
    assert course.room.name in str(lesson["location"])
    assert str(course.teacher) == str(lesson["description"])
    concert = events[f"{irina} – Audition de Noël"]
    assert concert.decoded("dtstart") == year.start_date + datetime.timedelta(days=100)
    assert calendar.walk("VTIMEZONE")  # the lessons' time zone travels with them
    # First names and course labels only: no family name, address or phone.
    text = calendar.to_ical().decode()
    for private in (
        enrolment.student.last_name,
        world.family_a.guardian.last_name,
        world.family_a.guardian.address,
    ):
        assert private and private not in text
    # Last year's records are not in it.
    assert world.past_enrolment_a.course.label not in text


def test_a_new_address_ends_the_old_one_and_deleting_ends_both(world, client):
    first = make_address(world)
    second = make_address(world)
    assert first != second
    assert client.get(first.replace("http://testserver", "")).status_code == 404
    read(client, second)
    family = client_for(world.family_a.user)
    family.post(reverse("family:calendar"), {"action": "delete"})
    assert client.get(second.replace("http://testserver", "")).status_code == 404
    assert not CalendarFeed.objects.exists()
    assert (
        "Vous n'avez pas encore d'adresse"
        in family.get(reverse("family:calendar")).content.decode()
    )


def test_each_family_sees_its_own_children_only(world, client):
    mine = read(client, make_address(world, world.family_a))
    theirs = read(client, make_address(world, world.family_c))
    first_names = lambda calendar: {  # noqa: E731
        str(event["summary"]).split(" – ")[0] for event in calendar.walk("VEVENT")
    }
    assert first_names(mine) == {world.family_a.students[0].first_name}
    assert first_names(theirs) == {world.family_c.students[0].first_name}


def test_an_unknown_token_a_login_switched_off_or_a_closed_establishment_is_404(world, client):
    assert client.get("/agenda/nothing-here.ics").status_code == 404
    address = make_address(world).replace("http://testserver", "")
    user = world.family_a.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(address).status_code == 404
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert client.get(address).status_code == 200
    world.establishment_1.is_active = False
    world.establishment_1.save(update_fields=["is_active"])
    assert client.get(address).status_code == 404


def test_a_family_with_nothing_to_show_gets_a_valid_calendar(world, client):
    calendar = read(client, make_address(world, world.family_b))
    assert not calendar.walk("VEVENT")
    assert calendar.walk("VTIMEZONE")  # RFC 5545: at least one component


def test_an_anonymised_family_has_no_calendar_and_no_token_is_logged(world, client, caplog):
    from django.utils.timezone import now

    from family.models import Family

    address = make_address(world).replace("http://testserver", "")
    token = address.split("/")[-1].removesuffix(".ics")
    Family.objects.filter(pk=world.family_a.family.pk).update(anonymised_at=now())
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(address).status_code == 404
    from imuse_portal.log_format import CalendarTokenFilter

    for record in caplog.records:
        CalendarTokenFilter().filter(record)
        assert token not in record.getMessage()
    assert any("/agenda/" in record.getMessage() for record in caplog.records)
