from django.urls import path

from students import views

app_name = "students"

urlpatterns = [
    path("", views.student_list, name="list"),
    path("<int:student_id>/", views.student_detail, name="detail"),
    path("<int:student_id>/cours/", views.student_courses, name="courses"),
    path("<int:student_id>/historique/", views.student_history, name="history"),
    path("<int:student_id>/repertoire/", views.student_repertoire, name="repertoire"),
    path("<int:student_id>/documents/", views.student_documents, name="documents"),
    path("<int:student_id>/documents/<int:type_id>/", views.student_document, name="document"),
]
