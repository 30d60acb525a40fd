from django.contrib import admin
from django.urls import include, path

from imuse_portal import operations, views

admin.site.site_header = "iMuse"
admin.site.site_title = "iMuse"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", operations.healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("famille/", include("family.urls")),
    path("eleves/", include("students.urls")),
    path("reinscription/", include("reenrolment.urls")),
    path("facturation/", include("billing.urls")),
    path("accessibilite/", include("accessibility.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "imuse_portal.views.permission_denied"
handler404 = "imuse_portal.views.page_not_found"
handler500 = "imuse_portal.views.server_error"
