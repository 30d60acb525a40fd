from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import views
from accounts.access import FAMILY, PUBLIC

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("langue/", views.set_language, name="set_language"),
    path("mot-de-passe/", views.upcoming(_("Password"), FAMILY), name="password_change"),
    path(
        "mot-de-passe/nouveau/",
        views.upcoming(_("Generate a new password"), PUBLIC),
        name="password_generate",
    ),
]
