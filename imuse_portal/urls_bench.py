"""The benchmark's URLconf: the portal's, and a bare view (no template, no query of its own)
whose throughput is the reference of every page's."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


urlpatterns = [
    path("banc-d-essai/nu/", bare, name="bench_bare"),
    path("", include("imuse_portal.urls")),
]

handler403 = "imuse_portal.views.permission_denied"
handler404 = "imuse_portal.views.page_not_found"
handler500 = "imuse_portal.views.server_error"
