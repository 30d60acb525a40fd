from django.contrib import admin
from django.urls import include, path

from family import views as family_views
from imuse_portal import operations, views

admin.site.site_header = "iMuse"
admin.site.site_title = "iMuse"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", operations.healthz, name="healthz"),
    # The GNU AGPL's offer of the source, open to anyone (every page's footer links to it).
    path("code-source/", views.source_code, name="source_code"),
    path("code-source/imuse-portal.tar.gz", views.source_code_archive, name="source_archive"),
    path("code-source/licence.txt", views.licence_text, name="licence_text"),
    path("", include("accounts.urls")),
    # Famille → My data composes every app: its views are the portal's, beside family's tabs.
    path("famille/mes-donnees/", views.my_data, name="my_data"),
    path("famille/mes-donnees/donnees.json", views.my_data_json, name="my_data_json"),
    path("famille/mes-donnees/version-lisible/", views.my_data_readable, name="my_data_readable"),
    path("famille/", include("family.urls")),
    # A calendar application's subscription: no login, the private token is the key.
    path("agenda/<str:token>.ics", family_views.calendar_feed, name="calendar_feed"),
    path("eleves/", include("students.urls")),
    path("reinscription/", include("reenrolment.urls")),
    path("facturation/", include("billing.urls")),
    path("accessibilite/", include("accessibility.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "imuse_portal.views.permission_denied"
handler404 = "imuse_portal.views.page_not_found"
handler500 = "imuse_portal.views.server_error"
