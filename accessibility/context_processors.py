from django.urls import reverse

from accessibility.preferences import preferences_for


def accessibility(request):
    """The layout's mode, and the shortcuts' targets when they are on (accessible mode only)."""
    preferences = preferences_for(request)
    shortcuts = {}
    if preferences.accessible and preferences.shortcuts:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_family", False):
            shortcuts = {
                "f": reverse("family:identity"),
                "h": reverse("home"),
                "a": reverse("accessibility:menu"),
                "q": reverse("accounts:logout"),
            }
        else:
            shortcuts = {"h": reverse("accounts:login"), "a": reverse("accessibility:help")}
    return {
        "accessible_mode": preferences.accessible,
        "shortcuts_enabled": preferences.shortcuts,
        "shortcut_urls": shortcuts,
    }
