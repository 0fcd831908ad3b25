from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("", views.requirement_list, name="index"),
    path("requirements/export/", views.requirement_export, name="requirement-export"),
    path("requirements/backlog/", views.backlog, name="backlog"),
    path("requirements/backlog/export/", views.backlog_export, name="backlog-export"),
    path("requirements/new/", views.requirement_raise, name="requirement-raise"),
    path("requirements/<uuid:requirement_id>/", views.requirement_detail, name="requirement-detail"),
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_create, name="segment-create"),
    path("segments/<uuid:segment_id>/", views.segment_detail, name="segment-detail"),
    path("segments/<uuid:segment_id>/edit/", views.segment_edit, name="segment-edit"),
    path("target-lists/", views.target_list_list, name="target-lists"),
    path("target-lists/new/", views.target_list_create, name="target-list-create"),
    path("target-lists/<uuid:target_list_id>/", views.target_list_detail, name="target-list-detail"),
    path("target-lists/<uuid:target_list_id>/edit/", views.target_list_edit, name="target-list-edit"),
    path("plans/", views.business_plan_list, name="business-plans"),
    path("plans/new/", views.business_plan_create, name="business-plan-create"),
    path("plans/<uuid:business_plan_id>/edit/", views.business_plan_edit, name="business-plan-edit"),
    path("accounts/", views.key_account_list, name="key-accounts"),
    path("accounts/new/", views.key_account_create, name="key-account-create"),
    path("accounts/<uuid:account_plan_id>/", views.key_account_detail, name="key-account-detail"),
    path("accounts/<uuid:account_plan_id>/edit/", views.key_account_edit, name="key-account-edit"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<uuid:report_id>/", views.report_detail, name="report-detail"),
    path("reports/<uuid:report_id>/edit/", views.report_edit, name="report-edit"),
    path("reports/<uuid:report_id>/files/<uuid:attachment_id>/", views.report_file, name="report-file"),
    path("centers/", views.center_list, name="centers"),
    path("centers/<uuid:center_id>/", views.center_home, name="center-home"),
    path("innovation/", views.innovation_list, name="innovation"),
    path("innovation/new/", views.innovation_create, name="innovation-create"),
    path("innovation/<uuid:innovation_id>/", views.innovation_detail, name="innovation-detail"),
    path("innovation/<uuid:innovation_id>/edit/", views.innovation_edit, name="innovation-edit"),
]
