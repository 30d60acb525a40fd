"""Waiting lists of full time slots: joining one from the wizard, the position, a freed seat
offered by e-mail to the first waiting for the campaign's delay, then to the next; accepting,
declining, leaving; the staff's side; and, on PostgreSQL, the hand-over under cancellations
made at the same instant."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from mailer.models import Message

from conftest import client_for, make_family, require
from reenrolment import services, waiting
from reenrolment.exceptions import ReenrolmentError
from reenrolment.models import Choice, ReenrolmentRequest, Slot, WaitingEntry
from reenrolment.tests.test_services import courses, open_campaign
from tests.concurrency import run_together, without_seat_protection
from tests.factories import StudentFactory
from tests.html import page


def send(campaign, choir, slot, persona, *, wait: bool, student=None):
    """A request of the persona's student sent with the choir's slot (waiting if full)."""
    student = student or persona.students[0]
    request = services.request_start(campaign=campaign, student=student)
    answer = {**courses(choir, slot), "waiting": [choir.pk] if wait else []}
    services.request_save_step(request=request, step=services.COURSES, answer=answer)
    services.request_submit(request=request, submitted_by=persona.user, demands="")
    return ReenrolmentRequest.objects.get(pk=request.pk)


def full_slot(world, *, seats=2, waiting_families=3, start_year=2028):
    """A choir slot whose seats are all held, and families waiting for it, in order."""
    campaign, choir, _piano, slot = open_campaign(
        world.establishment_1, seats=seats, start_year=start_year
    )
    holders = [
        send(
            campaign,
            choir,
            slot,
            world.family_a,
            wait=False,
            student=StudentFactory(family=world.family_a.family, first_name=f"Titulaire{n}"),
        )
        for n in range(seats)
    ]
    waiting_personas = [
        make_family(world.establishment_1, f"attente{start_year}{n}", f"ATTENTE{n}", [f"Élève{n}"])
        for n in range(waiting_families)
    ]
    waiters = [send(campaign, choir, slot, persona, wait=True) for persona in waiting_personas]
    Message.objects.all().delete()
    return campaign, choir, slot, holders, waiters, waiting_personas


def entry_of(request) -> WaitingEntry:
    return WaitingEntry.objects.get(request=request)


def statuses(waiters) -> list[str]:
    return [entry_of(request).status for request in waiters]


def recipients() -> list[str]:
    return sorted(address for message in Message.objects.all() for address in message.email.to)


def test_a_full_slot_chosen_puts_the_student_on_its_list_in_order(world):
    _campaign, _choir, slot, _holders, waiters, personas = full_slot(world)
    assert statuses(waiters) == ["waiting"] * 3
    assert not Choice.objects.filter(request__in=waiters).exists()  # no seat held
    assert all(request.status == "submitted" for request in waiters)
    slot.refresh_from_db()
    assert slot.taken == 2
    ranked = waiting.with_positions(WaitingEntry.objects.filter(slot=slot)).order_by("joined_at")
    assert [entry.ahead + 1 for entry in ranked] == [1, 2, 3]
    # The confirmation names the list.
    submitted = client_for(personas[0].user)
    url = reverse("reenrolment:waiting", args=[personas[0].students[0].pk])
    shown = page(submitted.get(url)).text
    assert "En attente : le prochain sur la liste" in shown
    shown = page(
        client_for(personas[2].user).get(
            reverse("reenrolment:waiting", args=[personas[2].students[0].pk])
        )
    ).text
    assert "En attente : position 3 sur la liste" in shown


def test_the_confirmation_mail_names_the_waiting_list(world):
    campaign, choir, slot, *_rest = full_slot(world, waiting_families=0)
    persona = make_family(world.establishment_1, "tardive", "TARDIVE", ["Zoé"])
    send(campaign, choir, slot, persona, wait=True)
    body = Message.objects.get().email.body
    assert "Chorale – Mardi 17:30-19:00 : complet, sur sa liste d'attente" in body


def test_a_seat_freed_goes_to_the_first_waiting_by_mail_and_nobody_else_takes_it(world, settings):
    settings.PORTAL_URL = "https://famille.example.org"
    campaign, choir, slot, holders, waiters, personas = full_slot(world)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    assert statuses(waiters) == ["offered", "waiting", "waiting"]
    entry = entry_of(waiters[0])
    expected = entry.offered_at + datetime.timedelta(hours=campaign.offer_hours)
    assert entry.expires_at == expected
    slot.refresh_from_db()
    assert slot.taken == 2  # the seat is kept for the family offered it
    offer_mail = [m.email for m in Message.objects.all() if personas[0].user.email in m.email.to]
    assert offer_mail[0].subject == "Conservatoire 1 : une place est libre pour Élève0"
    student = personas[0].students[0]
    assert "Elle vous est réservée jusqu'au" in offer_mail[0].body
    assert f"https://famille.example.org/reinscription/{student.pk}/liste-d-attente/" in (
        offer_mail[0].body
    )
    # A family that did not wait cannot take that seat.
    newcomer = make_family(world.establishment_1, "nouvelle", "NOUVELLE", ["Léa"])
    with pytest.raises(ReenrolmentError, match="vient d'être complet"):
        send(campaign, choir, slot, newcomer, wait=False)


def test_accepting_makes_the_seat_a_choice_of_the_request(world):
    _campaign, _choir, slot, holders, waiters, personas = full_slot(world)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    client = client_for(personas[0].user)
    student = personas[0].students[0]
    entry = entry_of(waiters[0])
    shown = page(client.get(reverse("reenrolment:waiting", args=[student.pk]))).text
    assert "Une place est libre : elle vous est réservée jusqu'au" in shown
    response = client.post(
        reverse("reenrolment:waiting_answer", args=[student.pk, entry.pk]),
        {"action": "accept"},
        follow=True,
    )
    assert "La place est à vous" in page(response).text
    again = client.post(  # a double click
        reverse("reenrolment:waiting_answer", args=[student.pk, entry.pk]),
        {"action": "accept"},
        follow=True,
    )
    assert "La place est à vous" in page(again).text
    entry.refresh_from_db()
    assert entry.status == "accepted"
    assert Choice.objects.filter(request=waiters[0], slot=slot).count() == 1
    slot.refresh_from_db()
    assert slot.taken == 2
    # The tab of the re-enrolment says it too.
    tab = page(client.get(reverse("reenrolment:start", args=[student.pk]))).text
    assert "Chorale – Mardi 17:30-19:00" in tab and "Place acceptée" in tab


def test_declining_after_confirming_passes_the_seat_to_the_next(world):
    _campaign, _choir, _slot, holders, waiters, personas = full_slot(world)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    client = client_for(personas[0].user)
    student = personas[0].students[0]
    url = reverse("reenrolment:waiting_answer", args=[student.pk, entry_of(waiters[0]).pk])
    confirm = page(client.get(url)).text
    assert "Confirmez-vous refuser la place proposée à" in confirm
    Message.objects.all().delete()
    response = client.post(url, {"action": "leave"}, follow=True)
    assert "Place refusée : elle passe à la famille suivante." in page(response).text
    assert statuses(waiters) == ["declined", "offered", "waiting"]
    assert recipients() == [personas[1].user.email]
    # Accepting afterwards is refused with a message, nothing changed.
    response = client.post(url, {"action": "accept"}, follow=True)
    assert "Cette place ne vous est plus proposée." in page(response).text
    assert not Choice.objects.filter(request=waiters[0]).exists()


def test_leaving_the_list_moves_the_others_up(world):
    _campaign, _choir, _slot, _holders, waiters, personas = full_slot(world)
    student = personas[0].students[0]
    url = reverse("reenrolment:waiting_answer", args=[student.pk, entry_of(waiters[0]).pk])
    client = client_for(personas[0].user)
    assert "perd sa place sur la liste" in page(client.get(url)).text
    client.post(url, {"action": "leave"})
    assert statuses(waiters) == ["withdrawn", "waiting", "waiting"]
    shown = page(
        client_for(personas[2].user).get(
            reverse("reenrolment:waiting", args=[personas[2].students[0].pk])
        )
    ).text
    assert "position 2 sur la liste" in shown
    assert client.get(url).status_code == 302  # nothing left to confirm


def test_an_offer_not_answered_in_time_expires_and_passes_on(world):
    campaign, _choir, slot, holders, waiters, personas = full_slot(world)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    later = timezone.now() + datetime.timedelta(hours=campaign.offer_hours, minutes=1)
    # Too late to accept, even before the expiry has been processed.
    entry = entry_of(waiters[0])
    WaitingEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now())
    with pytest.raises(ReenrolmentError, match="Le délai pour accepter"):
        waiting.accept(entry=entry, accepted_by=personas[0].user)
    Message.objects.all().delete()
    assert waiting.expire_offers(at=later) == 1
    assert statuses(waiters) == ["expired", "offered", "waiting"]
    mails = {address: m.email for m in Message.objects.all() for address in m.email.to}
    assert "n'a pas été acceptée à temps" in mails[personas[0].user.email].body
    assert "une place est libre" in mails[personas[1].user.email].subject
    slot.refresh_from_db()
    assert slot.taken == 2


def test_the_command_gives_the_seat_back_when_nobody_waits_any_more(world):
    _campaign, _choir, slot, holders, waiters, _personas = full_slot(world, waiting_families=1)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    WaitingEntry.objects.filter(request=waiters[0]).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("expire_seat_offers", stdout=out)
    assert out.getvalue() == "1 seat offer(s) expired and passed on.\n"
    slot.refresh_from_db()
    assert slot.taken == 1 and statuses(waiters) == ["expired"]


def test_a_refused_request_leaves_its_lists_and_its_offered_seat_passes_on(world):
    _campaign, _choir, _slot, holders, waiters, _personas = full_slot(world)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    services.request_refuse(request=waiters[0], decided_by=world.staff_1, reason="Dossier")
    services.request_refuse(request=waiters[2], decided_by=world.staff_1, reason="Dossier")
    assert statuses(waiters) == ["declined", "offered", "withdrawn"]


def test_no_offer_once_the_year_re_enrolled_for_is_over(world):
    campaign, _choir, slot, holders, waiters, _personas = full_slot(world)
    year = campaign.school_year
    year.end_date = timezone.localdate() - datetime.timedelta(days=1)
    year.start_date = year.end_date - datetime.timedelta(days=300)
    year.save()
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    assert statuses(waiters) == ["waiting"] * 3
    slot.refresh_from_db()
    assert slot.taken == 1


def test_seats_added_by_the_staff_go_to_the_list_first(world):
    _campaign, choir, slot, _holders, waiters, _personas = full_slot(world)
    data = {
        "campaign": choir.campaign_id,
        "establishment": world.establishment_1.pk,
        "label": choir.label,
        "kind": "collective",
        "position": "0",
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "1",
        "slots-0-id": slot.pk,
        "slots-0-offer": choir.pk,
        "slots-0-establishment": world.establishment_1.pk,
        "slots-0-label": slot.label,
        "slots-0-capacity": "4",
    }
    response = client_for(world.staff_1).post(
        reverse("admin:reenrolment_offer_change", args=[choir.pk]), data, follow=True
    )
    assert "2 place(s) de Chorale – Mardi 17:30-19:00 proposée(s) à la liste d'attente" in (
        page(response).text
    )
    assert statuses(waiters) == ["offered", "offered", "waiting"]
    slot.refresh_from_db()
    assert slot.taken == 4


def test_the_staff_see_the_list_in_order_and_take_a_student_off(world):
    _campaign, _choir, _slot, _holders, waiters, _personas = full_slot(world)
    staff = client_for(world.staff_1)
    listing = page(staff.get(reverse("admin:reenrolment_waitingentry_changelist"))).text
    assert listing.index("ATTENTE0") < listing.index("ATTENTE1") < listing.index("ATTENTE2")
    response = staff.post(
        reverse("admin:reenrolment_waitingentry_changelist"),
        {"action": "leave_selected", "_selected_action": [entry_of(waiters[1]).pk]},
        follow=True,
    )
    assert "1 élève(s) retiré(s) de leur liste d'attente." in page(response).text
    assert statuses(waiters) == ["waiting", "withdrawn", "waiting"]
    # The other establishment's staff see none of it.
    other = page(
        client_for(world.staff_2).get(reverse("admin:reenrolment_waitingentry_changelist"))
    ).text
    assert "ATTENTE" not in other


def test_another_familys_place_is_404(world):
    entry = world.waiting_a
    paul = world.family_a.students[1]
    for persona in (world.family_b, world.family_c):
        client = client_for(persona.user)
        url = reverse("reenrolment:waiting_answer", args=[paul.pk, entry.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "leave"}).status_code == 404
        # With one of its own students in the address, too.
        own = reverse("reenrolment:waiting_answer", args=[persona.students[0].pk, entry.pk])
        assert client.post(own, {"action": "leave"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == "waiting"


def test_the_wizard_offers_the_list_and_the_summary_says_so(world):
    campaign, choir, _piano, slot = open_campaign(world.establishment_1, seats=1)
    other = make_family(world.establishment_1, "premiere", "PREMIERE", ["Ana"])
    send(campaign, choir, slot, other, wait=False)
    client = client_for(world.family_a.user)
    irina = world.family_a.students[0]
    client.post(reverse("reenrolment:start", args=[irina.pk]), {"action": "start"})
    step = reverse("reenrolment:step", args=[irina.pk, "cours"])
    shown = page(client.get(step)).text
    assert "Mardi 17:30-19:00 – complet : rejoindre la liste d'attente" in shown
    assert "vous avez 48 heures pour l'accepter" in shown
    response = client.post(step, {"go": "next", "offers": [choir.pk], f"slot_{choir.pk}": slot.pk})
    assert response.status_code == 302
    summary = page(client.get(reverse("reenrolment:step", args=[irina.pk, "recapitulatif"])))
    assert "complet : l'élève est mis sur sa liste d'attente" in summary.text
    client.post(reverse("reenrolment:step", args=[irina.pk, "finalisation"]), {"go": "send"})
    tab = page(client.get(reverse("reenrolment:start", args=[irina.pk]))).text
    assert "Listes d'attente" in tab and "le prochain sur la liste" in tab


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(2))
def test_seats_freed_at_the_same_instant_go_once_each_in_the_order_of_the_list(world, round_):
    """On PostgreSQL: of 6 seats, 4 holders are refused, 2 families offered a seat decline it
    and 3 newcomers send their request, all at the same instant. Each seat freed goes to one
    family, in the order of the list; no newcomer takes one; the seats are never
    over-counted."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    campaign, choir, slot, holders, waiters, personas = full_slot(
        world, seats=6, waiting_families=10, start_year=2050 + round_
    )
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    services.request_refuse(request=holders[1], decided_by=world.staff_1, reason="Dossier")
    assert statuses(waiters)[:3] == ["offered", "offered", "waiting"]
    newcomers = [
        make_family(world.establishment_1, f"nouveau{round_}{n}", f"NOUVEAU{n}", ["Max"])
        for n in range(3)
    ]
    drafts = []
    for persona in newcomers:
        request = services.request_start(campaign=campaign, student=persona.students[0])
        services.request_save_step(
            request=request, step=services.COURSES, answer=courses(choir, slot)
        )
        drafts.append((request, persona))
    Message.objects.all().delete()
    actions = [
        lambda request=request: services.request_refuse(
            request=request, decided_by=world.staff_1, reason="Désistement"
        )
        for request in holders[2:6]
    ]
    actions += [
        lambda request=request, persona=persona: waiting.leave(
            entry=entry_of(request), left_by=persona.user
        )
        for request, persona in zip(waiters[:2], personas[:2], strict=True)
    ]
    actions += [
        lambda request=request, persona=persona: services.request_submit(
            request=request, submitted_by=persona.user, demands=""
        )
        for request, persona in drafts
    ]
    outcomes = run_together(actions)
    errors = [outcome for outcome in outcomes[:6] if isinstance(outcome, Exception)]
    assert errors == []
    assert all(isinstance(outcome, ReenrolmentError) for outcome in outcomes[6:])
    # 6 seats freed (4 refusals, 2 declined): the next 6 on the list, in order, are offered.
    assert statuses(waiters) == ["declined"] * 2 + ["offered"] * 6 + ["waiting"] * 2
    slot.refresh_from_db()
    assert slot.taken == 6 == slot.capacity
    offered = WaitingEntry.objects.filter(slot=slot, status="offered")
    held = Choice.objects.filter(slot=slot).exclude(request__status="refused")
    assert offered.count() == 6 and not held.exists()
    offer_mails = [m for m in Message.objects.all() if "une place est libre" in m.email.subject]
    assert sorted(address for m in offer_mails for address in m.email.to) == sorted(
        persona.user.email for persona in personas[2:8]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_family_accepting_while_the_staff_refuse_the_request(world, round_):
    """On PostgreSQL: the family presses *Accepter la place* as the staff refuse its request.
    Both are answered (no deadlock, no error page); either the seat was accepted then given
    back to the next family by the refusal, or the refusal came first and the acceptance is
    refused with a message. Either way the seat is counted once."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    _campaign, _choir, slot, holders, waiters, personas = full_slot(
        world, waiting_families=2, start_year=2090 + round_
    )
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    entry = entry_of(waiters[0])
    accepted, refused = run_together(
        [
            lambda: waiting.accept(entry=entry, accepted_by=personas[0].user),
            lambda: services.request_refuse(
                request=waiters[0], decided_by=world.staff_1, reason="Désistement"
            ),
        ]
    )
    assert refused is None
    assert isinstance(accepted, (WaitingEntry, ReenrolmentError)), accepted
    assert statuses(waiters)[1] == "offered"  # the seat went on to the next family
    slot.refresh_from_db()
    assert slot.taken == 2 == slot.capacity


def refuse_all_at_once(world, requests) -> list:
    return run_together(
        [
            lambda request=request: services.request_refuse(
                request=request, decided_by=world.staff_1, reason="Désistement"
            )
            for request in requests
        ]
    )


def seats_beyond_the_list(world, start_year: int) -> tuple[int, int, list[str]]:
    """6 holders refused at once, 2 families waiting: (seats taken, seats offered, errors)."""
    _campaign, _choir, slot, holders, waiters, _personas = full_slot(
        world, seats=6, waiting_families=2, start_year=start_year
    )
    outcomes = refuse_all_at_once(world, holders)
    slot.refresh_from_db()
    errors = [type(outcome).__name__ for outcome in outcomes if isinstance(outcome, Exception)]
    return slot.taken, statuses(waiters).count("offered"), errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(2))
def test_more_seats_freed_at_once_than_families_waiting_come_back_once_each(world, round_):
    """On PostgreSQL: 6 seats freed at the same instant, 2 families waiting: both are offered
    a seat, and the 4 others are free again (counted once each, none lost)."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    assert seats_beyond_the_list(world, 2070 + round_) == (2, 2, [])


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_hand_over_breaks(world, monkeypatch):
    """The control run: the slots' lock and constraint removed inside this test only, the
    same cancellations at once lose seats: the test above can fail."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    with without_seat_protection(monkeypatch):
        outcomes = [seats_beyond_the_list(world, 2080 + round_) for round_ in range(3)]
    assert any(outcome != (2, 2, []) for outcome in outcomes)


def test_the_slot_never_counts_more_than_its_seats(world):
    _campaign, _choir, slot, holders, _waiters, _personas = full_slot(world)
    for holder in holders:
        services.request_refuse(request=holder, decided_by=world.staff_1, reason="Dossier")
    slot.refresh_from_db()
    assert slot.taken == 2 == WaitingEntry.objects.filter(slot=slot, status="offered").count()
    assert Slot.objects.get(pk=slot.pk).seats_left == 0


def test_an_anonymised_family_leaves_its_lists_and_its_offered_seat_passes_on(world):
    from family.services import family_anonymise

    _campaign, _choir, slot, holders, waiters, personas = full_slot(world)
    services.request_refuse(request=holders[0], decided_by=world.staff_1, reason="Dossier")
    for request in waiters:
        services.request_validate(request=request, decided_by=world.staff_1)
    family_anonymise(family=personas[0].family, actor=world.staff_1)
    family_anonymise(family=personas[2].family, actor=world.staff_1)
    assert statuses(waiters) == ["declined", "offered", "withdrawn"]
    slot.refresh_from_db()
    assert slot.taken == 2


def test_a_student_deleted_gives_its_seat_and_its_offer_to_the_next_waiting(world):
    """The staff delete a student holding a seat (its request goes with it): the seat is
    offered to the first waiting; deleting that one's student passes the offer on."""
    _campaign, _choir, slot, holders, waiters, _personas = full_slot(world)
    holders[0].student.delete()
    slot.refresh_from_db()
    assert slot.taken == 2  # the seat freed is held for the first waiting
    assert statuses(waiters) == ["offered", "waiting", "waiting"]
    waiters[0].student.delete()
    slot.refresh_from_db()
    assert slot.taken == 2
    assert statuses(waiters[1:]) == ["offered", "waiting"]
