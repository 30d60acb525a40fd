"""The family's calendar feed (RFC 5545), written with the icalendar package: each student's
lessons of the current year as weekly events until the course ends (room and teacher), and
their répertoire events of the year. Only first names and course labels: the address is
private but may be shared by whoever holds it."""

import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.db import transaction
from icalendar import Calendar, Event, Timezone, vRecur

from accounts import audit
from family.models import CalendarFeed, Guardian


def feed_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_renew(*, guardian: Guardian, actor) -> CalendarFeed:
    """A new address for the guardian's calendar; the previous one, if any, stops answering."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            guardian=guardian,
            defaults={"establishment_id": guardian.establishment_id, "token": feed_token()},
        )
        audit.record(
            action="family.calendar.created" if created else "family.calendar.renewed",
            actor=actor,
            establishment_id=guardian.establishment_id,
            obj=feed,
        )
    return feed


def calendar_feed_delete(*, guardian: Guardian, actor) -> None:
    with transaction.atomic():
        deleted, _ = CalendarFeed.objects.filter(guardian=guardian).delete()
        if deleted:
            audit.record(
                action="family.calendar.deleted",
                actor=actor,
                establishment_id=guardian.establishment_id,
                obj=guardian,
            )


def family_calendar(feed: CalendarFeed) -> bytes:
    """The feed's calendar: what the family's students do this school year."""
    from students.models import Enrolment, Performance, SchoolYear

    establishment = feed.guardian.establishment
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//iMuse//Portail des usagers//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", establishment.name)
    # Always one component (RFC 5545), even for a family with nothing to show yet.
    calendar.add_component(Timezone.from_tzinfo(tz))
    year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first()
    if year is None:
        return calendar.to_ical()
    # The students the guardian is responsible for only (separated parents).
    family_id = feed.guardian.family_id
    enrolments = (
        Enrolment.objects.for_family(family_id, guardian=feed.guardian_id)
        .filter(course__school_year=year)
        .select_related("student", "course__teacher", "course__room")
        .order_by("student__first_name", "course__label", "pk")
    )
    stamp = datetime.datetime.now(datetime.UTC)
    domain = f"{establishment.code}.imuse-portal"  # ids are unique per install
    for enrolment in enrolments:
        course = enrolment.course
        if not (course.weekday and course.start_time and course.duration):
            continue  # no weekly time: nothing to put in a calendar
        first = course.weekday_from(year.start_date)
        last = course.last_day
        if first > last:
            continue
        start = datetime.datetime.combine(first, course.start_time, tzinfo=tz)
        event = Event()
        event.add("uid", f"lesson-{enrolment.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{enrolment.student.first_name} – {course.label}")
        event.add("dtstart", start)
        event.add("dtend", start + course.duration)
        until = datetime.datetime.combine(last, datetime.time(23, 59, 59), tzinfo=tz)
        event.add("rrule", vRecur(freq="WEEKLY", until=until.astimezone(datetime.UTC)))
        if course.room:
            location = course.room.name
            if course.room.location:
                location = f"{location} ({course.room.location})"
            event.add("location", location)
        if course.teacher:
            event.add("description", str(course.teacher))
        calendar.add_component(event)
    performances = (
        Performance.objects.for_family(family_id, guardian=feed.guardian_id)
        .filter(
            date__gte=year.start_date,
            date__lte=year.end_date,
        )
        .select_related("student")
        .order_by("date", "pk")
    )
    for performance in performances:
        event = Event()
        event.add("uid", f"performance-{performance.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{performance.student.first_name} – {performance.event}")
        event.add("dtstart", performance.date)
        event.add("dtend", performance.date + datetime.timedelta(days=1))
        if performance.piece:
            event.add("description", performance.piece)
        calendar.add_component(event)
    return calendar.to_ical()
