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
    path("manage/", views.manage, name="manage"),
    path("manage/courses/new/", views.course_create, name="manage-course-create"),
    path("manage/courses/<uuid:course_id>/", views.course_manage, name="manage-course"),
    path("manage/banks/new/", views.bank_create, name="manage-bank-create"),
    path("manage/banks/<uuid:bank_id>/", views.bank_manage, name="manage-bank"),
    path("manage/questions/<int:question_id>/", views.question_edit, name="manage-question"),
    path("manage/exams/new/", views.exam_create, name="manage-exam-create"),
    path("manage/exams/<uuid:exam_id>/", views.exam_manage, name="manage-exam"),
]
