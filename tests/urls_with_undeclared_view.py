"""The portal's URLconf plus one view that forgot to declare its access rule (guard self-test)."""

from django.http import HttpResponse
from django.urls import path

from imuse_portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def undeclared_view(request):
    return HttpResponse("a page nobody decided about")


urlpatterns = [*urlpatterns, path("undeclared/", undeclared_view, name="undeclared")]
