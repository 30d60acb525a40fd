from django.urls import path

from students import record_views, views

app_name = "students"

urlpatterns = [
    path("", views.student_list, name="list"),
    path("<int:student_id>/", views.student_detail, name="detail"),
    path("<int:student_id>/cours/", record_views.courses, name="courses"),
    path("<int:student_id>/cours/<int:enrolment_id>/", record_views.course, name="course"),
    path(
        "<int:student_id>/cours/<int:enrolment_id>/signaler-une-absence/",
        record_views.report_absence,
        name="report_absence",
    ),
    path(
        "<int:student_id>/cours/<int:enrolment_id>/evaluations/<int:evaluation_id>/",
        record_views.evaluation,
        name="evaluation",
    ),
    path(
        "<int:student_id>/cours/<int:enrolment_id>/absences/<int:absence_id>/",
        record_views.absence,
        name="absence",
    ),
    path("<int:student_id>/historique/", record_views.history, name="history"),
    path(
        "<int:student_id>/historique/<int:enrolment_id>/",
        record_views.history_record,
        name="history_record",
    ),
    path("<int:student_id>/repertoire/", record_views.repertoire, name="repertoire"),
    path(
        "<int:student_id>/repertoire/<int:performance_id>/",
        record_views.performance,
        name="performance",
    ),
    path("<int:student_id>/documents/", views.student_documents, name="documents"),
    path("<int:student_id>/documents/<int:type_id>/", views.student_document, name="document"),
]
