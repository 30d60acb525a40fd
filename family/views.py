import copy
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import family_only, public
from accounts.headers import FILE_POLICY, PDF_POLICY
from accounts.tenancy import get_object_for, guardian_id_for, scoped
from family import services
from family.calendar import calendar_feed_delete, calendar_feed_renew, family_calendar
from family.exceptions import FamilyError
from family.forms import DocumentUploadForm, GuardianIdentityForm, InvitationForm
from family.models import CalendarFeed, Document, DocumentType, Guardian, GuardianInvitation
from family.selectors import (
    document_slot,
    document_slots,
    guardian_for_user,
    pending_request_for,
)
from family.uploads import human_size

logger = logging.getLogger(__name__)


def _guardian(request):
    guardian = guardian_for_user(request.user)
    if guardian is None:
        raise Http404
    return guardian


def say_what_was_saved(request, *, before, change_request, updated: str) -> None:
    """The message after a record's form is saved: nothing changed, the same changes already
    awaiting validation (no new acknowledgement), or the changes sent (``updated``)."""
    if change_request is None:
        messages.info(request, _("Nothing was changed."))
    elif before is not None and before.changes == change_request.changes:
        messages.info(
            request,
            _(
                "These changes already await validation by the administrative staff: nothing "
                "new was sent."
            ),
        )
    else:
        messages.success(request, updated)


@family_only
@require_http_methods(["GET", "POST"])
def identity(request):
    """Famille → Identité: the guardian's record; saving asks the staff for the changes."""
    guardian = _guardian(request)
    pending = pending_request_for(guardian)
    form_kwargs = {"establishment": guardian.establishment_id, "pending": pending}
    if request.method == "POST":
        # A copy: what was typed stays out of the page until the staff validate it.
        form = GuardianIdentityForm(request.POST, instance=copy.copy(guardian), **form_kwargs)
        if form.is_valid():
            change_request = services.change_request_submit(
                record=guardian, values=form.requested_values(), requested_by=request.user
            )
            say_what_was_saved(
                request,
                before=pending,
                change_request=change_request,
                updated=_(
                    "Your changes are recorded and an acknowledgement has been sent to you "
                    "by e-mail. They will apply once the administrative staff have validated "
                    "them."
                ),
            )
            return redirect("family:identity")
    else:
        form = GuardianIdentityForm(instance=guardian, **form_kwargs)
    return render(
        request,
        "family/identity.html",
        {
            "form": form,
            "guardian": guardian,
            "pending": pending,
            "page_title": gettext_lazy("Family"),
        },
    )


@family_only
@require_safe
def documents(request):
    """Famille → Documents fournis: the documents asked of the family, each with its state."""
    guardian = _guardian(request)
    return render(
        request,
        "family/documents.html",
        {
            "slots": document_slots(family=guardian.family, guardian=guardian),
            "page_title": gettext_lazy("Documents provided"),
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def document(request, type_id: int):
    """One document asked of the family: its files, and *Importer* / *Valider*."""
    guardian = _guardian(request)
    document_type = get_object_for(
        request, DocumentType, pk=type_id, holder=DocumentType.Holder.FAMILY, is_active=True
    )
    return document_page(
        request,
        family=guardian.family,
        student=None,
        document_type=document_type,
        template="family/document.html",
        context={"page_title": str(document_type)},
    )


def _import_messages(request, checked) -> None:
    messages.success(
        request,
        _(
            'The file "%(name)s" is imported. Check it, then press Send to pass it on to the '
            "administrative staff."
        )
        % {"name": checked.original_name},
    )
    if checked.reduced:
        messages.info(
            request,
            _("Your photo weighed %(size)s: it was reduced to fit within 2 MB.")
            % {"size": human_size(checked.original_size)},
        )
    if checked.named_as:
        messages.info(
            request,
            _(
                "This file is a %(kind)s although its name says %(named)s: it was checked and "
                "kept as a %(kind)s."
            )
            % {"kind": checked.kind, "named": checked.named_as},
        )


# Pages that may send a family to a document and expect it back (the re-enrolment wizard).
RETURN_PREFIXES = ("/reinscription/",)


def _return_url(request) -> str:
    """Where the family came from, if it is one of the portal's pages that asked for it."""
    url = request.POST.get("retour") or request.GET.get("retour") or ""
    if url.startswith(RETURN_PREFIXES) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}
    ):
        return url
    return ""


