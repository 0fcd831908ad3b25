from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("export/", views.contract_export, name="export"),
    path("<uuid:contract_id>/", views.contract_detail, name="detail"),
    path("<uuid:contract_id>/handover/", views.handover, name="handover"),
    path("<uuid:contract_id>/sites/", views.site_add, name="site-add"),
    path("<uuid:contract_id>/sites/<uuid:site_id>/", views.site_edit, name="site-edit"),
    path("<uuid:contract_id>/purchase-orders/", views.purchase_order_add, name="po-add"),
    path("<uuid:contract_id>/shipments/", views.shipment_add, name="shipment-add"),
    path("<uuid:contract_id>/certificates/", views.certificate_add, name="certificate-add"),
    path("<uuid:contract_id>/do/<slug:command>/", views.contract_command, name="command"),
    path("<uuid:contract_id>/reviews/<slug:gate>/", views.review_open, name="review-open"),
    path("<uuid:contract_id>/changes/", views.change_add, name="change-add"),
    path("<uuid:contract_id>/changes/<uuid:change_id>/", views.change_edit, name="change-edit"),
    path("<uuid:contract_id>/changes/<uuid:change_id>/<slug:command>/", views.change_command, name="change-command"),
    path("<uuid:contract_id>/evaluation/", views.evaluation_save, name="evaluation"),
    path("<uuid:contract_id>/files/<slug:file_kind>/<uuid:file_id>/", views.contract_file, name="file"),
]
