"""The families' side of re-enrolment: the choice, the wizard, the state of the request."""

import copy

from django.contrib import messages
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import family_only
from accounts.tenancy import get_object_for, guardian_id_for, scoped
from family.forms import GuardianIdentityForm
from family.selectors import document_slots_among, guardian_for_user, pending_requests_for
from family.services import change_request_submit
from reenrolment import services, waiting
from reenrolment.exceptions import ReenrolmentError
from reenrolment.forms import AuthorisationsForm, CoursesForm, FinalisationForm
from reenrolment.models import Choice, ReenrolmentRequest, WaitingEntry
from reenrolment.selectors import (
    chosen_courses,
    open_campaign_for,
    required_document_states,
    wanted_records,
)
from reenrolment.wizard import neighbours, resume_step, step_named, steps_of
from students.forms import StudentIdentityForm
from students.models import Student
from students.selectors import current_enrolments
from students.views import file_context


def _student(request, student_id):
    return get_object_for(request, Student.objects.select_related("family"), pk=student_id)


def _closed(request, student, page: str):
    """Outside the campaign's dates: a clear message, nothing changed (the waiting lists go on:
    a link to them when the student is on one)."""
    return render(
        request,
        "reenrolment/closed.html",
        {
            **file_context(request, student, "reenrolment"),
            "waits": _entries_of(request, student).filter(status__in=WaitingEntry.ACTIVE).exists(),
            "page_title": _("%(page)s (closed)") % {"page": page},
        },
    )


def _entries_of(request, student):
    """The student's places on waiting lists, for school years not over yet."""
    return scoped(request, WaitingEntry).filter(
        request__student=student,
        request__campaign__school_year__end_date__gte=timezone.localdate(),
    )


def _waiting_rows(request, student) -> list[WaitingEntry]:
    """The student's places on waiting lists with their positions, in one query."""
    entries = _entries_of(request, student).select_related("slot__offer", "request__campaign")
    return list(waiting.with_positions(entries).order_by("-joined_at", "-pk"))


def _request_of(campaign, student):
    """The student's request in the campaign, with what it chose (for the tab)."""
    choices = Prefetch("choices", queryset=Choice.objects.select_related("offer", "slot"))
    return (
        ReenrolmentRequest.objects.filter(campaign=campaign, student=student)
        .prefetch_related(choices)
        .first()
    )


def _draft_of(request, campaign, student_id: int):
    """The request of one of the family's students in the campaign, with the student, in one
    query (the wizard's pages keep within their query budget); None if not started. Another
    family's student is a 404, as everywhere."""
    found = (
        scoped(request, ReenrolmentRequest)
        .select_related("student__family")
        .filter(campaign=campaign, student=student_id, student__family=F("family"))
        .first()
    )
    if found is None:
        _student(request, student_id)  # 404 unless the family's
    return found


def _start_url(student) -> str:
    return reverse("reenrolment:start", args=[student.pk])


def _step_url(student, step) -> str:
    return reverse("reenrolment:step", args=[student.pk, step.slug])


@family_only
@require_http_methods(["GET", "POST"])
def start(request, student_id: int):
    """The Réinscription tab: re-enrol or not, then the state of the request."""
    student = _student(request, student_id)
    campaign = open_campaign_for(request)
    if campaign is None:
        return _closed(request, student, _title(student))
    reenrolment = _request_of(campaign, student)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                reenrolment = services.request_start(campaign=campaign, student=student)
                if reenrolment.status == ReenrolmentRequest.Status.DRAFT:
                    target = resume_step(campaign, reenrolment.completed_steps)
                    return HttpResponseRedirect(_step_url(student, target))
            elif request.POST.get("action") == "undo" and reenrolment is not None:
                services.request_undo_decline(request=reenrolment, undone_by=request.user)
                messages.success(request, _("You may now re-enrol the student."))
        except ReenrolmentError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(_start_url(student))
    return render(
        request,
        "reenrolment/start.html",
        {
            **file_context(request, student, "reenrolment"),
            "campaign": campaign,
            "deadline": campaign.deadline(),
            "reenrolment": reenrolment,
            "enrolments": current_enrolments(student),
            "entries": _waiting_rows(request, student),
            "now": timezone.now(),
            "page_title": _title(student),
        },
    )


