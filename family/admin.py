from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import audit
from accounts.admin_navigation import list_url, this_page
from accounts.tenancy import TenantAdminMixin
from family import services
from family.exceptions import FamilyError
from family.models import (
    ChangeRequest,
    ChoiceItem,
    Document,
    DocumentType,
    Family,
    Guardian,
    GuardianInvitation,
    field_text,
    requested_field,
)
from family.uploads import human_size
from family.views import document_response

IDENTITY_FIELDS = ["establishment", *Guardian.IDENTITY_FIELDS, "user"]


@admin.register(ChoiceItem)
class ChoiceItemAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The establishment's choice lists: Civilité, Situation familiale, Code
    socio-professionnel, Niveau scolaire."""

    list_display = ["label", "label_en", "kind", "position", "is_active", "establishment"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "is_active", "establishment"]
    search_fields = ["label", "label_en"]


class GuardianInline(TenantAdminMixin, admin.StackedInline):
    model = Guardian
    extra = 0
    fields = IDENTITY_FIELDS
    autocomplete_fields = ["user"]


@admin.register(Family)
class FamilyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "establishment", "created_at", "anonymised_at"]
    list_filter = ["establishment"]
    search_fields = ["name", "guardians__last_name", "students__last_name"]
    readonly_fields = ["anonymised_at"]
    inlines = [GuardianInline]
    actions = ["anonymise_selected"]
    change_form_template = "admin/family/family/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/anonymiser/",
                self.admin_site.admin_view(self.anonymise_view),
                name="family_family_anonymise",
            ),
            *super().get_urls(),
        ]

    def has_anonymise_permission(self, request) -> bool:
        return request.user.has_perm("family.anonymise_family")

    def render_change_form(self, request, context, *args, **kwargs):
        context["has_anonymise_permission"] = self.has_anonymise_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def anonymise_view(self, request, object_id):
        """*Anonymise* from a family's page: the confirmation, then the erasure (POST)."""
        family = self.get_object(request, unquote(object_id))
        if family is None:
            raise Http404
        if not self.has_anonymise_permission(request):
            raise PermissionDenied
        back_url = reverse("admin:family_family_change", args=[family.pk])
        if request.method == "POST" and "apply" in request.POST:
            self._anonymise(request, [family])
            return redirect(back_url)
        return self._confirm_anonymise(request, [family], back_url=back_url, action="")

    @admin.action(
        description=gettext_lazy("Anonymise the selected families (they left)"),
        permissions=["anonymise"],
    )
    def anonymise_selected(self, request, queryset):
        families = list(queryset.order_by("name", "pk"))
        if "apply" in request.POST:
            self._anonymise(request, families)
            return None
        return self._confirm_anonymise(
            request,
            families,
            back_url=reverse("admin:family_family_changelist"),
            action="anonymise_selected",
        )

    def _confirm_anonymise(self, request, families, *, back_url: str, action: str):
        rows = [
            {"family": family, "refusals": services.family_anonymise_refusals(family=family)}
            for family in families
        ]
        return render(
            request,
            "admin/family/family/confirm_anonymise.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Anonymise families that left"),
                "rows": rows,
                "possible": [row for row in rows if not row["refusals"]],
                "opts": self.model._meta,
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "back_url": back_url,
            },
        )

    def _anonymise(self, request, families) -> None:
        for family in families:
            before = str(family)
            try:
                services.family_anonymise(family=family, actor=request.user)
            except FamilyError as error:
                self.message_user(
                    request,
                    _("%(family)s was not anonymised: %(reason)s")
                    % {"family": before, "reason": error.message},
                    messages.ERROR,
                )
            else:
                family.refresh_from_db(fields=["name"])
                self.message_user(
                    request,
                    _("%(family)s is anonymised: it is now %(label)s.")
                    % {"family": before, "label": family.name},
                    messages.SUCCESS,
                )


