"""Whether a re-enrolment campaign is open, for every template: the other apps show the
Réinscription tab and the home page's box from it, without importing this app."""

from reenrolment.selectors import open_campaign_for


def reenrolment(request):
    return {"reenrolment_campaign": open_campaign_for(request)}
