from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imuse_portal.source import source_code_url

# The portal's menu, as in the guides: (section, label, URL name).
MENU = [
    ("home", _("Home"), "home"),
    ("family", _("Family"), "family:identity"),
    ("students", _("Students"), "students:list"),
    ("billing", _("Billing"), "billing:ledger"),
    ("accessibility", _("Accessibility"), "accessibility:menu"),
    ("password", _("Password"), "accounts:password_change"),
    ("logout", _("Log out"), "accounts:logout"),
]
SECTION_BY_URL_NAME = {
    "accounts:password_change": "password",
    "accounts:logout": "logout",
    "my_data": "family",
    "my_data_readable": "family",
}


def current_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name in SECTION_BY_URL_NAME:
        return SECTION_BY_URL_NAME[match.view_name]
    if match.namespace:
        return match.namespace
    return match.url_name or ""


def portal(request):
    """The establishment and the menu of the layout."""
    user = getattr(request, "user", None)
    family_user = bool(user is not None and getattr(user, "is_family", False))
    section = current_section(request)
    menu = []
    if family_user:
        menu = [
            {"label": label, "url": reverse(url_name), "current": key == section}
            for key, label, url_name in MENU
        ]
    return {
        "portal_establishment": user.establishment if family_user else None,
        "portal_menu": menu,
        "portal_section": section,
        "source_code_url": source_code_url(),
    }
