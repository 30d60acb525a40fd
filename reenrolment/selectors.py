"""Reads of the re-enrolment app."""

from django.utils import timezone

from reenrolment.models import Campaign


def open_campaign(establishment_id):
    """The establishment's campaign open now, if any."""
    if establishment_id is None:
        return None
    now = timezone.now()
    return (
        Campaign.objects.select_related("school_year")
        .filter(establishment=establishment_id, opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
        .first()
    )


def open_campaign_for(request):
    """The open campaign of the request's family, read once per request."""
    if not hasattr(request, "_reenrolment_campaign"):
        user = getattr(request, "user", None)
        family = bool(user is not None and getattr(user, "is_family", False))
        request._reenrolment_campaign = open_campaign(user.establishment_id) if family else None
    return request._reenrolment_campaign


def requests_to_decide_count(request) -> int:
    """Re-enrolment requests of the staff member's establishment awaiting a decision."""
    from accounts.tenancy import staff_scope
    from reenrolment.models import ReenrolmentRequest

    sent = ReenrolmentRequest.objects.filter(status=ReenrolmentRequest.Status.SUBMITTED)
    return staff_scope(sent, request.user).count()


def request_states(campaign, students) -> dict[int, str]:
    """Each student's re-enrolment state in the campaign, as shown to the family."""
    from reenrolment.models import ReenrolmentRequest

    if campaign is None:
        return {}
    return {
        request.student_id: request.get_status_display()
        for request in ReenrolmentRequest.objects.filter(
            campaign=campaign, student__in=[student.pk for student in students]
        )
    }