def second_login_messages(model_admin, request, guardian, user) -> None:
    """After a login is made for a guardian of a family that had one: the students every
    login reaches (those naming no guardian), in case the guardians are separated, and the
    billing documents made out to the first guardian that became theirs alone."""
    if Guardian.objects.filter(family=guardian.family_id).exclude(user=None).count() < 2:
        return
    shared = list(services.shared_students(guardian.family_id))
    if shared:
        model_admin.message_user(
            request,
            _(
                "%(guardian)s's login reaches, as the family's other logins do, the students "
                "who name no guardian responsible: %(students)s. If the guardians are "
                "separated, tick on each student the guardians responsible for them."
            )
            % {"guardian": guardian, "students": ", ".join(str(student) for student in shared)},
            messages.WARNING,
        )
    if getattr(user, "documents_made_over", 0):
        model_admin.message_user(
            request,
            ngettext(
                "%(count)s billing document of the whole family, made out to one of its "
                "guardians, is now seen by the family's first login only.",
                "%(count)s billing documents of the whole family, made out to one of its "
                "guardians, are now seen by the family's first login only.",
                user.documents_made_over,
            )
            % {"count": user.documents_made_over},
            messages.INFO,
        )


@admin.register(Guardian)
class GuardianAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "family", "email", "login", "establishment"]
    list_filter = ["establishment"]
    list_select_related = ["family", "establishment", "user"]
    search_fields = ["last_name", "first_name", "email", "family__name"]
    fields = ["family", *IDENTITY_FIELDS]
    autocomplete_fields = ["family", "user"]
    actions = ["create_login", "send_identifier", "print_letter"]

    @admin.display(description=gettext_lazy("identifier"), ordering="user__identifier")
    def login(self, guardian):
        return guardian.user.identifier if guardian.user else "—"

    def _portal_url(self, request) -> str:
        return request.build_absolute_uri(reverse("accounts:login"))

    @admin.action(description=gettext_lazy("Create the family's login"), permissions=["change"])
    def create_login(self, request, queryset):
        for guardian in queryset:
            try:
                user = services.family_login_create(guardian=guardian, created_by=request.user)
            except FamilyError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(guardian)s: login %(identifier)s created.")
                    % {"guardian": guardian, "identifier": user.identifier},
                    messages.SUCCESS,
                )
                second_login_messages(self, request, guardian, user)

    @admin.action(description=gettext_lazy("Send the identifier by e-mail"), permissions=["change"])
    def send_identifier(self, request, queryset):
        for guardian in queryset.select_related("user", "establishment"):
            try:
                services.family_login_send_identifier(
                    guardian=guardian, portal_url=self._portal_url(request)
                )
            except FamilyError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(guardian)s: identifier sent to %(email)s.")
                    % {"guardian": guardian, "email": guardian.user.email},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Print the identifier letter"), permissions=["view"])
    def print_letter(self, request, queryset):
        guardians = [g for g in queryset.select_related("user", "establishment") if g.user]
        if not guardians:
            self.message_user(
                request, _("None of these guardians has a login yet."), messages.ERROR
            )
            return None
        return render(
            request,
            "family/identifier_letters.html",
            {
                "guardians": guardians,
                "portal_url": self._portal_url(request),
                "today": localdate(),
                "page_title": _("Identifier letters"),
            },
        )


def _shown(field, text: str) -> str:
    """A stored text value as staff read it (a list entry's label, Oui/Non…)."""
    if text == "":
        return "—"
    if field.is_relation:
        item = field.related_model._default_manager.filter(pk=text).first()
        return str(item) if item else text
    if field.get_internal_type() == "BooleanField":
        return _("yes") if text == "True" else _("no")
    return text


def records_attach(change_requests) -> None:
    """Read the record of each request once per record type (a guardian, a student), not once
    per request: the list's record column then asks nothing more."""
    by_type = defaultdict(list)
    for change_request in change_requests:
        by_type[change_request.content_type_id].append(change_request)
    for requests in by_type.values():
        model = requests[0].content_type.model_class()
        records = model._default_manager.in_bulk([r.object_id for r in requests])
        for change_request in requests:
            change_request.attached_record = records.get(change_request.object_id)


class ChangeRequestList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        records_attach(self.result_list)  # the page's rows, kept by the queryset's cache


