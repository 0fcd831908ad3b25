from django.urls import path

from m2c.core.imports.views import import_urls

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("plan/", views.campaign_plan, name="plan"),
    path("nurture/", views.nurture, name="nurture"),
    path("budgets/", views.budget_list, name="budgets"),
    path("budgets/new/", views.budget_create, name="budget-create"),
    path("budgets/<uuid:budget_id>/", views.budget_detail, name="budget"),
    path("budgets/<uuid:budget_id>/allocate/", views.budget_allocate, name="budget-allocate"),
    path("<uuid:campaign_id>/", views.campaign_detail, name="detail"),
    path("<uuid:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<uuid:campaign_id>/do/<slug:command>/", views.campaign_command, name="command"),
    path("<uuid:campaign_id>/expenses/", views.expense_add, name="expense-add"),
    path("<uuid:campaign_id>/expenses/<uuid:expense_id>/evidence/", views.expense_evidence, name="expense-evidence"),
    path("<uuid:campaign_id>/reapprove/", views.reapprove, name="reapprove"),
    path("<uuid:campaign_id>/evaluations/<int:evaluation_id>/record/", views.evaluation_record,
         name="evaluation-record"),
    # The marketing asset library (views/assets.py).
    path("assets/", views.asset_list, name="assets"),
    path("assets/new/", views.asset_create, name="asset-create"),
    path("assets/<uuid:asset_id>/", views.asset_detail, name="asset"),
    path("assets/<uuid:asset_id>/edit/", views.asset_edit, name="asset-edit"),
    path("assets/<uuid:asset_id>/versions/", views.asset_version_upload, name="asset-version-upload"),
    path("assets/<uuid:asset_id>/versions/<int:number>/download/", views.asset_download, name="asset-download"),
    path("assets/<uuid:asset_id>/do/<slug:command>/", views.asset_command, name="asset-command"),
    path("<uuid:campaign_id>/assets/", views.campaign_asset_link, name="asset-link"),
    path("<uuid:campaign_id>/assets/<uuid:asset_id>/unlink/", views.campaign_asset_unlink, name="asset-unlink"),
    path("lead-quality/", views.lead_quality_report, name="lead-quality"),
    # Invitations, registration, check-in and responses (issue 11 items 4, 5).
    path("r/<slug:code>/", views.register, name="register"),
    path("r/<slug:code>/done/<str:token>/", views.registered, name="registered"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("responses/", views.response_list, name="responses"),
    path("responses/<uuid:response_id>/convert/", views.response_convert, name="response-convert"),
    path("<uuid:campaign_id>/checkin/", views.checkin, name="checkin"),
    path("<uuid:campaign_id>/invite/", views.invite, name="invite"),
]
urlpatterns += import_urls("responses", "campaigns/imports")  # response files through the shared import engine
