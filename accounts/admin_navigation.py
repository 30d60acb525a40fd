"""Where a decision taken on one object's admin page leads back to: the list the staff member
came from, filters, search and page kept (Django carries them in ``_changelist_filters``)."""

from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.http import QueryDict
from django.urls import reverse

FILTERS = "_changelist_filters"


def list_url(model_admin, request, default_query: str = "") -> str:
    """The model's list as the staff member left it, or with ``default_query`` (for example
    ``?status=received``, the queue of what awaits) when they came from elsewhere."""
    opts = model_admin.model._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_changelist",
        current_app=model_admin.admin_site.name,
    )
    preserved = model_admin.get_preserved_filters(request)
    if not preserved:
        return url + default_query
    return add_preserved_filters({"preserved_filters": preserved, "opts": opts}, url)


def this_page(request, **query: str) -> str:
    """The object's page again (after a message), still knowing the list it came from."""
    kept = QueryDict(mutable=True)
    if FILTERS in request.GET:
        kept[FILTERS] = request.GET[FILTERS]
    for name, value in query.items():
        kept[name] = value
    return f"{request.path}?{kept.urlencode()}" if kept else request.path
