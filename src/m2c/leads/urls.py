from django.urls import path

from . import views, views_imports
from .views import routing_rules

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("export.csv", views.lead_export, name="export"),
    path("bulk/", views.lead_bulk, name="bulk"),
    path("new/", views.lead_create, name="create"),
    path("new/duplicates/", views.duplicate_check, name="duplicate-check"),
    path("mine/", views.my_leads, name="mine"),
    path("review/", views.review_list, name="review"),
    path("views/", views.saved_view_create, name="view-create"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="view-delete"),
    path("imports/", views_imports.import_upload, name="import"),
    path("imports/<uuid:import_id>/", views_imports.import_detail, name="import-detail"),
    path("imports/<uuid:import_id>/resume/", views_imports.import_resume_view, name="import-resume"),
    path("imports/<uuid:import_id>/progress/", views_imports.import_progress, name="import-progress"),
    path("imports/<uuid:import_id>/errors.csv", views_imports.import_errors, name="import-errors"),
    path("routing/", routing_rules.routing_rule_list, name="routing-rules"),
    path("routing/new/", routing_rules.routing_rule_create, name="routing-rule-create"),
    path("routing/<uuid:rule_id>/", routing_rules.routing_rule_edit, name="routing-rule"),
    path("routing/<uuid:rule_id>/move/<slug:direction>/", routing_rules.routing_rule_move, name="routing-rule-move"),
    path("routing/<uuid:rule_id>/toggle/", routing_rules.routing_rule_toggle, name="routing-rule-toggle"),
    path("merges/<uuid:merge_id>/undo/", views.merge_undo, name="merge-undo"),
    path("campaigns/<slug:code>/", views.campaign_outcomes, name="campaign-outcomes"),
    path("form/<slug:code>/", views.web_form, name="web-form"),
    path("form/<slug:code>/thanks/", views.web_form_thanks, name="web-form-thanks"),
    path("<uuid:lead_id>/", views.lead_detail, name="detail"),
    path("<uuid:lead_id>/edit/", views.lead_edit, name="edit"),
    path("<uuid:lead_id>/activities/", views.lead_activity, name="activity"),
    path("<uuid:lead_id>/contacts/", views.lead_contact, name="contact"),
    path("<uuid:lead_id>/touches/", views.lead_touch, name="touch"),
    path("<uuid:lead_id>/merge/", views.merge, name="merge"),
    path("<uuid:lead_id>/convert/", views.lead_convert, name="convert"),
    path("<uuid:lead_id>/<slug:action>/", views.lead_action, name="action"),
]
