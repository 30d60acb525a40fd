from django.urls import path

from reenrolment import views

app_name = "reenrolment"

urlpatterns = [
    path("<int:student_id>/", views.start, name="start"),
    path("<int:student_id>/refus/", views.decline, name="decline"),
    path("<int:student_id>/etape/<slug:slug>/", views.step, name="step"),
    path("<int:student_id>/liste-d-attente/", views.waiting_lists, name="waiting"),
    path(
        "<int:student_id>/liste-d-attente/<int:waiting_id>/",
        views.waiting_answer,
        name="waiting_answer",
    ),
]
