"""Whether a re-enrolment campaign is open, for every template: the other apps show the
Réinscription tab and the home page's box from it, without importing this app."""

from functools import partial

from reenrolment.selectors import open_campaign_for


def reenrolment(request):
    # Read when a template asks (a callable is called by the template engine), once per
    # request: the pages that show no re-enrolment link (Identité, Facturation…) skip the query.
    return {"reenrolment_campaign": partial(open_campaign_for, request)}