def document_page(request, *, family, student, document_type, template: str, context: dict):
    """The page of one document slot, shared by the family's and the students' files.

    POST with ``action``: ``import`` (a file, checked in full, kept as a draft), ``send`` (the
    draft goes to the staff) or ``cancel`` (the draft is deleted); these two name the draft the
    page showed (``document``), so that a stale tab never sends a file the family did not see.
    Each answer redirects, so that reloading the page never sends anything twice.
    """
    guardian = guardian_id_for(request.user)
    form = DocumentUploadForm()
    back = _return_url(request)
    here = f"{request.path}?{urlencode({'retour': back})}" if back else request.path
    if request.method == "POST":
        action = request.POST.get("action", "import")
        slot = document_slot(
            family=family, guardian=guardian, student=student, document_type=document_type
        )
        try:
            if action == "import":
                form = DocumentUploadForm(
                    request.POST,
                    request.FILES,
                    oversized=getattr(request, "oversized_uploads", ()),
                )
                if form.is_valid():
                    services.document_import(
                        family=family,
                        student=student,
                        document_type=document_type,
                        checked=form.checked,
                        uploaded_by=request.user,
                    )
                    _import_messages(request, form.checked)
                    return HttpResponseRedirect(here)
            elif action in {"send", "cancel"}:
                if slot.draft is None:
                    messages.info(request, _("There is no imported file waiting to be sent."))
                elif str(slot.draft.pk) != request.POST.get("document", ""):
                    # Another tab imported another file since this page was shown.
                    messages.warning(
                        request,
                        _(
                            "The imported file changed in the meantime: check the one shown "
                            "below, then confirm again."
                        ),
                    )
                elif action == "send":
                    services.document_submit(document=slot.draft, submitted_by=request.user)
                    messages.success(
                        request,
                        _(
                            "The document is sent: the administrative staff will check it. "
                            "Its state is shown below."
                        ),
                    )
                else:
                    services.document_discard(document=slot.draft)
                    messages.info(request, _("The imported file was not sent and is deleted."))
                return HttpResponseRedirect(here)
            else:
                messages.error(request, _("This action is unknown: nothing was changed."))
                return HttpResponseRedirect(here)
        except FamilyError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(here)
    slot = document_slot(
        family=family, guardian=guardian, student=student, document_type=document_type
    )
    return render(
        request,
        template,
        {
            **context,
            "slot": slot,
            "student": student,
            "form": form,
            "return_url": back,
        },
        status=200,
    )


@family_only
@require_safe
def document_file(request, document_id: int):
    """A file the family sent (or imported), as a download; another family's is a 404."""
    document = get_object_for(
        request, Document.objects.select_related("document_type", "student"), pk=document_id
    )
    return document_response(document)


def document_response(document: Document, *, inline: bool = False) -> FileResponse:
    """The stored file as an attachment (or inline, for staff checking it), under a name of
    our own; the browser is told not to guess its type nor run anything in it."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        logger.error("document %s: file %s is missing from storage", document.pk, document.file)
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=document.download_name(),
        content_type=document.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in the file may run. (Browsers refuse to show a PDF in a sandbox, so a PDF
    # opened in the browser, for staff, relies on its check: no script, no action.)
    inline_pdf = inline and document.mime_type == "application/pdf"
    response["Content-Security-Policy"] = PDF_POLICY if inline_pdf else FILE_POLICY
    return response


@family_only
@require_http_methods(["GET", "POST"])
def calendar(request):
    """Famille → Agenda: the guardian's private calendar address, made, renewed or deleted."""
    guardian = _guardian(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew":
            existed = hasattr(guardian, "calendar_feed")
            calendar_feed_renew(guardian=guardian, actor=request.user)
            messages.success(
                request,
                _("A new address is made: the previous one no longer works.")
                if existed
                else _("Your calendar address is made: copy it into your calendar application."),
            )
        elif action == "delete":
            calendar_feed_delete(guardian=guardian, actor=request.user)
            messages.success(request, _("The calendar address is deleted: it no longer works."))
        return redirect("family:calendar")
    feed = CalendarFeed.objects.filter(guardian=guardian).first()
    return render(
        request,
        "family/calendar.html",
        {
            "feed_url": request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
            if feed
            else "",
            "page_title": gettext_lazy("Calendar"),
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def guardians(request):
    """Famille → Responsables: who has a login of the family, and inviting another guardian
    (a separated parent) to have their own, for the children named; the staff check the link
    before the login is made."""
    from students.models import Student

    guardian = _guardian(request)
    students = scoped(request, Student).order_by("first_name", "pk")
    kwargs = {"students": students, "family": guardian.family, "own_email": request.user.email}
    if request.method == "POST":
        form = InvitationForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.invitation_send(guardian=guardian, **form.cleaned_data)
            except FamilyError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Invitation sent to the administrative staff: once they have checked, "
                        "%(email)s receives an identifier."
                    )
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("family:guardians")
    else:
        form = InvitationForm(**kwargs)
    return render(
        request,
        "family/guardians.html",
        {
            "form": form,
            # How many, not who: each guardian's record is their own.
            "logins": Guardian.objects.filter(family=guardian.family_id).exclude(user=None).count(),
            "invitations": scoped(request, GuardianInvitation).prefetch_related("students"),
            "page_title": gettext_lazy("Guardians"),
        },
    )


@public
@require_safe
def calendar_feed(request, token: str):
    """The calendar itself, for a calendar application: the token in the address is the key."""
    feed = (
        CalendarFeed.objects.select_related("guardian__establishment")
        .filter(
            token=token,
            guardian__establishment__is_active=True,
            guardian__user__is_active=True,  # a login switched off ends its calendar too
            guardian__family__anonymised_at__isnull=True,
        )
        .first()
    )
    if feed is None:
        raise Http404
    response = HttpResponse(family_calendar(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