@admin.register(ChangeRequest)
class ChangeRequestAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The queue of pending changes: the diff, then approve (conflicts confirmed one by one)
    or reject with a reason."""

    list_display = ["record", "family", "fields_changed", "created_at", "status"]
    list_filter = ["status", "establishment"]
    list_select_related = ["family", "content_type"]
    search_fields = ["family__name"]
    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/family/changerequest/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["family", "status", "created_at", "requested_by", "decided_by", "reason"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def get_changelist(self, request, **kwargs):
        return ChangeRequestList

    @admin.display(description=gettext_lazy("record"))
    def record(self, change_request):
        if hasattr(change_request, "attached_record"):
            return change_request.attached_record
        return change_request.content_type.get_object_for_this_type(pk=change_request.object_id)

    @admin.display(description=gettext_lazy("fields changed"))
    def fields_changed(self, change_request):
        model = change_request.content_type.model_class()
        return ", ".join(
            str(requested_field(model, name).verbose_name).capitalize()
            for name in change_request.changes
        )

    def diff(self, change_request):
        record = self.record(change_request)
        rows = []
        for name, change in change_request.changes.items():
            field = requested_field(type(record), name)
            current = field_text(field, record)
            rows.append(
                {
                    "name": name,
                    "label": field.verbose_name,
                    "old": _shown(field, change["old"]),
                    "new": _shown(field, change["new"]),
                    "current": _shown(field, current),
                    "conflict": current != change["old"],
                }
            )
        return record, rows

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change_request = self.get_object(request, object_id)
        if change_request is None:
            return super().change_view(request, object_id, form_url, extra_context)
        pending = change_request.status == ChangeRequest.Status.PENDING
        if request.method == "POST" and pending and self.has_change_permission(request):
            try:
                if "_approve" in request.POST and request.POST.get("reason", "").strip():
                    keep_typed_reason(request, request.POST["reason"])
                    raise FamilyError(
                        _(
                            "You typed a reason of refusal: press Reject to reject the request, "
                            "or clear the reason to approve it."
                        )
                    )
                if "_approve" in request.POST:
                    confirmed = frozenset(request.POST.getlist("confirm"))
                    left = services.change_request_approve(
                        change_request=change_request, decided_by=request.user, confirmed=confirmed
                    )
                    message = _("Request approved.")
                    if left.conflicts:
                        message += " " + _("Not applied (changed since): %(fields)s.") % {
                            "fields": ", ".join(left.conflicts)
                        }
                    self.message_user(request, message, messages.SUCCESS)
                    for refusal in left.refused.values():
                        self.message_user(request, refusal, messages.WARNING)
                    return redirect(list_url(self, request))
                if "_reject" in request.POST and not request.POST.get("reason", "").strip():
                    return redirect(this_page(request, motif="obligatoire"))
                if "_reject" in request.POST:
                    services.change_request_reject(
                        change_request=change_request,
                        decided_by=request.user,
                        reason=request.POST.get("reason", ""),
                    )
                    self.message_user(request, _("Request rejected."), messages.SUCCESS)
                    return redirect(list_url(self, request))
            except FamilyError as error:
                self.message_user(request, error.message, messages.ERROR)
            # Nothing else is saved from this page: back to it, with the message.
            return redirect(this_page(request))
        record, rows = self.diff(change_request)
        extra_context = {
            **(extra_context or {}),
            "diff_record": record,
            "diff_rows": rows,
            "decidable": pending and self.has_change_permission(request),
            "reason_missing": request.GET.get("motif") == "obligatoire",
            "typed_reason": typed_reason(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=gettext_lazy("Approve the selected requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        """Shows each selected request's changes on a page of its own first; approves them once
        the staff member confirms there."""
        pending = list(
            queryset.filter(status=ChangeRequest.Status.PENDING)
            .select_related("family", "content_type")
            .order_by("created_at", "pk")
        )
        records_attach(pending)
        if "apply" not in request.POST:
            opts = self.model._meta
            return render(
                request,
                "admin/family/changerequest/approve_selected.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Approve the selected requests"),
                    "requests": [(item, *self.diff(item)) for item in pending],
                    "left": len(queryset) - len(pending),
                    "opts": opts,
                    "back_url": list_url(self, request),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        approved, conflicts = 0, 0
        for change_request in pending:
            record = self.record(change_request)
            try:
                left = services.change_request_approve(
                    change_request=change_request, decided_by=request.user
                )
            except FamilyError as error:  # decided meanwhile by a colleague, or not applicable
                self.message_user(
                    request,
                    _("The request about %(record)s was not approved: %(reason)s")
                    % {"record": record, "reason": error.message},
                    messages.ERROR,
                )
                continue
            approved += 1
            conflicts += len(left.conflicts)
            for refusal in left.refused.values():
                self.message_user(
                    request,
                    _("The request about %(record)s: %(reason)s")
                    % {"record": record, "reason": refusal},
                    messages.WARNING,
                )
        self.message_user(
            request,
            _("%(count)d request(s) approved; %(skipped)d field(s) changed since were left.")
            % {"count": approved, "skipped": conflicts},
            messages.SUCCESS if approved else messages.WARNING,
        )

    @admin.action(description=gettext_lazy("Reject the selected requests"), permissions=["change"])
    def reject_selected(self, request, queryset):
        """Asks for the reason first (an intermediate page), then rejects them all with it."""
        return refuse_selected(
            self,
            request,
            queryset.filter(status=ChangeRequest.Status.PENDING),
            action="reject_selected",
            title=_("Reject the selected requests"),
            intro=_("These requests will be rejected, and each family told the reason:"),
            button=_("Reject"),
            decide=lambda change_request, reason: services.change_request_reject(
                change_request=change_request, decided_by=request.user, reason=reason
            ),
            done=_("Requests rejected."),
        )


def keep_typed_reason(request, reason: str) -> None:
    """What a staff member typed, kept for the page shown again after a refused action."""
    request.session[f"typed-reason:{request.path}"] = reason


def typed_reason(request) -> str:
    return request.session.pop(f"typed-reason:{request.path}", "")


def decide_each(queryset, decide, errors=(FamilyError,)) -> tuple[int, int]:
    """Run ``decide(item)`` on each selected item; one decided meanwhile (by a colleague, in
    another tab) is counted as skipped instead of stopping the others."""
    done = skipped = 0
    for item in queryset:
        try:
            decide(item)
        except errors:
            skipped += 1
        else:
            done += 1
    return done, skipped


def decide_each_and_say(
    model_admin, request, queryset, decide, *, done: str, left: str, errors=(FamilyError,)
) -> None:
    """``decide_each``, then one message to the staff: how many were decided (``done``) and,
    when some were not, how many were left as they were (``left``); both say ``%(count)d``."""
    decided, skipped = decide_each(queryset, decide, errors)
    message = done % {"count": decided}
    if skipped:
        message += " " + left % {"count": skipped}
    model_admin.message_user(request, message, messages.SUCCESS if decided else messages.WARNING)


def refuse_selected(
    model_admin,
    request,
    queryset,
    *,
    action,
    title,
    intro,
    button,
    decide,
    done,
    left=0,
    errors=(FamilyError,),
):
    """A bulk refusal: an intermediate page asks for the reason once, then ``decide(item,
    reason)`` runs for each selected item still awaiting a decision."""
    reason = request.POST.get("reason", "")
    error = ""
    if "apply" in request.POST:
        if reason.strip():
            _done, skipped = decide_each(queryset, lambda item: decide(item, reason), errors)
            message = str(done)
            if skipped:
                message += " " + _("%(count)d left as they were: decided meanwhile.") % {
                    "count": skipped
                }
            model_admin.message_user(request, message, messages.SUCCESS)
            return None
        error = _("Give the reason of the refusal: it is sent to the family.")
    opts = model_admin.model._meta
    return render(
        request,
        "admin/refuse_selected.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "button": button,
            "items": queryset,
            "left": left,
            "reason": reason,
            "error": error,
            "opts": opts,
            "action": action,
            "back_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(DocumentType)
class DocumentTypeAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The documents the establishment asks for, of each family or of each student."""

    list_display = ["name", "holder", "is_required", "is_active", "position", "establishment"]
    list_editable = ["is_required", "is_active", "position"]
    list_filter = ["holder", "is_required", "is_active", "establishment"]
    search_fields = ["name", "name_en"]
    fields = [
        "establishment",
        "name",
        "name_en",
        "description",
        "description_en",
        "holder",
        "is_required",
        "is_active",
        "position",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.documents.exists():
            # Files were sent for it: changing whom it is asked of would hide them.
            return ["establishment", "holder"]
        return []

    def delete_view(self, request, object_id, extra_context=None):
        document_type = self.get_object(request, object_id)
        if document_type is not None and document_type.documents.exists():
            # Its files are the families' history (and protected): say what to do instead.
            self.message_user(
                request,
                _(
                    'Files were sent for "%(type)s", so it is kept: untick "asked for" to stop '
                    "asking for it."
                )
                % {"type": document_type},
                messages.WARNING,
            )
            return redirect(reverse("admin:family_documenttype_change", args=[document_type.pk]))
        return super().delete_view(request, object_id, extra_context)


class DocumentStatusFilter(admin.SimpleListFilter):
    """The states staff meet (files imported but not sent are never shown to them)."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (value, label)
            for value, label in Document.Status.choices
            if value != Document.Status.DRAFT
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Document)
class DocumentAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The documents families sent: open each file, then accept it or refuse it with a reason
    (mailed to the family). Files are never deleted here: they are the family's history."""

    list_display = ["document_type", "holder", "family", "status", "submitted_at"]
    list_filter = [DocumentStatusFilter, "document_type", "establishment"]
    list_select_related = ["document_type", "family", "student"]
    search_fields = ["family__name", "student__last_name", "student__first_name"]
    actions = ["accept_selected", "refuse_selected"]
    change_form_template = "admin/family/document/change_form.html"
    readonly_fields = [
        "family",
        "student",
        "document_type",
        "status",
        "original_name",
        "file_format",
        "file_size",
        "photo_reduced",
        "submitted_at",
        "decided_by",
        "decided_at",
        "reason",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # Files imported but not sent are the family's business until they press Send.
        return super().get_queryset(request).exclude(status=Document.Status.DRAFT)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        title = _("Documents sent by the families")
        if request.GET.get("status") == Document.Status.RECEIVED:
            title = _("Documents to check")
        return super().changelist_view(request, {**(extra_context or {}), "title": title})

    @admin.display(description=gettext_lazy("for"))
    def holder(self, document):
        return document.student or _("the family")

    @admin.display(description=gettext_lazy("format"))
    def file_format(self, document):
        return document.kind

    @admin.display(description=gettext_lazy("size"))
    def file_size(self, document):
        return human_size(document.size)

    @admin.display(description=gettext_lazy("photo reduced to fit"))
    def photo_reduced(self, document):
        if not document.mime_type.startswith("image/"):
            return "—"  # a PDF is never reduced
        return _("yes") if document.reduced else _("no")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/fichier/",
                self.admin_site.admin_view(self.file_view),
                name="family_document_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id):
        """The file, for the establishment's staff only (another establishment's is a 404);
        ``?apercu=1`` shows it in the browser instead of downloading it."""
        document = self.get_object(request, object_id)
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        # A family's file read by the staff is in the audit log too.
        audit.record(
            action="family.document.read",
            actor=request.user,
            establishment_id=document.establishment_id,
            obj=document,
        )
        return document_response(document, inline=request.GET.get("apercu") == "1")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, object_id)
        if document is None:
            return super().change_view(request, object_id, form_url, extra_context)
        decidable = document.status == Document.Status.RECEIVED and self.has_change_permission(
            request
        )
        if request.method == "POST" and decidable:
            reason = request.POST.get("reason", "")
            try:
                if "_accept" in request.POST and reason.strip():
                    keep_typed_reason(request, reason)
                    raise FamilyError(
                        _(
                            "You typed a reason of refusal: press Refuse to refuse the "
                            "document, or clear the reason to accept it."
                        )
                    )
                if "_accept" in request.POST:
                    services.document_accept(document=document, decided_by=request.user)
                    self.message_user(request, _("Document accepted."), messages.SUCCESS)
                    return redirect(list_url(self, request, "?status=received"))
                if "_refuse" in request.POST and not reason.strip():
                    # Said next to the reason's field (the page is shown again, as a GET).
                    return redirect(this_page(request, motif="obligatoire"))
                if "_refuse" in request.POST:
                    services.document_refuse(
                        document=document, decided_by=request.user, reason=reason
                    )
                    self.message_user(
                        request, _("Document refused; the family is told why."), messages.SUCCESS
                    )
                    return redirect(list_url(self, request, "?status=received"))
            except FamilyError as error:
                self.message_user(request, error.message, messages.ERROR)
            return redirect(this_page(request))
        file_url = reverse("admin:family_document_file", args=[document.pk])
        extra_context = {
            **(extra_context or {}),
            "document": document,
            "file_url": file_url,
            "preview_url": f"{file_url}?apercu=1",
            "decidable": decidable,
            "reason_missing": request.GET.get("motif") == "obligatoire",
            "typed_reason": typed_reason(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=gettext_lazy("Accept the selected documents"), permissions=["change"])
    def accept_selected(self, request, queryset):
        if not queryset.filter(status=Document.Status.RECEIVED).exists():
            self.message_user(request, _nothing_awaits(), messages.WARNING)
            return
        decide_each_and_say(
            self,
            request,
            queryset,
            lambda document: services.document_accept(document=document, decided_by=request.user),
            done=_("%(count)d document(s) accepted."),
            left=_("%(count)d document(s) left as they were: they were not awaiting a check."),
        )

    @admin.action(description=gettext_lazy("Refuse the selected documents"), permissions=["change"])
    def refuse_selected(self, request, queryset):
        awaiting = queryset.filter(status=Document.Status.RECEIVED).select_related(
            "family", "student", "document_type"
        )
        if not awaiting.exists():
            self.message_user(request, _nothing_awaits(), messages.WARNING)
            return None
        return refuse_selected(
            self,
            request,
            awaiting,
            action="refuse_selected",
            title=_("Refuse the selected documents"),
            intro=_("These documents will be refused, and each family told the reason:"),
            button=_("Refuse"),
            decide=lambda document, reason: services.document_refuse(
                document=document, decided_by=request.user, reason=reason
            ),
            done=_("Documents refused."),
            left=queryset.count() - awaiting.count(),
        )


def _nothing_awaits() -> str:
    return _("None of the selected documents awaits a check: nothing was changed.")


@admin.register(GuardianInvitation)
class GuardianInvitationAdmin(TenantAdminMixin, admin.ModelAdmin):
    """A guardian's invitation of another guardian of the family (a separated parent) to have
    a login of their own: check the link, then *Valider* (the guardian record and its login are
    made, responsible for the children named, and the identifier is mailed) or *Refuser* with
    a reason mailed to the guardian who invited."""

    list_display = ["__str__", "email", "family", "invited_by", "status", "created_at"]
    list_filter = ["status", "establishment"]
    list_select_related = ["family", "invited_by"]
    search_fields = ["last_name", "first_name", "email", "family__name"]
    actions = ["validate_selected", "refuse_selected"]
    readonly_fields = [
        "family",
        "invited_by",
        "last_name",
        "first_name",
        "email",
        "children",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "reason",
        "guardian",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("students responsible for"))
    def children(self, invitation):
        return ", ".join(str(student) for student in invitation.students.all()) or "—"

    @admin.action(
        description=gettext_lazy("Validate the selected invitations (logins made and mailed)"),
        permissions=["change"],
    )
    def validate_selected(self, request, queryset):
        portal_url = request.build_absolute_uri(reverse("accounts:login"))
        done = 0
        for invitation in queryset:
            try:
                guardian = services.invitation_validate(
                    invitation=invitation, decided_by=request.user, portal_url=portal_url
                )
            except FamilyError as error:
                self.message_user(request, f"{invitation}: {error.message}", messages.ERROR)
            else:
                done += 1
                second_login_messages(self, request, guardian, guardian.user)
        if done:
            self.message_user(
                request,
                _("%(count)d invitation(s) validated: each guardian received an identifier.")
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(
        description=gettext_lazy("Refuse the selected invitations"), permissions=["change"]
    )
    def refuse_selected(self, request, queryset):
        pending = queryset.filter(status=GuardianInvitation.Status.PENDING)
        return refuse_selected(
            self,
            request,
            pending.select_related("family"),
            action="refuse_selected",
            title=_("Refuse the selected invitations"),
            intro=_("These invitations will be refused, and each guardian who invited told why:"),
            button=_("Refuse"),
            decide=lambda item, reason: services.invitation_refuse(
                invitation=item, decided_by=request.user, reason=reason
            ),
            done=_("Invitations refused."),
            left=queryset.count() - pending.count(),
        )
