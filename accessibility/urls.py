from django.urls import path

from accessibility import views

app_name = "accessibility"

urlpatterns = [
    path("", views.menu, name="menu"),
    path("mode/", views.mode, name="mode"),
    path("raccourcis/", views.shortcuts, name="shortcuts"),
    path("aide/", views.help_page, name="help"),
    path("aide/telecharger/", views.help_download, name="help_download"),
    path("plan/", views.plan, name="plan"),
    path("declaration/", views.statement, name="statement"),
]
