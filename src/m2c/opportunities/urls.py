from django.urls import path

from m2c.core.imports.views import import_urls

from . import views
from .views import config as config_views

app_name = "opportunities"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.opportunity_list, name="list"),
    path("export/", views.opportunity_export, name="export"),
    path("new/", views.opportunity_create, name="create"),
    path("inbox/", views.inbox, name="inbox"),
    path("reports/", views.reports, name="reports"),
    path("configuration/", views.configuration, name="configuration"),
    path("configuration/bodies/", config_views.body_list, name="config-bodies"),
    path("configuration/bodies/<uuid:body_id>/", config_views.body_edit, name="config-body"),
    path("configuration/bodies/<uuid:body_id>/members/", config_views.body_member_add, name="config-body-member-add"),
    path("configuration/members/<int:membership_id>/end/", config_views.body_member_end, name="config-member-end"),
    path("configuration/matrix/", config_views.matrix_publish, name="config-matrix"),
    path("configuration/products/", config_views.product_list, name="config-products"),
    path("configuration/products/<uuid:product_id>/", config_views.product_edit, name="config-product"),
    path("configuration/price-lists/", config_views.price_list_list, name="config-price-lists"),
    path("configuration/price-lists/<uuid:price_list_id>/", config_views.price_list_edit, name="config-price-list"),
    path("<uuid:opportunity_id>/", views.opportunity_detail, name="detail"),
    path("<uuid:opportunity_id>/edit/", views.opportunity_edit, name="edit"),
    path("<uuid:opportunity_id>/move/", views.board_move, name="move"),
    path("<uuid:opportunity_id>/do/<slug:command>/", views.opportunity_command, name="command"),
    path("<uuid:opportunity_id>/team/", views.team_add, name="team-add"),
    path("team/<uuid:assignment_id>/end/", views.team_end, name="team-end"),
    path("<uuid:opportunity_id>/records/<slug:kind>/", views.record_add, name="record-add"),
    path("records/<slug:kind>/<uuid:record_id>/remove/", views.record_remove, name="record-remove"),
    path("<uuid:opportunity_id>/gates/<str:gate>/new/", views.review_create, name="review-create"),
    path("reviews/<uuid:review_id>/", views.review_detail, name="review"),
    path("reviews/<uuid:review_id>/files/<slug:code>/", views.review_file, name="review-file"),
    path("conditions/<uuid:condition_id>/<slug:action>/", views.condition_action, name="condition"),
    path("<uuid:opportunity_id>/quotes/new/", views.quote_create, name="quote-create"),
    path("quotes/<uuid:quote_id>/", views.quote_detail, name="quote"),
    path("quotes/<uuid:quote_id>/pdf/", views.quote_pdf, name="quote-pdf"),
    path("quote-lines/<uuid:line_id>/remove/", views.line_remove, name="line-remove"),
]
urlpatterns += import_urls("opportunities", "opportunities/imports")  # the shared import engine's pages
