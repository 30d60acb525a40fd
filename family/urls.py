from django.urls import path

from family import views

app_name = "family"

urlpatterns = [
    path("", views.identity, name="identity"),
    path("agenda/", views.calendar, name="calendar"),
    path("responsables/", views.guardians, name="guardians"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:type_id>/", views.document, name="document"),
    path("documents/fichier/<int:document_id>/", views.document_file, name="document_file"),
]