@family_only
@require_http_methods(["GET"])
def waiting_lists(request, student_id: int):
    """The student's places on waiting lists: the position, a seat offered to accept or
    decline, leaving a list. Open after the campaign closes: seats free until the year
    starts."""
    student = _student(request, student_id)
    return render(
        request,
        "reenrolment/waiting.html",
        {
            **file_context(request, student, "reenrolment"),
            "entries": _waiting_rows(request, student),
            "now": timezone.now(),
            "page_title": _("Waiting lists of %(student)s") % {"student": student.full_name},
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def waiting_answer(request, student_id: int, waiting_id: int):
    """Accept the seat offered (a button of the list), or leave the list / decline the seat
    (after this confirmation)."""
    entry = get_object_for(
        request,
        WaitingEntry.objects.select_related("slot__offer", "request__student__family"),
        pk=waiting_id,
        request__student=student_id,
    )
    student = entry.request.student
    back = HttpResponseRedirect(reverse("reenrolment:waiting", args=[student.pk]))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                accepted = _("The seat is yours: %(student)s is re-enrolled into %(slot)s.") % {
                    "student": student.full_name,
                    "slot": entry.slot,
                }
                if entry.status == WaitingEntry.Status.ACCEPTED:
                    messages.success(request, accepted)  # a second click: already done
                else:
                    waiting.accept(entry=entry, accepted_by=request.user)
                    messages.success(request, accepted)
            elif action == "leave":
                left = waiting.leave(entry=entry, left_by=request.user)
                if left.status == WaitingEntry.Status.DECLINED:
                    messages.success(request, _("Seat declined: it goes to the next family."))
                else:
                    messages.success(
                        request,
                        _("%(student)s has left the waiting list.")
                        % {"student": student.full_name},
                    )
        except ReenrolmentError as error:
            messages.error(request, error.message)
        return back
    if entry.status not in WaitingEntry.ACTIVE:
        messages.info(request, _("The student is no longer on this waiting list."))
        return back
    offered = entry.status == WaitingEntry.Status.OFFERED
    return render(
        request,
        "reenrolment/waiting_leave.html",
        {
            **file_context(request, student, "reenrolment"),
            "entry": entry,
            "offered": offered,
            "page_title": (_("Declining a seat") if offered else _("Leaving a waiting list")),
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def decline(request, student_id: int):
    """ "Je ne souhaite pas réinscrire l'élève", after this confirmation."""
    student = _student(request, student_id)
    campaign = open_campaign_for(request)
    if campaign is None:
        return _closed(request, student, _decline_title(student))
    if request.method == "POST":
        try:
            reenrolment = services.request_start(campaign=campaign, student=student)
            services.request_decline(request=reenrolment, declined_by=request.user)
            messages.success(
                request,
                _(
                    "Noted: %(student)s will not be re-enrolled. You may change your mind "
                    "until %(date)s."
                )
                % {"student": student.full_name, "date": campaign.deadline()},
            )
        except ReenrolmentError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(_start_url(student))
    return render(
        request,
        "reenrolment/decline.html",
        {
            **file_context(request, student, "reenrolment"),
            "campaign": campaign,
            "page_title": _decline_title(student),
        },
    )


def _title(student) -> str:
    return _("Re-enrolment of %(student)s") % {"student": student.full_name}


def _decline_title(student) -> str:
    return _("Not re-enrolling %(student)s") % {"student": student.full_name}


@family_only
@require_http_methods(["GET", "POST"])
def step(request, student_id: int, slug: str):
    """One step of the wizard; *Suivant* and *Précédent* keep its answers first."""
    campaign = open_campaign_for(request)
    if campaign is None:
        student = _student(request, student_id)
        return _closed(request, student, f"{_title(student)} – {slug}")
    current = step_named(campaign, slug)
    reenrolment = _draft_of(request, campaign, student_id)
    if current is None:
        raise Http404
    if reenrolment is None or reenrolment.status != ReenrolmentRequest.Status.DRAFT:
        return HttpResponseRedirect(reverse("reenrolment:start", args=[student_id]))
    student = reenrolment.student
    previous, following = neighbours(campaign, current)
    handler = HANDLERS[current.slug]
    try:
        context, moved = handler(request, student, campaign, reenrolment)
    except _NoLongerDraft:
        # Sent (or declined) meanwhile, by a second click or another browser: the tab says so.
        return HttpResponseRedirect(_start_url(student))
    if moved:
        # Done with this step: on to the next one (or back), or to the step a refusal names.
        target = moved if not isinstance(moved, bool) else following
        if moved is True and request.POST.get("go") == "previous":
            target = previous
        return HttpResponseRedirect(_step_url(student, target) if target else _start_url(student))
    steps = steps_of(campaign)
    return render(
        request,
        f"reenrolment/step_{current.slug}.html",
        {
            **context,
            **file_context(request, student, "reenrolment"),
            "campaign": campaign,
            "reenrolment": reenrolment,
            "steps": [
                (number, item, item.slug in reenrolment.completed_steps)
                for number, item in enumerate(steps, start=1)
            ],
            "current": current,
            "number": steps.index(current) + 1,
            "previous": previous,
            "following": following,
            "page_title": _("Re-enrolment of %(student)s – step %(number)d: %(step)s")
            % {
                "student": student.full_name,
                "number": steps.index(current) + 1,
                "step": current.label,
            },
        },
    )


class _NoLongerDraft(Exception):
    """The request left the draft state while this step was being answered."""


def _saved(request, reenrolment, slug: str, answer: dict | None, *, completed: bool) -> bool:
    try:
        services.request_save_step(
            request=reenrolment, step=slug, answer=answer, completed=completed
        )
    except ReenrolmentError as error:
        _raise_unless_draft(reenrolment)
        messages.error(request, error.message)
        return False
    return True


def _raise_unless_draft(reenrolment) -> None:
    reenrolment.refresh_from_db(fields=["status"])
    if reenrolment.status != ReenrolmentRequest.Status.DRAFT:
        raise _NoLongerDraft


def contact_details(request, student, campaign, reenrolment):
    """1: the guardian's and the student's contact details, and the student's school level for
    the year re-enrolled for; what the family changed is sent as change requests."""
    guardian = guardian_for_user(request.user)
    if guardian is None:
        raise Http404
    g_pending, s_pending = pending_requests_for(guardian, student)
    g_kwargs = {"establishment": guardian.establishment_id, "pending": g_pending, "prefix": "g"}
    s_kwargs = {
        "establishment": student.establishment_id,
        "pending": s_pending,
        "school_year": campaign.school_year,
        "reader": guardian.pk,
        "prefix": "s",
    }
    if request.method == "POST":
        # Copies: what was typed stays out of the headings until the staff validate it.
        guardian_form = GuardianIdentityForm(request.POST, instance=copy.copy(guardian), **g_kwargs)
        student_form = StudentIdentityForm(request.POST, instance=copy.copy(student), **s_kwargs)
        if (
            guardian_form.is_valid()
            and student_form.is_valid()
            and _saved(request, reenrolment, "coordonnees", {"checked": True}, completed=True)
        ):
            # The draft is open (checked just above): the changes go to the staff.
            change_request_submit(
                record=guardian,
                values=guardian_form.requested_values(),
                requested_by=request.user,
            )
            change_request_submit(
                record=student, values=student_form.requested_values(), requested_by=request.user
            )
            return {}, True
    else:
        guardian_form = GuardianIdentityForm(instance=guardian, **g_kwargs)
        student_form = StudentIdentityForm(instance=student, **s_kwargs)
    return {"guardian_form": guardian_form, "student_form": student_form}, False


def authorisations(request, student, campaign, reenrolment):
    """2: image rights, may leave alone, the rules accepted."""
    if request.method == "POST":
        form = AuthorisationsForm(request.POST)
        if request.POST.get("go") == "previous":
            # Going back is never blocked; what was ticked is kept as it is.
            raw = {name: name in request.POST for name in form.fields}
            if _saved(request, reenrolment, "autorisations", raw, completed=form.is_valid()):
                return {}, True
        elif form.is_valid() and _saved(
            request, reenrolment, "autorisations", form.cleaned_data, completed=True
        ):
            return {}, True
    else:
        saved = reenrolment.answers.get("autorisations") or {
            "image_rights": student.image_rights,
            "outing_allowed": student.outing_allowed,
        }
        form = AuthorisationsForm(initial=saved)
    return {"form": form}, False


def _required_slots(request, campaign, student):
    return document_slots_among(
        family=student.family,
        guardian=guardian_id_for(request.user),
        student=student,
        document_types=campaign.required_documents.filter(is_active=True),
    )


def documents(request, student, campaign, reenrolment):
    """3: the documents the campaign requires, sent as in Documents fournis."""
    slots = _required_slots(request, campaign, student)
    missing = [slot for slot in slots if slot.state not in {"received", "accepted"}]
    if request.method == "POST":
        if not missing or request.POST.get("go") == "previous":
            if _saved(request, reenrolment, "documents", {"checked": True}, completed=not missing):
                return {}, True
        else:
            messages.error(
                request,
                _("Send every document asked for before going on: %(documents)s.")
                % {"documents": ", ".join(str(slot.document_type) for slot in missing)},
            )
    return {"slots": slots, "missing": missing}, False


def courses(request, student, campaign, reenrolment):
    """4: administrative re-enrolment, or the courses and their time slots."""
    if request.method == "POST":
        form = CoursesForm(request.POST, campaign=campaign)
        if request.POST.get("go") == "previous":
            answer = form.raw_answer()
            if _saved(request, reenrolment, services.COURSES, answer, completed=form.is_valid()):
                return {}, True
        elif form.is_valid() and _saved(
            request, reenrolment, services.COURSES, form.answer(), completed=True
        ):
            return {}, True
    else:
        form = CoursesForm(
            campaign=campaign,
            initial=CoursesForm.initial_from(reenrolment.answers.get(services.COURSES) or {}),
        )
    return {"form": form}, False


def summary(request, student, campaign, reenrolment):
    """5: everything chosen, each with a link back to its step; the contact details as the
    family asked them at step 1, their changes marked as awaiting validation."""
    if request.method == "POST":
        forward = request.POST.get("go") != "previous"
        if not forward or _saved(request, reenrolment, "recapitulatif", None, completed=True):
            return {}, True
    answer = reenrolment.answers.get(services.COURSES) or {}
    context = {
        "authorisations": reenrolment.answers.get("autorisations") or {},
        "administrative": answer.get("administrative", False),
        "chosen": chosen_courses(campaign, answer) if campaign.step_courses else [],
        "slots": required_document_states(campaign, student) if campaign.step_documents else [],
    }
    if campaign.step_contact_details:
        guardian = guardian_for_user(request.user)
        g_pending, s_pending = pending_requests_for(guardian, student)
        (wanted_guardian, guardian_changes), (wanted_student, student_changes) = wanted_records(
            [
                (guardian, g_pending, GuardianIdentityForm._meta.labels),
                (student, s_pending, StudentIdentityForm._meta.labels),
            ]
        )
        context.update(
            {
                "guardian": wanted_guardian,
                "guardian_changes": guardian_changes,
                "wanted_student": wanted_student,
                "student_changes": student_changes,
            }
        )
    return context, False


def finalisation(request, student, campaign, reenrolment):
    """6: further requests, then *Valider*."""
    if request.method == "POST":
        form = FinalisationForm(request.POST)
        # The further requests are kept in the draft, whatever happens next.
        demands = request.POST.get("demands", "")[:2000]
        # Complete once sent: until then it is where the family goes on.
        if not _saved(request, reenrolment, "finalisation", {"demands": demands}, completed=False):
            return {"form": form}, False
        if request.POST.get("go") == "previous":
            return {}, True
        if form.is_valid():
            try:
                services.request_submit(
                    request=reenrolment,
                    submitted_by=request.user,
                    demands=form.cleaned_data["demands"],
                )
            except ReenrolmentError as error:
                _raise_unless_draft(reenrolment)  # a second click: the first one sent it
                messages.error(request, error.message)
                target = step_named(campaign, error.step) if error.step else None
                if target is not None:
                    return {}, target
            else:
                messages.success(
                    request,
                    _(
                        "The re-enrolment is sent: an e-mail confirms it. It awaits validation "
                        "by the administrative staff."
                    ),
                )
                return {}, True
    else:
        saved = reenrolment.answers.get("finalisation") or {}
        form = FinalisationForm(initial={"demands": saved.get("demands", "")})
    return {"form": form}, False


HANDLERS = {
    "coordonnees": contact_details,
    "autorisations": authorisations,
    "documents": documents,
    "cours": courses,
    "recapitulatif": summary,
    "finalisation": finalisation,
}
