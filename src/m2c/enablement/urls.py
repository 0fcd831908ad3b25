from django.urls import path

from . import views

app_name = "enablement"
urlpatterns = [
    path("", views.course_list, name="index"),
    path("courses/<uuid:course_id>/", views.course_detail, name="course-detail"),
    path("exams/<uuid:exam_id>/", views.exam_detail, name="exam-detail"),
    path("attempts/<uuid:attempt_id>/", views.attempt_page, name="attempt"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("coverage/", views.coverage_page, name="coverage"),
]
