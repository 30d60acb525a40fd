from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("langue/", views.set_language, name="set_language"),
    path("mot-de-passe/", views.password_change, name="password_change"),
    path("mot-de-passe/nouveau/", views.password_generate, name="password_generate"),
]
