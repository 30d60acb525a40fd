from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.access import family_only
from family import services
from family.forms import GuardianIdentityForm
from family.selectors import guardian_for_user, pending_request_for, pending_values


@family_only
@require_http_methods(["GET", "POST"])
def identity(request):
    """Famille → Identité: the guardian's record; saving asks the staff for the changes."""
    guardian = guardian_for_user(request.user)
    if guardian is None:
        raise Http404
    pending = pending_request_for(guardian)
    form_kwargs = {"establishment": guardian.establishment_id, "pending": pending}
    if request.method == "POST":
        form = GuardianIdentityForm(request.POST, instance=guardian, **form_kwargs)
        if form.is_valid():
            change_request = services.change_request_submit(
                record=guardian, values=form.cleaned_data, requested_by=request.user
            )
            if change_request is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _(
                        "The record is updated and an acknowledgement has been sent to you by "
                        "e-mail. The changes will apply once the administrative staff have "
                        "validated them."
                    ),
                )
            return redirect("family:identity")
    else:
        form = GuardianIdentityForm(
            instance=guardian, initial=pending_values(pending, type(guardian)), **form_kwargs
        )
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
